//! The streaming tally: bytes in, a report out.
//!
//! ```text
//! bytes ─▶ Decoder ─▶ Splitter ─▶ HeaderMap ─▶ Cells ─▶ dataset row ─▶ Pipeline ─▶ Report
//! ```

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::engine::{FileEngine, HEADER_ROWS, header_names, is_blank};
use crate::error::{Error, FileError, Result};
use crate::input::decode::{Decoder, SourceEncoding, transcode_gb18030};
use crate::input::header::{ColumnSpec, HeaderMap};
use crate::input::mask::mask_personal;
use crate::input::records::{Overflow, Record, RecordLimits, Splitter};
use crate::input::workbook::{
    SheetRow, Workbook, has_workbook_extension, is_workbook_bytes, not_a_workbook,
};
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
    /// The bytes of the file being read, counted and hashed, when the
    /// tally keeps state (its identity, see [`Options::keep_state`]).
    identity: Option<(u64, xxhash_rust::xxh3::Xxh3)>,
    /// Whether inputs are identified, so that one taken twice is refused:
    /// when the tally keeps state, and once it has taken one.
    check_inputs: bool,
    not_read: Vec<SheetNotRead>,
}

/// A workbook sheet a tally left out: its header (within its first rows)
/// does not map the ledger's required columns.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SheetNotRead {
    /// The workbook, as named to the tally.
    pub file: String,
    /// The sheet.
    pub sheet: String,
    /// Why it is not a sheet of the ledger.
    pub reason: String,
}

