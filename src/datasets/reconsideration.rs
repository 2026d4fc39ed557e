//! `reconsideration` — 行政复议与行政诉讼案件台账, one row per
//! administrative reconsideration or litigation case (spec 2.8).

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::text::{key_label, label, line, name, pct, word};
use super::{
    Cells, DatasetSpec, NOT_FILLED, PerVariant, Strings, Text, masked_groups, owned, vocab,
};
use crate::input::header::ColumnSpec;
use crate::options::{Period, Rounding};
use crate::state::kept;
use crate::stats::change::Decimal2;
use crate::stats::distinct::IdKey;

vocab! {
    /// The kind of case (案件类型).
    CaseType {
        /// 行政复议
        Reconsideration = "reconsideration" ["行政复议"],
        /// 一审行政诉讼
        LitigationFirst = "litigation_first" ["一审行政诉讼", "行政诉讼", "行政诉讼一审"],
        /// 二审行政诉讼
        LitigationAppeal = "litigation_appeal" ["行政诉讼二审", "二审", "上诉"],
    }
}

vocab! {
    /// Where the case stands (办理状态), as the ledger says it.
    Status {
        /// 审理中
        Pending = "pending" ["审理中", "在审", "未结"],
        /// 已审结
        Concluded = "concluded" ["已审结", "审结", "已结案"],
        /// 立案前调解
        MediatedBeforeFiling = "mediated_before_filing" ["立案前调解", "诉前调解"],
    }
}

vocab! {
    /// How a concluded case was decided (审理结果); `unrecorded` when empty.
    CaseResult {
        /// 维持
        Upheld = "upheld" ["维持", "驳回", "驳回诉讼请求"],
        /// 撤销: the administrative organ lost
        Lost = "lost" ["撤销", "确认违法", "变更", "责令履行"],
        /// 撤回
        Withdrawn = "withdrawn" ["撤回", "撤诉", "和解", "调解"],
        /// empty cell
        Unrecorded = "unrecorded" [],
    }
}

/// The reconsideration and litigation dataset.
pub struct Reconsideration;

const CASE_ID: usize = 0;
const CASE_TYPE: usize = 1;
const RECEIVED: usize = 2;
const STATUS: usize = 3;
const CONCLUDED: usize = 4;
const RESULT: usize = 5;
const SUBJECT: usize = 6;
const HEAD_APPEARED: usize = 7;

/// A validated case row.
pub struct Row<'r> {
    case_type: CaseType,
    received: NaiveDate,
    status: Status,
    concluded: Option<NaiveDate>,
    result: CaseResult,
    subject: Option<Text<'r>>,
    head_appeared: Option<bool>,
}

/// A reconsideration row as a saved state keeps it.
#[derive(Serialize, Deserialize)]
pub struct Kept {
    case_type: u8,
    received: i32,
    status: u8,
    concluded: Option<i32>,
    result: u8,
    subject: u32,
    head_appeared: Option<bool>,
}

/// Reconsideration figures being accumulated.
pub struct Acc {
    period: Period,
    by_type: PerVariant<CaseType, TypeCounts>,
    lost: u64,
    by_subject: BTreeMap<String, u64>,
    head_cases: u64,
    head_appeared: u64,
}

