//! Workbooks as rows of text cells: `.xlsx`/`.xlsm`, `.xlsb`, `.xls`
//! (BIFF8) and `.ods`, read by calamine.
//!
//! ```text
//! bytes ─▶ sniff (zip? OLE?) ─▶ bounds ─▶ calamine ─▶ cells ─▶ RowBuilder ─▶ SheetRow ─▶ engine
//! ```
//!
//! Each cell is rendered into the text form the CSV parsers accept, so that
//! every rule of the ledgers applies unchanged (see `docs/rules.md`,
//! "Workbooks"):
//!
//! - a date cell is `2023-06-01`, or `2023-06-01 14:22:10` when it has a
//!   time (both date systems, 1900 and 1904, as the workbook says);
//! - a number cell is the number as Excel shows it in the General format,
//!   to 15 significant digits: `3.0` is `3` (a count), `2.5` stays `2.5` (a
//!   row error in a count column), `1234.56` is exact fen;
//! - a boolean cell is `TRUE` or `FALSE`;
//! - a text cell is its text; a formula cell its cached value;
//! - an error cell (`#N/A`, `#VALUE!`), and a formula whose value was
//!   never saved, is a row error in any column the ledger reads.
//!
//! A merged range gives its top-left value to every cell of the range, in
//! every format: calamine exposes the merged ranges of `.xlsx` and `.xls`
//! (those of `.xlsx` are read here first, faster); those of `.ods` and
//! `.xlsb`, which it does not expose, are read here from the package
//! (`ods_guard`, `xlsb_merges`).

use std::io::{Read, Seek, SeekFrom};

use calamine::{CellErrorType, Data, DataRef, Dimensions, ExcelDateTime, Reader};

use crate::error::FileError;
use crate::input::records::Overflow;
use crate::options::Limits;

/// The last row a worksheet can have (Excel's 1,048,576 rows).
const MAX_ROWS: u32 = 1 << 20;

/// A workbook file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookFormat {
    /// Office Open XML (`.xlsx`, `.xlsm`).
    Xlsx,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// Excel 97-2003 (`.xls`, BIFF8).
    Xls,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
}

impl WorkbookFormat {
    /// The usual extension, with its dot.
    pub fn extension(self) -> &'static str {
        match self {
            WorkbookFormat::Xlsx => ".xlsx",
            WorkbookFormat::Xlsb => ".xlsb",
            WorkbookFormat::Xls => ".xls",
            WorkbookFormat::Ods => ".ods",
        }
    }
}

/// Whether `head`, the first bytes of a file, start a workbook container:
/// a zip archive (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`) or an OLE compound file
/// (`.xls`, and password-protected Office files).
pub fn is_workbook_bytes(head: &[u8]) -> bool {
    head.starts_with(ZIP_MAGIC) || head.starts_with(OLE_MAGIC)
}

/// Whether `name` ends in a workbook extension (ASCII case ignored).
pub fn has_workbook_extension(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"]
        .iter()
        .any(|e| lower.ends_with(e))
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The error for a file named as a workbook whose bytes are not one.
pub(crate) fn not_a_workbook(head: &[u8]) -> FileError {
    let text = String::from_utf8_lossy(head);
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let looks = if head.is_empty() {
        "it is empty".to_string()
    } else if start.starts_with('<') {
        "they look like HTML or XML — a web page saved under a workbook's name, as some \
         systems export? Open it in Excel or WPS and save it as .xlsx"
            .to_string()
    } else if head
        .iter()
        .take(512)
        .all(|&b| b >= 0x20 || b"\t\r\n".contains(&b))
        || std::str::from_utf8(&head[..head.len().min(512)]).is_ok()
    {
        "they look like text — a CSV or tab-separated file saved under a workbook's name? \
         Rename it to .csv to read it as CSV"
            .to_string()
    } else {
        format!(
            "they start with {}",
            head.iter()
                .take(8)
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(" ")
        )
    };
    FileError::Workbook(format!(
        "is named as a workbook but its bytes are not a .xlsx, .xlsb, .xls or .ods workbook: {looks}"
    ))
}

/// One row of a sheet, its cells rendered as text.
pub(crate) struct SheetRow<'a> {
    /// The sheet's row number (1-based).
    pub line: u64,
    /// The fields' text, back to back (UTF-8).
    pub bytes: &'a [u8],
    /// Where field `i` (column `i`, from A) ends in `bytes`.
    pub ends: &'a [usize],
    /// Nothing but empty or white-space cells.
    pub blank: bool,
    /// Cells left out: past the column limit, or past the record size.
    pub overflow: Option<Overflow>,
    /// Fields that hold error cells.
    pub errors: &'a [usize],
}

/// The column letters of 0-based column `col` (`0` → `A`, `26` → `AA`).
pub fn column_name(col: usize) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// The name of the cell in 0-based column `col` of row `line` (`C14`).
pub fn cell_name(col: usize, line: u64) -> String {
    format!("{}{line}", column_name(col))
}

