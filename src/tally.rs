//! The streaming tally: bytes in, a report out.
//!
//! ```text
//! bytes ─▶ Decoder ─▶ Splitter ─▶ HeaderMap ─▶ Cells ─▶ dataset row ─▶ Pipeline ─▶ Report
//! ```

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::datasets::{Cells, Dataset, Engine, Outcome};
use crate::error::{Error, FileError, Problem, Result};
use crate::input::decode::{Decoder, SourceEncoding};
use crate::input::fields::trim;
use crate::input::header::HeaderMap;
use crate::input::records::{Overflow, Record, RecordLimits, Splitter};
use crate::options::{BadRowPolicy, Options};
use crate::report::{PeriodInfo, Problems, Report, RowCounts, SCHEMA_VERSION};

/// Size of the reads [`Tally::feed_file`] makes.
const READ_CHUNK: usize = 256 * 1024;

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
    options: Options,
    input: Option<FileInput>,
    sink: Sink,
}

/// Decoding and splitting state of the file being read.
struct FileInput {
    decoder: Decoder,
    splitter: Splitter,
}

/// Everything after splitting: header, rows, problems, figures.
struct Sink {
    dataset: Dataset,
    file: String,
    header: Option<HeaderMap>,
    /// Columns the header must fill for a row to be whole.
    width: usize,
    engine: Box<dyn Engine>,
    rows: RowCounts,
    problems: Problems,
    max_problems: usize,
    aliases: Vec<(String, String)>,
    fatal: Option<FileError>,
    scratch: Vec<Problem>,
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
        if options.limits.max_columns == 0 || options.limits.max_record_bytes == 0 {
            return Err(Error::InvalidOption("limits must be at least 1".into()));
        }
        Ok(Tally {
            sink: Sink {
                dataset,
                file: UNNAMED.to_string(),
                header: None,
                width: 0,
                engine: dataset.engine(options.period),
                rows: RowCounts::default(),
                problems: Problems::default(),
                max_problems: options.limits.max_problems,
                aliases: options.aliases.clone(),
                fatal: None,
                scratch: Vec::new(),
            },
            options: options.clone(),
            input: None,
        })
    }

    /// The dataset being tallied.
    pub fn dataset(&self) -> Dataset {
        self.sink.dataset
    }

    /// Ends the current file, if any, and names the next one; problems in it
    /// carry this name. Each file has its own header and encoding.
    pub fn begin_file(&mut self, name: &str) -> Result<()> {
        self.end_file()?;
        self.sink.file = name.to_string();
        self.open();
        Ok(())
    }

    fn open(&mut self) {
        let limits = RecordLimits {
            max_record_bytes: self.options.limits.max_record_bytes,
            max_fields: self.options.limits.max_columns,
        };
        self.input = Some(FileInput {
            decoder: Decoder::new(self.options.encoding),
            splitter: Splitter::new(self.options.delimiter, limits),
        });
        self.sink.header = None;
    }

    /// Feeds the next bytes of the current file (starting an unnamed one if
    /// none is open).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<()> {
        if self.input.is_none() {
            self.open();
        }
        self.pump(bytes, false)
    }

    fn pump(&mut self, bytes: &[u8], last: bool) -> Result<()> {
        self.sink.check()?;
        let Some(FileInput { decoder, splitter }) = self.input.as_mut() else {
            return Ok(());
        };
        let sink = &mut self.sink;
        let mut deliver = |b: &[u8], enc: SourceEncoding| {
            splitter.feed(b, &mut |rec| sink.record(rec, enc));
        };
        let decoded = decoder.feed(bytes, last, &mut deliver);
        if last {
            let enc = decoder.field_encoding();
            splitter.finish(&mut |rec| sink.record(rec, enc));
        }
        if let Err(c) = decoded {
            sink.fatal.get_or_insert(FileError::BomConflict {
                bom: c.bom.to_string(),
                chosen: c.chosen.to_string(),
            });
        }
        sink.check()
    }

    /// Ends the current file: the last record without a line break is read,
    /// and a file without a header is an error.
    pub fn end_file(&mut self) -> Result<()> {
        if self.input.is_none() {
            return Ok(());
        }
        self.pump(&[], true)?;
        self.input = None;
        if self.sink.header.is_none() {
            self.sink.fatal = Some(FileError::NoHeader);
            return self.sink.check();
        }
        Ok(())
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
        let mut buf = vec![0u8; READ_CHUNK];
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
        if self.input.is_none() && self.sink.header.is_none() && self.sink.rows.read == 0 {
            // Nothing was ever fed: an empty input.
            self.open();
        }
        self.end_file()?;
        let sink = self.sink;
        let mut rows = sink.rows;
        if self.options.on_bad_row == BadRowPolicy::Fail && rows.rejected > 0 {
            return Err(Error::Rejected {
                rows: rows.rejected,
                total: sink.problems.total,
                problems: sink.problems.items,
            });
        }
        let done = sink.engine.finish(self.options.rounding)?;
        rows.counted = done.counted;
        rows.out_of_period = done.out_of_period;
        debug_assert!(rows.balanced(), "{rows:?}");
        Ok(Report {
            schema_version: SCHEMA_VERSION,
            dataset: sink.dataset,
            period: PeriodInfo {
                start: done.period.start,
                end: done.period.end,
                inferred: done.inferred,
            },
            rows,
            problems: sink.problems,
            figures: done.figures,
        })
    }
}

