//! `legality` — 合法性审查台账, one row per reviewed document (spec 2.1).

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::text::{key_label, label, line, name, opt, pairs, word};
use super::{
    Cells, DatasetSpec, NOT_FILLED, PerVariant, Strings, Text, masked_groups, owned, vocab,
};
use crate::input::header::ColumnSpec;
use crate::options::{Period, Rounding};
use crate::state::kept;
use crate::stats::days::Days;
use crate::stats::distinct::IdKey;

/// `review_days.*`: calendar days from received to completed.
pub type ReviewDays = Days;

vocab! {
    /// The kind of reviewed document (文件类型).
    DocType {
        /// 行政合同
        AdministrativeContract = "administrative_contract" ["行政合同", "合同"],
        /// 规范性文件
        NormativeDocument = "normative_document" ["规范性文件", "行政规范性文件"],
        /// 重大行政决策
        MajorDecision = "major_decision" ["重大行政决策"],
        /// 其他
        Other = "other" ["其他"],
    }
}

vocab! {
    /// The review's conclusion (审查结论); `unrecorded` when the cell is empty.
    Conclusion {
        /// 同意
        Approved = "approved" ["同意", "通过", "合法"],
        /// 修改后同意
        ApprovedWithChanges = "approved_with_changes" ["修改后同意", "原则同意", "修改后通过"],
        /// 不同意
        Rejected = "rejected" ["不同意", "不予通过", "不合法"],
        /// empty cell
        Unrecorded = "unrecorded" [],
    }
}

/// The legality dataset.
pub struct Legality;

const REVIEW_ID: usize = 0;
const DOC_TYPE: usize = 2;
const DEPARTMENT: usize = 3;
const RECEIVED: usize = 4;
const COMPLETED: usize = 5;
const OPINIONS: usize = 6;
const CONCLUSION: usize = 7;

/// A validated legality row.
pub struct Row<'r> {
    doc_type: DocType,
    department: Option<Text<'r>>,
    received: NaiveDate,
    completed: Option<NaiveDate>,
    opinions: u64,
    conclusion: Conclusion,
}

/// A legality row as a saved state keeps it.
#[derive(Serialize, Deserialize)]
pub struct Kept {
    doc_type: u8,
    department: u32,
    received: i32,
    completed: Option<i32>,
    opinions: u64,
    conclusion: u8,
}

/// Legality figures being accumulated.
pub struct Acc {
    period: Period,
    reviews: PerVariant<DocType, u64>,
    opinions: PerVariant<DocType, u64>,
    completed: u64,
    conclusions: PerVariant<Conclusion, u64>,
    departments: BTreeMap<String, Department>,
    /// Review days → number of completed reviews that took them.
    days: BTreeMap<i64, u64>,
}