/// A cell as calamine gives it, from a `Data` or a `DataRef`.
enum Cv<'a> {
    Empty,
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(&'a ExcelDateTime),
    Iso(&'a str),
    Duration(&'a str),
    Error(&'a CellErrorType),
    /// A formula whose value was never saved.
    Unsaved,
}

impl<'a> Cv<'a> {
    fn of_data(d: &'a Data) -> Cv<'a> {
        match d {
            Data::Empty => Cv::Empty,
            Data::String(s) => Cv::Str(s),
            Data::Int(i) => Cv::Int(*i),
            Data::Float(f) => Cv::Float(*f),
            Data::Bool(b) => Cv::Bool(*b),
            Data::DateTime(t) => Cv::Date(t),
            Data::DateTimeIso(s) => Cv::Iso(s),
            Data::DurationIso(s) => Cv::Duration(s),
            Data::Error(e) => Cv::Error(e),
        }
    }

    fn of_ref(d: &'a DataRef<'_>) -> Cv<'a> {
        match d {
            DataRef::Empty => Cv::Empty,
            DataRef::String(s) => Cv::Str(s),
            DataRef::SharedString(s) => Cv::Str(s),
            DataRef::Int(i) => Cv::Int(*i),
            DataRef::Float(f) => Cv::Float(*f),
            DataRef::Bool(b) => Cv::Bool(*b),
            DataRef::DateTime(t) => Cv::Date(t),
            DataRef::DateTimeIso(s) => Cv::Iso(s),
            DataRef::DurationIso(s) => Cv::Duration(s),
            DataRef::Error(e) => Cv::Error(e),
        }
    }
}

/// Writes a cell's text to `out`; true when it is an error cell.
fn render(v: &Cv<'_>, out: &mut String) -> bool {
    use std::fmt::Write;
    match v {
        Cv::Empty => {}
        Cv::Str(s) => out.push_str(s),
        Cv::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Cv::Float(f) => number_text(*f, out),
        Cv::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Cv::Date(t) => date_text(t, out),
        Cv::Iso(s) => iso_text(s, out),
        Cv::Duration(s) => out.push_str(s),
        Cv::Error(e) => {
            let _ = write!(out, "{e}");
            return true;
        }
        Cv::Unsaved => {
            out.push_str("(formula without a saved value)");
            return true;
        }
    }
    false
}

/// A number as Excel shows it in the General format: at most 15
/// significant digits, no exponent, no trailing zeros (`3`, `2.5`,
/// `1234.56`; `0.1 + 0.2` is `0.3`).
pub fn number_text(f: f64, out: &mut String) {
    use std::fmt::Write;
    if !f.is_finite() {
        let _ = write!(out, "{f}");
        return;
    }
    if f == f.trunc() && f.abs() < 1e15 {
        let _ = write!(out, "{}", f as i64);
        return;
    }
    let s = format!("{f:.14e}");
    let Some((mantissa, exp)) = s.split_once('e') else {
        let _ = write!(out, "{f}");
        return;
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if mantissa.starts_with('-') {
        out.push('-');
    }
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let point = exp + 1;
    let mut text = String::new();
    if point <= 0 {
        text.push_str("0.");
        text.extend(std::iter::repeat_n('0', (-point) as usize));
        text.extend(digits.iter().map(|&d| d as char));
    } else if point as usize >= digits.len() {
        text.extend(digits.iter().map(|&d| d as char));
        text.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        let (int, frac) = digits.split_at(point as usize);
        text.extend(int.iter().map(|&d| d as char));
        text.push('.');
        text.extend(frac.iter().map(|&d| d as char));
    }
    if text.contains('.') {
        let trimmed = text.trim_end_matches('0').trim_end_matches('.');
        out.push_str(trimmed);
    } else {
        out.push_str(&text);
    }
}

/// A date cell as `YYYY-MM-DD`, with ` HH:MM:SS` when it has a time of
/// day; a time without a date as `HH:MM:SS`; a value outside Excel's dates
/// as its number.
fn date_text(t: &ExcelDateTime, out: &mut String) {
    use std::fmt::Write;
    let v = t.as_f64();
    if t.is_duration() || !(0.0..2_958_466.0).contains(&v) {
        number_text(v, out);
        return;
    }
    let (y, m, d, h, mi, s, _ms) = t.to_ymd_hms_milli();
    // Serial 0 to 1 of the 1900 system is a time of day with no date
    // (Excel shows the day as 1900-01-00).
    if d == 0 || y < 1900 {
        let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
        return;
    }
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
    if (h, mi, s) != (0, 0, 0) {
        let _ = write!(out, " {h:02}:{mi:02}:{s:02}");
    }
}

/// An ISO 8601 date cell (`.ods`, `.xlsx` `t="d"`): its date and time,
/// without fractions of a second.
fn iso_text(s: &str, out: &mut String) {
    let s = s.trim();
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    out.push_str(date);
    if let Some(t) = time {
        let t = t.split(['.', 'Z', '+']).next().unwrap_or(t);
        let t = if t.len() > 8 && t.as_bytes()[8] == b'-' {
            &t[..8]
        } else {
            t
        };
        if !t.is_empty() && t != "00:00:00" && t != "00:00" {
            out.push(' ');
            out.push_str(t);
        }
    }
}

/// Turns a sheet's cells, in row order, into rows of fields from column A:
/// missing rows are blank rows, merged ranges are filled, and a row never
/// holds more than the limits allow.
struct RowBuilder {
    max_cols: usize,
    max_bytes: usize,
    /// The current row's cells: (column, start, end, error) in `text`.
    cells: Vec<(u32, u32, u32, bool)>,
    text: String,
    /// Cells of the current row left out past the column limit.
    dropped: bool,
    row: Option<u32>,
    /// The next row (0-based) to emit.
    next: u32,
    /// Merged ranges, by first row; those from `next_merge` are not active
    /// yet.
    merges: Vec<Dimensions>,
    next_merge: usize,
    /// Active merged ranges with their top-left cell's text and error flag.
    active: Vec<(Dimensions, String, bool)>,
    slots: Vec<Option<(u32, u32, bool)>>,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    errors: Vec<usize>,
    stopped: bool,
}

impl RowBuilder {
    fn new(limits: &Limits, mut merges: Vec<Dimensions>) -> RowBuilder {
        merges.retain(|m| m.start.0 <= m.end.0 && m.start.1 <= m.end.1);
        merges.sort_by_key(|m| (m.start.0, m.start.1));
        RowBuilder {
            max_cols: limits.max_columns,
            max_bytes: limits.max_record_bytes,
            cells: Vec::new(),
            text: String::new(),
            dropped: false,
            row: None,
            next: 0,
            merges,
            next_merge: 0,
            active: Vec::new(),
            slots: Vec::new(),
            bytes: Vec::new(),
            ends: Vec::new(),
            errors: Vec::new(),
            stopped: false,
        }
    }

    /// Adds cell (`row`, `col`), 0-based; rows before it are emitted.
    /// Returns false once `emit` has asked to stop.
    fn push(
        &mut self,
        row: u32,
        col: u32,
        v: &Cv<'_>,
        emit: &mut dyn FnMut(&SheetRow<'_>) -> bool,
    ) -> Result<bool, FileError> {
        if self.stopped {
            return Ok(false);
        }
        if row >= MAX_ROWS {
            return Err(FileError::Workbook(format!(
                "has a cell in row {}, past the last row a sheet can have ({MAX_ROWS})",
                row as u64 + 1
            )));
        }
        match self.row {
            Some(r) if r == row => {}
            Some(r) if row < r => {
                return Err(FileError::Workbook(format!(
                    "lists row {} after row {}: the sheet is malformed",
                    row + 1,
                    r + 1
                )));
            }
            _ => {
                self.flush(emit);
                if self.stopped {
                    return Ok(false);
                }
                self.row = Some(row);
            }
        }
        if matches!(v, Cv::Empty) {
            return Ok(true);
        }
        if col as usize >= self.max_cols {
            self.dropped = true;
            return Ok(true);
        }
        let start = self.text.len();
        let error = render(v, &mut self.text);
        self.cells
            .push((col, start as u32, self.text.len() as u32, error));
        Ok(true)
    }

    /// Emits the current row (and blank rows before it).
    fn flush(&mut self, emit: &mut dyn FnMut(&SheetRow<'_>) -> bool) {
        let Some(row) = self.row.take() else {
            return;
        };
        while self.next < row && !self.stopped {
            let line = self.next as u64 + 1;
            self.next += 1;
            self.stopped = !emit(&SheetRow {
                line,
                bytes: &[],
                ends: &[],
                blank: true,
                overflow: None,
                errors: &[],
            });
        }
        if self.stopped {
            return;
        }
        self.next = row + 1;
        if !self.cells.is_sorted_by_key(|c| c.0) {
            self.cells.sort_by_key(|c| c.0);
        }
        // Merged ranges reaching this row: the top-left cell's value.
        self.active.retain(|(m, _, _)| m.end.0 >= row);
        while self.next_merge < self.merges.len() && self.merges[self.next_merge].start.0 <= row {
            let m = self.merges[self.next_merge];
            self.next_merge += 1;
            if m.end.0 < row {
                continue;
            }
            let (text, error) = if m.start.0 == row {
                self.cells
                    .iter()
                    .find(|c| c.0 == m.start.1)
                    .map(|&(_, s, e, err)| (self.text[s as usize..e as usize].to_string(), err))
                    .unwrap_or_default()
            } else {
                Default::default()
            };
            self.active.push((m, text, error));
        }
        let blank = self.cells.iter().all(|&(_, s, e, err)| {
            !err && crate::input::fields::trim(&self.text[s as usize..e as usize]).is_empty()
        });
        let mut width = self.cells.last().map_or(0, |c| c.0 as usize + 1);
        if !blank {
            for (m, text, err) in &self.active {
                if m.start.1 as usize >= self.max_cols || (text.is_empty() && !err) {
                    continue;
                }
                width = width.max((m.end.1 as usize + 1).min(self.max_cols));
            }
        }
        self.slots.clear();
        self.slots.resize(width, None);
        for &(c, s, e, err) in &self.cells {
            if self.slots[c as usize].is_none() {
                self.slots[c as usize] = Some((s, e, err));
            }
        }
        if !blank {
            for (m, text, err) in &self.active {
                if text.is_empty() && !err {
                    continue;
                }
                let s = self.text.len() as u32;
                self.text.push_str(text);
                let e = self.text.len() as u32;
                let last = (m.end.1 as usize).min(width.saturating_sub(1));
                for c in m.start.1 as usize..=last {
                    if c < width {
                        self.slots[c] = Some((s, e, *err));
                    }
                }
            }
        }
        self.bytes.clear();
        self.ends.clear();
        self.errors.clear();
        let mut overflow = self.dropped.then_some(Overflow::TooManyFields);
        for (i, slot) in self.slots.iter().enumerate() {
            if let Some((s, e, err)) = *slot {
                let t = &self.text.as_bytes()[s as usize..e as usize];
                if self.bytes.len() + t.len() > self.max_bytes {
                    overflow = Some(Overflow::TooLong);
                } else {
                    self.bytes.extend_from_slice(t);
                }
                if err {
                    self.errors.push(i);
                }
            }
            self.ends.push(self.bytes.len());
        }
        self.stopped = !emit(&SheetRow {
            line: row as u64 + 1,
            bytes: &self.bytes,
            ends: &self.ends,
            blank,
            overflow,
            errors: &self.errors,
        });
        self.cells.clear();
        self.text.clear();
        self.dropped = false;
    }

    fn finish(mut self, emit: &mut dyn FnMut(&SheetRow<'_>) -> bool) {
        self.flush(emit);
    }
}

/// An open workbook.
pub(crate) struct Workbook<RS: Read + Seek> {
    book: Book<RS>,
    sheets: Vec<String>,
    limits: Limits,
    /// Merged ranges by sheet, once read (a sheet is read twice: for its
    /// header, then whole).
    merges: std::collections::HashMap<String, Vec<Dimensions>>,
}

enum Book<RS: Read + Seek> {
    Xlsx(calamine::Xlsx<RS>),
    Xlsb(calamine::Xlsb<RS>),
    Xls(calamine::Xls<RS>),
    Ods(calamine::Ods<RS>),
}

/// Runs calamine: a panic on malformed bytes becomes an error.
fn guarded<T>(f: impl FnOnce() -> Result<T, FileError>) -> Result<T, FileError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(FileError::Workbook(
            "is malformed: the workbook reader failed on it".into(),
        )),
    }
}

fn unreadable(format: WorkbookFormat, e: impl std::fmt::Display) -> FileError {
    FileError::Workbook(format!(
        "cannot be read as a {} workbook: {e}",
        format.extension()
    ))
}

impl<RS: Read + Seek> Workbook<RS> {
    /// Opens a workbook, recognised by its bytes, after checking it against
    /// the limits.
    pub(crate) fn open(mut reader: RS, limits: &Limits) -> Result<Workbook<RS>, FileError> {
        let mut head = [0u8; 8];
        let n = read_head(&mut reader, &mut head)?;
        let head = &head[..n];
        let mut merges = std::collections::HashMap::new();
        let format = if head.starts_with(ZIP_MAGIC) {
            let (format, found) = zip_format(&mut reader, limits)?;
            merges = found;
            format
        } else if head.starts_with(OLE_MAGIC) {
            guarded(|| ole_guard(&mut reader, limits))?;
            WorkbookFormat::Xls
        } else {
            return Err(not_a_workbook(head));
        };
        if format == WorkbookFormat::Ods {
            merges = guarded(|| ods_guard(&mut reader, limits))?;
        }
        reader
            .seek(SeekFrom::Start(0))
            .map_err(|e| unreadable(format, e))?;
        let book = guarded(|| {
            Ok(match format {
                WorkbookFormat::Xlsx => {
                    Book::Xlsx(calamine::Xlsx::new(reader).map_err(|e| unreadable(format, e))?)
                }
                WorkbookFormat::Xlsb => {
                    Book::Xlsb(calamine::Xlsb::new(reader).map_err(|e| unreadable(format, e))?)
                }
                WorkbookFormat::Ods => {
                    Book::Ods(calamine::Ods::new(reader).map_err(|e| unreadable(format, e))?)
                }
                WorkbookFormat::Xls => {
                    Book::Xls(calamine::Xls::new(reader).map_err(|e| match e {
                        calamine::XlsError::Password => password_protected(),
                        e => unreadable(format, e),
                    })?)
                }
            })
        })?;
        let sheets = match &book {
            Book::Xlsx(b) => b.sheet_names(),
            Book::Xlsb(b) => b.sheet_names(),
            Book::Xls(b) => b.sheet_names(),
            Book::Ods(b) => b.sheet_names(),
        };
        Ok(Workbook {
            book,
            sheets,
            limits: *limits,
            merges,
        })
    }

    /// The sheets, in workbook order.
    pub(crate) fn sheet_names(&self) -> &[String] {
        &self.sheets
    }

    /// Reads sheet `name` row by row until `emit` returns false.
    pub(crate) fn read_sheet(
        &mut self,
        name: &str,
        emit: &mut dyn FnMut(&SheetRow<'_>) -> bool,
    ) -> Result<(), FileError> {
        let limits = self.limits;
        let cache = &mut self.merges;
        guarded(|| match &mut self.book {
            Book::Xlsx(b) => {
                let f = WorkbookFormat::Xlsx;
                let merges = match cache.get(name) {
                    Some(m) => m.clone(),
                    None => {
                        let m = b
                            .merge_cells_by_sheet_name(name)
                            .map_err(|e| unreadable(f, e))?;
                        cache.insert(name.to_string(), m.clone());
                        m
                    }
                };
                let mut rows = RowBuilder::new(&limits, merges);
                let mut cells = b
                    .worksheet_cells_reader(name)
                    .map_err(|e| unreadable(f, e))?;
                while let Some(c) = cells
                    .next_cell_with_formula_metadata()
                    .map_err(|e| unreadable(f, e))?
                {
                    let v = match (&c.value, &c.formula) {
                        (DataRef::Empty, Some(_)) => Cv::Unsaved,
                        (v, _) => Cv::of_ref(v),
                    };
                    if !rows.push(c.pos.0, c.pos.1, &v, emit)? {
                        return Ok(());
                    }
                }
                rows.finish(emit);
                Ok(())
            }
            Book::Xlsb(b) => {
                let f = WorkbookFormat::Xlsb;
                let merges = cache.get(name).cloned().unwrap_or_default();
                let mut rows = RowBuilder::new(&limits, merges);
                let mut cells = b
                    .worksheet_cells_reader(name)
                    .map_err(|e| unreadable(f, e))?;
                while let Some(c) = cells.next_cell().map_err(|e| unreadable(f, e))? {
                    let (r, col) = c.get_position();
                    if !rows.push(r, col, &Cv::of_ref(c.get_value()), emit)? {
                        return Ok(());
                    }
                }
                rows.finish(emit);
                Ok(())
            }
            Book::Xls(b) => {
                let f = WorkbookFormat::Xls;
                let merges = b
                    .merge_cells_by_sheet_name(name)
                    .map_err(|e| unreadable(f, e))?;
                let range = b.worksheet_range(name).map_err(|e| unreadable(f, e))?;
                whole_range(&range, RowBuilder::new(&limits, merges), emit)
            }
            Book::Ods(b) => {
                let f = WorkbookFormat::Ods;
                let range = b.worksheet_range(name).map_err(|e| unreadable(f, e))?;
                let merges = cache.get(name).cloned().unwrap_or_default();
                whole_range(&range, RowBuilder::new(&limits, merges), emit)
            }
        })
    }
}

/// Rows of a sheet calamine read whole.
fn whole_range(
    range: &calamine::Range<Data>,
    mut rows: RowBuilder,
    emit: &mut dyn FnMut(&SheetRow<'_>) -> bool,
) -> Result<(), FileError> {
    let Some((r0, c0)) = range.start() else {
        return Ok(());
    };
    for (i, row) in range.rows().enumerate() {
        let r = r0 + i as u32;
        let mut any = false;
        for (j, cell) in row.iter().enumerate() {
            if matches!(cell, Data::Empty) {
                continue;
            }
            any = true;
            if !rows.push(r, c0 + j as u32, &Cv::of_data(cell), emit)? {
                return Ok(());
            }
        }
        if !any && !rows.push(r, 0, &Cv::Empty, emit)? {
            return Ok(());
        }
    }
    rows.finish(emit);
    Ok(())
}

fn read_head(reader: &mut impl Read, head: &mut [u8]) -> Result<usize, FileError> {
    let mut n = 0;
    while n < head.len() {
        match reader.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FileError::Workbook(format!("cannot be read: {e}"))),
        }
    }
    Ok(n)
}

fn password_protected() -> FileError {
    FileError::Workbook(
        "is password-protected: open it in Excel or WPS, remove the password \
         (File → Info → Protect Workbook → Encrypt with Password) and save it again"
            .into(),
    )
}

/// Which workbook a zip archive holds, after checking every entry against
/// the limits: the sizes its central directory declares bound what
/// decompression may produce (the zip reader fails an entry that grows past
/// its declared size), so a zip bomb is refused before anything is
/// decompressed.
fn zip_format<RS: Read + Seek>(
    reader: &mut RS,
    limits: &Limits,
) -> Result<
    (
        WorkbookFormat,
        std::collections::HashMap<String, Vec<Dimensions>>,
    ),
    FileError,
> {
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| FileError::Workbook(format!("cannot be read: {e}")))?;
    let mut zip = zip::ZipArchive::new(&mut *reader).map_err(|e| {
        FileError::Workbook(format!(
            "is a zip archive that cannot be read (truncated or damaged?): {e}"
        ))
    })?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()).unwrap_or_default())
        .collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    let format = if has("mimetype") {
        let mut kind = Vec::new();
        if let Ok(f) = zip.by_name("mimetype") {
            let _ = f.take(200).read_to_end(&mut kind);
        }
        if kind.starts_with(b"application/vnd.oasis.opendocument.spreadsheet") {
            WorkbookFormat::Ods
        } else {
            return Err(FileError::Workbook(format!(
                "is an OpenDocument file but not a spreadsheet ({})",
                String::from_utf8_lossy(&kind)
            )));
        }
    } else if has("xl/workbook.bin") {
        WorkbookFormat::Xlsb
    } else if names.iter().any(|n| n.starts_with("xl/")) {
        WorkbookFormat::Xlsx
    } else if names.iter().any(|n| n.starts_with("word/")) {
        return Err(FileError::Workbook(
            "is a Word document, not a workbook".into(),
        ));
    } else if names.iter().any(|n| n.starts_with("ppt/")) {
        return Err(FileError::Workbook(
            "is a PowerPoint presentation, not a workbook".into(),
        ));
    } else {
        return Err(FileError::Workbook(
            "is a zip archive that holds no workbook".into(),
        ));
    };
    let whole = limits.max_sheet_bytes / 16;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else {
            return Err(FileError::Workbook(format!(
                "is a zip archive whose entry {} cannot be read (truncated or damaged?)",
                i + 1
            )));
        };
        if f.encrypted() {
            return Err(password_protected());
        }
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        let size = f.size();
        // Worksheets are streamed; other parts calamine holds whole.
        let streamed = name.starts_with("xl/worksheets/") || name == "content.xml";
        let limit = if streamed {
            limits.max_sheet_bytes
        } else {
            whole
        };
        if size > limit {
            return Err(FileError::Workbook(format!(
                "has a part, {name}, of {size} bytes uncompressed, more than the limit of {limit} \
                 (Limits::max_sheet_bytes{}, --max-sheet-bytes): a zip bomb, or a sheet too large",
                if streamed {
                    ""
                } else {
                    " / 16 for parts read whole"
                }
            )));
        }
        total = total.saturating_add(size);
        if total > limits.max_sheet_bytes.saturating_mul(2) {
            return Err(FileError::Workbook(format!(
                "holds more than {} bytes uncompressed (twice Limits::max_sheet_bytes, \
                 --max-sheet-bytes): a zip bomb, or a workbook too large",
                limits.max_sheet_bytes.saturating_mul(2)
            )));
        }
    }
    let merges = match format {
        WorkbookFormat::Xlsx => xlsx_merges(&mut zip, limits)?,
        WorkbookFormat::Xlsb => xlsb_merges(&mut zip, &names, limits)?,
        _ => Default::default(),
    };
    Ok((format, merges))
}

/// A reader of an XML part that fails once a run of bytes without markup
/// (a text or an element between two `<`) grows past `limit`: the XML
/// readers hold one such run whole, so this bounds their buffers however
/// large the part (a cell's text is at most 32,767 characters).
struct MarkupGuard<R> {
    inner: R,
    run: usize,
    limit: usize,
    tripped: bool,
}

impl<R> MarkupGuard<R> {
    fn new(inner: R, limit: usize) -> Self {
        MarkupGuard {
            inner,
            run: 0,
            limit,
            tripped: false,
        }
    }
}

impl<R: Read> Read for MarkupGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut from = 0;
        for at in memchr::memchr_iter(b'<', &buf[..n]) {
            if self.run + (at - from) > self.limit {
                self.tripped = true;
            }
            self.run = 0;
            from = at + 1;
        }
        self.run += n - from;
        if self.run > self.limit {
            self.tripped = true;
        }
        if self.tripped {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "a run without markup past the limit",
            ));
        }
        Ok(n)
    }
}