impl Sink {
    fn check(&self) -> Result<()> {
        match &self.fatal {
            Some(e) => Err(Error::File {
                file: self.file.clone(),
                error: e.clone(),
            }),
            None => Ok(()),
        }
    }

    fn record(&mut self, rec: &Record<'_>, enc: SourceEncoding) {
        if self.fatal.is_some() {
            return;
        }
        let Some(map) = self.header.as_ref() else {
            self.header_record(rec, enc);
            return;
        };
        self.rows.read += 1;
        if is_blank(rec, enc) {
            self.rows.blank += 1;
            return;
        }
        if let Some(problem) = shape_problem(rec, map, self.width, enc, &self.file) {
            self.rows.rejected += 1;
            self.keep(std::iter::once(problem));
            return;
        }
        let mut problems = std::mem::take(&mut self.scratch);
        let whole = match enc {
            SourceEncoding::Gb18030 if !rec.bytes().is_ascii() => None,
            _ => rec.utf8(),
        };
        let mut cells = Cells {
            record: rec,
            whole,
            map,
            encoding: enc,
            file: &self.file,
            problems: &mut problems,
        };
        match self.engine.row(&mut cells) {
            Outcome::Rejected => {
                self.rows.rejected += 1;
                self.keep(problems.drain(..));
            }
            Outcome::Duplicate => self.rows.duplicates += 1,
            Outcome::Counted | Outcome::OutOfPeriod | Outcome::Held => {}
        }
        problems.clear();
        self.scratch = problems;
    }

    fn keep(&mut self, problems: impl Iterator<Item = Problem>) {
        for p in problems {
            self.problems.total += 1;
            if self.problems.items.len() < self.max_problems {
                self.problems.items.push(p);
            }
        }
    }

    fn header_record(&mut self, rec: &Record<'_>, enc: SourceEncoding) {
        if is_blank(rec, enc) {
            // Blank lines before the header are lines read too.
            self.rows.read += 1;
            self.rows.blank += 1;
            return;
        }
        if let Some(o) = rec.overflow {
            self.fatal = Some(FileError::HeaderTooLarge(match o {
                Overflow::TooLong => "is longer than the record size limit".to_string(),
                Overflow::TooManyFields => "has more columns than the column limit".to_string(),
                Overflow::UnclosedQuote => "opens a quoted field that is never closed".to_string(),
            }));
            return;
        }
        let mut names = Vec::with_capacity(rec.len());
        for i in 0..rec.len() {
            let raw = rec.field(i).unwrap_or(&[]);
            match enc.decode_field(raw) {
                Ok(s) => names.push(trim(&s).to_string()),
                Err(reason) => {
                    self.fatal = Some(FileError::HeaderEncoding {
                        column: i + 1,
                        value: enc.escape_invalid(raw),
                        reason,
                    });
                    return;
                }
            }
        }
        match HeaderMap::new(self.dataset.columns(), &names, &self.aliases) {
            Ok(map) => {
                self.width = names
                    .iter()
                    .rposition(|n| !n.is_empty())
                    .map_or(0, |p| p + 1);
                self.header = Some(map);
            }
            Err(e) => self.fatal = Some(e),
        }
    }
}

