//! The ledgers govtally reads. Each dataset is a declaration — its columns,
//! aliases, vocabularies, id and date — plus how its figures accumulate; the
//! pipeline around it (decode, split, map, validate, de-duplicate, period)
//! is written once, in this module and in the engine behind [`crate::Tally`].

pub mod complaints;
pub mod disputes;
pub mod enforcement;
pub mod inspections;
pub mod legality;
pub mod normative;
pub mod proposals;
pub mod reconsideration;
pub(crate) mod text;

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use chrono::{Datelike, NaiveDate};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::error::Problem;
use crate::input::decode::SourceEncoding;
use crate::input::fields::{self, DateTime};
use crate::input::header::{ColumnSpec, HeaderMap};
use crate::input::records::Record;
use crate::options::{Period, Rounding};
pub use crate::state::kept::Strings;
use crate::stats::distinct::IdKey;

/// A closed vocabulary: an enum column's values (spec section 2).
pub trait Vocab: Copy + Eq + fmt::Debug + 'static {
    /// Every value, in report order.
    const ALL: &'static [Self];
    /// The English key (`administrative_contract`).
    fn key(self) -> &'static str;
    /// The Chinese words that mean it; empty for `unrecorded`, which is what
    /// an empty cell gives and is not written in a file.
    fn words(self) -> &'static [&'static str];

    /// Position in [`Vocab::ALL`].
    fn index(self) -> usize {
        Self::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    /// Reads a trimmed cell: a Chinese word, or the English key (ASCII case
    /// ignored).
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| {
            !v.words().is_empty() && (v.words().contains(&s) || v.key().eq_ignore_ascii_case(s))
        })
    }

    /// The reason given when a cell is none of the accepted values.
    fn expected() -> String {
        let mut accepted = Vec::new();
        for v in Self::ALL {
            if !v.words().is_empty() {
                accepted.extend(v.words().iter().map(|w| w.to_string()));
                accepted.push(v.key().to_string());
            }
        }
        format!(
            "not an accepted value; expected one of: {}",
            accepted.join(", ")
        )
    }
}

macro_rules! vocab {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $key:literal [$($word:literal),*]),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $var),+ }
        impl $crate::datasets::Vocab for $name {
            const ALL: &'static [Self] = &[$(Self::$var),+];
            fn key(self) -> &'static str { match self { $(Self::$var => $key),+ } }
            fn words(self) -> &'static [&'static str] { match self { $(Self::$var => &[$($word),*]),+ } }
            // ALL lists the variants in declaration order.
            #[inline]
            fn index(self) -> usize { self as usize }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::datasets::Vocab::key(*self))
            }
        }
    };
}
pub(crate) use vocab;

/// One value per variant of a vocabulary; every key is present in JSON,
/// zero or not.
#[derive(Clone, PartialEq, Eq)]
pub struct PerVariant<E: Vocab, V> {
    values: Vec<V>,
    _e: PhantomData<E>,
}

impl<E: Vocab, V: Default + Clone> Default for PerVariant<E, V> {
    fn default() -> Self {
        PerVariant {
            values: vec![V::default(); E::ALL.len()],
            _e: PhantomData,
        }
    }
}

impl<E: Vocab, V> PerVariant<E, V> {
    /// The value for `e`.
    pub fn get(&self, e: E) -> &V {
        &self.values[e.index()]
    }

    /// The value for `e`, mutably.
    pub fn get_mut(&mut self, e: E) -> &mut V {
        &mut self.values[e.index()]
    }

    /// Variants with their values, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (E, &V)> {
        E::ALL.iter().copied().zip(self.values.iter())
    }

    /// Combines `other` into this map value by value.
    pub fn merge(&mut self, other: PerVariant<E, V>, mut f: impl FnMut(&mut V, V)) {
        for (a, b) in self.values.iter_mut().zip(other.values) {
            f(a, b);
        }
    }

    /// A new map with `f` applied to every value.
    pub fn map<W>(&self, f: impl FnMut(&V) -> W) -> PerVariant<E, W> {
        PerVariant {
            values: self.values.iter().map(f).collect(),
            _e: PhantomData,
        }
    }
}