/// The error for a part with a run without markup past the limit.
fn markup_run(part: &str, limit: usize) -> FileError {
    FileError::Workbook(format!(
        "has a part, {part}, holding more than {limit} bytes without markup (no cell holds \
         that much: a zip bomb or a damaged file; Limits::max_record_bytes, --max-record-bytes)"
    ))
}

/// Reads each worksheet's merged ranges straight from the package, before
/// calamine opens it: the `<mergeCells>` list follows `</sheetData>`, and
/// finding it by a byte search over the decompressed part costs a fraction
/// of calamine's full XML pass (`merge_cells_by_sheet_name`), which would
/// read every sheet a second time. Best effort: a sheet whose ranges are not
/// found here is asked of calamine.
fn xlsx_merges<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    limits: &Limits,
) -> Result<std::collections::HashMap<String, Vec<Dimensions>>, FileError> {
    let mut out = std::collections::HashMap::new();
    let Some(book) = main_part(zip) else {
        return Ok(out);
    };
    let dir = book.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let file = book.rsplit_once('/').map_or(book.as_str(), |(_, f)| f);
    let rels_path = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    let (Some(rels), Some(sheets)) = (
        read_small(zip, &rels_path).map(|x| attrs_of(&x, "Relationship", &["Id", "Target"])),
        read_small(zip, &book).map(|x| attrs_of(&x, "sheet", &["name", "r:id"])),
    ) else {
        return Ok(out);
    };
    let limit = limits.max_record_bytes.max(1 << 20);
    for s in sheets {
        let (Some(name), Some(id)) = (&s[0], &s[1]) else {
            continue;
        };
        let Some(target) = rels.iter().find(|r| r[0].as_deref() == Some(id.as_str())) else {
            continue;
        };
        let Some(target) = &target[1] else { continue };
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None if dir.is_empty() => target.clone(),
            None => format!("{dir}/{target}"),
        };
        let Ok(part) = zip.by_name(&path) else {
            continue;
        };
        let mut guarded = MarkupGuard::new(part, limit);
        let found = scan_merges(&mut guarded);
        if guarded.tripped {
            return Err(markup_run(&path, limit));
        }
        if let Some(m) = found {
            out.insert(name.clone(), m);
        }
    }
    Ok(out)
}

