//! `normative` — 行政规范性文件管理台账, one row per normative document
//! (spec 2.6). Its figures take two dates: documents issued in the period,
//! and documents cleaned up in the period (spec 2.4).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use super::text::{key_label, label, line, opt, pairs, word};
use super::{Cells, DatasetSpec, PerVariant, Strings, vocab};
use crate::input::header::ColumnSpec;
use crate::options::{Period, Rounding};
use crate::state::kept;
use crate::stats::distinct::IdKey;

vocab! {
    /// What a clean-up decided (清理结果); `unrecorded` when empty.
    CleanupResult {
        /// 继续有效
        Valid = "valid" ["继续有效", "有效", "保留"],
        /// 修改
        Amended = "amended" ["修改", "修订", "拟修改"],
        /// 废止
        Repealed = "repealed" ["废止", "拟废止"],
        /// 失效
        Expired = "expired" ["失效", "宣布失效", "自动失效"],
        /// empty cell
        Unrecorded = "unrecorded" [],
    }
}

/// The normative-document dataset.
pub struct Normative;

const DOC_NUMBER: usize = 0;
const ISSUE_DATE: usize = 2;
const REVIEWED: usize = 3;
const PUBLISHED: usize = 4;
const CLEANUP_DATE: usize = 5;
const CLEANUP_RESULT: usize = 6;

/// A validated normative-document row.
pub struct Row {
    issued: NaiveDate,
    reviewed: bool,
    published: bool,
    cleanup: Option<NaiveDate>,
    result: CleanupResult,
}

/// A normative row as a saved state keeps it.
#[derive(Serialize, Deserialize)]
pub struct Kept {
    issued: i32,
    reviewed: bool,
    published: bool,
    cleanup: Option<i32>,
    result: u8,
}

/// Normative-document figures being accumulated.
pub struct Acc {
    period: Period,
    issued: Issued,
    cleanup_total: u64,
    by_result: PerVariant<CleanupResult, u64>,
    /// The latest issue date among the documents cleaned up.
    latest_cleaned_issue: Option<NaiveDate>,
}