impl DatasetSpec for Legality {
    const NAME: &'static str = "legality";
    const TITLE: &'static str = "合法性审查台账";
    const ABOUT: &'static str =
        "合法性审查台账: legality reviews of contracts and normative documents.";
    const COLUMNS: &'static [ColumnSpec] = &[
        ColumnSpec {
            key: "review_id",
            aliases: &["审查编号", "编号"],
            required: true,
        },
        ColumnSpec {
            key: "title",
            aliases: &["文件名称", "合同名称", "名称"],
            required: false,
        },
        ColumnSpec {
            key: "doc_type",
            aliases: &["文件类型", "审查类型", "类型"],
            required: true,
        },
        ColumnSpec {
            key: "department",
            aliases: &["送审科室", "承办科室", "送审单位"],
            required: false,
        },
        ColumnSpec {
            key: "received_date",
            aliases: &["受理日期", "送审日期", "收文日期"],
            required: true,
        },
        ColumnSpec {
            key: "completed_date",
            aliases: &["审结日期", "办结日期", "完成日期"],
            required: false,
        },
        ColumnSpec {
            key: "opinion_count",
            aliases: &["审查意见数", "意见条数", "提出意见数"],
            required: false,
        },
        ColumnSpec {
            key: "conclusion",
            aliases: &["审查结论", "审查结果"],
            required: false,
        },
    ];
    type Row<'r> = Row<'r>;
    type Acc = Acc;
    type Figures = LegalityFigures;

    fn parse<'r>(c: &mut Cells<'r, '_>) -> Option<(IdKey, Row<'r>)> {
        let id = c.required_text(REVIEW_ID);
        let doc_type = c.vocab(DOC_TYPE, true);
        let department = c.text(DEPARTMENT);
        let received = c.date(RECEIVED, true);
        let completed = c.date(COMPLETED, false);
        let opinions = c.count(OPINIONS).unwrap_or(0);
        let conclusion = c.vocab(CONCLUSION, false).unwrap_or(Conclusion::Unrecorded);
        if let (Some(r), Some(done)) = (received, completed)
            && done.date < r.date
        {
            let shown = c.text(COMPLETED).unwrap_or_default().into_owned();
            c.reject(
                COMPLETED,
                &shown,
                format!(
                    "completed date {} is before the received date {}",
                    done.date, r.date
                ),
            );
        }
        Some((
            IdKey::of(&id?),
            Row {
                doc_type: doc_type?,
                department,
                received: received?.date,
                completed: completed.map(|d| d.date),
                opinions,
                conclusion,
            },
        ))
    }

    fn into_owned<'a, 'b>(row: Row<'a>) -> Row<'b> {
        Row {
            doc_type: row.doc_type,
            department: row.department.map(owned),
            received: row.received,
            completed: row.completed,
            opinions: row.opinions,
            conclusion: row.conclusion,
        }
    }

    type Kept = Kept;

    fn keep(row: &Row<'_>, strings: &mut Strings) -> Kept {
        Kept {
            doc_type: kept::index(row.doc_type),
            department: strings.put(row.department.as_deref()),
            received: kept::day(row.received),
            completed: kept::opt_day(row.completed),
            opinions: row.opinions,
            conclusion: kept::index(row.conclusion),
        }
    }

    fn restore<'s>(k: &Kept, strings: &'s [String]) -> Option<Row<'s>> {
        Some(Row {
            doc_type: kept::vocab(k.doc_type)?,
            department: kept::text(strings, k.department)?,
            received: kept::date(k.received)?,
            completed: kept::opt_date(k.completed)?,
            opinions: k.opinions,
            conclusion: kept::vocab(k.conclusion)?,
        })
    }

    fn date(row: &Row<'_>) -> NaiveDate {
        row.received
    }

    fn new_acc(period: Period) -> Acc {
        Acc {
            period,
            reviews: PerVariant::default(),
            opinions: PerVariant::default(),
            completed: 0,
            conclusions: PerVariant::default(),
            departments: BTreeMap::new(),
            days: BTreeMap::new(),
        }
    }

    fn add(acc: &mut Acc, row: &Row<'_>, _ordinal: u64) -> bool {
        if !acc.period.contains(row.received) {
            return false;
        }
        *acc.reviews.get_mut(row.doc_type) += 1;
        *acc.opinions.get_mut(row.doc_type) += row.opinions;
        *acc.conclusions.get_mut(row.conclusion) += 1;
        let dept = row.department.as_deref().unwrap_or(NOT_FILLED);
        if !acc.departments.contains_key(dept) {
            acc.departments
                .insert(dept.to_string(), Department::default());
        }
        let d = acc.departments.get_mut(dept).expect("inserted above");
        d.reviews += 1;
        d.opinions += row.opinions;
        if let Some(done) = row.completed
            && done <= acc.period.end
        {
            acc.completed += 1;
            *acc.days
                .entry((done - row.received).num_days())
                .or_insert(0) += 1;
        }
        true
    }

    fn merge(acc: &mut Acc, other: Acc) {
        let add = |a: &mut u64, b: u64| *a += b;
        acc.reviews.merge(other.reviews, add);
        acc.opinions.merge(other.opinions, add);
        acc.conclusions.merge(other.conclusions, add);
        acc.completed += other.completed;
        for (name, d) in other.departments {
            let e = acc.departments.entry(name).or_default();
            e.reviews += d.reviews;
            e.opinions += d.opinions;
        }
        for (days, n) in other.days {
            *acc.days.entry(days).or_insert(0) += n;
        }
    }

    fn figures(acc: Acc, rounding: Rounding) -> LegalityFigures {
        let total: u64 = acc.reviews.iter().map(|(_, n)| n).sum();
        LegalityFigures {
            reviews: Reviews {
                total,
                by_type: acc.reviews,
                completed: acc.completed,
                pending: total - acc.completed,
            },
            opinions: Opinions {
                total: acc.opinions.iter().map(|(_, n)| n).sum(),
                by_type: acc.opinions,
            },
            conclusions: acc.conclusions,
            departments: masked_groups(acc.departments, |a, b| {
                a.reviews += b.reviews;
                a.opinions += b.opinions;
            }),
            review_days: ReviewDays::from_histogram(&acc.days, rounding),
        }
    }

    const HEADLINES: &'static [&'static str] = &[
        "reviews.by_type.administrative_contract",
        "reviews.by_type.normative_document",
        "opinions.total",
    ];
    const GROUPINGS: &'static [&'static str] = &["departments"];

    fn label(path: &[&str]) -> Option<Cow<'static, str>> {
        match path {
            ["reviews"] => word("合法性审查件数"),
            ["opinions"] => word("合法性审查意见条数"),
            ["reviews" | "opinions", "total"] => word("合计"),
            ["reviews" | "opinions", "by_type"] => word(""),
            ["reviews" | "opinions", "by_type", t] => key_label::<DocType>(t),
            ["reviews", "completed"] => word("已审结"),
            ["reviews", "pending"] => word("未审结"),
            ["conclusions"] => word("审查结论（件）"),
            ["conclusions", c] => key_label::<Conclusion>(c),
            ["departments"] => word("送审科室"),
            ["departments", d] => name(d),
            ["departments", _, "reviews"] => word("审查件数"),
            ["departments", _, "opinions"] => word("审查意见条数"),
            ["review_days"] => word("审查用时（天）"),
            ["review_days", "count"] => word("已审结件数"),
            ["review_days", "mean"] => word("平均"),
            ["review_days", "median"] => word("中位数"),
            ["review_days", "max"] => word("最长"),
            _ => None,
        }
    }

    fn write_text(f: &LegalityFigures, out: &mut String) {
        line!(
            out,
            "合法性审查：{} 件（已审结 {}，未审结 {}）",
            f.reviews.total,
            f.reviews.completed,
            f.reviews.pending
        );
        for (t, n) in f.reviews.by_type.iter() {
            line!(
                out,
                "  {}：{} 件，审查意见 {} 条",
                label(t),
                n,
                f.opinions.by_type.get(t)
            );
        }
        line!(out, "审查意见：{} 条", f.opinions.total);
        let conclusions = f.conclusions.iter().map(|(k, n)| (label(k), n));
        line!(out, "审查结论：{}", pairs(conclusions));
        line!(out, "送审科室：");
        for (name, d) in &f.departments {
            line!(out, "  {name}：{} 件，意见 {} 条", d.reviews, d.opinions);
        }
        let d = &f.review_days;
        line!(
            out,
            "审查用时（天）：已审结 {} 件，平均 {}，中位数 {}，最长 {}",
            d.count,
            opt(d.mean),
            opt(d.median),
            opt(d.max)
        );
    }
}

