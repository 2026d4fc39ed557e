//! Every figure of a report as a labelled row — `dataset, path, label,
//! value` — and the CSV figure table (`--format csv`).
//!
//! A figure's label is the Chinese words of its path's segments joined
//! with `·` (`按问题类别·欠薪·本期`): the words common to every report
//! (period, rows) are here, each ledger's in its file
//! ([`crate::datasets::DatasetSpec::label`]), so a new figure of a ledger
//! is labelled where it is declared.

use std::borrow::Cow;

use super::tree::Node;
use crate::registry::Dataset;
use crate::report::Report;

/// One figure of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The ledger.
    pub dataset: Dataset,
    /// Its dotted JSON path in the ledger's report (`total.change_pct`), as
    /// [`Report::figure`] takes it.
    pub path: String,
    /// The path's segments (a free-text key may itself hold a dot).
    pub segments: Vec<String>,
    /// The Chinese label (`信访咨询件总量·同比（%）`).
    pub label: String,
    /// The value as the JSON has it.
    pub value: Node,
}

impl Figure {
    /// The value as text: integers as integers, two-decimal figures with
    /// their two decimals, dates as ISO dates, null as the empty string.
    pub fn value_text(&self) -> String {
        self.value.text()
    }
}

/// The word for the last segment of `path` in a report of `dataset`:
/// the common words (`rows`, `period`…) or the ledger's. None for a path
/// no report of that ledger has.
pub fn segment_label(dataset: Dataset, path: &[&str]) -> Option<Cow<'static, str>> {
    common_label(path).or_else(|| dataset.segment_label(path))
}

fn common_label(path: &[&str]) -> Option<Cow<'static, str>> {
    let w = |s: &'static str| Some(Cow::Borrowed(s));
    match path {
        ["schema_version"] => w("JSON 格式版本"),
        ["dataset"] => w("台账"),
        ["period"] => w("统计期间"),
        ["period", "start"] => w("起"),
        ["period", "end"] => w("止"),
        ["period", "inferred"] => w("期间由数据推定"),
        ["rows"] => w("行数"),
        ["rows", "read"] => w("读取"),
        ["rows", "counted"] => w("计入"),
        ["rows", "out_of_period"] => w("期外"),
        ["rows", "duplicates"] => w("重复"),
        ["rows", "blank"] => w("空行"),
        ["rows", "rejected"] => w("拒收"),
        ["problems"] => w("拒收问题"),
        ["problems", "total"] => w("问题总数"),
        _ => None,
    }
}

/// The label of the figure at `path` in a report of `dataset`: its
/// segments' words joined with `·`. A segment without a word (a path
/// no test has seen) shows as itself rather than failing the report.
pub fn figure_label<S: AsRef<str>>(dataset: Dataset, path: &[S]) -> String {
    let path: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
    let mut words = Vec::new();
    for i in 1..=path.len() {
        let w = segment_label(dataset, &path[..i]).unwrap_or(Cow::Borrowed(path[i - 1]));
        if !w.is_empty() {
            words.push(w);
        }
    }
    words.join("·")
}

/// Every figure of `report`: every leaf of its JSON but the problem list
/// (which the workbook and the text list on their own), in document order.
///
/// ```
/// use govtally::{Dataset, Options, Tally};
///
/// let mut t = Tally::new(Dataset::Legality, &Options::default().year(2023)?)?;
/// t.feed("审查编号,文件类型,收文日期,审查意见数\nH1,合同,2023-05-04,2\n".as_bytes())?;
/// let figures = govtally::render::table::figures(&t.finish()?);
/// let f = figures.iter().find(|f| f.path == "reviews.by_type.administrative_contract").unwrap();
/// assert_eq!(f.label, "合法性审查件数·行政合同");
/// assert_eq!(f.value_text(), "1");
/// # Ok::<(), govtally::Error>(())
/// ```
pub fn figures(report: &Report) -> Vec<Figure> {
    let tree = Node::of(report);
    tree.leaves()
        .into_iter()
        // Problems and the per-file accounting are lists, not figures: the
        // workbook gives them sheets of their own (问题, 行数).
        .filter(|(path, _)| !matches!(path.first(), Some(&"problems" | &"files")))
        .map(|(path, value)| Figure {
            dataset: report.dataset,
            path: path.join("."),
            label: figure_label(report.dataset, &path),
            segments: path.iter().map(|s| s.to_string()).collect(),
            value: value.clone(),
        })
        .collect()
}

/// The figures the annual report quotes ([`Dataset::headlines`]), those
/// the report has, in the report's order: the workbook's 总览 sheet.
pub fn headlines(report: &Report) -> Vec<Figure> {
    let tree = Node::of(report);
    let last_month = report.period.end.format("%Y-%m").to_string();
    report
        .dataset
        .headlines()
        .iter()
        .filter_map(|h| {
            let path = h.replace("{last_month}", &last_month);
            // Paths are dotted; no headline goes through a free-text key,
            // so splitting on dots is exact.
            let segments: Vec<String> = path.split('.').map(str::to_string).collect();
            let value = tree.at(&segments)?.clone();
            Some(Figure {
                dataset: report.dataset,
                label: figure_label(report.dataset, &segments),
                path,
                segments,
                value,
            })
        })
        .collect()
}

/// The CSV figure table of `reports`: a header `dataset,path,label,value`
/// and a row per figure, UTF-8 with a byte-order mark and CRLF line ends,
/// which Excel opens in Chinese without an import dialog.
///
/// ```
/// use govtally::{Dataset, Options, Tally};
///
/// let mut t = Tally::new(Dataset::Legality, &Options::default().year(2023)?)?;
/// t.feed("审查编号,文件类型,收文日期,审查意见数\nH1,合同,2023-05-04,2\n".as_bytes())?;
/// let csv = govtally::render::table::to_csv(&[t.finish()?]);
/// assert!(csv.starts_with("\u{feff}dataset,path,label,value\r\n"));
/// assert!(csv.contains("\r\nlegality,opinions.total,合法性审查意见条数·合计,2\r\n"));
/// # Ok::<(), govtally::Error>(())
/// ```
pub fn to_csv(reports: &[Report]) -> String {
    let mut out = String::from("\u{feff}dataset,path,label,value\r\n");
    for r in reports {
        for f in figures(r) {
            let fields = [
                f.dataset.name().to_string(),
                f.path.clone(),
                f.label.clone(),
                f.value_text(),
            ];
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_csv_field(&mut out, field);
            }
            out.push_str("\r\n");
        }
    }
    out
}

/// A field quoted as RFC 4180 asks when it holds a delimiter, a quote or
/// a line break. No field can start a formula in Excel: a path and a label
/// start with the ledger's own key and word, whatever free text follows,
/// and a value is a number, a date, a boolean or a ledger's name.
fn push_csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut s = String::new();
        push_csv_field(&mut s, "区司法局");
        s.push('|');
        push_csv_field(&mut s, "a,\"b\"\r\nc");
        assert_eq!(s, "区司法局|\"a,\"\"b\"\"\r\nc\"");
    }

    #[test]
    fn labels_join_the_words_of_each_segment() {
        assert_eq!(
            figure_label(Dataset::Complaints, &["by_category", "欠薪", "change_pct"]),
            "按问题类别·欠薪·同比（%）"
        );
        assert_eq!(
            figure_label(Dataset::Legality, &["rows", "read"]),
            "行数·读取"
        );
        // An unknown segment shows as itself.
        assert_eq!(
            figure_label(Dataset::Legality, &["reviews", "zz"]),
            "合法性审查件数·zz"
        );
    }
}