impl<E: Vocab, V: fmt::Debug> fmt::Debug for PerVariant<E, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(e, v)| (e.key(), v)))
            .finish()
    }
}

impl<E: Vocab, V: Serialize> Serialize for PerVariant<E, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(E::ALL.len()))?;
        for (e, v) in self.iter() {
            m.serialize_entry(e.key(), v)?;
        }
        m.end()
    }
}

/// A trimmed text value borrowed from the record where it can be.
pub type Text<'r> = Cow<'r, str>;

/// A borrowed text made owned, so a row can outlive its record.
pub fn owned<'b>(t: Text<'_>) -> Text<'b> {
    Cow::Owned(t.into_owned())
}

/// The label free-text groupings use for an empty cell.
pub const NOT_FILLED: &str = "未填写";

/// Typed access to one record's cells; every failure is recorded as a
/// [`Problem`] with the line, the column's header as written, the raw value
/// and the reason.
pub struct Cells<'r, 'p> {
    /// The record: its line and where its fields are.
    pub(crate) record: &'p Record<'p>,
    /// The record's bytes, borrowed for as long as rows may keep them.
    pub(crate) bytes: &'r [u8],
    /// The record as text, when it could be validated in one go.
    pub(crate) whole: Option<&'r str>,
    pub(crate) map: &'p HeaderMap,
    pub(crate) encoding: SourceEncoding,
    pub(crate) file: &'p str,
    pub(crate) problems: &'p mut Vec<Problem>,
    /// The workbook sheet the record is a row of (None for CSV).
    pub(crate) sheet: Option<&'p str>,
    /// Fields of a workbook row that hold error cells (`#N/A`): reading
    /// one is a problem whatever the column's type.
    pub(crate) cell_errors: &'p [usize],
}