/// [MS-XLSB] record types read for the sheet list and merged ranges.
const BRT_BUNDLE_SH: u16 = 0x009C;
const BRT_END_BUNDLE_SHS: u16 = 0x0090;
const BRT_MERGE_CELL: u16 = 0x00B0;

/// The last column a worksheet can have, plus one (Excel's XFD).
const MAX_COLS: u32 = 16_384;

/// A reader of BIFF12 records ([MS-XLSB] 2.1.4): the record type as a
/// 1–2 byte varint (7 bits a byte, the high bit set when another byte
/// follows), the payload size as a 1–4 byte varint, then the payload. Reads
/// only the payloads asked for, into a buffer of the caller's, and skips
/// the rest without holding it, so memory does not depend on the sizes the
/// records claim.
struct Records<'p, R> {
    r: std::io::BufReader<R>,
    part: &'p str,
}

impl<'p, R: Read> Records<'p, R> {
    fn new(r: R, part: &'p str) -> Self {
        Records {
            r: std::io::BufReader::with_capacity(64 << 10, r),
            part,
        }
    }

    fn damaged(&self, e: std::io::Error) -> FileError {
        FileError::Workbook(format!(
            "has a part, {}, that cannot be read (truncated or damaged?): {e}",
            self.part
        ))
    }

