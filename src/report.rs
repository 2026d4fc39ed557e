//! Reports: typed, serde-serialisable, the same JSON from the Rust API, the
//! CLI and the C ABI (schema in `docs/json-schema.md`).

use serde::Serialize;
use serde_json::Value;

use crate::datasets::Dataset;
use crate::datasets::complaints::ComplaintFigures;
use crate::datasets::inspections::InspectionFigures;
use crate::datasets::legality::LegalityFigures;
use crate::error::Problem;
use crate::options::Period;

/// The JSON schema version of every report.
pub const SCHEMA_VERSION: u32 = 1;

/// One dataset's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The dataset.
    pub dataset: Dataset,
    /// The reporting period.
    pub period: PeriodInfo,
    /// What became of every row read.
    pub rows: RowCounts,
    /// Rejected values (under the `skip` policy; empty otherwise).
    pub problems: Problems,
    /// The dataset's figures, at the top level of the JSON document.
    #[serde(flatten)]
    pub figures: Figures,
}

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

/// `problems.*`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Problems {
    /// Problems found.
    pub total: u64,
    /// The first of them, in file order (see `Limits::max_problems`).
    pub items: Vec<Problem>,
}

/// A dataset's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figures {
    /// Legality figures.
    Legality(LegalityFigures),
    /// Inspections figures.
    Inspections(InspectionFigures),
    /// Complaints figures.
    Complaints(ComplaintFigures),
}

impl Report {
    /// The report as a JSON value.
    pub fn to_json_value(&self) -> Value {
        serde_json::to_value(self).expect("reports serialise to JSON")
    }

    /// The report as pretty-printed JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports serialise to JSON")
    }

    /// The figure at a dotted JSON path (`total.change_pct`,
    /// `by_category.欠薪.current`); None when there is none.
    pub fn figure(&self, path: &str) -> Option<Value> {
        lookup(&self.to_json_value(), path).cloned()
    }
}

/// Finds a dotted path in a JSON value. Keys may contain dots themselves:
/// at each level the longest key that matches is taken. Array elements are
/// addressed by index (`problems.items.0.line`).
pub fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(value);
    }
    match value {
        Value::Object(map) => {
            // Try the whole rest first, then shorter prefixes.
            let mut cut = Some(path.len());
            while let Some(end) = cut {
                let (key, rest) = (&path[..end], &path[end..]);
                if let Some(v) = map.get(key) {
                    let found = match rest.strip_prefix('.') {
                        Some(r) if !r.is_empty() => lookup(v, r),
                        Some(_) => None,
                        None if rest.is_empty() => Some(v),
                        None => None,
                    };
                    if found.is_some() {
                        return found;
                    }
                }
                cut = path[..end].rfind('.');
            }
            None
        }
        Value::Array(items) => {
            let (head, rest) = path.split_once('.').unwrap_or((path, ""));
            let v = items.get(head.parse::<usize>().ok()?)?;
            lookup(v, rest)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_paths_with_dotted_keys() {
        let v: Value = serde_json::json!({
            "a": {"b.c": {"d": 1}, "b": {"x": 2}},
            "items": [{"line": 7}],
        });
        assert_eq!(lookup(&v, "a.b.c.d"), Some(&Value::from(1)));
        assert_eq!(lookup(&v, "a.b.x"), Some(&Value::from(2)));
        assert_eq!(lookup(&v, "items.0.line"), Some(&Value::from(7)));
        assert_eq!(lookup(&v, "a.nope"), None);
        assert_eq!(lookup(&v, "items.1"), None);
        assert_eq!(lookup(&v, "a."), None);
    }
}