impl<'r> Cells<'r, '_> {
    /// Records a problem with column `col` of the dataset.
    pub(crate) fn reject(&mut self, col: usize, value: &str, reason: String) {
        let field = self.map.index[col];
        let column = field
            .and_then(|i| self.map.names.get(i).cloned())
            .unwrap_or_default();
        let mut p = Problem::new(self.file, self.record.line, column, value, reason);
        if let Some(sheet) = self.sheet {
            p = p.in_sheet(
                sheet,
                field.map(|i| crate::input::workbook::cell_name(i, self.record.line)),
            );
        }
        self.problems.push(p);
    }

    /// A workbook error cell (`#N/A`, `#VALUE!`) read as column `col`.
    #[cold]
    #[inline(never)]
    fn error_cell<T>(&mut self, col: usize, i: usize) -> Option<T> {
        let raw = self
            .record
            .range(i)
            .and_then(|r| self.bytes.get(r))
            .unwrap_or(&[]);
        let shown = String::from_utf8_lossy(raw).into_owned();
        self.reject(
            col,
            &shown,
            format!(
                "the cell holds the error value {shown} (a formula that could not be \
                 computed, or an error typed in): correct it or clear the cell"
            ),
        );
        None
    }

    /// Whether any cell of this row has failed.
    pub fn failed(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The decoded, trimmed text of column `col`; None when the column is
    /// absent or the cell empty.
    #[inline]
    pub fn text(&mut self, col: usize) -> Option<Text<'r>> {
        let i = self.map.index[col]?;
        if !self.cell_errors.is_empty() && self.cell_errors.contains(&i) {
            return self.error_cell(col, i);
        }
        if let Some(field) = self
            .whole
            .zip(self.record.range(i))
            .and_then(|(s, r)| s.get(r))
        {
            let t = fields::trim(field);
            return (!t.is_empty()).then_some(Cow::Borrowed(t));
        }
        self.decoded_text(col, i)
    }

    /// [`Cells::text`] of a field that is not a slice of validated text:
    /// decoded on its own (a record copied out of its chunk, or invalid).
    #[cold]
    #[inline(never)]
    fn decoded_text(&mut self, col: usize, i: usize) -> Option<Text<'r>> {
        let raw = self
            .record
            .range(i)
            .and_then(|r| self.bytes.get(r))
            .unwrap_or(&[]);
        match self.encoding.decode_field(raw) {
            Ok(Cow::Borrowed(s)) => {
                let t = fields::trim(s);
                (!t.is_empty()).then_some(Cow::Borrowed(t))
            }
            Ok(Cow::Owned(s)) => {
                let t = fields::trim(&s);
                (!t.is_empty()).then(|| Cow::Owned(t.to_string()))
            }
            Err(reason) => {
                let shown = self.encoding.escape_invalid(raw);
                self.reject(col, &shown, reason);
                None
            }
        }
    }

    /// Like [`Cells::text`], but an empty cell is a problem.
    pub fn required_text(&mut self, col: usize) -> Option<Text<'r>> {
        let had_problems = self.problems.len();
        let v = self.text(col);
        if v.is_none() && self.problems.len() == had_problems {
            self.reject(col, "", "a value is required".to_string());
        }
        v
    }

    /// Applies `parse` to a non-empty cell; a failure is a problem.
    fn parsed<T>(
        &mut self,
        col: usize,
        required: bool,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = if required {
            self.required_text(col)?
        } else {
            self.text(col)?
        };
        match parse(&text) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.reject(col, &text, reason);
                None
            }
        }
    }

    /// A date or date-time cell.
    pub fn date(&mut self, col: usize, required: bool) -> Option<DateTime> {
        self.parsed(col, required, fields::parse_date_time)
    }

    /// A yes/no cell; empty gives None.
    pub fn flag(&mut self, col: usize) -> Option<bool> {
        self.parsed(col, false, fields::parse_bool)
    }

    /// A non-negative integer cell; empty gives None.
    pub fn count(&mut self, col: usize) -> Option<u64> {
        self.parsed(col, false, fields::parse_count)
    }

    /// An amount of money in yuan (spec 2.4), as exact fen; empty gives
    /// None.
    pub fn money(&mut self, col: usize) -> Option<i64> {
        self.parsed(col, false, fields::parse_money)
    }

    /// An enum cell.
    pub fn vocab<E: Vocab>(&mut self, col: usize, required: bool) -> Option<E> {
        self.parsed(col, required, |s| E::parse(s).ok_or_else(E::expected))
    }
}