impl DatasetSpec for Normative {
    const NAME: &'static str = "normative";
    const TITLE: &'static str = "行政规范性文件管理台账";
    const ABOUT: &'static str =
        "行政规范性文件管理台账: normative documents issued and cleaned up.";
    const COLUMNS: &'static [ColumnSpec] = &[
        ColumnSpec {
            key: "doc_number",
            aliases: &["文号", "发文字号", "文件编号"],
            required: true,
        },
        ColumnSpec {
            key: "title",
            aliases: &["文件名称", "标题", "名称"],
            required: false,
        },
        ColumnSpec {
            key: "issue_date",
            aliases: &["发文日期", "印发日期", "制定日期", "发布日期"],
            required: true,
        },
        ColumnSpec {
            key: "reviewed",
            aliases: &["是否经合法性审查", "合法性审查"],
            required: false,
        },
        ColumnSpec {
            key: "published",
            aliases: &["是否公布", "是否公开", "网上公布"],
            required: false,
        },
        ColumnSpec {
            key: "cleanup_date",
            aliases: &["清理日期", "清理时间"],
            required: false,
        },
        ColumnSpec {
            key: "cleanup_result",
            aliases: &["清理结果", "清理结论", "清理意见"],
            required: false,
        },
    ];
    type Row<'r> = Row;
    type Acc = Acc;
    type Figures = NormativeFigures;

    fn parse<'r>(c: &mut Cells<'r, '_>) -> Option<(IdKey, Row)> {
        let id = c.required_text(DOC_NUMBER);
        let issued = c.date(ISSUE_DATE, true);
        let reviewed = c.flag(REVIEWED).unwrap_or(false);
        let published = c.flag(PUBLISHED).unwrap_or(false);
        let before = c.problems.len();
        let cleanup = c.date(CLEANUP_DATE, false);
        let cleanup_unreadable = c.problems.len() > before;
        let result = c.vocab(CLEANUP_RESULT, false);
        if let (Some(i), Some(d)) = (issued, cleanup)
            && d.date < i.date
        {
            let shown = c.text(CLEANUP_DATE).unwrap_or_default().into_owned();
            c.reject(
                CLEANUP_DATE,
                &shown,
                format!(
                    "clean-up date {} is before the issue date {}",
                    d.date, i.date
                ),
            );
        }
        if result.is_some() && cleanup.is_none() && !cleanup_unreadable {
            let shown = c.text(CLEANUP_RESULT).unwrap_or_default().into_owned();
            c.reject(
                CLEANUP_RESULT,
                &shown,
                "a clean-up result needs a clean-up date (清理日期): without one the \
                 clean-up cannot be placed in a period"
                    .to_string(),
            );
        }
        Some((
            IdKey::of(&id?),
            Row {
                issued: issued?.date,
                reviewed,
                published,
                cleanup: cleanup.map(|d| d.date),
                result: result.unwrap_or(CleanupResult::Unrecorded),
            },
        ))
    }

    fn into_owned<'a, 'b>(row: Self::Row<'a>) -> Self::Row<'b> {
        row
    }

    type Kept = Kept;

    fn keep(row: &Row, _strings: &mut Strings) -> Kept {
        Kept {
            issued: kept::day(row.issued),
            reviewed: row.reviewed,
            published: row.published,
            cleanup: kept::opt_day(row.cleanup),
            result: kept::index(row.result),
        }
    }

    fn restore(k: &Kept, _strings: &[String]) -> Option<Row> {
        Some(Row {
            issued: kept::date(k.issued)?,
            reviewed: k.reviewed,
            published: k.published,
            cleanup: kept::opt_date(k.cleanup)?,
            result: kept::vocab(k.result)?,
        })
    }

    fn date(row: &Row) -> NaiveDate {
        row.issued
    }

    fn more_dates(row: &Row) -> [Option<NaiveDate>; 2] {
        [row.cleanup, None]
    }

    fn new_acc(period: Period) -> Acc {
        Acc {
            period,
            issued: Issued::default(),
            cleanup_total: 0,
            by_result: PerVariant::default(),
            latest_cleaned_issue: None,
        }
    }

    fn add(acc: &mut Acc, row: &Row, _ordinal: u64) -> bool {
        let issued = acc.period.contains(row.issued);
        if issued {
            acc.issued.total += 1;
            acc.issued.reviewed += u64::from(row.reviewed);
            acc.issued.published += u64::from(row.published);
        }
        let cleaned = row.cleanup.is_some_and(|d| acc.period.contains(d));
        if cleaned {
            acc.cleanup_total += 1;
            *acc.by_result.get_mut(row.result) += 1;
            acc.latest_cleaned_issue = acc.latest_cleaned_issue.max(Some(row.issued));
        }
        issued || cleaned
    }

    fn merge(acc: &mut Acc, other: Acc) {
        acc.issued.total += other.issued.total;
        acc.issued.reviewed += other.issued.reviewed;
        acc.issued.published += other.issued.published;
        acc.cleanup_total += other.cleanup_total;
        acc.by_result.merge(other.by_result, |a, b| *a += b);
        acc.latest_cleaned_issue = acc.latest_cleaned_issue.max(other.latest_cleaned_issue);
    }

    fn figures(acc: Acc, _rounding: Rounding) -> NormativeFigures {
        let repealed_or_expired = *acc.by_result.get(CleanupResult::Repealed)
            + *acc.by_result.get(CleanupResult::Expired);
        NormativeFigures {
            issued: acc.issued,
            cleanup: Cleanup {
                total: acc.cleanup_total,
                by_result: acc.by_result,
                repealed_or_expired,
                issued_before: acc.latest_cleaned_issue.and_then(|d| d.succ_opt()),
            },
        }
    }

    const HEADLINES: &'static [&'static str] = &[
        "issued.total",
        "issued.reviewed",
        "issued.published",
        "cleanup.issued_before",
        "cleanup.total",
        "cleanup.by_result.valid",
        "cleanup.repealed_or_expired",
    ];
    const GROUPINGS: &'static [&'static str] = &[];

    fn label(path: &[&str]) -> Option<Cow<'static, str>> {
        match path {
            ["issued"] => word("制定规范性文件（件）"),
            ["issued", "total"] => word("合计"),
            ["issued", "reviewed"] => word("经合法性审查"),
            ["issued", "published"] => word("已公布"),
            ["cleanup"] => word("清理规范性文件"),
            ["cleanup", "total"] => word("合计（件）"),
            ["cleanup", "by_result"] => word("清理结果（件）"),
            ["cleanup", "by_result", r] => key_label::<CleanupResult>(r),
            ["cleanup", "repealed_or_expired"] => word("废止、失效（件）"),
            ["cleanup", "issued_before"] => word("清理此日前制定的文件"),
            _ => None,
        }
    }

    fn write_text(f: &NormativeFigures, out: &mut String) {
        line!(
            out,
            "制定规范性文件：{} 件，经合法性审查 {} 件，公布 {} 件",
            f.issued.total,
            f.issued.reviewed,
            f.issued.published
        );
        line!(
            out,
            "清理规范性文件：{} 件（{} 前制定），其中废止、失效 {} 件",
            f.cleanup.total,
            opt(f.cleanup.issued_before),
            f.cleanup.repealed_or_expired
        );
        let results = f.cleanup.by_result.iter().map(|(k, n)| (label(k), n));
        line!(out, "清理结果：{}", pairs(results));
    }
}

/// The figures of a normative-document report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NormativeFigures {
    /// Documents issued in the period.
    pub issued: Issued,
    /// Documents cleaned up in the period.
    pub cleanup: Cleanup,
}

/// `issued.*`
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Issued {
    /// Documents whose issue date is in the period.
    pub total: u64,
    /// Of them, legality-reviewed.
    pub reviewed: u64,
    /// Of them, published.
    pub published: u64,
}

/// `cleanup.*`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cleanup {
    /// Documents whose clean-up date is in the period.
    pub total: u64,
    /// By result; every result present.
    pub by_result: PerVariant<CleanupResult, u64>,
    /// Repealed plus expired.
    pub repealed_or_expired: u64,
    /// The day after the latest issue date among them ("documents made
    /// before 1 June"); null when none was cleaned up.
    pub issued_before: Option<NaiveDate>,
}
