//! Reports: typed, serde-serialisable, the same JSON from the Rust API, the
//! CLI and the C ABI (schema in `docs/json-schema.md`).

use serde::Serialize;
use serde_json::Value;

pub use crate::accounting::{FileRows, PeriodInfo, Problems, RowCounts};
use crate::registry::Dataset;
pub use crate::registry::Figures;

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
    /// The same for each input, in the order they were taken.
    pub files: Vec<FileRows>,
    /// Rejected values (under the `skip` policy; empty otherwise).
    pub problems: Problems,
    /// The dataset's figures, at the top level of the JSON document.
    #[serde(flatten)]
    pub figures: Figures,
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

    /// The report as Chinese text, labelled as the annual report labels
    /// its figures (what `govtally <ledger> --format text` prints).
    ///
    /// ```
    /// use govtally::{Dataset, Options, Tally};
    ///
    /// let mut t = Tally::new(Dataset::Legality, &Options::default().year(2023)?)?;
    /// t.feed("审查编号,文件类型,收文日期,审查意见数\nH1,合同,2023-05-04,2\n".as_bytes())?;
    /// let text = t.finish()?.to_text();
    /// assert!(text.contains("合法性审查：1 件（已审结 0，未审结 1）"));
    /// # Ok::<(), govtally::Error>(())
    /// ```
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        crate::render::text::write_report(self, &mut s);
        s
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
