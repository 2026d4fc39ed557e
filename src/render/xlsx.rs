//! The report as an Excel workbook (`--format xlsx`), for the clerk who
//! checks the figures in Excel:
//!
//! - **总览**: the figures the annual report quotes, a row each: ledger,
//!   label, value, JSON path;
//! - **one sheet per ledger**, named by its title: a first table of its
//!   figures (label, value, JSON path), then each grouping (category,
//!   channel, department, partner, month…) as a table, a row per entry and
//!   a column per figure; on the complaints sheet a chart of items by month
//!   against the year before, on the disputes sheet one of hearings by
//!   month;
//! - **问题**: every problem listed (file, line, column, value, reason),
//!   personal numbers masked as everywhere;
//! - **行数**: what became of the rows of every file read (each sheet of
//!   a workbook apart), and each ledger's total (合计).
//!
//! Numbers are numbers; a percentage is the number it stands for (−33.16%
//! is −0.3316) shown with a percentage format; yuan with two decimals and
//! thousands separators; dates are dates. Header rows are frozen and
//! columns sized for Chinese text.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Chart, ChartType, ColNum, ExcelDateTime, Format, FormatBorder, RowNum, Workbook, Worksheet,
    XlsxError,
};

use super::table::{self, figure_label, segment_label};
use super::tree::Node;
use crate::registry::Dataset;
use crate::report::Report;

/// The workbook could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookError(String);

impl fmt::Display for WorkbookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "writing the workbook: {}", self.0)
    }
}

impl std::error::Error for WorkbookError {}

impl From<XlsxError> for WorkbookError {
    fn from(e: XlsxError) -> Self {
        WorkbookError(e.to_string())
    }
}

/// The name of the overview sheet.
pub const OVERVIEW: &str = "总览";
/// The name of the problems sheet.
pub const PROBLEMS: &str = "问题";
/// The name of the row-accounting sheet.
pub const ROWS: &str = "行数";

/// The workbook of `reports` (one per ledger, as `report DIR` has them),
/// as the bytes of an `.xlsx` file.
///
/// ```
/// use govtally::{Dataset, Options, Tally};
///
/// let mut t = Tally::new(Dataset::Legality, &Options::default().year(2023)?)?;
/// t.feed("审查编号,文件类型,收文日期,审查意见数\nH1,合同,2023-05-04,2\n".as_bytes())?;
/// let bytes = govtally::render::xlsx::workbook(&[t.finish()?])?;
/// assert!(bytes.starts_with(b"PK")); // a zip archive, as every .xlsx is
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn workbook(reports: &[Report]) -> Result<Vec<u8>, WorkbookError> {
    let formats = Formats::new();
    let mut wb = Workbook::new();
    overview(wb.add_worksheet(), reports, &formats)?;
    for r in reports {
        ledger(wb.add_worksheet(), r, &formats)?;
    }
    problems(wb.add_worksheet(), reports, &formats)?;
    rows(wb.add_worksheet(), reports, &formats)?;
    Ok(wb.save_to_buffer()?)
}

/// The sheet a ledger's figures are on: its Chinese title.
pub fn sheet_name(dataset: Dataset) -> &'static str {
    dataset.title()
}

struct Formats {
    title: Format,
    header: Format,
    text: Format,
    count: Format,
    decimal: Format,
    percent: Format,
    money: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(12),
            header: Format::new()
                .set_bold()
                .set_background_color("#DDEBF7")
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new(),
            count: Format::new().set_num_format("0"),
            decimal: Format::new().set_num_format("0.00"),
            percent: Format::new().set_num_format("0.00%"),
            money: Format::new().set_num_format("#,##0.00"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

/// How a figure is written in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Count,
    Decimal,
    Percent,
    Money,
    Date,
    Text,
    Bool,
    Empty,
}

/// The kind of the figure at `path`: a `*_pct` is a percentage, anything
/// under an `amount` yuan, an ISO date string a date.
fn kind<S: AsRef<str>>(path: &[S], value: &Node) -> Kind {
    let last = path.last().map_or("", AsRef::as_ref);
    match value {
        Node::Null => Kind::Empty,
        Node::Bool(_) => Kind::Bool,
        Node::Number(_) if last.ends_with("_pct") => Kind::Percent,
        Node::Number(_) if path.iter().any(|s| s.as_ref() == "amount") => Kind::Money,
        Node::Number(n) if n.is_i64() || n.is_u64() => Kind::Count,
        Node::Number(_) => Kind::Decimal,
        Node::String(s) if iso_date(s).is_some() => Kind::Date,
        _ => Kind::Text,
    }
}

fn iso_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Writes cells and remembers each column's widest text, to size the
/// columns for Chinese (a CJK character is two columns wide).
struct Sheet<'w> {
    ws: &'w mut Worksheet,
    widths: Vec<f64>,
}

