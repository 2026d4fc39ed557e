//! The streaming tally: bytes in, a report out.
//!
//! ```text
//! bytes ─▶ Decoder ─▶ Splitter ─▶ HeaderMap ─▶ Cells ─▶ dataset row ─▶ Pipeline ─▶ Report
//! ```

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::engine::{FileEngine, header_names, is_blank};
use crate::error::{Error, FileError, Result};
use crate::input::decode::{Decoder, SourceEncoding, transcode_gb18030};
use crate::input::header::HeaderMap;
use crate::input::records::{Record, RecordLimits, Splitter};
use crate::options::Options;
use crate::registry::{Dataset, Figures};
use crate::report::{Report, SCHEMA_VERSION};

/// Size of the reads [`Tally::feed_file`] makes with several threads: a
/// batch for all of them.
const READ_CHUNK: usize = 4 << 20;

/// Size of the reads with one thread: small enough that the bytes the
/// kernel copies in are still in the core's L2 cache when they are split
/// (farm-bench on 10M rows: 0.90-0.96 of the time with 4 MiB reads).
const READ_CHUNK_ONE_THREAD: usize = 256 << 10;

/// The name problems carry for input that was never named.
pub const UNNAMED: &str = "<input>";

/// A tally of one dataset over one or more files, fed bytes in chunks of
/// any size (a chunk may end in the middle of a field or a character).
///
/// ```
/// use govtally::{Dataset, Options, Tally};
///
/// let csv = "登记编号,登记日期,问题类别\nA1,2023-03-01,欠薪\nA2,2022-03-01,欠薪\nA3,2022/5/1,社会保险\n";
/// let mut tally = Tally::new(Dataset::Complaints, &Options::default().year(2023)?)?;
/// for chunk in csv.as_bytes().chunks(5) {
///     tally.feed(chunk)?;
/// }
/// let report = tally.finish()?;
/// assert_eq!(report.figure("total.current"), Some(1.into()));
/// assert_eq!(report.figure("total.previous"), Some(2.into()));
/// assert_eq!(report.figure("total.change_pct"), Some((-50.0).into()));
/// assert_eq!(report.rows.read, 3);
/// # Ok::<(), govtally::Error>(())
/// ```
pub struct Tally {
    dataset: Dataset,
    options: Options,
    /// The decoder of the file being read, if one is open.
    decoder: Option<Decoder>,
    engine: Box<dyn FileEngine<Figures>>,
    files: u64,
}

impl Tally {
    /// A tally of `dataset` with `options`. Extra aliases must name columns
    /// of the dataset.
    pub fn new(dataset: Dataset, options: &Options) -> Result<Tally> {
        let keys: Vec<&str> = dataset.columns().iter().map(|c| c.key).collect();
        for (header, key) in &options.aliases {
            let k = crate::input::fields::normalise_header(key);
            if !keys.contains(&k.as_str()) {
                return Err(Error::InvalidOption(format!(
                    "alias `{header}` → `{key}`: {dataset} has no column `{key}`; its columns are {}",
                    keys.join(", ")
                )));
            }
        }
        options.validate()?;
        if let Some(d) = options.delimiter {
            if !d.is_ascii() || matches!(d, b'"' | b'\r' | b'\n') {
                return Err(Error::InvalidOption(format!(
                    "invalid delimiter {d:#04x}: give an ASCII byte other than a quote, CR or LF"
                )));
            }
        }
        Ok(Tally {
            dataset,
            engine: dataset.engine(options),
            options: options.clone(),
            decoder: None,
            files: 0,
        })
    }

    /// The dataset being tallied.
    pub fn dataset(&self) -> Dataset {
        self.dataset
    }

    /// Ends the current file, if any, and names the next one; problems in it
    /// carry this name. Each file has its own header and encoding.
    pub fn begin_file(&mut self, name: &str) -> Result<()> {
        self.end_file()?;
        self.open(name);
        Ok(())
    }

    fn open(&mut self, name: &str) {
        self.engine.begin_file(name);
        self.decoder = Some(Decoder::new(self.options.encoding));
        self.files += 1;
    }

    /// Feeds the next bytes of the current file (starting an unnamed one if
    /// none is open).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<()> {
        if self.decoder.is_none() {
            self.open(UNNAMED);
        }
        self.pump(bytes, false)
    }

    fn pump(&mut self, bytes: &[u8], last: bool) -> Result<()> {
        self.engine.check()?;
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        let engine = &mut self.engine;
        let decoded = decoder.feed(bytes, last, &mut |b, enc| engine.feed(b, enc));
        if let Err(c) = decoded {
            engine.fail(FileError::BomConflict {
                bom: c.bom.to_string(),
                chosen: c.chosen.to_string(),
            });
        }
        engine.check()
    }

    /// Ends the current file: the last record without a line break is read,
    /// and a file without a header is an error.
    pub fn end_file(&mut self) -> Result<()> {
        if self.decoder.is_none() {
            return Ok(());
        }
        self.pump(&[], true)?;
        self.decoder = None;
        self.engine.end_file();
        self.engine.check()
    }

    /// Reads a whole file from disk as the next file of the tally.
    pub fn feed_file(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let io = |source| Error::Io {
            path: shown.clone(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        if file.metadata().map_err(io)?.is_dir() {
            return Err(io(std::io::Error::other("is a directory, not a file")));
        }
        self.begin_file(&shown)?;
        let chunk = if self.options.worker_threads() == 1 {
            READ_CHUNK_ONE_THREAD
        } else {
            READ_CHUNK
        };
        let mut buf = vec![0u8; chunk];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io(e)),
            };
            self.pump(&buf[..n], false)?;
        }
        self.end_file()
    }

    /// Ends the input and computes the report. Under the `fail` policy any
    /// rejected row makes this an [`Error::Rejected`] listing the problems.
    pub fn finish(mut self) -> Result<Report> {
        if self.files == 0 {
            // Nothing was ever fed: an empty input.
            self.open(UNNAMED);
        }
        self.end_file()?;
        let t = self.engine.finish()?;
        Ok(Report {
            schema_version: SCHEMA_VERSION,
            dataset: self.dataset,
            period: t.period,
            rows: t.rows,
            problems: t.problems,
            figures: t.figures,
        })
    }
}