    fn truncated(&self) -> FileError {
        FileError::Workbook(format!(
            "has a part, {}, that ends inside a record: the workbook is truncated or damaged",
            self.part
        ))
    }

    /// The next byte; None at the end of the part.
    fn byte(&mut self) -> Result<Option<u8>, FileError> {
        let mut b = [0u8];
        loop {
            match self.r.read(&mut b) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(b[0])),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.damaged(e)),
            }
        }
    }

    /// The next record's type and payload size; None at the end of the
    /// part (between records).
    fn next(&mut self) -> Result<Option<(u16, u32)>, FileError> {
        let Some(b) = self.byte()? else {
            return Ok(None);
        };
        let mut typ = (b & 0x7F) as u16;
        if b & 0x80 != 0 {
            let b = self.byte()?.ok_or_else(|| self.truncated())?;
            typ |= ((b & 0x7F) as u16) << 7;
        }
        let mut len = 0u32;
        for i in 0..4 {
            let b = self.byte()?.ok_or_else(|| self.truncated())?;
            len |= ((b & 0x7F) as u32) << (7 * i);
            if b & 0x80 == 0 {
                break;
            }
        }
        Ok(Some((typ, len)))
    }

    /// Reads the first bytes of a payload of `len` bytes into `buf` (as many
    /// as fit) and skips the rest; returns how many were read.
    fn payload(&mut self, len: u32, buf: &mut [u8]) -> Result<usize, FileError> {
        let n = buf.len().min(len as usize);
        self.r.read_exact(&mut buf[..n]).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                self.truncated()
            } else {
                self.damaged(e)
            }
        })?;
        let rest = len as u64 - n as u64;
        if rest > 0 {
            let skipped = std::io::copy(&mut (&mut self.r).take(rest), &mut std::io::sink())
                .map_err(|e| self.damaged(e))?;
            if skipped < rest {
                return Err(self.truncated());
            }
        }
        Ok(n)
    }
}

/// An `XLWideString` ([MS-XLSB] 2.5.168) at `at`: a u32 count of UTF-16
/// code units, then the units; with the offset after it. A count of
/// 0xFFFFFFFF (a null `XLNullableWideString`) is `Some(None)`.
fn wide_string(buf: &[u8], at: usize) -> Option<(Option<String>, usize)> {
    let n = u32::from_le_bytes(buf.get(at..at + 4)?.try_into().ok()?);
    if n == u32::MAX {
        return Some((None, at + 4));
    }
    let end = (at + 4).checked_add(n as usize * 2)?;
    let units = buf.get(at + 4..end)?;
    // As calamine decodes it, so that the names are the names it lists.
    let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(units);
    Some((Some(text.into_owned()), end))
}