/// Excel's longest cell text, in characters.
const CELL_CHARS: usize = 32_767;

/// Text cut to what a cell holds (a free-text key can be as long as a
/// record, a megabyte), ending in … when cut.
fn fit_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = s.char_indices();
    match chars.nth(CELL_CHARS - 1) {
        Some((end, _)) if chars.next().is_some() => {
            let mut t = s[..end].to_string();
            t.push('…');
            std::borrow::Cow::Owned(t)
        }
        _ => std::borrow::Cow::Borrowed(s),
    }
}

/// Display width of text in Excel's character units.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            if (c as u32) >= 0x1100 && !(0xFF61..=0xFF9F).contains(&(c as u32)) {
                2.0
            } else {
                1.0
            }
        })
        .sum()
}

impl<'w> Sheet<'w> {
    fn new(ws: &'w mut Worksheet, name: &str) -> Result<Sheet<'w>, WorkbookError> {
        ws.set_name(name)?;
        Ok(Sheet {
            ws,
            widths: Vec::new(),
        })
    }

    fn fit(&mut self, col: ColNum, shown: &str) {
        let i = usize::from(col);
        if self.widths.len() <= i {
            self.widths.resize(i + 1, 0.0);
        }
        self.widths[i] = self.widths[i].max(text_width(shown));
    }

    fn text(&mut self, row: RowNum, col: ColNum, s: &str, f: &Format) -> Result<(), WorkbookError> {
        let s = fit_cell(s);
        let s = s.as_ref();
        self.ws.write_string_with_format(row, col, s, f)?;
        self.fit(col, s);
        Ok(())
    }

    /// A title row: its width is the row's, not its column's.
    fn title(&mut self, row: RowNum, s: &str, f: &Format) -> Result<(), WorkbookError> {
        self.ws.write_string_with_format(row, 0, s, f)?;
        Ok(())
    }

    fn number(
        &mut self,
        row: RowNum,
        col: ColNum,
        x: f64,
        f: &Format,
    ) -> Result<(), WorkbookError> {
        self.ws.write_number_with_format(row, col, x, f)?;
        self.fit(col, &format!("{x:.2}"));
        Ok(())
    }

    fn header(&mut self, row: RowNum, cells: &[&str], f: &Formats) -> Result<(), WorkbookError> {
        for (c, s) in cells.iter().enumerate() {
            self.text(row, col(c), s, &f.header)?;
        }
        Ok(())
    }

    /// A figure's value, written as its kind asks.
    fn figure<S: AsRef<str>>(
        &mut self,
        row: RowNum,
        col: ColNum,
        path: &[S],
        value: &Node,
        f: &Formats,
    ) -> Result<(), WorkbookError> {
        match (kind(path, value), value) {
            (Kind::Empty, _) => {}
            (Kind::Bool, Node::Bool(b)) => {
                self.ws.write_boolean(row, col, *b)?;
                self.fit(col, "FALSE");
            }
            (Kind::Percent, v) => {
                // −33.16 is −33.16%: the cell holds −0.3316, the f64
                // nearest it (−3316 / 10000 rounds once; −33.16 / 100 would
                // round the already rounded −33.16 again).
                let x = hundredths(v).map_or_else(
                    || v.as_f64().unwrap_or_default() / 100.0,
                    |h| h as f64 / 10_000.0,
                );
                self.ws.write_number_with_format(row, col, x, &f.percent)?;
                self.fit(col, &format!("{}%", v.text()));
            }
            (Kind::Money, v) => {
                self.ws.write_number_with_format(
                    row,
                    col,
                    v.as_f64().unwrap_or_default(),
                    &f.money,
                )?;
                // Thousands separators add a third.
                let t = v.text();
                self.fit(col, &format!("{t}{}", ",".repeat(t.len() / 3)));
            }
            (Kind::Count, v) => self.number(row, col, v.as_f64().unwrap_or_default(), &f.count)?,
            (Kind::Decimal, v) => {
                self.number(row, col, v.as_f64().unwrap_or_default(), &f.decimal)?
            }
            (Kind::Date, Node::String(s)) => match iso_date(s).and_then(excel_date) {
                Some(d) => {
                    self.ws.write_datetime_with_format(row, col, &d, &f.date)?;
                    self.fit(col, s);
                }
                None => self.text(row, col, s, &f.text)?,
            },
            (_, v) => self.text(row, col, &v.text(), &f.text)?,
        }
        Ok(())
    }

    fn finish(self, frozen_rows: RowNum) -> Result<(), WorkbookError> {
        for (c, w) in self.widths.iter().enumerate() {
            // Padding, and a cap so a long free-text key does not make a
            // column wider than a screen.
            self.ws
                .set_column_width(col(c), (w + 2.0).clamp(6.0, 60.0))?;
        }
        if frozen_rows > 0 {
            self.ws.set_freeze_panes(frozen_rows, 0)?;
        }
        Ok(())
    }
}

/// A two-decimal figure as an exact count of hundredths (−33.16 → −3316);
/// None for a number with more decimals.
fn hundredths(v: &Node) -> Option<i64> {
    let t = v.text();
    let (int, frac) = t.split_once('.').unwrap_or((&t, "00"));
    if frac.len() != 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sign = if int.starts_with('-') { -1 } else { 1 };
    let whole: i64 = int.trim_start_matches('-').parse().ok()?;
    let frac: i64 = frac.parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac).map(|h| sign * h)
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let y = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok()
}

