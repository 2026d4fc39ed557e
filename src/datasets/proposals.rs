//! `proposals` — 建议提案办理台账, one row per deputies' suggestion or
//! members' proposal handled (spec 2.9).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use super::text::{key_label, label, line, pairs, pct, word};
use super::{Cells, DatasetSpec, PerVariant, Strings, vocab};
use crate::input::header::ColumnSpec;
use crate::options::{Period, Rounding};
use crate::state::kept;
use crate::stats::change::Decimal2;
use crate::stats::distinct::IdKey;

vocab! {
    /// The kind of item (建议提案类型).
    ProposalType {
        /// 人大代表建议
        NpcSuggestion = "npc_suggestion" ["人大代表建议", "代表建议"],
        /// 人大闭会期间代表建议
        NpcIntersession = "npc_intersession" ["人大闭会期间代表建议", "闭会期间建议"],
        /// 政协委员提案
        CppccProposal = "cppcc_proposal" ["政协委员提案", "政协提案", "委员提案"],
    }
}

vocab! {
    /// The office's part (承办方式).
    Role {
        /// 主办
        Lead = "lead" ["主办"],
        /// 协办
        Assist = "assist" ["协办", "会办"],
    }
}

vocab! {
    /// The deputy's or member's feedback (满意度); `unrecorded` when empty.
    Satisfaction {
        /// 满意
        Satisfied = "satisfied" ["满意"],
        /// 基本满意
        MostlySatisfied = "mostly_satisfied" ["基本满意"],
        /// 不满意
        Dissatisfied = "dissatisfied" ["不满意"],
        /// empty cell
        Unrecorded = "unrecorded" [],
    }
}

/// The suggestions and proposals dataset.
pub struct Proposals;

const PROPOSAL_ID: usize = 0;
const PROPOSAL_TYPE: usize = 1;
const ROLE: usize = 2;
const ASSIGNED: usize = 3;
const DUE: usize = 4;
const REPLIED: usize = 5;
const SATISFACTION: usize = 6;

/// A validated item row.
pub struct Row {
    kind: ProposalType,
    role: Role,
    assigned: NaiveDate,
    due: Option<NaiveDate>,
    replied: Option<NaiveDate>,
    satisfaction: Satisfaction,
}

/// A proposals row as a saved state keeps it.
#[derive(Serialize, Deserialize)]
pub struct Kept {
    kind: u8,
    role: u8,
    assigned: i32,
    due: Option<i32>,
    replied: Option<i32>,
    satisfaction: u8,
}

/// Suggestion and proposal figures being accumulated.
pub struct Acc {
    period: Period,
    by_type: PerVariant<ProposalType, TypeCounts>,
    replied: u64,
    on_time: u64,
    /// Items with both a due date and a reply date.
    timed: u64,
    satisfaction: PerVariant<Satisfaction, u64>,
}