/// Tallies one file with `options`.
pub fn tally_file(dataset: Dataset, path: impl AsRef<Path>, options: &Options) -> Result<Report> {
    tally_files(dataset, &[path], options)
}

/// Tallies several files of one dataset together (a year exported month by
/// month); ids repeated across files are duplicates.
pub fn tally_files<P: AsRef<Path>>(
    dataset: Dataset,
    paths: &[P],
    options: &Options,
) -> Result<Report> {
    let mut t = Tally::new(dataset, options)?;
    for p in paths {
        t.feed_file(p)?;
    }
    t.finish()
}

/// Recognises a file's dataset from its header: the dataset all of whose
/// required columns are present; when several qualify, the one that
/// recognises strictly more columns; a tie or no match is an error.
pub fn detect_dataset(path: impl AsRef<Path>, options: &Options) -> Result<Dataset> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let io = |source| Error::Io {
        path: shown.clone(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.is_dir() {
        return Err(io(std::io::Error::other("is a directory, not a file")));
    }
    let limits = RecordLimits {
        max_record_bytes: options.limits.max_record_bytes,
        max_fields: options.limits.max_columns,
    };
    let mut decoder = Decoder::new(options.encoding);
    let mut buf = vec![0u8; 64 * 1024];
    let file_error = |error| Error::File {
        file: shown.clone(),
        error,
    };
    let bom = |c: crate::input::decode::BomConflict| FileError::BomConflict {
        bom: c.bom.into(),
        chosen: c.chosen.into(),
    };
    // Decoded bytes from the start of the file, until they hold a header.
    let mut raw: Vec<u8> = Vec::new();
    let mut enc = SourceEncoding::Utf8;
    let header = loop {
        let n = file.read(&mut buf).map_err(io)?;
        let last = n == 0;
        decoder
            .feed(&buf[..n], last, &mut |b, e| {
                raw.extend_from_slice(b);
                enc = e;
            })
            .map_err(|c| file_error(bom(c)))?;
        if !last && !raw.contains(&b'\n') {
            if raw.len() > limits.max_record_bytes {
                break Some(Err(FileError::HeaderTooLarge(
                    "is longer than the record size limit".into(),
                )));
            }
            continue;
        }
        let piece = if last {
            &raw[..]
        } else {
            &raw[..raw.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)]
        };
        let mut text = Vec::new();
        let piece = if enc == SourceEncoding::Gb18030 {
            let len = transcode_gb18030(piece, &mut text);
            &text[..len]
        } else {
            piece
        };
        let mut splitter = Splitter::new(options.delimiter, limits);
        let mut header: Option<std::result::Result<Vec<String>, FileError>> = None;
        let mut on_record = |rec: &Record<'_>| {
            if header.is_some() || is_blank(rec, enc) {
                return;
            }
            header = Some(if rec.overflow.is_some() {
                Err(FileError::HeaderTooLarge(
                    "is too large to be a header".into(),
                ))
            } else {
                header_names(rec, enc)
            });
        };
        splitter.feed(piece, &mut on_record);
        if last {
            splitter.finish(&mut on_record);
        }
        if header.is_some() || last {
            break header;
        }
        if raw.len() > limits.max_record_bytes {
            break Some(Err(FileError::HeaderTooLarge(
                "is longer than the record size limit".into(),
            )));
        }
    };
    let names = match header {
        None => return Err(file_error(FileError::NoHeader)),
        Some(h) => h.map_err(file_error)?,
    };
    let mut matches: Vec<(Dataset, usize)> = Vec::new();
    for d in Dataset::ALL {
        let keys: Vec<&str> = d.columns().iter().map(|c| c.key).collect();
        let aliases: Vec<(String, String)> = options
            .aliases
            .iter()
            .filter(|(_, k)| keys.contains(&crate::input::fields::normalise_header(k).as_str()))
            .cloned()
            .collect();
        if let Ok(m) = HeaderMap::new(d.columns(), &names, &aliases) {
            matches.push((d, m.matched));
        }
    }
    matches.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    match matches.as_slice() {
        [] => Err(file_error(FileError::UnknownDataset {
            known: Dataset::ALL.map(|d| d.name().to_string()).to_vec(),
            found: names,
        })),
        [(d, _)] => Ok(*d),
        [(d, a), (_, b), ..] if a > b => Ok(*d),
        _ => {
            let best = matches[0].1;
            Err(file_error(FileError::AmbiguousDataset {
                candidates: matches
                    .iter()
                    .filter(|(_, n)| *n == best)
                    .map(|(d, _)| d.name().to_string())
                    .collect(),
                found: names,
            }))
        }
    }
}
