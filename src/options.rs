//! What a caller can choose: period, encoding, delimiter, bad-row policy,
//! rounding, extra header aliases and limits.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::error::Error;

/// The input encoding (spec section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// A UTF-8 or UTF-16 BOM when present, else UTF-8 when the bytes are
    /// valid UTF-8, else GB18030.
    #[default]
    Auto,
    /// UTF-8, with or without BOM.
    Utf8,
    /// GB18030 (a superset of GBK; `gbk` and `gb2312` are accepted names).
    Gb18030,
    /// UTF-16 little endian, with or without BOM.
    Utf16Le,
    /// UTF-16 big endian, with or without BOM.
    Utf16Be,
}

impl FromStr for Encoding {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let n = s.trim().to_ascii_lowercase().replace('_', "-");
        Ok(match n.as_str() {
            "auto" => Encoding::Auto,
            "utf-8" | "utf8" | "utf-8-sig" => Encoding::Utf8,
            "gb18030" | "gbk" | "gb2312" | "cp936" => Encoding::Gb18030,
            "utf-16le" | "utf16le" | "utf-16" | "utf16" | "unicode" => Encoding::Utf16Le,
            "utf-16be" | "utf16be" => Encoding::Utf16Be,
            _ => {
                return Err(Error::InvalidOption(format!(
                    "unknown encoding `{s}`: expected auto, utf-8, gb18030 (or gbk), utf-16le or utf-16be"
                )));
            }
        })
    }
}

/// What happens to rows that fail validation (spec section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BadRowPolicy {
    /// The run fails and the error lists every problem.
    #[default]
    Fail,
    /// Rejected rows are left out of the figures and listed in the report.
    Skip,
}

/// How percentages and means are rounded to two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 四舍五入, half away from zero, as Excel's ROUND: 3.125 → 3.13.
    #[default]
    HalfAwayFromZero,
    /// GB/T 8170 (half to even): 3.125 → 3.12.
    HalfEven,
}

impl FromStr for Rounding {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '/', ' '], "_")
            .as_str()
        {
            "half_away_from_zero" | "half_up" | "round" | "excel" | "四舍五入" => {
                Ok(Rounding::HalfAwayFromZero)
            }
            "half_even" | "half_to_even" | "gbt8170" | "gb_t_8170" | "gbt_8170" | "bankers" => {
                Ok(Rounding::HalfEven)
            }
            _ => Err(Error::InvalidOption(format!(
                "unknown rounding `{s}`: expected half_away_from_zero or half_even (GB/T 8170)"
            ))),
        }
    }
}

/// An inclusive range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day, inclusive.
    pub start: NaiveDate,
    /// Last day, inclusive.
    pub end: NaiveDate,
}

impl Period {
    /// A period from `start` to `end`, inclusive; `end` before `start` is an
    /// error.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Period, Error> {
        if end < start {
            return Err(Error::InvalidPeriod(format!(
                "the period ends ({end}) before it starts ({start})"
            )));
        }
        Ok(Period { start, end })
    }

    /// The calendar year `year`.
    pub fn year(year: i32) -> Result<Period, Error> {
        let start = NaiveDate::from_ymd_opt(year, 1, 1);
        let end = NaiveDate::from_ymd_opt(year, 12, 31);
        match (start, end) {
            (Some(start), Some(end)) if year >= 1 => Ok(Period { start, end }),
            _ => Err(Error::InvalidPeriod(format!("{year} is not a usable year"))),
        }
    }

    /// Parses `FROM` and `TO` dates in any form the date parser accepts.
    pub fn parse(from: &str, to: &str) -> Result<Period, Error> {
        let p = |s: &str| {
            crate::fields::parse_date_time(crate::fields::trim(s))
                .map(|d| d.date)
                .map_err(|e| Error::InvalidPeriod(format!("`{s}`: {e}")))
        };
        Period::new(p(from)?, p(to)?)
    }

    /// Whether `d` falls in the period.
    #[inline]
    pub fn contains(&self, d: NaiveDate) -> bool {
        // `&`, not `&&`: two compares and no branch, which would be
        // mispredicted on rows whose dates fall on either side.
        (self.start <= d) & (d <= self.end)
    }

    /// The same dates one year earlier; 29 February maps to 28 February.
    pub fn previous(&self) -> Period {
        Period {
            start: year_earlier(self.start),
            end: year_earlier(self.end),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} – {}", self.start, self.end)
    }
}