/// Reads each worksheet's merged ranges from an `.xlsb` package, which
/// calamine does not expose: the sheets and their relationship ids from
/// `xl/workbook.bin` (`BrtBundleSh`), their parts from
/// `xl/_rels/workbook.bin.rels` (as calamine finds them: `xl/` and the
/// target, names compared without ASCII case), then every `BrtMergeCell`
/// (an `RfX`: first row, last row, first column, last column, u32 each) in
/// each sheet part.
///
/// Bounded whatever the records claim: payloads are skipped, not held; the
/// parts' sizes were checked against the limits before; a merged range
/// outside a sheet, or merged ranges covering more than
/// `Limits::max_sheet_cells` cells in all (each covered cell costs the row
/// builder work), is an error naming the sheet.
fn xlsb_merges<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &[String],
    limits: &Limits,
) -> Result<std::collections::HashMap<String, Vec<Dimensions>>, FileError> {
    let mut out = std::collections::HashMap::new();
    let find = |n: &str| names.iter().find(|x| x.eq_ignore_ascii_case(n)).cloned();
    let Some(rels) = find("xl/_rels/workbook.bin.rels").and_then(|p| read_small(zip, &p)) else {
        return Ok(out);
    };
    let rels = attrs_of(&rels, "Relationship", &["Id", "Target"]);
    let Some(book_part) = find("xl/workbook.bin") else {
        return Ok(out);
    };
    // The sheet list: (name, relationship id), in workbook order.
    let mut sheets = Vec::new();
    {
        let part = zip.by_name(&book_part).map_err(|e| {
            FileError::Workbook(format!(
                "cannot be read as a .xlsb workbook: {book_part}: {e}"
            ))
        })?;
        let mut records = Records::new(part, &book_part);
        let mut buf = vec![0u8; 64 << 10];
        while let Some((typ, len)) = records.next()? {
            match typ {
                BRT_BUNDLE_SH => {
                    let n = records.payload(len, &mut buf)?;
                    let rec = &buf[..n];
                    let parsed = wide_string(rec, 8).and_then(|(id, at)| {
                        let (name, _) = wide_string(rec, at)?;
                        Some((id, name?))
                    });
                    let Some((id, name)) = parsed else {
                        return Err(FileError::Workbook(format!(
                            "has a malformed sheet record (BrtBundleSh) in {book_part}: \
                             the workbook is damaged"
                        )));
                    };
                    if let Some(id) = id {
                        sheets.push((name, id));
                    }
                }
                BRT_END_BUNDLE_SHS => break,
                _ => {
                    records.payload(len, &mut [])?;
                }
            }
        }
    }
    for (sheet, id) in sheets {
        let Some(target) = rels
            .iter()
            .find(|r| r[0].as_deref() == Some(id.as_str()))
            .and_then(|r| r[1].clone())
        else {
            continue;
        };
        let Some(path) = find(&format!("xl/{target}")) else {
            continue;
        };
        let part = zip.by_name(&path).map_err(|e| {
            FileError::Workbook(format!("cannot be read as a .xlsb workbook: {path}: {e}"))
        })?;
        let mut records = Records::new(part, &path);
        let mut merges = Vec::new();
        let mut covered: u64 = 0;
        let mut rfx = [0u8; 16];
        while let Some((typ, len)) = records.next()? {
            if typ != BRT_MERGE_CELL {
                records.payload(len, &mut [])?;
                continue;
            }
            if records.payload(len, &mut rfx)? < 16 {
                return Err(FileError::Workbook(format!(
                    "has a malformed merged range (a BrtMergeCell record of {len} bytes, not 16) \
                     in sheet `{sheet}` ({path}): the workbook is damaged"
                )));
            }
            let u = |i: usize| u32::from_le_bytes([rfx[i], rfx[i + 1], rfx[i + 2], rfx[i + 3]]);
            let (r0, r1, c0, c1) = (u(0), u(4), u(8), u(12));
            if r0 > r1 || c0 > c1 || r1 >= MAX_ROWS || c1 >= MAX_COLS {
                return Err(FileError::Workbook(format!(
                    "has a malformed merged range in sheet `{sheet}` ({path}): rows {} to {}, \
                     columns {} to {} (a sheet has {MAX_ROWS} rows and {MAX_COLS} columns): \
                     the workbook is damaged",
                    r0 as u64 + 1,
                    r1 as u64 + 1,
                    c0 as u64 + 1,
                    c1 as u64 + 1
                )));
            }
            if (r0, c0) == (r1, c1) {
                // A range of one cell merges nothing.
                continue;
            }
            covered = covered.saturating_add((r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64);
            if covered > limits.max_sheet_cells {
                return Err(FileError::Workbook(format!(
                    "has merged ranges in sheet `{sheet}` ({path}) covering more than {} cells, \
                     the limit (Limits::max_sheet_cells, --max-sheet-cells)",
                    limits.max_sheet_cells
                )));
            }
            merges.push(Dimensions::new((r0, c0), (r1, c1)));
        }
        out.insert(sheet, merges);
    }
    Ok(out)
}

/// The workbook part named by the package's relationships.
fn main_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Option<String> {
    let rels = read_small(zip, "_rels/.rels")?;
    attrs_of(&rels, "Relationship", &["Type", "Target"])
        .into_iter()
        .find(|r| {
            r[0].as_deref()
                .is_some_and(|t| t.ends_with("/officeDocument"))
        })
        .and_then(|r| r[1].clone())
        .map(|t| t.trim_start_matches('/').to_string())
}

/// A small part of the package (within 16 MiB), whole.
fn read_small<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<Vec<u8>> {
    let f = zip.by_name(name).ok()?;
    let mut v = Vec::new();
    f.take(16 << 20).read_to_end(&mut v).ok()?;
    Some(v)
}

/// The values of `names` on every element whose local name is `element`.
fn attrs_of(xml: &[u8], element: &str, names: &[&str]) -> Vec<Vec<Option<String>>> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == element => {
                out.push(
                    names
                        .iter()
                        .map(|n| {
                            e.attributes()
                                .flatten()
                                .find(|a| a.key.as_ref() == *n)
                                .and_then(|a| {
                                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                        .ok()
                                        .map(|v| v.into_owned())
                                })
                        })
                        .collect(),
                );
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// The merged ranges of a worksheet part: the `ref` of each `mergeCell`
/// after `</sheetData>` (no cell text can hold `</sheetData>` unescaped).
/// None when the part cannot be scanned (calamine is asked then).
fn scan_merges(mut part: impl Read) -> Option<Vec<Dimensions>> {
    let end = memchr::memmem::Finder::new(b"sheetData>");
    let mut buf = vec![0u8; 256 << 10];
    // The last bytes of the previous read, so a tag cut between reads is found.
    let mut carry: Vec<u8> = Vec::new();
    let mut tail: Option<Vec<u8>> = None;
    loop {
        let n = match part.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if let Some(t) = tail.as_mut() {
            if t.len() + n > 64 << 20 {
                return None;
            }
            t.extend_from_slice(&buf[..n]);
            continue;
        }
        carry.extend_from_slice(&buf[..n]);
        let found = end.find_iter(&carry).find(|&at| {
            let before = &carry[at.saturating_sub(24)..at];
            before
                .iter()
                .rposition(|&b| b == b'<')
                .is_some_and(|lt| before.get(lt + 1) == Some(&b'/'))
        });
        match found {
            Some(at) => tail = Some(carry[at..].to_vec()),
            None => {
                let keep = carry.len().saturating_sub(32);
                carry.drain(..keep);
            }
        }
    }
    let Some(tail) = tail else {
        // No end of sheet data: an empty sheet (`<sheetData/>`), no ranges.
        return Some(Vec::new());
    };
    let cell = memchr::memmem::Finder::new(b"mergeCell");
    let mut out = Vec::new();
    for at in cell.find_iter(&tail) {
        // `<mergeCell ` or `<x:mergeCell ` (not `mergeCells`).
        if tail.get(at + 9).is_none_or(|&b| !b.is_ascii_whitespace()) {
            continue;
        }
        let rest = &tail[at..];
        let close = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let element = &rest[..close];
        let Some(r) = memchr::memmem::find(element, b"ref=") else {
            continue;
        };
        let v = &element[r + 4..];
        let Some((&q, v)) = v.split_first() else {
            continue;
        };
        let Some(e) = memchr::memchr(q, v) else {
            continue;
        };
        if let Some(d) = std::str::from_utf8(&v[..e]).ok().and_then(parse_range) {
            out.push(d);
        }
        if out.len() >= 1_000_000 {
            break;
        }
    }
    Some(out)
}

/// `A1:C3` (or `B2`) as 0-based (row, column) corners.
fn parse_range(s: &str) -> Option<Dimensions> {
    let cell = |c: &str| -> Option<(u32, u32)> {
        let c = c.trim().trim_start_matches('$');
        let split = c.find(|ch: char| ch.is_ascii_digit())?;
        let (letters, digits) = c.split_at(split);
        let letters = letters.trim_end_matches('$');
        if letters.is_empty()
            || letters.len() > 3
            || !letters.bytes().all(|b| b.is_ascii_alphabetic())
        {
            return None;
        }
        let col = letters.bytes().fold(0u32, |n, b| {
            n * 26 + (b.to_ascii_uppercase() - b'A' + 1) as u32
        });
        let row: u32 = digits.parse().ok()?;
        (row >= 1 && col >= 1).then(|| (row - 1, col - 1))
    };
    let (a, b) = match s.split_once(':') {
        Some((a, b)) => (cell(a)?, cell(b)?),
        None => (cell(s)?, cell(s)?),
    };
    Some(Dimensions::new(
        (a.0.min(b.0), a.1.min(b.1)),
        (a.0.max(b.0), a.1.max(b.1)),
    ))
}

/// The error for a sheet read whole that is larger than the cell limit.
fn too_many_cells(what: &str, cells: u64, limits: &Limits) -> FileError {
    FileError::Workbook(format!(
        "has {what} of {cells} cells, more than the limit of {} \
         (Limits::max_sheet_cells, --max-sheet-cells) for a sheet read whole",
        limits.max_sheet_cells
    ))
}

/// Checks an OLE compound file before calamine reads it whole: a
/// password-protected Office file (an encrypted package) is named as such,
/// and each sheet's extent — its DIMENSIONS record, which calamine reserves
/// memory for, and the cells it holds — must be within the cell limit.
fn ole_guard<RS: Read + Seek>(reader: &mut RS, limits: &Limits) -> Result<(), FileError> {
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| FileError::Workbook(format!("cannot be read: {e}")))?;
    let damaged = |e: std::io::Error| {
        FileError::Workbook(format!(
            "is an OLE compound file that cannot be read (truncated or damaged?): {e}"
        ))
    };
    let mut cf = cfb::CompoundFile::open(&mut *reader).map_err(damaged)?;
    if cf.is_stream("/EncryptedPackage") || cf.is_stream("/EncryptionInfo") {
        return Err(password_protected());
    }
    let Some(stream) = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|n| cf.is_stream(n))
    else {
        return Err(FileError::Workbook(
            "is an OLE compound file that holds no Excel workbook (a Word document, or another \
             Office file?)"
                .into(),
        ));
    };
    let mut bytes = Vec::new();
    cf.open_stream(stream)
        .map_err(damaged)?
        .take(limits.max_workbook_bytes)
        .read_to_end(&mut bytes)
        .map_err(damaged)?;
    let u16_at = |d: &[u8], i: usize| {
        d.get(i..i + 2)
            .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |d: &[u8], i: usize| {
        d.get(i..i + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    // Cell bounds of the current substream: (min row, max row, min col, max col).
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let check = |b: Option<(u32, u32, u32, u32)>| -> Result<(), FileError> {
        if let Some((r0, r1, c0, c1)) = b {
            let cells = (r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64;
            if cells > limits.max_sheet_cells {
                return Err(too_many_cells("a sheet", cells, limits));
            }
        }
        Ok(())
    };
    let mut at = 0usize;
    while at + 4 <= bytes.len() {
        let typ = u16_at(&bytes, at);
        let len = u16_at(&bytes, at + 2) as usize;
        let data = &bytes[at + 4..(at + 4 + len).min(bytes.len())];
        at += 4 + len;
        let mut cell = |row: u32, c0: u32, c1: u32| {
            let b = bounds.get_or_insert((row, row, c0, c1));
            *b = (b.0.min(row), b.1.max(row), b.2.min(c0), b.3.max(c1));
        };
        match typ {
            // BOF: a new substream.
            0x0809 => check(bounds.take())?,
            // DIMENSIONS: calamine reserves rows × columns cells for it.
            0x0200 => {
                let (rf, rl, cf, cl) = match data.len() {
                    10 => (
                        u16_at(data, 0) as u32,
                        u16_at(data, 2) as u32,
                        u16_at(data, 4) as u32,
                        u16_at(data, 6) as u32,
                    ),
                    14 | 16 => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8) as u32,
                        u16_at(data, 10) as u32,
                    ),
                    _ => continue,
                };
                let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                if rl >= 1 && cl >= 1 {
                    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1) as u64;
                    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1) as u64;
                    let cells = rows.saturating_mul(cols);
                    if rf > rl - 1 || cells > limits.max_sheet_cells {
                        return Err(too_many_cells(
                            "a sheet whose dimensions record claims an extent",
                            cells,
                            limits,
                        ));
                    }
                }
            }
            // Cell records: row, then column.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if data.len() >= 4 => {
                let c = u16_at(data, 2) as u32;
                cell(u16_at(data, 0) as u32, c, c);
            }
            // MULRK: row, first column, …, last column.
            0x00BD if data.len() >= 6 => {
                let last = u16_at(data, data.len() - 2) as u32;
                let first = u16_at(data, 2) as u32;
                cell(u16_at(data, 0) as u32, first.min(last), first.max(last));
            }
            _ => {}
        }
    }
    check(bounds)
}