/// A column index; a table never has more columns than Excel's 16384
/// (the widest is a grouping's, a few dozen figures).
fn col(c: usize) -> ColNum {
    ColNum::try_from(c).unwrap_or(ColNum::MAX)
}

fn overview(ws: &mut Worksheet, reports: &[Report], f: &Formats) -> Result<(), WorkbookError> {
    let mut s = Sheet::new(ws, OVERVIEW)?;
    s.header(0, &["台账", "项目", "数值", "JSON 路径"], f)?;
    let mut row = 1;
    for r in reports {
        for h in table::headlines(r) {
            s.text(row, 0, r.dataset.title(), &f.text)?;
            s.text(row, 1, &h.label, &f.text)?;
            s.figure(row, 2, &h.segments, &h.value, f)?;
            s.text(row, 3, &h.path, &f.text)?;
            row += 1;
        }
    }
    s.finish(1)
}

/// What every report has besides its figures: on the 行数 sheet and in the
/// title, not among the ledger's figures.
fn is_common(first: &str) -> bool {
    matches!(
        first,
        "schema_version" | "dataset" | "period" | "rows" | "files" | "problems"
    )
}

/// A table of a grouping: where its rows and figure columns are, for a
/// chart to point at.
struct Placed {
    /// The header row.
    header: RowNum,
    /// The entries' rows.
    first: RowNum,
    last: RowNum,
    /// Each figure column's path relative to an entry, and its column.
    columns: Vec<(Vec<String>, ColNum)>,
}

fn ledger(ws: &mut Worksheet, r: &Report, f: &Formats) -> Result<(), WorkbookError> {
    let d = r.dataset;
    let tree = Node::of(r);
    let groupings: Vec<Vec<&str>> = d
        .groupings()
        .iter()
        .map(|g| g.split('.').collect())
        .collect();
    let mut s = Sheet::new(ws, sheet_name(d))?;
    s.title(
        0,
        &format!(
            "{}　{} 至 {}{}",
            d.title(),
            r.period.start,
            r.period.end,
            if r.period.inferred {
                "（未指定期间，取数据中最晚日期所在年度）"
            } else {
                ""
            }
        ),
        &f.title,
    )?;
    // The ledger's figures outside its groupings.
    s.header(1, &["项目", "数值", "JSON 路径"], f)?;
    let mut row: RowNum = 2;
    for (path, value) in tree.leaves() {
        if path.first().is_none_or(|p| is_common(p))
            || groupings.iter().any(|g| path.starts_with(g))
        {
            continue;
        }
        s.text(row, 0, &figure_label(d, &path), &f.text)?;
        s.figure(row, 1, &path, value, f)?;
        s.text(row, 2, &path.join("."), &f.text)?;
        row += 1;
    }
    // Each grouping as a table.
    let mut placed = Vec::new();
    for g in &groupings {
        let Some(Node::Object(entries)) = tree.at(g) else {
            continue;
        };
        row += 1;
        let p = grouping(&mut s, d, g, entries, row, f)?;
        row = p.last.max(p.header) + 1;
        placed.push((g.join("."), p));
    }
    for (g, p) in &placed {
        chart(&mut s, d, g, p)?;
    }
    s.finish(2)
}

