//! A report as Chinese text, labelled as the annual report labels its
//! figures: the CLI's `--format text` and the C ABI's
//! `govtally_report_text`.

use std::fmt::Write;

use crate::report::Report;

/// Appends `report` as text: a title line with the period, the row
/// accounting, the ledger's figures and the problems listed.
pub fn write_report(report: &Report, out: &mut String) {
    let p = report.period;
    let _ = writeln!(
        out,
        "【{}】{} 至 {}{}",
        report.dataset.title(),
        p.start,
        p.end,
        if p.inferred {
            "（未指定期间，取数据中最晚日期所在年度）"
        } else {
            ""
        }
    );
    let rows = report.rows;
    let _ = writeln!(
        out,
        "行数：读取 {}，计入 {}，期外 {}，重复 {}，空行 {}，拒收 {}",
        rows.read, rows.counted, rows.out_of_period, rows.duplicates, rows.blank, rows.rejected
    );
    report.figures.write_text(out);
    let problems = &report.problems;
    if problems.total > 0 {
        let _ = writeln!(out, "拒收问题 {} 个：", problems.total);
        for pr in &problems.items {
            let _ = writeln!(out, "  {pr}");
        }
        let more = problems.total.saturating_sub(problems.items.len() as u64);
        if more > 0 {
            let _ = writeln!(out, "  … 另有 {more} 个");
        }
    }
}

/// Several reports as text, separated by a blank line (`report DIR`).
pub fn write_reports<'r>(reports: impl IntoIterator<Item = &'r Report>, out: &mut String) {
    for (i, r) in reports.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write_report(r, out);
    }
}