/// A ledger: what it declares (name, title, columns, how its dates feed
/// the period) and how its figures accumulate and read in Chinese. The
/// pipeline around it — decode, split, map the header, validate,
/// de-duplicate, route by period, share among threads — is written once in
/// the engine; the registry (`crate::registry`) lists the ledgers, and
/// everything that enumerates them reads it.
pub trait DatasetSpec: 'static {
    /// The name used on the command line, in JSON and in C (`legality`).
    const NAME: &'static str;
    /// The Chinese title, as a report names the ledger (`合法性审查台账`).
    const TITLE: &'static str;
    /// One line for the command line's help.
    const ABOUT: &'static str;
    /// Its columns, keys and aliases.
    const COLUMNS: &'static [ColumnSpec];
    /// Whether rows of the previous period feed figures too (complaints).
    const COMPARES_PREVIOUS: bool = false;
    /// A validated row, borrowing from the record's bytes.
    type Row<'r>: Send + Sync;
    /// Figures being accumulated for one period. Accumulators of disjoint
    /// rows merge: that is how threads share the work.
    type Acc: Send;
    /// The finished figures: the JSON document's dataset-specific part.
    type Figures: Serialize + Clone + fmt::Debug + PartialEq + Send + Sync + 'static;
    /// Reads and validates a row: its id for de-duplication, and the row.
    /// None when a cell failed (the problems are in `cells`). The id's text
    /// is not kept in the row unless a figure needs it: the key alone
    /// decides repeats, and a smaller row travels between threads cheaper.
    fn parse<'r>(cells: &mut Cells<'r, '_>) -> Option<(IdKey, Self::Row<'r>)>;
    /// The row with every borrowed text copied, to outlive its record.
    fn into_owned<'a, 'b>(row: Self::Row<'a>) -> Self::Row<'b>;
    /// What a saved state keeps of a first occurrence (docs/state.md):
    /// what its figures read, texts as numbers in the state's
    /// [`Strings`], dates as day numbers, values as indexes.
    type Kept: serde::Serialize + serde::de::DeserializeOwned + Send + 'static;
    /// The row as a state keeps it.
    fn keep(row: &Self::Row<'_>, strings: &mut Strings) -> Self::Kept;
    /// The row of a kept one, its texts borrowed from `strings` (numbered
    /// from 1); None when the kept row is damaged (a number that is no
    /// text, date or value).
    fn restore<'s>(kept: &Self::Kept, strings: &'s [String]) -> Option<Self::Row<'s>>;
    /// The date the period applies to; for a ledger whose figures take
    /// several dates, any one of them (see [`DatasetSpec::more_dates`]).
    fn date(row: &Self::Row<'_>) -> NaiveDate;
    /// The row's other dates through which it can feed a figure (disputes:
    /// closed, hearing). With no period given, the period is the calendar
    /// year of the latest of all these dates in the data.
    fn more_dates(_row: &Self::Row<'_>) -> [Option<NaiveDate>; 2] {
        [None, None]
    }
    /// Whether the row feeds a figure counted "to date" — since the
    /// earliest row, up to the period's end — whenever its date is on or
    /// before that end (disputes' digital hearings).
    fn feeds_to_date(_row: &Self::Row<'_>) -> bool {
        false
    }
    /// Counts `rows` rows dated before the period (all of whose dates are
    /// before it) in the to-date figures: with no period given, the
    /// latest year's accumulator never saw them.
    fn add_to_date(_acc: &mut Self::Acc, _rows: u64) {}
    /// Reads, and changes nothing in, the memory [`DatasetSpec::add`]
    /// will look in first for `row` (the slot of its group, when a ledger
    /// has groups too many for the caches), so that the engine can overlap
    /// the cache misses of several rows. The value is meaningless. Ledgers
    /// whose groups stay in cache keep the default.
    fn touch(_acc: &Self::Acc, _row: &Self::Row<'_>) -> u64 {
        0
    }
    /// An empty accumulator for `period`.
    fn new_acc(period: Period) -> Self::Acc;
    /// Adds a row; true when it fed a figure (counted), false when it feeds
    /// none of the period's. `ordinal` grows in file order (across files).
    fn add(acc: &mut Self::Acc, row: &Self::Row<'_>, ordinal: u64) -> bool;
    /// Adds another accumulator of the same period (disjoint rows).
    fn merge(acc: &mut Self::Acc, other: Self::Acc);
    /// The finished figures.
    fn figures(acc: Self::Acc, rounding: Rounding) -> Self::Figures;
    /// The figures as lines of Chinese text, labelled as the report labels
    /// them (the text output of the CLI and of `govtally_report_text`).
    fn write_text(figures: &Self::Figures, out: &mut String);
    /// The Chinese word for the last segment of `path`, a path into this
    /// ledger's figures (`["by_category", "欠薪", "current"]` → `本期`).
    /// A figure's label is the words of its path's segments joined
    /// (`按问题类别·欠薪·本期`): the CSV figure table and the workbook
    /// label every figure so. `Some("")` for a segment that adds no word;
    /// None for a path the ledger's figures do not have (a test walks
    /// every figure of every ledger and finds none).
    fn label(path: &[&str]) -> Option<Cow<'static, str>>;
    /// The figures the annual report quotes (the seed report's table,
    /// spec section 1), as paths into the figures, in the report's
    /// order: the workbook's 总览 sheet. `{last_month}` stands for the
    /// period's last month (`YYYY-MM`); a path the report lacks is left out.
    const HEADLINES: &'static [&'static str];
    /// The groupings: paths of the objects whose entries are the rows of
    /// a table (by category, by month, by department…), each entry's
    /// figures its columns. The workbook's ledger sheet lays them out as
    /// tables; every other figure is a row of its first table.
    const GROUPINGS: &'static [&'static str];
}