impl DatasetSpec for Reconsideration {
    const NAME: &'static str = "reconsideration";
    const TITLE: &'static str = "行政复议与行政诉讼案件台账";
    const ABOUT: &'static str =
        "行政复议与行政诉讼案件台账: administrative reconsideration and litigation cases.";
    const COLUMNS: &'static [ColumnSpec] = &[
        ColumnSpec {
            key: "case_id",
            aliases: &["案件编号", "案号", "编号"],
            required: true,
        },
        ColumnSpec {
            key: "case_type",
            aliases: &["案件类型", "类型"],
            required: true,
        },
        ColumnSpec {
            key: "received_date",
            aliases: &["收案日期", "收到日期", "立案日期", "登记日期"],
            required: true,
        },
        ColumnSpec {
            key: "status",
            aliases: &["办理状态", "案件状态", "状态"],
            required: true,
        },
        ColumnSpec {
            key: "concluded_date",
            aliases: &["审结日期", "结案日期"],
            required: false,
        },
        ColumnSpec {
            key: "result",
            aliases: &["审理结果", "裁判结果", "结果"],
            required: false,
        },
        ColumnSpec {
            key: "subject",
            aliases: &["案由", "争议事项"],
            required: false,
        },
        ColumnSpec {
            key: "head_appeared",
            aliases: &["负责人出庭", "行政机关负责人出庭", "是否负责人出庭"],
            required: false,
        },
    ];
    type Row<'r> = Row<'r>;
    type Acc = Acc;
    type Figures = ReconsiderationFigures;

    fn parse<'r>(c: &mut Cells<'r, '_>) -> Option<(IdKey, Row<'r>)> {
        let id = c.required_text(CASE_ID);
        let case_type = c.vocab(CASE_TYPE, true);
        let received = c.date(RECEIVED, true);
        let status = c.vocab(STATUS, true);
        let concluded = c.date(CONCLUDED, false).map(|d| d.date);
        let result = c.vocab(RESULT, false).unwrap_or(CaseResult::Unrecorded);
        let subject = c.text(SUBJECT);
        let head_appeared = c.flag(HEAD_APPEARED);
        if let (Some(r), Some(d)) = (received, concluded)
            && d < r.date
        {
            let shown = c.text(CONCLUDED).unwrap_or_default().into_owned();
            c.reject(
                CONCLUDED,
                &shown,
                format!("concluded date {d} is before the received date {}", r.date),
            );
        }
        Some((
            IdKey::of(&id?),
            Row {
                case_type: case_type?,
                received: received?.date,
                status: status?,
                concluded,
                result,
                subject,
                head_appeared,
            },
        ))
    }

    fn into_owned<'a, 'b>(row: Row<'a>) -> Row<'b> {
        Row {
            subject: row.subject.map(owned),
            case_type: row.case_type,
            received: row.received,
            status: row.status,
            concluded: row.concluded,
            result: row.result,
            head_appeared: row.head_appeared,
        }
    }

    type Kept = Kept;

    fn keep(row: &Row<'_>, strings: &mut Strings) -> Kept {
        Kept {
            case_type: kept::index(row.case_type),
            received: kept::day(row.received),
            status: kept::index(row.status),
            concluded: kept::opt_day(row.concluded),
            result: kept::index(row.result),
            subject: strings.put(row.subject.as_deref()),
            head_appeared: row.head_appeared,
        }
    }

    fn restore<'s>(k: &Kept, strings: &'s [String]) -> Option<Row<'s>> {
        Some(Row {
            case_type: kept::vocab(k.case_type)?,
            received: kept::date(k.received)?,
            status: kept::vocab(k.status)?,
            concluded: kept::opt_date(k.concluded)?,
            result: kept::vocab(k.result)?,
            subject: kept::text(strings, k.subject)?,
            head_appeared: k.head_appeared,
        })
    }

    fn date(row: &Row<'_>) -> NaiveDate {
        row.received
    }

    fn new_acc(period: Period) -> Acc {
        Acc {
            period,
            by_type: PerVariant::default(),
            lost: 0,
            by_subject: BTreeMap::new(),
            head_cases: 0,
            head_appeared: 0,
        }
    }

    fn add(acc: &mut Acc, row: &Row<'_>, _ordinal: u64) -> bool {
        if !acc.period.contains(row.received) {
            return false;
        }
        let t = acc.by_type.get_mut(row.case_type);
        if row.status == Status::MediatedBeforeFiling {
            t.mediated_before_filing += 1;
        } else {
            // A filed case's concluded date, when there is one, says where
            // it stood at the period's end, whatever the status column says.
            let concluded = match row.concluded {
                Some(d) => d <= acc.period.end,
                None => row.status == Status::Concluded,
            };
            t.new += 1;
            if concluded {
                t.concluded += 1;
                if row.result == CaseResult::Lost {
                    acc.lost += 1;
                }
            } else {
                t.pending += 1;
            }
        }
        let subject = row.subject.as_deref().unwrap_or(NOT_FILLED);
        match acc.by_subject.get_mut(subject) {
            Some(n) => *n += 1,
            None => {
                acc.by_subject.insert(subject.to_string(), 1);
            }
        }
        if row.case_type != CaseType::Reconsideration
            && let Some(appeared) = row.head_appeared
        {
            acc.head_cases += 1;
            acc.head_appeared += u64::from(appeared);
        }
        true
    }

    fn merge(acc: &mut Acc, other: Acc) {
        acc.by_type.merge(other.by_type, |a, b| {
            a.new += b.new;
            a.pending += b.pending;
            a.concluded += b.concluded;
            a.mediated_before_filing += b.mediated_before_filing;
        });
        acc.lost += other.lost;
        for (k, n) in other.by_subject {
            *acc.by_subject.entry(k).or_insert(0) += n;
        }
        acc.head_cases += other.head_cases;
        acc.head_appeared += other.head_appeared;
    }

    fn figures(acc: Acc, rounding: Rounding) -> ReconsiderationFigures {
        ReconsiderationFigures {
            by_type: acc.by_type,
            lost: acc.lost,
            by_subject: masked_groups(acc.by_subject, |a, b| *a += b),
            head_appearance: HeadAppearance {
                cases: acc.head_cases,
                appeared: acc.head_appeared,
                rate_pct: Decimal2::percent(
                    acc.head_appeared as i128,
                    acc.head_cases as i128,
                    rounding,
                ),
            },
        }
    }

    const HEADLINES: &'static [&'static str] = &[
        "by_type.reconsideration.new",
        "by_type.reconsideration.pending",
        "by_type.reconsideration.concluded",
        "by_type.reconsideration.mediated_before_filing",
        "by_type.litigation_first.new",
        "by_type.litigation_first.pending",
        "by_type.litigation_first.concluded",
        "by_type.litigation_first.mediated_before_filing",
        "lost",
        "head_appearance.rate_pct",
    ];
    const GROUPINGS: &'static [&'static str] = &["by_type", "by_subject"];

    fn label(path: &[&str]) -> Option<Cow<'static, str>> {
        match path {
            ["by_type"] => word("按案件类型"),
            // The vocabulary's first words (行政诉讼, 二审) name the
            // instances less plainly than the report does.
            ["by_type", "litigation_first"] => word("一审行政诉讼"),
            ["by_type", "litigation_appeal"] => word("二审行政诉讼"),
            ["by_type", t] => key_label::<CaseType>(t),
            ["by_type", _, "new"] => word("新增（件）"),
            ["by_type", _, "pending"] => word("审理中（件）"),
            ["by_type", _, "concluded"] => word("已审结（件）"),
            ["by_type", _, "mediated_before_filing"] => word("立案前调解成功（件）"),
            ["lost"] => word("败诉（件）"),
            ["by_subject"] => word("按案由（件）"),
            ["by_subject", s] => name(s),
            ["head_appearance"] => word("行政机关负责人出庭"),
            ["head_appearance", "cases"] => word("行政诉讼案件（件）"),
            ["head_appearance", "appeared"] => word("负责人出庭（件）"),
            ["head_appearance", "rate_pct"] => word("出庭率（%）"),
            _ => None,
        }
    }

    fn write_text(f: &ReconsiderationFigures, out: &mut String) {
        for (t, c) in f.by_type.iter() {
            line!(
                out,
                "{}：新增 {} 件（审理中 {}，已审结 {}），立案前调解 {} 件",
                label(t),
                c.new,
                c.pending,
                c.concluded,
                c.mediated_before_filing
            );
        }
        line!(out, "败诉：{} 件", f.lost);
        line!(out, "案由：");
        for (k, n) in &f.by_subject {
            line!(out, "  {k}：{n}");
        }
        let h = &f.head_appearance;
        line!(
            out,
            "行政机关负责人出庭：{} / {} 件，出庭率 {}",
            h.appeared,
            h.cases,
            pct(h.rate_pct)
        );
    }
}

/// The figures of a reconsideration and litigation report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReconsiderationFigures {
    /// Per case type; every type present.
    pub by_type: PerVariant<CaseType, TypeCounts>,
    /// Cases received in the period, concluded by its end, lost.
    pub lost: u64,
    /// Cases received in the period by subject (empty → 未填写).
    pub by_subject: BTreeMap<String, u64>,
    /// Heads of the administrative organ in court, over litigation cases.
    pub head_appearance: HeadAppearance,
}

/// `by_type.<case_type>`: cases received in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TypeCounts {
    /// Cases filed: pending + concluded.
    pub new: u64,
    /// Filed, not concluded by the period's end.
    pub pending: u64,
    /// Filed, concluded by the period's end.
    pub concluded: u64,
    /// Mediated before filing (not new).
    pub mediated_before_filing: u64,
}

/// `head_appearance.*`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeadAppearance {
    /// Litigation cases (both instances) received in the period whose
    /// head_appeared is filled.
    pub cases: u64,
    /// Of them, with the head in court.
    pub appeared: u64,
    /// appeared / cases × 100; null with no such case.
    pub rate_pct: Option<Decimal2>,
}