/// Writes the grouping at `g` from `row` on: a header row (the grouping's
/// label, each figure's label, JSON 路径) and a row per entry.
fn grouping(
    s: &mut Sheet<'_>,
    d: Dataset,
    g: &[&str],
    entries: &[(String, Node)],
    row: RowNum,
    f: &Formats,
) -> Result<Placed, WorkbookError> {
    // The columns: every leaf path under an entry, in first-seen order.
    let mut columns: Vec<Vec<String>> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    for (key, node) in entries {
        let leaves: Vec<(Vec<String>, &Node)> = if node.is_leaf() {
            vec![(Vec::new(), node)]
        } else {
            node.leaves()
                .into_iter()
                .map(|(p, v)| (p.iter().map(|s| s.to_string()).collect(), v))
                .collect()
        };
        for (rel, _) in leaves {
            if !columns.contains(&rel) {
                labels.push(column_label(d, g, key, &rel));
                columns.push(rel);
            }
        }
    }
    let mut header: Vec<&str> = vec![];
    let first_label = figure_label(d, g);
    header.push(&first_label);
    header.extend(labels.iter().map(String::as_str));
    header.push("JSON 路径");
    s.header(row, &header, f)?;
    let mut r = row;
    for (key, node) in entries {
        r += 1;
        let mut entry_path: Vec<&str> = g.to_vec();
        entry_path.push(key);
        let shown = segment_label(d, &entry_path).map_or_else(|| key.clone(), |w| w.into_owned());
        s.text(r, 0, &shown, &f.text)?;
        for (c, rel) in columns.iter().enumerate() {
            let Some(v) = node.at(rel) else { continue };
            let mut full: Vec<&str> = entry_path.clone();
            full.extend(rel.iter().map(String::as_str));
            s.figure(r, col(c + 1), &full, v, f)?;
        }
        s.text(r, col(columns.len() + 1), &entry_path.join("."), &f.text)?;
    }
    Ok(Placed {
        header: row,
        first: row + 1,
        last: r,
        columns: columns
            .into_iter()
            .enumerate()
            .map(|(c, rel)| (rel, col(c + 1)))
            .collect(),
    })
}

/// A grouping column's label: the words of its path below the entry
/// (`企业·起数`), or 数值 for an entry that is one number.
fn column_label(d: Dataset, g: &[&str], key: &str, rel: &[String]) -> String {
    if rel.is_empty() {
        return "数值".to_string();
    }
    let mut path: Vec<&str> = g.to_vec();
    path.push(key);
    let mut words = Vec::new();
    for seg in rel {
        path.push(seg);
        let w = segment_label(d, &path).map_or_else(|| seg.clone(), |w| w.into_owned());
        if !w.is_empty() {
            words.push(w);
        }
    }
    words.join("·")
}

/// The charts: complaints by month against the year before, hearings by
/// month. Each is a native Excel chart whose series are the grouping
/// table's columns, so it follows the cells.
fn chart(s: &mut Sheet<'_>, d: Dataset, g: &str, p: &Placed) -> Result<(), WorkbookError> {
    let (title, series): (&str, &[&str]) = match (d, g) {
        (Dataset::Complaints, "by_month") => {
            ("信访咨询件按月：本期与上年同期", &["current", "previous"])
        }
        (Dataset::Disputes, "hearings.by_month") => ("庭审按月", &["total", "weekend", "evening"]),
        _ => return Ok(()),
    };
    if p.last < p.first {
        return Ok(());
    }
    let sheet = sheet_name(d);
    let mut chart = Chart::new(ChartType::Column);
    chart.title().set_name(title);
    for key in series {
        let Some((_, c)) = p
            .columns
            .iter()
            .find(|(rel, _)| rel.len() == 1 && rel[0] == *key)
        else {
            continue;
        };
        chart
            .add_series()
            .set_name((sheet, p.header, *c))
            .set_categories((sheet, p.first, 0, p.last, 0))
            .set_values((sheet, p.first, *c, p.last, *c));
    }
    chart.x_axis().set_name("月份");
    // Wide enough for twelve months' labels side by side.
    chart.set_width(720).set_height(360);
    let right = p.columns.iter().map(|(_, c)| *c).max().unwrap_or(0) + 2;
    s.ws.insert_chart(p.header, right, &chart)?;
    Ok(())
}

