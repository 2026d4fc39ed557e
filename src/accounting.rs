//! What every report carries besides its figures: the period, what became
//! of every row, and the problems found.

use serde::Serialize;

use crate::error::Problem;
use crate::options::Period;

/// `period.*`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PeriodInfo {
    /// First day (ISO date).
    pub start: chrono::NaiveDate,
    /// Last day, inclusive (ISO date).
    pub end: chrono::NaiveDate,
    /// True when no period was given and it was taken as the calendar year
    /// of the latest date in the data.
    pub inferred: bool,
}

impl PeriodInfo {
    /// The period as a [`Period`].
    pub fn period(&self) -> Period {
        Period {
            start: self.start,
            end: self.end,
        }
    }
}

/// `rows.*`: read = counted + out_of_period + duplicates + blank + rejected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    /// Records read other than the header (a quoted line break does not
    /// start a new one); blank lines before the header count too.
    pub read: u64,
    /// Rows that feed a figure.
    pub counted: u64,
    /// Valid rows that feed none (their date is outside the period).
    pub out_of_period: u64,
    /// Rows whose id was already seen in an earlier valid row.
    pub duplicates: u64,
    /// Blank lines (nothing but white space and delimiters).
    pub blank: u64,
    /// Rows with at least one rejected value.
    pub rejected: u64,
}

impl RowCounts {
    /// Whether read = counted + out_of_period + duplicates + blank + rejected.
    pub fn balanced(&self) -> bool {
        self.read
            == self.counted + self.out_of_period + self.duplicates + self.blank + self.rejected
    }
}

/// `files[]`: one input (a file, or a sheet of a workbook) and what became
/// of its rows; the `rows` of the report are the sums of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRows {
    /// The file, as named to the tally.
    pub file: String,
    /// The workbook sheet; None (JSON null) for CSV.
    pub sheet: Option<String>,
    /// What became of its rows. A row whose id an earlier file had is a
    /// duplicate of this file.
    pub rows: RowCounts,
}

/// `problems.*`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Problems {
    /// Problems found.
    pub total: u64,
    /// The first of them, in file order (see `Limits::max_problems`).
    pub items: Vec<Problem>,
}