/// The same date one year earlier; 29 February maps to 28 February.
pub fn year_earlier(d: NaiveDate) -> NaiveDate {
    let y = d.year() - 1;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), d.day() - 1))
        .unwrap_or(d)
}

/// The most worker threads a tally runs ([`Options::threads`]). Threads
/// past the cores only add memory (a shard per three threads, a block per
/// thread in each batch), so a request past this is an error rather than a
/// way to exhaust the host.
pub const MAX_THREADS: usize = 64;

/// The largest [`Options::block_bytes`]: with [`MAX_THREADS`] a batch stays
/// within 256 MiB.
pub const MAX_BLOCK_BYTES: usize = 4 << 20;

/// Options for a [`Tally`](crate::Tally). `Options::default()` is what the
/// spec calls the defaults: automatic encoding and delimiter, the period
/// taken from the data, `fail` on bad rows, half-away-from-zero rounding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The reporting period; None takes the calendar year of the latest
    /// date in the data.
    pub period: Option<Period>,
    /// The input encoding.
    pub encoding: Encoding,
    /// The field delimiter; None chooses tab or comma from the header line.
    pub delimiter: Option<u8>,
    /// What happens to rows that fail validation.
    pub on_bad_row: BadRowPolicy,
    /// Rounding of percentages and means.
    pub rounding: Rounding,
    /// Extra header aliases: (header as it appears in the file, column key).
    pub aliases: Vec<(String, String)>,
    /// Resource limits.
    pub limits: Limits,
    /// Worker threads for large inputs, 1 to [`MAX_THREADS`]; None uses
    /// every available core (at most [`MAX_THREADS`]). Figures never
    /// depend on it. [`Tally::new`](crate::Tally::new) rejects a value out
    /// of range.
    pub threads: Option<usize>,
    /// Decoded bytes per thread in one batch when several threads run
    /// (default 1 MiB, 1 to [`MAX_BLOCK_BYTES`]; a batch is cut into four
    /// blocks per thread, which the threads take in turn). A tuning knob:
    /// figures never depend on it.
    pub block_bytes: usize,
    /// Keep what a saved state needs ([`Tally::save_state`](crate::Tally::save_state),
    /// docs/state.md): every first occurrence, in a compact form, and each
    /// input's identity, so that an input taken twice is refused. Off, a
    /// tally keeps neither (a tally that has taken a state still refuses
    /// an input the state holds).
    pub keep_state: bool,
    /// A prefix for every id of the inputs fed with these options, for
    /// ledgers whose ids are unique only within a district (`余杭`): ids of
    /// inputs with different prefixes never meet, so a city's roll-up of
    /// its districts' states keeps them apart. Figures that count distinct
    /// values other than the row id (targets, objects) are not prefixed.
    pub id_prefix: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            period: None,
            encoding: Encoding::Auto,
            delimiter: None,
            on_bad_row: BadRowPolicy::Fail,
            rounding: Rounding::HalfAwayFromZero,
            aliases: Vec::new(),
            limits: Limits::default(),
            threads: None,
            block_bytes: 1 << 20,
            keep_state: false,
            id_prefix: None,
        }
    }
}

impl Options {
    /// Sets the period to the calendar year `year`.
    pub fn year(mut self, year: i32) -> Result<Self, Error> {
        self.period = Some(Period::year(year)?);
        Ok(self)
    }

    /// Adds a header alias: a column headed `header` is read as `key`.
    pub fn alias(mut self, header: impl Into<String>, key: impl Into<String>) -> Self {
        self.aliases.push((header.into(), key.into()));
        self
    }