impl DatasetSpec for Proposals {
    const NAME: &'static str = "proposals";
    const TITLE: &'static str = "建议提案办理台账";
    const ABOUT: &'static str = "建议提案办理台账: deputies' suggestions and members' proposals.";
    const COLUMNS: &'static [ColumnSpec] = &[
        ColumnSpec {
            key: "proposal_id",
            aliases: &["建议编号", "提案编号", "编号"],
            required: true,
        },
        ColumnSpec {
            key: "proposal_type",
            aliases: &["建议提案类型", "类型", "类别"],
            required: true,
        },
        ColumnSpec {
            key: "role",
            aliases: &["承办方式", "主协办", "办理方式"],
            required: true,
        },
        ColumnSpec {
            key: "assigned_date",
            aliases: &["交办日期", "收到日期"],
            required: true,
        },
        ColumnSpec {
            key: "due_date",
            aliases: &["办理期限", "答复期限"],
            required: false,
        },
        ColumnSpec {
            key: "replied_date",
            aliases: &["答复日期", "办结日期"],
            required: false,
        },
        ColumnSpec {
            key: "satisfaction",
            aliases: &["满意度", "反馈意见"],
            required: false,
        },
    ];
    type Row<'r> = Row;
    type Acc = Acc;
    type Figures = ProposalFigures;

    fn parse<'r>(c: &mut Cells<'r, '_>) -> Option<(IdKey, Row)> {
        let id = c.required_text(PROPOSAL_ID);
        let kind = c.vocab(PROPOSAL_TYPE, true);
        let role = c.vocab(ROLE, true);
        let assigned = c.date(ASSIGNED, true);
        let due = c.date(DUE, false).map(|d| d.date);
        let replied = c.date(REPLIED, false).map(|d| d.date);
        let satisfaction = c
            .vocab(SATISFACTION, false)
            .unwrap_or(Satisfaction::Unrecorded);
        Some((
            IdKey::of(&id?),
            Row {
                kind: kind?,
                role: role?,
                assigned: assigned?.date,
                due,
                replied,
                satisfaction,
            },
        ))
    }

    fn into_owned<'a, 'b>(row: Self::Row<'a>) -> Self::Row<'b> {
        row
    }

    type Kept = Kept;

    fn keep(row: &Row, _strings: &mut Strings) -> Kept {
        Kept {
            kind: kept::index(row.kind),
            role: kept::index(row.role),
            assigned: kept::day(row.assigned),
            due: kept::opt_day(row.due),
            replied: kept::opt_day(row.replied),
            satisfaction: kept::index(row.satisfaction),
        }
    }

    fn restore(k: &Kept, _strings: &[String]) -> Option<Row> {
        Some(Row {
            kind: kept::vocab(k.kind)?,
            role: kept::vocab(k.role)?,
            assigned: kept::date(k.assigned)?,
            due: kept::opt_date(k.due)?,
            replied: kept::opt_date(k.replied)?,
            satisfaction: kept::vocab(k.satisfaction)?,
        })
    }

    fn date(row: &Row) -> NaiveDate {
        row.assigned
    }

    fn new_acc(period: Period) -> Acc {
        Acc {
            period,
            by_type: PerVariant::default(),
            replied: 0,
            on_time: 0,
            timed: 0,
            satisfaction: PerVariant::default(),
        }
    }

    fn add(acc: &mut Acc, row: &Row, _ordinal: u64) -> bool {
        if !acc.period.contains(row.assigned) {
            return false;
        }
        let t = acc.by_type.get_mut(row.kind);
        t.total += 1;
        match row.role {
            Role::Lead => t.lead += 1,
            Role::Assist => t.assist += 1,
        }
        if row.replied.is_some() {
            acc.replied += 1;
        }
        if let (Some(r), Some(d)) = (row.replied, row.due) {
            acc.timed += 1;
            acc.on_time += u64::from(r <= d);
        }
        *acc.satisfaction.get_mut(row.satisfaction) += 1;
        true
    }

    fn merge(acc: &mut Acc, other: Acc) {
        acc.by_type.merge(other.by_type, |a, b| {
            a.total += b.total;
            a.lead += b.lead;
            a.assist += b.assist;
        });
        acc.replied += other.replied;
        acc.on_time += other.on_time;
        acc.timed += other.timed;
        acc.satisfaction.merge(other.satisfaction, |a, b| *a += b);
    }

    fn figures(acc: Acc, rounding: Rounding) -> ProposalFigures {
        let s = &acc.satisfaction;
        let pleased = *s.get(Satisfaction::Satisfied) + *s.get(Satisfaction::MostlySatisfied);
        let recorded = pleased + *s.get(Satisfaction::Dissatisfied);
        ProposalFigures {
            by_type: acc.by_type,
            replied: Replied {
                total: acc.replied,
                on_time: acc.on_time,
                on_time_pct: Decimal2::percent(acc.on_time as i128, acc.timed as i128, rounding),
            },
            satisfaction: SatisfactionFigures {
                satisfied: *s.get(Satisfaction::Satisfied),
                mostly_satisfied: *s.get(Satisfaction::MostlySatisfied),
                dissatisfied: *s.get(Satisfaction::Dissatisfied),
                unrecorded: *s.get(Satisfaction::Unrecorded),
                rate_pct: Decimal2::percent(pleased as i128, recorded as i128, rounding),
            },
        }
    }

    const HEADLINES: &'static [&'static str] = &[
        "by_type.npc_suggestion.total",
        "by_type.npc_suggestion.lead",
        "by_type.npc_suggestion.assist",
        "by_type.npc_intersession.total",
        "by_type.npc_intersession.lead",
        "by_type.cppcc_proposal.total",
        "by_type.cppcc_proposal.lead",
        "by_type.cppcc_proposal.assist",
        "replied.on_time_pct",
        "satisfaction.rate_pct",
    ];
    const GROUPINGS: &'static [&'static str] = &["by_type"];

    fn label(path: &[&str]) -> Option<Cow<'static, str>> {
        match path {
            ["by_type"] => word("按类型"),
            ["by_type", t] => key_label::<ProposalType>(t),
            ["by_type", _, "total"] => word("承办（件）"),
            ["by_type", _, r] => key_label::<Role>(r),
            ["replied"] => word("答复"),
            ["replied", "total"] => word("已答复（件）"),
            ["replied", "on_time"] => word("按时答复（件）"),
            ["replied", "on_time_pct"] => word("按时答复率（%）"),
            ["satisfaction"] => word("满意度（件）"),
            ["satisfaction", "rate_pct"] => word("满意率（%）"),
            ["satisfaction", s] => key_label::<Satisfaction>(s),
            _ => None,
        }
    }

    fn write_text(f: &ProposalFigures, out: &mut String) {
        for (t, c) in f.by_type.iter() {
            line!(
                out,
                "{}：{} 件（主办 {}，协办 {}）",
                label(t),
                c.total,
                c.lead,
                c.assist
            );
        }
        line!(
            out,
            "答复：{} 件，按时 {} 件，按时率 {}",
            f.replied.total,
            f.replied.on_time,
            pct(f.replied.on_time_pct)
        );
        let s = &f.satisfaction;
        let levels = [
            (label(Satisfaction::Satisfied), s.satisfied),
            (label(Satisfaction::MostlySatisfied), s.mostly_satisfied),
            (label(Satisfaction::Dissatisfied), s.dissatisfied),
            (label(Satisfaction::Unrecorded), s.unrecorded),
        ];
        line!(out, "满意度：{}；满意率 {}", pairs(levels), pct(s.rate_pct));
    }
}

/// The figures of a suggestions and proposals report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposalFigures {
    /// Per item type; every type present.
    pub by_type: PerVariant<ProposalType, TypeCounts>,
    /// Replies.
    pub replied: Replied,
    /// Feedback.
    pub satisfaction: SatisfactionFigures,
}

/// `by_type.<proposal_type>`: items assigned in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TypeCounts {
    /// Items.
    pub total: u64,
    /// As lead office.
    pub lead: u64,
    /// As assisting office.
    pub assist: u64,
}

/// `replied.*`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Replied {
    /// Items with a reply date.
    pub total: u64,
    /// Replied on or before the due date.
    pub on_time: u64,
    /// on_time / items with both dates × 100, whenever the reply came;
    /// null with no such item.
    pub on_time_pct: Option<Decimal2>,
}

/// `satisfaction.*`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SatisfactionFigures {
    /// 满意
    pub satisfied: u64,
    /// 基本满意
    pub mostly_satisfied: u64,
    /// 不满意
    pub dissatisfied: u64,
    /// No feedback recorded.
    pub unrecorded: u64,
    /// (satisfied + mostly satisfied) / items with a recorded level × 100;
    /// null with none recorded.
    pub rate_pct: Option<Decimal2>,
}