/// A blank line: nothing but white space (ASCII, U+3000, …) and delimiters.
fn is_blank(rec: &Record<'_>, enc: SourceEncoding) -> bool {
    rec.blank
        || (rec.blank_candidate
            && (0..rec.len()).all(|i| {
                enc.decode_field(rec.field(i).unwrap_or(&[]))
                    .is_ok_and(|s| trim(&s).is_empty())
            }))
}

/// A row whose shape is wrong: too long, too many fields, an unclosed
/// quote, fewer fields than the header, or non-empty fields past its end.
fn shape_problem(
    rec: &Record<'_>,
    map: &HeaderMap,
    width: usize,
    enc: SourceEncoding,
    file: &str,
) -> Option<Problem> {
    let problem = |column: String, value: String, reason: String| Problem {
        file: file.to_string(),
        line: rec.line,
        column,
        value,
        reason,
    };
    let excerpt = || {
        let joined = rec.joined();
        let shown = match enc.decode_field(&joined) {
            Ok(s) => s.into_owned(),
            Err(_) => enc.escape_invalid(&joined),
        };
        shown.chars().take(80).collect::<String>()
    };
    if let Some(o) = rec.overflow {
        let reason = match o {
            Overflow::TooLong => {
                "the row is longer than the record size limit (Limits::max_record_bytes)"
            }
            Overflow::TooManyFields => {
                "the row has more fields than the column limit (Limits::max_columns)"
            }
            Overflow::UnclosedQuote => "a quoted field opened on this line is never closed",
        };
        return Some(problem(String::new(), excerpt(), reason.to_string()));
    }
    let n = rec.len();
    if n < width {
        return Some(problem(
            map.names[n].clone(),
            String::new(),
            format!("the row has {n} fields but the header has {width}"),
        ));
    }
    let extra =
        (map.names.len()..n).find(|&i| !rec.field(i).unwrap_or(&[]).iter().all(|&b| b == b' '));
    if let Some(i) = extra {
        let raw = rec.field(i).unwrap_or(&[]);
        let value = enc
            .decode_field(raw)
            .map(|s| s.into_owned())
            .unwrap_or_else(|_| enc.escape_invalid(raw));
        return Some(problem(
            format!("(field {} past the header)", i + 1),
            value,
            format!(
                "the row has {n} fields but the header has {}",
                map.names.len()
            ),
        ));
    }
    None
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
    let mut splitter = Splitter::new(options.delimiter, limits);
    let mut header: Option<std::result::Result<Vec<String>, FileError>> = None;
    let mut buf = vec![0u8; 64 * 1024];
    let file_error = |error| Error::File {
        file: shown.clone(),
        error,
    };
    let bom = |c: crate::input::decode::BomConflict| FileError::BomConflict {
        bom: c.bom.into(),
        chosen: c.chosen.into(),
    };
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        let last = n == 0;
        let mut on_record = |rec: &Record<'_>, enc: SourceEncoding| {
            if header.is_some() || is_blank(rec, enc) {
                return;
            }
            header = Some(if rec.overflow.is_some() {
                Err(FileError::HeaderTooLarge(
                    "is too large to be a header".into(),
                ))
            } else {
                (0..rec.len())
                    .map(|i| {
                        let raw = rec.field(i).unwrap_or(&[]);
                        enc.decode_field(raw)
                            .map(|s| trim(&s).to_string())
                            .map_err(|reason| FileError::HeaderEncoding {
                                column: i + 1,
                                value: enc.escape_invalid(raw),
                                reason,
                            })
                    })
                    .collect()
            });
        };
        let mut deliver =
            |b: &[u8], enc: SourceEncoding| splitter.feed(b, &mut |r| on_record(r, enc));
        decoder
            .feed(&buf[..n], last, &mut deliver)
            .map_err(|c| file_error(bom(c)))?;
        if last {
            let enc = decoder.field_encoding();
            splitter.finish(&mut |r| on_record(r, enc));
        }
        if header.is_some() || last {
            break;
        }
    }
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
        [] => Err(file_error(FileError::UnknownDataset { found: names })),
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