/// The figures of a legality report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegalityFigures {
    /// Documents reviewed.
    pub reviews: Reviews,
    /// Review opinions issued.
    pub opinions: Opinions,
    /// Reviews by conclusion.
    pub conclusions: PerVariant<Conclusion, u64>,
    /// Reviews and opinions by submitting department (empty → 未填写).
    pub departments: BTreeMap<String, Department>,
    /// Calendar days from received to completed, over completed reviews.
    pub review_days: ReviewDays,
}

/// `reviews.*`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reviews {
    /// Reviews received in the period.
    pub total: u64,
    /// By document type; every type present.
    pub by_type: PerVariant<DocType, u64>,
    /// Completed on or before the period's end.
    pub completed: u64,
    /// Not completed, or completed after the period's end.
    pub pending: u64,
}

/// `opinions.*`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Opinions {
    /// Opinions on reviews received in the period.
    pub total: u64,
    /// By document type; every type present.
    pub by_type: PerVariant<DocType, u64>,
}

/// `departments.<name>`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Department {
    /// Reviews.
    pub reviews: u64,
    /// Opinions.
    pub opinions: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies() {
        use crate::datasets::Vocab;
        assert_eq!(
            DocType::parse("合同"),
            Some(DocType::AdministrativeContract)
        );
        assert_eq!(
            DocType::parse("Normative_Document"),
            Some(DocType::NormativeDocument)
        );
        assert_eq!(Conclusion::parse("unrecorded"), None);
        assert_eq!(
            Conclusion::parse("原则同意"),
            Some(Conclusion::ApprovedWithChanges)
        );
        assert!(DocType::expected().contains("行政合同, 合同, administrative_contract"));
    }
}