/// A sheet of a workbook with the dataset its header names (see
/// [`detect_sheets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetDetection {
    /// The sheet.
    pub sheet: String,
    /// Its dataset, or why none is recognised.
    pub dataset: std::result::Result<Dataset, FileError>,
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
        if let Some(d) = options.delimiter
            && (!d.is_ascii() || matches!(d, b'"' | b'\r' | b'\n'))
        {
            return Err(Error::InvalidOption(format!(
                "invalid delimiter {d:#04x}: give an ASCII byte other than a quote, CR or LF"
            )));
        }
        Ok(Tally {
            dataset,
            engine: dataset.engine(options),
            options: options.clone(),
            decoder: None,
            files: 0,
            identity: None,
            check_inputs: options.keep_state,
            not_read: Vec::new(),
        })
    }

    /// The workbook sheets left out so far because they are not sheets of
    /// this ledger (see [`Tally::feed_workbook`]).
    pub fn sheets_not_read(&self) -> &[SheetNotRead] {
        &self.not_read
    }

    /// Reads a workbook held in memory (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`,
    /// `.ods`, recognised by its bytes) as the next input; `name` names it
    /// in problems. With `sheet`, that sheet is read; without, every sheet
    /// whose header — the first of its first 10 non-blank rows that maps
    /// the ledger's required columns — is one of this ledger, the others
    /// being listed in [`Tally::sheets_not_read`]; none is an error.
    ///
    /// ```no_run
    /// use govtally::{Dataset, Options, Tally};
    ///
    /// let bytes = std::fs::read("台账.xlsx")?;
    /// let mut t = Tally::new(Dataset::Legality, &Options::default().year(2023)?)?;
    /// t.feed_workbook("台账.xlsx", &bytes, Some("2023年"))?;
    /// let report = t.finish()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn feed_workbook(&mut self, name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<()> {
        self.end_file()?;
        check_workbook_size(name, bytes.len() as u64, &self.options)?;
        self.read_workbook(name, std::io::Cursor::new(bytes), sheet)
    }

    /// Reads a workbook file as the next input; see [`Tally::feed_workbook`].
    /// [`Tally::feed_file`] reads a workbook too (every sheet of the
    /// ledger), recognising it by its bytes.
    pub fn feed_workbook_file(
        &mut self,
        path: impl AsRef<Path>,
        sheet: Option<&str>,
    ) -> Result<()> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let (file, head) = open_input(path)?;
        if !is_workbook_bytes(&head) {
            return Err(Error::File {
                file: shown,
                error: not_a_workbook(&head),
            });
        }
        self.workbook_file(&shown, file, head, sheet)
    }

    fn workbook_file(
        &mut self,
        shown: &str,
        file: File,
        head: Vec<u8>,
        sheet: Option<&str>,
    ) -> Result<()> {
        self.end_file()?;
        let input = workbook_input(file, head, shown, &self.options)?;
        self.read_workbook(shown, input, sheet)
    }

    fn read_workbook<RS: Read + Seek>(
        &mut self,
        name: &str,
        reader: RS,
        sheet: Option<&str>,
    ) -> Result<()> {
        let file_err = |error| Error::File {
            file: name.to_string(),
            error,
        };
        let sheet_err = |s: &str, error| Error::File {
            file: format!("{name} [{s}]"),
            error,
        };
        let mut reader = reader;
        let identity = if self.check_inputs {
            Some(identity_of(&mut reader).map_err(|source| Error::Io {
                path: name.to_string(),
                source,
            })?)
        } else {
            None
        };
        let mut wb = Workbook::open(reader, &self.options.limits).map_err(file_err)?;
        let sheets: Vec<String> = match sheet {
            Some(s) if wb.sheet_names().iter().any(|n| n == s) => vec![s.to_string()],
            Some(s) => {
                return Err(file_err(FileError::SheetNotFound {
                    sheet: s.to_string(),
                    sheets: wb.sheet_names().to_vec(),
                }));
            }
            None => wb.sheet_names().to_vec(),
        };
        let mut read = 0;
        let mut skipped = Vec::new();
        for s in &sheets {
            if sheet.is_none() {
                let candidates = sheet_candidates(&mut wb, s).map_err(|e| sheet_err(s, e))?;
                if let Err(reason) =
                    maps_header(self.dataset.columns(), &candidates, &self.options.aliases)
                {
                    skipped.push((s.clone(), reason.to_string()));
                    continue;
                }
            }
            self.files += 1;
            self.engine.begin_sheet(name, s);
            if self.options.worker_threads() > 1 {
                read_sheet_on_two_threads(&mut wb, s, &mut *self.engine)
            } else {
                let engine = &mut self.engine;
                wb.read_sheet(s, &mut |row| {
                    engine.feed_row(row);
                    engine.check().is_ok()
                })
            }
            .map_err(|e| sheet_err(s, e))?;
            self.engine.end_file();
            if let Some((size, hash)) = identity {
                self.engine.identify(size, hash);
            }
            self.engine.check()?;
            read += 1;
        }
        if read == 0 {
            return Err(file_err(FileError::NoLedgerSheet {
                dataset: self.dataset.name().to_string(),
                sheets: skipped,
            }));
        }
        self.not_read
            .extend(skipped.into_iter().map(|(sheet, reason)| SheetNotRead {
                file: name.to_string(),
                sheet,
                reason,
            }));
        Ok(())
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
        if self.check_inputs {
            self.identity = Some((0, xxhash_rust::xxh3::Xxh3::new()));
        }
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
        if let Some((size, hash)) = self.identity.as_mut() {
            *size += bytes.len() as u64;
            hash.update(bytes);
        }
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
        if let Some((size, hash)) = self.identity.take() {
            self.engine.identify(size, hash.digest128());
        }
        self.engine.check()
    }

    /// Reads a whole file from disk as the next file of the tally. A
    /// workbook, recognised by its bytes, is read sheet by sheet (see
    /// [`Tally::feed_workbook`]); a file named `.xlsx`, `.xls`, … whose
    /// bytes are not a workbook is an error.
    pub fn feed_file(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let io = |source| Error::Io {
            path: shown.clone(),
            source,
        };
        let (mut file, head) = open_input(path)?;
        if is_workbook_bytes(&head) {
            return self.workbook_file(&shown, file, head, None);
        }
        if has_workbook_extension(&shown) {
            return Err(Error::File {
                file: shown,
                error: not_a_workbook(&head),
            });
        }
        self.begin_file(&shown)?;
        let chunk = if self.options.worker_threads() == 1 {
            READ_CHUNK_ONE_THREAD
        } else {
            READ_CHUNK
        };
        let mut buf = vec![0u8; chunk];
        self.pump(&head, false)?;
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

    /// The tally so far as a state: bytes to keep, to resume later
    /// ([`Tally::resume`]) or to merge with others ([`Tally::merge_state`]),
    /// exactly (docs/state.md). Ends the current file; the tally goes on.
    /// The tally must keep state ([`Options::keep_state`]).
    ///
    /// ```
    /// use govtally::{Dataset, Options, Tally};
    ///
    /// let o = Options { keep_state: true, ..Options::default().year(2023)? };
    /// // January, then the rest of the year resumed from January's state.
    /// let mut jan = Tally::new(Dataset::Complaints, &o)?;
    /// jan.begin_file("1月.csv")?;
    /// jan.feed("登记编号,登记日期\nA1,2023-01-05\nA2,2023-01-09\n".as_bytes())?;
    /// let state = jan.save_state()?;
    ///
    /// let mut year = Tally::resume("1月.state", &state, &o)?;
    /// year.begin_file("2-12月.csv")?;
    /// year.feed("登记编号,登记日期\nA2,2023-02-01\nA3,2023-03-01\n".as_bytes())?;
    /// let report = year.finish()?;
    /// assert_eq!(report.figure("total.current"), Some(3.into()));
    /// assert_eq!(report.rows.duplicates, 1); // A2 again
    /// assert_eq!(report.files.len(), 2);
    /// # Ok::<(), govtally::Error>(())
    /// ```
    pub fn save_state(&mut self) -> Result<Vec<u8>> {
        self.end_file()?;
        self.engine.save_state()
    }

    /// A tally resumed from a state (`name` names it in errors): its
    /// ledger is the state's, and `options` must agree with the state on
    /// what decides figures — period, rounding, aliases — or it is an
    /// error. Threads, limits and whether the tally keeps state (to save
    /// it again: [`Options::keep_state`]) are `options`' own. Feeding it
    /// more inputs then gives the report of one run over the state's
    /// inputs and those; an input the state already holds is refused.
    pub fn resume(name: &str, state: &[u8], options: &Options) -> Result<Tally> {
        let (dataset, _) = crate::state::open(state).map_err(|error| Error::State {
            state: name.to_string(),
            error,
        })?;
        let mut t = Tally::new(dataset, options)?;
        t.merge_state(name, state)?;
        Ok(t)
    }

    /// Takes in a state (`name` names it in errors) as if its inputs were
    /// fed now, after those taken so far: an id the tally has already seen
    /// is a duplicate in the state's rows, and the tally's row is the one
    /// counted. Merging is associative. A state of another ledger, or one
    /// tallied with another period, rounding or aliases, is refused; so is
    /// a state holding an input the tally already took. Ends the current
    /// file. A refused state leaves the tally as it was.
    pub fn merge_state(&mut self, name: &str, state: &[u8]) -> Result<()> {
        self.end_file()?;
        let error = |error| Error::State {
            state: name.to_string(),
            error,
        };
        let (dataset, body) = crate::state::open(state).map_err(error)?;
        if dataset != self.dataset {
            return Err(error(crate::state::StateError::Dataset {
                state: dataset.name().to_string(),
                tally: self.dataset.name().to_string(),
            }));
        }
        self.engine.take_state(name, body)?;
        self.check_inputs = true;
        // Its inputs are inputs of this tally: finishing reads no empty one.
        self.files += 1;
        Ok(())
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
            files: t.files,
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

/// Rows of a sheet, copied out of the reader in batches.
#[derive(Default)]
struct RowBatch {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    errors: Vec<usize>,
    /// Per row: line, blank, overflow, and where its ends and errors stop.
    rows: Vec<(u64, bool, Option<Overflow>, usize, usize)>,
}

impl RowBatch {
    const ROWS: usize = 2048;

    fn push(&mut self, row: &SheetRow<'_>) {
        let base = self.bytes.len();
        self.bytes.extend_from_slice(row.bytes);
        self.ends.extend(row.ends.iter().map(|e| e + base));
        self.errors.extend_from_slice(row.errors);
        self.rows.push((
            row.line,
            row.blank,
            row.overflow,
            self.ends.len(),
            self.errors.len(),
        ));
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.errors.clear();
        self.rows.clear();
    }

    /// Feeds the rows to `engine`, in order; false once it has failed.
    fn feed(&self, engine: &mut dyn FileEngine<Figures>) -> bool {
        let (mut ends_at, mut errors_at, mut bytes_at) = (0, 0, 0);
        let mut local = Vec::new();
        for &(line, blank, overflow, ends_to, errors_to) in &self.rows {
            let ends = &self.ends[ends_at..ends_to];
            let end = ends.last().copied().unwrap_or(bytes_at);
            // Ends are offsets into the batch: made relative to the row.
            local.clear();
            local.extend(ends.iter().map(|e| e - bytes_at));
            engine.feed_row(&SheetRow {
                line,
                bytes: &self.bytes[bytes_at..end],
                ends: &local,
                blank,
                overflow,
                errors: &self.errors[errors_at..errors_to],
            });
            if engine.check().is_err() {
                return false;
            }
            (ends_at, errors_at, bytes_at) = (ends_to, errors_to, end);
        }
        true
    }
}

/// Reads a sheet with calamine on this thread while `engine` takes its
/// rows on another, in order (the figures are the one thread's exactly):
/// the XML is parsed while the rows already read are validated and counted.
fn read_sheet_on_two_threads<RS: Read + Seek>(
    wb: &mut Workbook<RS>,
    sheet: &str,
    engine: &mut dyn FileEngine<Figures>,
) -> std::result::Result<(), FileError> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;
    let failed = AtomicBool::new(false);
    let (full_tx, full_rx) = mpsc::sync_channel::<RowBatch>(4);
    let (empty_tx, empty_rx) = mpsc::channel::<RowBatch>();
    let outcome = crossbeam_utils::thread::scope(|scope| {
        let failed = &failed;
        scope.spawn(move |_| {
            for batch in full_rx {
                if !failed.load(Ordering::Relaxed) && !batch.feed(engine) {
                    failed.store(true, Ordering::Relaxed);
                }
                let _ = empty_tx.send(batch);
            }
        });
        let mut batch = RowBatch::default();
        let read = wb.read_sheet(sheet, &mut |row| {
            batch.push(row);
            if batch.rows.len() >= RowBatch::ROWS {
                let mut next = empty_rx.try_recv().unwrap_or_default();
                next.clear();
                if full_tx.send(std::mem::replace(&mut batch, next)).is_err() {
                    return false;
                }
            }
            !failed.load(Ordering::Relaxed)
        });
        if !batch.rows.is_empty() {
            let _ = full_tx.send(batch);
        }
        drop(full_tx);
        read
    });
    match outcome {
        Ok(read) => read,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The size and XXH3-128 hash of a workbook's bytes, read through once
/// (the reader is left at its start).
fn identity_of<RS: Read + Seek>(reader: &mut RS) -> std::io::Result<(u64, u128)> {
    reader.seek(SeekFrom::Start(0))?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        size += n as u64;
        h.update(&buf[..n]);
    }
    reader.seek(SeekFrom::Start(0))?;
    Ok((size, h.digest128()))
}

/// Opens a file to read, with its first bytes (the file is left at its
/// start).
fn open_input(path: &Path) -> Result<(File, Vec<u8>)> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.is_dir() {
        return Err(io(std::io::Error::other("is a directory, not a file")));
    }
    let mut head = Vec::with_capacity(512);
    (&mut file).take(512).read_to_end(&mut head).map_err(io)?;
    Ok((file, head))
}

/// A workbook's bytes to read: the file, back at its start, or — a pipe
/// cannot seek — its bytes in memory (within the workbook size limit).
enum WorkbookInput {
    File(BufReader<File>),
    Memory(std::io::Cursor<Vec<u8>>),
}

impl Read for WorkbookInput {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            WorkbookInput::File(f) => f.read(buf),
            WorkbookInput::Memory(m) => m.read(buf),
        }
    }
}