/// Checks an `.ods` before calamine reads its content whole: each table's
/// extent — from its first to its last non-empty cell, row and column
/// repeats counted, as calamine builds it — must be within the cell limit.
/// Returns each table's merged ranges (cells spanning rows or columns),
/// which calamine does not expose for `.ods`.
fn ods_guard<RS: Read + Seek>(
    reader: &mut RS,
    limits: &Limits,
) -> Result<std::collections::HashMap<String, Vec<Dimensions>>, FileError> {
    use quick_xml::events::Event;
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| FileError::Workbook(format!("cannot be read: {e}")))?;
    let unreadable = |e: zip::result::ZipError| {
        FileError::Workbook(format!("cannot be read as a .ods workbook: {e}"))
    };
    let mut zip = zip::ZipArchive::new(&mut *reader).map_err(unreadable)?;
    let content = zip.by_name("content.xml").map_err(unreadable)?;
    let limit = limits.max_record_bytes.max(1 << 20);
    let mut xml =
        quick_xml::Reader::from_reader(std::io::BufReader::new(MarkupGuard::new(content, limit)));
    let mut buf = Vec::new();
    let mut merges = std::collections::HashMap::new();
    let mut table = String::new();
    let mut table_merges = Vec::new();
    let mut rows: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut col: u64 = 0;
    // (first row, last row, first col, last col) of non-empty cells.
    let mut bounds: Option<(u64, u64, u64, u64)> = None;
    let max_rows = MAX_ROWS as u64;
    let max_cols = 16_384u64;
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> Option<u64> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| a.value.trim().parse().ok())
    };
    loop {
        buf.clear();
        let (e, has_content) = match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e.into_owned(), true),
            Ok(Event::Empty(e)) => (e.into_owned(), false),
            Ok(Event::End(e)) => {
                match e.name().as_ref() {
                    "table:table-row" => rows = (rows + row_repeat).min(max_rows),
                    "table:table" => {
                        if let Some((r0, r1, c0, c1)) = bounds.take() {
                            let cells = (r1 - r0 + 1).saturating_mul(c1 - c0 + 1);
                            if cells > limits.max_sheet_cells {
                                return Err(too_many_cells(
                                    &format!("a sheet, {table},"),
                                    cells,
                                    limits,
                                ));
                            }
                        }
                        merges.insert(
                            std::mem::take(&mut table),
                            std::mem::take(&mut table_merges),
                        );
                    }
                    _ => {}
                }
                continue;
            }
            Ok(Event::Eof) => break,
            // Malformed XML: calamine says what is wrong.
            Err(_) if xml.get_ref().get_ref().tripped => {
                return Err(markup_run("content.xml", limit));
            }
            Err(_) => break,
            Ok(_) => continue,
        };
        match e.name().as_ref() {
            "table:table" => {
                rows = 0;
                bounds = None;
                table = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == "table:name")
                    .and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.into_owned())
                    })
                    .unwrap_or_default();
            }
            "table:table-row" => {
                row_repeat = attr(&e, "table:number-rows-repeated")
                    .unwrap_or(1)
                    .clamp(1, max_rows);
                col = 0;
                if !has_content {
                    rows = (rows + row_repeat).min(max_rows);
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let repeat = attr(&e, "table:number-columns-repeated")
                    .unwrap_or(1)
                    .clamp(1, max_cols);
                let valued = has_content
                    || e.attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == "office:value-type");
                if valued && col < max_cols && rows < max_rows {
                    let (r0, r1) = (rows, (rows + row_repeat - 1).min(max_rows - 1));
                    let (c0, c1) = (col, (col + repeat - 1).min(max_cols - 1));
                    let b = bounds.get_or_insert((r0, r1, c0, c1));
                    *b = (b.0.min(r0), b.1.max(r1), b.2.min(c0), b.3.max(c1));
                }
                if e.name().as_ref() == "table:table-cell" && rows < max_rows && col < max_cols {
                    let rs = attr(&e, "table:number-rows-spanned").unwrap_or(1).max(1);
                    let cs = attr(&e, "table:number-columns-spanned").unwrap_or(1).max(1);
                    if (rs > 1 || cs > 1) && table_merges.len() < 100_000 {
                        let last_row = (rows + rs - 1).min(max_rows - 1);
                        let last_col = (col + cs - 1).min(max_cols - 1);
                        table_merges.push(Dimensions::new(
                            (rows as u32, col as u32),
                            (last_row as u32, last_col as u32),
                        ));
                    }
                }
                col = (col + repeat).min(max_cols);
            }
            _ => {}
        }
    }
    Ok(merges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(f: f64) -> String {
        let mut s = String::new();
        number_text(f, &mut s);
        s
    }

    #[test]
    fn numbers_as_excel_shows_them() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(1234.56), "1234.56");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(12.340000000000002), "12.34");
        assert_eq!(num(-0.05), "-0.05");
        assert_eq!(num(1e20), "100000000000000000000");
        assert_eq!(num(1.5e-7), "0.00000015");
        assert_eq!(num(123456789012.345), "123456789012.345");
        assert_eq!(num(45078.0), "45078");
    }

    fn date(v: f64, is_1904: bool) -> String {
        let mut s = String::new();
        date_text(
            &ExcelDateTime::new(v, calamine::ExcelDateTimeType::DateTime, is_1904),
            &mut s,
        );
        s
    }

    #[test]
    fn dates_in_both_systems() {
        assert_eq!(date(45078.0, false), "2023-06-01");
        assert_eq!(date(45078.0 - 1462.0, true), "2023-06-01");
        assert_eq!(date(45078.5990740741, false), "2023-06-01 14:22:40");
        assert_eq!(date(0.5, false), "12:00:00");
        assert_eq!(date(60.0, false), "1900-02-29");
        assert_eq!(date(-1.0, false), "-1");
    }

    #[test]
    fn iso_dates() {
        let f = |s: &str| {
            let mut o = String::new();
            iso_text(s, &mut o);
            o
        };
        assert_eq!(f("2023-06-01"), "2023-06-01");
        assert_eq!(f("2023-06-01T14:22:10"), "2023-06-01 14:22:10");
        assert_eq!(f("2023-06-01T14:22:10.123"), "2023-06-01 14:22:10");
        assert_eq!(f("2023-06-01T00:00:00"), "2023-06-01");
    }

    #[test]
    fn merged_ranges_after_the_sheet_data() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lt;mergeCell ref="A1:Z9"/&gt; mergeCells</t></is></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:E1"/><x:mergeCell ref='$B$3:B5' /></mergeCells></worksheet>"#;
        // Read in pieces of any size, the cut falling anywhere.
        struct Drip<'a>(&'a [u8]);
        impl Read for Drip<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(7);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let want = vec![
            Dimensions::new((0, 0), (0, 4)),
            Dimensions::new((2, 1), (4, 1)),
        ];
        assert_eq!(scan_merges(&xml[..]), Some(want.clone()));
        assert_eq!(scan_merges(Drip(xml)), Some(want));
        assert_eq!(
            scan_merges(&b"<worksheet><sheetData/></worksheet>"[..]),
            Some(vec![])
        );
        assert_eq!(parse_range("C3:A1"), Some(Dimensions::new((0, 0), (2, 2))));
        assert_eq!(parse_range("A0"), None);
    }

    #[test]
    fn biff12_records_and_wide_strings() {
        // Type 0x92 0x01 (146) size 0; type 0x26 (38) with a size of two
        // bytes (0x81 0x01 = 129); type 0xB0 0x01 (176) size 16; then a
        // type cut short.
        let mut part = vec![0x92, 0x01, 0x00, 0x26, 0x81, 0x01];
        part.extend(std::iter::repeat_n(7u8, 129));
        part.extend([0xB0, 0x01, 0x10]);
        part.extend((1u32..=4).flat_map(u32::to_le_bytes));
        part.push(0x80);
        let mut r = Records::new(&part[..], "p");
        assert_eq!(r.next().unwrap(), Some((146, 0)));
        assert_eq!(r.next().unwrap(), Some((38, 129)));
        let mut buf = [0u8; 4];
        assert_eq!(r.payload(129, &mut buf).unwrap(), 4);
        assert_eq!(buf, [7; 4]);
        assert_eq!(r.next().unwrap(), Some((176, 16)));
        let mut rfx = [0u8; 16];
        assert_eq!(r.payload(16, &mut rfx).unwrap(), 16);
        assert_eq!(&rfx[12..], &4u32.to_le_bytes());
        assert!(
            r.next()
                .unwrap_err()
                .to_string()
                .contains("ends inside a record")
        );
        assert_eq!(Records::new(&[][..], "p").next().unwrap(), None);

        let mut ws = 2u32.to_le_bytes().to_vec();
        ws.extend("台账".encode_utf16().flat_map(u16::to_le_bytes));
        ws.extend(u32::MAX.to_le_bytes());
        assert_eq!(wide_string(&ws, 0), Some((Some("台账".to_string()), 8)));
        assert_eq!(wide_string(&ws, 8), Some((None, 12)));
        assert_eq!(wide_string(&ws[..7], 0), None);
        assert_eq!(
            wide_string(&u32::MAX.wrapping_sub(1).to_le_bytes(), 0),
            None
        );
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
        assert_eq!(cell_name(2, 14), "C14");
    }

    fn rows_of(
        cells: &[(u32, u32, &str)],
        merges: Vec<Dimensions>,
    ) -> Vec<(u64, Vec<String>, bool)> {
        let mut b = RowBuilder::new(&Limits::default(), merges);
        let mut out = Vec::new();
        let mut emit = |r: &SheetRow<'_>| {
            let mut fields = Vec::new();
            let mut start = 0;
            for &e in r.ends {
                fields.push(String::from_utf8(r.bytes[start..e].to_vec()).unwrap());
                start = e;
            }
            out.push((r.line, fields, r.blank));
            true
        };
        for &(r, c, v) in cells {
            b.push(r, c, &Cv::Str(v), &mut emit).unwrap();
        }
        b.finish(&mut emit);
        out
    }

    #[test]
    fn merged_ranges_fill_and_gaps_are_blank() {
        let merges = vec![
            Dimensions::new((0, 0), (0, 2)),
            Dimensions::new((2, 0), (4, 0)),
        ];
        let rows = rows_of(
            &[
                (0, 0, "title"),
                (1, 0, "id"),
                (1, 1, "x"),
                (2, 0, "T1"),
                (2, 1, "a"),
                (3, 1, "b"),
                (6, 1, "c"),
            ],
            merges,
        );
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rows,
            vec![
                (1, s(&["title", "title", "title"]), false),
                (2, s(&["id", "x"]), false),
                (3, s(&["T1", "a"]), false),
                (4, s(&["T1", "b"]), false),
                (5, s(&[]), true),
                (6, s(&[]), true),
                (7, s(&["", "c"]), false),
            ]
        );
    }
}
