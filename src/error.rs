//! Errors and row problems.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::input::mask::mask_personal;

/// One rejected value (or row): where it is, what it was, and why it was
/// rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The file, as named to the tally (`<input>` for unnamed streams).
    pub file: String,
    /// The workbook sheet the row is on; None (JSON null) for CSV.
    pub sheet: Option<String>,
    /// The line (1-based) on which the row starts; the header is line 1.
    /// In a workbook, the sheet's row number.
    pub line: u64,
    /// The workbook cell (`C14`); None (JSON null) for CSV, and for a
    /// problem with a whole row.
    pub cell: Option<String>,
    /// The column's header as written in the file.
    pub column: String,
    /// The raw value (undecodable bytes shown as `\xNN`).
    pub value: String,
    /// Why it was rejected.
    pub reason: String,
}

impl Problem {
    /// A problem, with every resident identity or mobile number in its
    /// column, value and reason masked (spec 2.4): a problem is written to
    /// files, terminals and C callers, and personal numbers never are.
    pub fn new(
        file: impl Into<String>,
        line: u64,
        column: impl Into<String>,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Problem {
        let masked = |s: String| match mask_personal(&s) {
            Cow::Borrowed(_) => s,
            Cow::Owned(m) => m,
        };
        Problem {
            file: file.into(),
            sheet: None,
            line,
            cell: None,
            column: masked(column.into()),
            value: masked(value.into()),
            reason: masked(reason.into()),
        }
    }

    /// The same problem placed on a workbook sheet (and cell, when the
    /// problem is with one cell rather than the whole row).
    pub fn in_sheet(mut self, sheet: &str, cell: Option<String>) -> Problem {
        self.sheet = Some(mask_personal(sheet).into_owned());
        self.cell = cell;
        self
    }
}

impl fmt::Display for Problem {
    /// `台账.csv:14: column …` for CSV; `台账.xlsx [2023年] C14: column …`
    /// for a workbook cell (`… [2023年] row 14: …` for a whole row).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.sheet, &self.cell) {
            (None, _) => write!(f, "{}:{}:", self.file, self.line)?,
            (Some(s), Some(c)) => write!(f, "{} [{}] {}:", self.file, s, c)?,
            (Some(s), None) => write!(f, "{} [{}] row {}:", self.file, s, self.line)?,
        }
        write!(
            f,
            " column `{}`, value `{}`: {}",
            self.column, self.value, self.reason
        )
    }
}