impl Seek for WorkbookInput {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        match self {
            WorkbookInput::File(f) => f.seek(pos),
            WorkbookInput::Memory(m) => m.seek(pos),
        }
    }
}

/// The workbook input of an opened file whose first bytes are `head`.
fn workbook_input(
    mut file: File,
    head: Vec<u8>,
    shown: &str,
    options: &Options,
) -> Result<WorkbookInput> {
    let io = |source| Error::Io {
        path: shown.to_string(),
        source,
    };
    let limit = options.limits.max_workbook_bytes;
    let meta = file.metadata().map_err(io)?;
    if meta.is_file() {
        check_workbook_size(shown, meta.len(), options)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        return Ok(WorkbookInput::File(BufReader::new(file)));
    }
    let mut bytes = head;
    (&mut file)
        .take(limit.saturating_add(1).saturating_sub(bytes.len() as u64))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    check_workbook_size(shown, bytes.len() as u64, options)?;
    Ok(WorkbookInput::Memory(std::io::Cursor::new(bytes)))
}

fn check_workbook_size(name: &str, len: u64, options: &Options) -> Result<()> {
    let limit = options.limits.max_workbook_bytes;
    if len > limit {
        return Err(Error::File {
            file: name.to_string(),
            error: FileError::Workbook(format!(
                "is a workbook of {len} bytes, more than the limit of {limit} \
                 (Limits::max_workbook_bytes, --max-workbook-bytes)"
            )),
        });
    }
    Ok(())
}