    /// Sets the number of worker threads (1 to [`MAX_THREADS`]; 0 is taken
    /// as 1, a larger value is rejected by [`Tally::new`](crate::Tally::new)).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// The number of worker threads to use: the one asked for, or every
    /// available core up to [`MAX_THREADS`].
    pub fn worker_threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .clamp(1, MAX_THREADS)
    }

    /// Checks every numeric option against its documented range; the error
    /// names the option, the range and the value.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(t) = self.threads
            && !(1..=MAX_THREADS).contains(&t)
        {
            return Err(Error::InvalidOption(format!(
                "threads must be from 1 to {MAX_THREADS}, not {t}"
            )));
        }
        if !(1..=MAX_BLOCK_BYTES).contains(&self.block_bytes) {
            return Err(Error::InvalidOption(format!(
                "block_bytes must be from 1 to {MAX_BLOCK_BYTES}, not {}",
                self.block_bytes
            )));
        }
        if self.limits.max_columns == 0
            || self.limits.max_record_bytes == 0
            || self.limits.max_workbook_bytes == 0
            || self.limits.max_sheet_bytes == 0
            || self.limits.max_sheet_cells == 0
        {
            return Err(Error::InvalidOption(
                "limits must be at least 1 (max_problems may be 0)".into(),
            ));
        }
        Ok(())
    }

    /// Sets the bad-row policy.
    pub fn on_bad_row(mut self, policy: BadRowPolicy) -> Self {
        self.on_bad_row = policy;
        self
    }
}

/// Bounds on what one input may make govtally hold in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes one record may hold: the decoded UTF-8 bytes of its
    /// fields' contents (delimiters and quotes not counted). Default 1 MiB.
    pub max_record_bytes: usize,
    /// Most columns a header or row may have. Default 1024.
    pub max_columns: usize,
    /// Most row problems kept in full (the total is always counted).
    /// Default 100.
    pub max_problems: usize,
    /// Most bytes of a workbook file or buffer (`.xlsx`, `.xls`, …).
    /// Default 256 MiB.
    pub max_workbook_bytes: u64,
    /// Most uncompressed bytes of one part of a zip workbook: a worksheet
    /// (streamed) or `.ods` content; parts read whole (shared strings,
    /// styles) may have a sixteenth of it. Default 512 MiB.
    pub max_sheet_bytes: u64,
    /// Most cells of a sheet read whole (`.xls`, `.ods`: the rectangle
    /// from the first to the last used cell), and most cells the merged
    /// ranges of an `.xlsb` sheet may cover in all. Default 4,000,000.
    pub max_sheet_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_bytes: 1 << 20,
            max_columns: 1024,
            max_problems: 100,
            max_workbook_bytes: 256 << 20,
            max_sheet_bytes: 512 << 20,
            max_sheet_cells: 4_000_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn previous_period_maps_leap_day() {
        let p = Period::new(d("2024-02-29"), d("2024-12-31"))
            .unwrap()
            .previous();
        assert_eq!((p.start, p.end), (d("2023-02-28"), d("2023-12-31")));
        let p = Period::year(2023).unwrap().previous();
        assert_eq!((p.start, p.end), (d("2022-01-01"), d("2022-12-31")));
        let p = Period::new(d("2024-01-01"), d("2024-02-29"))
            .unwrap()
            .previous();
        assert_eq!(p.end, d("2023-02-28"));
    }

    #[test]
    fn invalid_periods() {
        assert!(Period::new(d("2023-02-01"), d("2023-01-01")).is_err());
        assert!(Period::parse("2023-01-01", "2023-02-30").is_err());
        assert_eq!(
            Period::parse("2023年1月1日", "2023/3/31").unwrap(),
            Period::new(d("2023-01-01"), d("2023-03-31")).unwrap()
        );
    }

    #[test]
    fn names() {
        assert_eq!("GBK".parse::<Encoding>().unwrap(), Encoding::Gb18030);
        assert_eq!("utf-16be".parse::<Encoding>().unwrap(), Encoding::Utf16Be);
        assert!("latin1".parse::<Encoding>().is_err());
        assert_eq!("GB/T 8170".parse::<Rounding>().unwrap(), Rounding::HalfEven);
        assert_eq!(
            "half_away_from_zero".parse::<Rounding>().unwrap(),
            Rounding::HalfAwayFromZero
        );
    }
}