/// A problem with a whole file: it cannot be read as the dataset asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// The file holds no header line.
    #[error("the file is empty: no header line")]
    NoHeader,
    /// Required columns are missing.
    #[error("{}; the header has: {}", missing_list(.missing), found_list(.found))]
    MissingColumns {
        /// Each missing key with its accepted headers.
        missing: Vec<(String, Vec<String>)>,
        /// The headers that were found.
        found: Vec<String>,
    },
    /// Two or more columns map to the same key.
    #[error("columns {} all map to `{key}` (accepted headers: {}); keep one or rename the others; the header has: {}", quoted(.columns), .aliases.join(", "), found_list(.found))]
    AmbiguousColumn {
        /// The key.
        key: String,
        /// Its accepted headers.
        aliases: Vec<String>,
        /// The headers that map to it.
        columns: Vec<String>,
        /// The headers that were found.
        found: Vec<String>,
    },
    /// A header cell does not decode.
    #[error("header cell {column} ({value}) is {reason}")]
    HeaderEncoding {
        /// 1-based position of the cell.
        column: usize,
        /// The cell, undecodable bytes shown as `\xNN`.
        value: String,
        /// Why.
        reason: String,
    },
    /// The header record broke a limit.
    #[error("the header line {0}")]
    HeaderTooLarge(String),
    /// The header matches no dataset.
    #[error("the header matches no dataset ({}); the header has: {}", .known.join(", "), found_list(.found))]
    UnknownDataset {
        /// The datasets govtally knows.
        known: Vec<String>,
        /// The headers that were found.
        found: Vec<String>,
    },
    /// The header matches several datasets equally well.
    #[error("the header matches several datasets equally well ({}); name the dataset explicitly; the header has: {}", .candidates.join(", "), found_list(.found))]
    AmbiguousDataset {
        /// The datasets it matches.
        candidates: Vec<String>,
        /// The headers that were found.
        found: Vec<String>,
    },
    /// A workbook that cannot be read: not a workbook, damaged, encrypted,
    /// or past a limit. The text says which, and what to do.
    #[error("{0}")]
    Workbook(String),
    /// A workbook sheet with no rows.
    #[error("the sheet is empty: no header row")]
    EmptySheet,
    /// The sheet asked for is not in the workbook.
    #[error("has no sheet named `{sheet}`; its sheets are: {}", found_list(.sheets))]
    SheetNotFound {
        /// The sheet asked for.
        sheet: String,
        /// The workbook's sheets.
        sheets: Vec<String>,
    },
    /// No sheet of a workbook is a ledger of the dataset asked for (or, for
    /// `report DIR`, of any dataset).
    #[error("no sheet holds a {dataset} ledger: {}", sheet_reasons(.sheets))]
    NoLedgerSheet {
        /// The dataset asked for (`legality`), or `known` for any.
        dataset: String,
        /// Each sheet with why it is not one.
        sheets: Vec<(String, String)>,
    },
    /// The input holds the same bytes as one the tally already took (in
    /// this run or in a state it resumed or merged): its rows would be
    /// counted twice.
    #[error(
        "holds the same bytes as {earlier}, which this tally already took: the same input would be counted twice"
    )]
    SameInput {
        /// The earlier input.
        earlier: String,
    },
    /// The byte-order mark names another encoding than the one chosen.
    #[error("the file starts with a {bom} byte-order mark but encoding {chosen} was chosen")]
    BomConflict {
        /// Encoding named by the BOM.
        bom: String,
        /// Encoding chosen by the caller.
        chosen: String,
    },
}

fn missing_list(m: &[(String, Vec<String>)]) -> String {
    m.iter()
        .map(|(k, a)| {
            format!(
                "missing required column `{k}` (accepted headers: {})",
                a.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn sheet_reasons(v: &[(String, String)]) -> String {
    if v.is_empty() {
        return "the workbook has no sheets".to_string();
    }
    v.iter()
        .map(|(s, r)| format!("[{s}] {r}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn quoted(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn found_list(v: &[String]) -> String {
    if v.is_empty() {
        "(nothing)".to_string()
    } else {
        v.join(", ")
    }
}

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A file cannot be read as the dataset (header, encoding).
    #[error("{file}: {error}")]
    File {
        /// The file.
        file: String,
        /// What is wrong with it.
        #[source]
        error: FileError,
    },
    /// Rows were rejected under the `fail` policy. Lists the first problems
    /// in full and the total.
    #[error("{}", rejected_message(*.rows, *.total, .problems))]
    Rejected {
        /// Rows rejected.
        rows: u64,
        /// Problems found (a row may have several).
        total: u64,
        /// The first problems, in file order.
        problems: Vec<Problem>,
    },
    /// An option or argument is not acceptable.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The period cannot be used.
    #[error("invalid period: {0}")]
    InvalidPeriod(String),
    /// Bytes given as a state that a tally cannot take.
    #[error("{state}: {error}")]
    State {
        /// The state, as named to the tally (its path for the CLI).
        state: String,
        /// What is wrong with it.
        #[source]
        error: crate::state::StateError,
    },
    /// The data gives no date to take the period from.
    #[error("no period was given and no row has a date to take the year from")]
    NoPeriod,
}

fn rejected_message(rows: u64, total: u64, problems: &[Problem]) -> String {
    let mut s = format!(
        "{rows} row{} rejected ({total} problem{}):",
        if rows == 1 { "" } else { "s" },
        if total == 1 { "" } else { "s" }
    );
    for p in problems {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    let more = total.saturating_sub(problems.len() as u64);
    if more > 0 {
        s.push_str(&format!("\n  … and {more} more"));
    }
    s
}

/// `Result` with govtally's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