fn problems(ws: &mut Worksheet, reports: &[Report], f: &Formats) -> Result<(), WorkbookError> {
    let mut s = Sheet::new(ws, PROBLEMS)?;
    s.header(0, &["台账", "文件", "行", "列", "值", "原因"], f)?;
    let mut row = 1;
    for r in reports {
        for p in &r.problems.items {
            s.text(row, 0, r.dataset.title(), &f.text)?;
            s.text(row, 1, &p.file, &f.text)?;
            s.number(row, 2, p.line as f64, &f.count)?;
            s.text(row, 3, &p.column, &f.text)?;
            s.text(row, 4, &p.value, &f.text)?;
            s.text(row, 5, &p.reason, &f.text)?;
            row += 1;
        }
        let more = r
            .problems
            .total
            .saturating_sub(r.problems.items.len() as u64);
        if more > 0 {
            s.text(row, 0, r.dataset.title(), &f.text)?;
            s.text(
                row,
                5,
                &format!("另有 {more} 个问题未列出（--max-problems 放宽列出的个数）"),
                &f.text,
            )?;
            row += 1;
        }
    }
    s.finish(1)
}

fn rows(ws: &mut Worksheet, reports: &[Report], f: &Formats) -> Result<(), WorkbookError> {
    let mut s = Sheet::new(ws, ROWS)?;
    s.header(
        0,
        &[
            "台账",
            "文件",
            "工作表",
            "读取",
            "计入",
            "期外",
            "重复",
            "空行",
            "拒收",
        ],
        f,
    )?;
    // Every file read, then each ledger's total (合计) under its files.
    let mut row: RowNum = 1;
    for r in reports {
        let lines = r
            .files
            .iter()
            .map(|file| (file.file.as_str(), file.sheet.as_deref(), file.rows))
            .chain(std::iter::once(("合计", None, r.rows)));
        for (file, sheet, c) in lines {
            s.text(row, 0, r.dataset.title(), &f.text)?;
            s.text(row, 1, file, &f.text)?;
            s.text(row, 2, sheet.unwrap_or(""), &f.text)?;
            for (j, n) in [
                c.read,
                c.counted,
                c.out_of_period,
                c.duplicates,
                c.blank,
                c.rejected,
            ]
            .into_iter()
            .enumerate()
            {
                s.number(row, col(j + 3), n as f64, &f.count)?;
            }
            row += 1;
        }
    }
    s.finish(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_paths() {
        let n = |s: &str| -> Node { serde_json::from_str(s).unwrap() };
        assert_eq!(kind(&["total", "change_pct"], &n("-33.16")), Kind::Percent);
        assert_eq!(kind(&["total", "change_pct"], &n("null")), Kind::Empty);
        assert_eq!(kind(&["amount", "total"], &n("0.0")), Kind::Money);
        assert_eq!(kind(&["review_days", "mean"], &n("7.79")), Kind::Decimal);
        assert_eq!(kind(&["reviews", "total"], &n("97")), Kind::Count);
        assert_eq!(
            kind(&["cleanup", "issued_before"], &n("\"2023-06-01\"")),
            Kind::Date
        );
        assert_eq!(kind(&["by_subject", "x"], &n("\"工伤\"")), Kind::Text);
        assert_eq!(hundredths(&n("-33.16")), Some(-3316));
        assert_eq!(hundredths(&n("-0.5")), Some(-50));
        assert_eq!(hundredths(&n("100.0")), Some(10000));
        assert_eq!(hundredths(&n("1.125")), None);
        assert_eq!(-3316.0 / 10_000.0, -0.3316);
        assert_eq!(text_width("区司法局"), 8.0);
        let long = "字".repeat(CELL_CHARS + 5);
        let cut = fit_cell(&long);
        assert_eq!(cut.chars().count(), CELL_CHARS);
        assert!(cut.ends_with('…'));
        let exact = "字".repeat(CELL_CHARS);
        assert_eq!(fit_cell(&exact), exact.as_str());
        assert_eq!(text_width("ab"), 2.0);
    }
}