/// The calendar months a period touches, in order, as `(year, month)`.
pub fn period_months(p: Period) -> Vec<(i32, u32)> {
    let mut v = Vec::new();
    let (mut y, mut m) = (p.start.year(), p.start.month());
    while (y, m) <= (p.end.year(), p.end.month()) {
        v.push((y, m));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    v
}

/// Months since year 0 of a date: (year, month) as one number.
pub fn month_number(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// A count for every month a period touches, keyed `YYYY-MM` in JSON.
/// Every month is present, zero or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByMonth<V> {
    first: i32,
    values: Vec<V>,
}

impl<V: Default + Clone> ByMonth<V> {
    /// Zero for every month of `p`.
    pub fn new(p: Period) -> Self {
        ByMonth {
            first: month_number(p.start),
            values: vec![V::default(); (month_number(p.end) - month_number(p.start) + 1) as usize],
        }
    }
}

impl<V> ByMonth<V> {
    /// The value of the month of `d`; None when `d` is outside the period's
    /// months.
    pub fn get_mut(&mut self, d: NaiveDate) -> Option<&mut V> {
        let i = usize::try_from(month_number(d) - self.first).ok()?;
        self.values.get_mut(i)
    }

    /// The value of month `YYYY-MM`; None when it is not a month of the
    /// period.
    pub fn get(&self, year: i32, month: u32) -> Option<&V> {
        let i = usize::try_from(year * 12 + month as i32 - 1 - self.first).ok()?;
        self.values.get(i)
    }

    /// Adds another period's counts month by month.
    pub fn merge(&mut self, other: ByMonth<V>, mut f: impl FnMut(&mut V, V)) {
        for (a, b) in self.values.iter_mut().zip(other.values) {
            f(a, b);
        }
    }

    /// `(YYYY-MM, value)` in order.
    pub fn iter(&self) -> impl Iterator<Item = (String, &V)> {
        self.values.iter().enumerate().map(|(i, v)| {
            let n = self.first + i as i32;
            (
                format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1),
                v,
            )
        })
    }
}

impl<V: Serialize> Serialize for ByMonth<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.values.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(&k, v)?;
        }
        m.end()
    }
}

/// Free-text group names (categories, departments, subjects) as written in
/// a report: personal numbers masked (spec 2.4), groups whose masked names
/// meet added together.
pub fn masked_groups<V>(
    groups: impl IntoIterator<Item = (String, V)>,
    mut add: impl FnMut(&mut V, V),
) -> std::collections::BTreeMap<String, V> {
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in groups {
        let k = match crate::input::mask::mask_personal(&k) {
            Cow::Borrowed(_) => k,
            Cow::Owned(m) => m,
        };
        match out.entry(k) {
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(v);
            }
            std::collections::btree_map::Entry::Occupied(mut e) => add(e.get_mut(), v),
        }
    }
    out
}

/// `YYYY-MM` of a date.
pub fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes_follow_all<E: Vocab>() {
        for (i, v) in E::ALL.iter().enumerate() {
            assert_eq!(v.index(), i, "{v:?}");
        }
    }

    #[test]
    fn vocabulary_indexes_are_positions_in_all() {
        indexes_follow_all::<legality::DocType>();
        indexes_follow_all::<legality::Conclusion>();
        indexes_follow_all::<inspections::InspectionResult>();
        indexes_follow_all::<complaints::ComplaintKind>();
    }
}