/// The header candidates of a sheet: its first [`HEADER_ROWS`] non-blank
/// rows, as header names (a row past the limits ends them with an error).
fn sheet_candidates<RS: Read + Seek>(
    wb: &mut Workbook<RS>,
    sheet: &str,
) -> std::result::Result<Vec<std::result::Result<Vec<String>, FileError>>, FileError> {
    let mut out = Vec::new();
    wb.read_sheet(sheet, &mut |row: &SheetRow<'_>| {
        if row.blank {
            return true;
        }
        if let Some(o) = row.overflow {
            out.push(Err(FileError::HeaderTooLarge(
                match o {
                    Overflow::TooLong => "is longer than the record size limit",
                    _ => "has more columns than the column limit",
                }
                .into(),
            )));
            return false;
        }
        let mut names = Vec::with_capacity(row.ends.len());
        let mut start = 0;
        for &end in row.ends {
            let text = String::from_utf8_lossy(&row.bytes[start..end]);
            names.push(mask_personal(crate::input::fields::trim(&text)).into_owned());
            start = end;
        }
        out.push(Ok(names));
        out.len() < HEADER_ROWS
    })?;
    Ok(out)
}

/// Whether one of `candidates` (in order, up to the first that breaks a
/// limit) maps every required column; else the first one's error.
fn maps_header(
    columns: &[ColumnSpec],
    candidates: &[std::result::Result<Vec<String>, FileError>],
    aliases: &[(String, String)],
) -> std::result::Result<(), FileError> {
    let mut first = None;
    for c in candidates {
        let names = c.as_ref().map_err(Clone::clone)?;
        match HeaderMap::new(columns, names, aliases) {
            Ok(_) => return Ok(()),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.unwrap_or(FileError::EmptySheet))
}

/// The dataset the first of `candidates` that maps some dataset's required
/// columns names: when several qualify, the one that recognises strictly
/// more columns; a tie is an error. None mapping is an error with the first
/// candidate's headers.
fn detect_among(
    candidates: &[std::result::Result<Vec<String>, FileError>],
    options: &Options,
    empty: FileError,
) -> std::result::Result<Dataset, FileError> {
    for c in candidates {
        let names = c.as_ref().map_err(Clone::clone)?;
        let mut matches: Vec<(Dataset, usize)> = Vec::new();
        for d in Dataset::ALL {
            let keys: Vec<&str> = d.columns().iter().map(|c| c.key).collect();
            let aliases: Vec<(String, String)> = options
                .aliases
                .iter()
                .filter(|(_, k)| keys.contains(&crate::input::fields::normalise_header(k).as_str()))
                .cloned()
                .collect();
            if let Ok(m) = HeaderMap::new(d.columns(), names, &aliases) {
                matches.push((d, m.matched));
            }
        }
        matches.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        match matches.as_slice() {
            [] => continue,
            [(d, _)] => return Ok(*d),
            [(d, a), (_, b), ..] if a > b => return Ok(*d),
            _ => {
                let best = matches[0].1;
                return Err(FileError::AmbiguousDataset {
                    candidates: matches
                        .iter()
                        .filter(|(_, n)| *n == best)
                        .map(|(d, _)| d.name().to_string())
                        .collect(),
                    found: names.clone(),
                });
            }
        }
    }
    match candidates.first() {
        None => Err(empty),
        Some(c) => Err(FileError::UnknownDataset {
            known: Dataset::ALL.map(|d| d.name().to_string()).to_vec(),
            found: c.clone().unwrap_or_default(),
        }),
    }
}

/// Recognises each sheet's dataset in a workbook (by its bytes; see
/// [`detect_dataset`] for the rule, applied to the first 10 non-blank rows
/// of each sheet).
pub fn detect_sheets(path: impl AsRef<Path>, options: &Options) -> Result<Vec<SheetDetection>> {
    let path = path.as_ref();
    let (file, head) = open_input(path)?;
    detect_sheets_of(&path.display().to_string(), file, head, options)
}

fn detect_sheets_of(
    shown: &str,
    file: File,
    head: Vec<u8>,
    options: &Options,
) -> Result<Vec<SheetDetection>> {
    let shown = shown.to_string();
    let file_err = |error| Error::File {
        file: shown.clone(),
        error,
    };
    if !is_workbook_bytes(&head) {
        return Err(file_err(not_a_workbook(&head)));
    }
    let input = workbook_input(file, head, &shown, options)?;
    let mut wb = Workbook::open(input, &options.limits).map_err(file_err)?;
    let mut out = Vec::new();
    for s in wb.sheet_names().to_vec() {
        let candidates = sheet_candidates(&mut wb, &s).map_err(|error| Error::File {
            file: format!("{shown} [{s}]"),
            error,
        })?;
        out.push(SheetDetection {
            dataset: detect_among(&candidates, options, FileError::EmptySheet),
            sheet: s,
        });
    }
    Ok(out)
}

/// Recognises a file's dataset from its header — the first of its first 10
/// non-blank records (title rows may come before it) that maps every
/// required column of some dataset: the dataset all of whose required
/// columns are present; when several qualify, the one that recognises
/// strictly more columns; a tie or no match is an error. For a workbook,
/// the one dataset its sheets hold (see [`detect_sheets`]).
pub fn detect_dataset(path: impl AsRef<Path>, options: &Options) -> Result<Dataset> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let io = |source| Error::Io {
        path: shown.clone(),
        source,
    };
    let (mut file, head) = open_input(path)?;
    if is_workbook_bytes(&head) {
        let sheets = detect_sheets_of(&shown, file, head, options)?;
        let mut found: Vec<Dataset> = sheets
            .iter()
            .filter_map(|s| s.dataset.as_ref().ok().copied())
            .collect();
        found.dedup();
        return match found.as_slice() {
            [d] => Ok(*d),
            [] => Err(Error::File {
                file: shown,
                error: FileError::NoLedgerSheet {
                    dataset: "known".into(),
                    sheets: sheets
                        .into_iter()
                        .map(|s| {
                            (
                                s.sheet,
                                s.dataset.err().map(|e| e.to_string()).unwrap_or_default(),
                            )
                        })
                        .collect(),
                },
            }),
            _ => Err(Error::File {
                file: shown,
                error: FileError::Workbook(format!(
                    "holds sheets of several ledgers ({}): read it with `report DIR`, or name a sheet",
                    sheets
                        .iter()
                        .filter_map(|s| s
                            .dataset
                            .as_ref()
                            .ok()
                            .map(|d| format!("{d} in [{}]", s.sheet)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }),
        };
    }
    if has_workbook_extension(&shown) {
        return Err(Error::File {
            file: shown,
            error: not_a_workbook(&head),
        });
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
    // Decoded bytes from the start of the file, until they hold the
    // header candidates: the first HEADER_ROWS non-blank records.
    let mut raw: Vec<u8> = Vec::new();
    let mut enc = SourceEncoding::Utf8;
    let mut head = Some(head);
    let candidates = loop {
        let (n, last) = match head.take() {
            Some(h) => {
                let n = h.len().min(buf.len());
                buf[..n].copy_from_slice(&h[..n]);
                (n, false)
            }
            None => {
                let n = file.read(&mut buf).map_err(io)?;
                (n, n == 0)
            }
        };
        decoder
            .feed(&buf[..n], last, &mut |b, e| {
                raw.extend_from_slice(b);
                enc = e;
            })
            .map_err(|c| file_error(bom(c)))?;
        let complete = if last {
            raw.len()
        } else {
            raw.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)
        };
        let overlong = raw.len() - complete > limits.max_record_bytes;
        if !last && complete == 0 && !overlong {
            continue;
        }
        let piece = &raw[..complete];
        let mut text = Vec::new();
        let piece = if enc == SourceEncoding::Gb18030 {
            let len = transcode_gb18030(piece, &mut text);
            &text[..len]
        } else {
            piece
        };
        let mut splitter = Splitter::new(options.delimiter, limits);
        let mut found: Vec<std::result::Result<Vec<String>, FileError>> = Vec::new();
        let mut on_record = |rec: &Record<'_>| {
            if found.len() >= HEADER_ROWS
                || found.last().is_some_and(|c| c.is_err())
                || is_blank(rec, enc)
            {
                return;
            }
            found.push(if rec.overflow.is_some() {
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
        let done = found.len() >= HEADER_ROWS || found.last().is_some_and(|c| c.is_err());
        if overlong && !done {
            found.push(Err(FileError::HeaderTooLarge(
                "is longer than the record size limit".into(),
            )));
        }
        if done || last || overlong {
            break found;
        }
    };
    detect_among(&candidates, options, FileError::NoHeader).map_err(file_error)
}
