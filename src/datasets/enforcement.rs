//! `enforcement` — 劳动保障监察执法台账, one row per enforcement action
//! (spec 2.5).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use super::text::{key_label, label, line, name, word};
use super::{ByMonth, Cells, DatasetSpec, PerVariant, Strings, vocab};
use crate::input::header::ColumnSpec;
use crate::options::{Period, Rounding};
use crate::state::kept;
use crate::stats::change::Decimal2;
use crate::stats::distinct::{IdKey, KeySet};

vocab! {
    /// The kind of action (执法类型).
    ActionType {
        /// 行政处理决定
        HandlingDecision = "handling_decision" ["行政处理决定", "处理决定", "责令支付"],
        /// 行政处罚
        Penalty = "penalty" ["行政处罚", "处罚", "罚款"],
        /// 信用扣分
        CreditDeduction = "credit_deduction" ["信用扣分", "扣分"],
        /// 约谈
        Interview = "interview" ["约谈"],
        /// 移送公安
        PoliceTransfer = "police_transfer" ["移送公安", "移送公安机关"],
        /// 欠薪隐患化解
        RiskResolved = "risk_resolved" ["欠薪隐患化解", "隐患化解", "化解欠薪隐患"],
        /// 其他
        Other = "other" ["其他"],
    }
}

vocab! {
    /// Who the action was taken against (对象类型); `unrecorded` when empty.
    TargetKind {
        /// 企业
        Enterprise = "enterprise" ["企业", "单位", "用人单位"],
        /// 个人
        Person = "person" ["个人", "自然人"],
        /// empty cell
        Unrecorded = "unrecorded" [],
    }
}

/// The enforcement dataset.
pub struct Enforcement;

const ACTION_ID: usize = 0;
const ACTION_DATE: usize = 1;
const ACTION_TYPE: usize = 2;
const TARGET_KIND: usize = 3;
const TARGET_ID: usize = 4;
const TARGET_NAME: usize = 5;
const AMOUNT: usize = 7;

/// A validated enforcement row.
pub struct Row {
    date: NaiveDate,
    action: ActionType,
    kind: TargetKind,
    /// The target's key: its id, or its name when the id is empty; None
    /// when both are.
    target: Option<IdKey>,
    /// Fen.
    amount: i64,
}

/// A enforcement row as a saved state keeps it.
#[derive(Serialize, Deserialize)]
pub struct Kept {
    date: i32,
    action: u8,
    kind: u8,
    target: Option<[u8; 16]>,
    amount: i64,
}

/// One action type's figures being accumulated.
#[derive(Default, Clone)]
struct TypeAcc {
    actions: u64,
    amount: i128,
    by_kind: PerVariant<TargetKind, (u64, KeySet)>,
}

/// Enforcement figures being accumulated.
pub struct Acc {
    period: Period,
    by_type: PerVariant<ActionType, TypeAcc>,
    targets: KeySet,
    months: ByMonth<u64>,
}

/// Fen as a two-decimal number; a sum past what JSON's numbers hold
/// exactly (2⁵³ fen) is not a bureau's, and saturates rather than wraps.
fn yuan(fen: i128) -> Decimal2 {
    Decimal2(i64::try_from(fen).unwrap_or(i64::MAX))
}

impl DatasetSpec for Enforcement {
    const NAME: &'static str = "enforcement";
    const TITLE: &'static str = "劳动保障监察执法台账";
    const ABOUT: &'static str = "劳动保障监察执法台账: labour-security enforcement actions.";
    const COLUMNS: &'static [ColumnSpec] = &[
        ColumnSpec {
            key: "action_id",
            aliases: &["文书编号", "决定书编号", "执法编号", "编号"],
            required: true,
        },
        ColumnSpec {
            key: "action_date",
            aliases: &["决定日期", "处理日期", "执法日期", "日期"],
            required: true,
        },
        ColumnSpec {
            key: "action_type",
            aliases: &["执法类型", "处置类型", "措施类型", "类型"],
            required: true,
        },
        ColumnSpec {
            key: "target_kind",
            aliases: &["对象类型", "当事人类型"],
            required: false,
        },
        ColumnSpec {
            key: "target_id",
            aliases: &["统一社会信用代码", "信用代码", "证件号码", "当事人证件号"],
            required: false,
        },
        ColumnSpec {
            key: "target_name",
            aliases: &["当事人", "当事人名称", "单位名称", "对象名称"],
            required: false,
        },
        ColumnSpec {
            key: "project",
            aliases: &["工程项目", "项目名称"],
            required: false,
        },
        ColumnSpec {
            key: "amount",
            aliases: &["金额", "罚款金额", "涉及金额"],
            required: false,
        },
    ];
    type Row<'r> = Row;
    type Acc = Acc;
    type Figures = EnforcementFigures;

    fn parse<'r>(c: &mut Cells<'r, '_>) -> Option<(IdKey, Row)> {
        let id = c.required_text(ACTION_ID);
        let date = c.date(ACTION_DATE, true);
        let action = c.vocab(ACTION_TYPE, true);
        let kind = c
            .vocab(TARGET_KIND, false)
            .unwrap_or(TargetKind::Unrecorded);
        // Ids and names are keyed apart: a name that happens to spell
        // someone's id is another target.
        let target = match c.text(TARGET_ID) {
            Some(tid) => Some(IdKey::of_parts(&["id", &tid])),
            None => c.text(TARGET_NAME).map(|n| IdKey::of_parts(&["name", &n])),
        };
        let amount = c.money(AMOUNT).unwrap_or(0);
        Some((
            IdKey::of(&id?),
            Row {
                date: date?.date,
                action: action?,
                kind,
                target,
                amount,
            },
        ))
    }

    fn into_owned<'a, 'b>(row: Self::Row<'a>) -> Self::Row<'b> {
        row
    }

    type Kept = Kept;

    fn keep(row: &Row, _strings: &mut Strings) -> Kept {
        Kept {
            date: kept::day(row.date),
            action: kept::index(row.action),
            kind: kept::index(row.kind),
            target: row.target.map(|t| t.0.to_le_bytes()),
            amount: row.amount,
        }
    }

    fn restore(k: &Kept, _strings: &[String]) -> Option<Row> {
        Some(Row {
            date: kept::date(k.date)?,
            action: kept::vocab(k.action)?,
            kind: kept::vocab(k.kind)?,
            target: k.target.map(|t| IdKey(u128::from_le_bytes(t))),
            amount: k.amount,
        })
    }

    fn date(row: &Row) -> NaiveDate {
        row.date
    }

    fn new_acc(period: Period) -> Acc {
        Acc {
            period,
            by_type: PerVariant::default(),
            targets: KeySet::default(),
            months: ByMonth::new(period),
        }
    }

    fn add(acc: &mut Acc, row: &Row, _ordinal: u64) -> bool {
        if !acc.period.contains(row.date) {
            return false;
        }
        let t = acc.by_type.get_mut(row.action);
        t.actions += 1;
        t.amount += i128::from(row.amount);
        let (actions, targets) = t.by_kind.get_mut(row.kind);
        *actions += 1;
        if let Some(key) = row.target {
            targets.insert(key);
            acc.targets.insert(key);
        }
        if let Some(m) = acc.months.get_mut(row.date) {
            *m += 1;
        }
        true
    }

    fn merge(acc: &mut Acc, other: Acc) {
        acc.by_type.merge(other.by_type, |a, b| {
            a.actions += b.actions;
            a.amount += b.amount;
            a.by_kind.merge(b.by_kind, |(n, s), (m, t)| {
                *n += m;
                s.extend(t);
            });
        });
        acc.targets.extend(other.targets);
        acc.months.merge(other.months, |a, b| *a += b);
    }

    fn figures(acc: Acc, _rounding: Rounding) -> EnforcementFigures {
        let total: u64 = acc.by_type.iter().map(|(_, t)| t.actions).sum();
        let amount: i128 = acc.by_type.iter().map(|(_, t)| t.amount).sum();
        EnforcementFigures {
            actions: Actions { total },
            by_type: acc.by_type.map(|t| ActionTypeFigures {
                actions: t.actions,
                amount: yuan(t.amount),
                by_kind: t.by_kind.map(|(actions, targets)| KindFigures {
                    actions: *actions,
                    targets: targets.len() as u64,
                }),
            }),
            targets: Targets {
                distinct: acc.targets.len() as u64,
            },
            amount: Amount {
                total: yuan(amount),
            },
            by_month: acc.months,
        }
    }

    const HEADLINES: &'static [&'static str] = &[
        "by_type.handling_decision.actions",
        "by_type.penalty.by_kind.enterprise.targets",
        "by_type.credit_deduction.actions",
        "by_type.interview.actions",
        "by_type.penalty.by_kind.person.actions",
        "by_type.police_transfer.actions",
        "by_type.risk_resolved.actions",
    ];
    const GROUPINGS: &'static [&'static str] = &["by_type", "by_month"];

    fn label(path: &[&str]) -> Option<Cow<'static, str>> {
        match path {
            ["actions"] => word("执法行为"),
            ["actions", "total"] => word("合计（起）"),
            ["by_type"] => word("按执法类型"),
            ["by_type", t] => key_label::<ActionType>(t),
            ["by_type", _, "actions"] | ["by_type", _, "by_kind", _, "actions"] => word("起数"),
            ["by_type", _, "amount"] => word("金额（元）"),
            ["by_type", _, "by_kind"] => word(""),
            ["by_type", _, "by_kind", k] => key_label::<TargetKind>(k),
            ["by_type", _, "by_kind", _, "targets"] => word("对象数"),
            ["targets"] => word("执法对象"),
            ["targets", "distinct"] => word("去重对象数"),
            ["amount"] => word("涉及金额"),
            ["amount", "total"] => word("合计（元）"),
            ["by_month"] => word("按月执法行为（起）"),
            ["by_month", m] => name(m),
            _ => None,
        }
    }

    fn write_text(f: &EnforcementFigures, out: &mut String) {
        line!(
            out,
            "执法行为：{} 起，涉及对象 {} 个，金额 {} 元",
            f.actions.total,
            f.targets.distinct,
            f.amount.total
        );
        for (t, v) in f.by_type.iter() {
            let kinds: Vec<String> = v
                .by_kind
                .iter()
                .filter(|(_, k)| k.actions > 0)
                .map(|(k, n)| {
                    format!(
                        "{} {} 起 / {} {}",
                        label(k),
                        n.actions,
                        n.targets,
                        if k == TargetKind::Person {
                            "人"
                        } else {
                            "家"
                        }
                    )
                })
                .collect();
            line!(
                out,
                "  {}：{} 起，金额 {} 元{}",
                label(t),
                v.actions,
                v.amount,
                if kinds.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", kinds.join("，"))
                }
            );
        }
        let months: Vec<String> = f.by_month.iter().map(|(k, n)| format!("{k} {n}")).collect();
        line!(out, "按月执法行为：{}", months.join("，"));
    }
}

/// The figures of an enforcement report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnforcementFigures {
    /// `actions.total`: actions dated in the period.
    pub actions: Actions,
    /// Per action type; every type present.
    pub by_type: PerVariant<ActionType, ActionTypeFigures>,
    /// `targets.distinct`: distinct targets over every action type.
    pub targets: Targets,
    /// `amount.total`: the sum of every action's amount.
    pub amount: Amount,
    /// Actions per month of the period; every month present.
    pub by_month: ByMonth<u64>,
}

/// `actions.*`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Actions {
    /// Actions in the period.
    pub total: u64,
}

/// `by_type.<action_type>`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionTypeFigures {
    /// Actions of this type (起, 次, 家次).
    pub actions: u64,
    /// Their amounts summed, in yuan with two decimals.
    pub amount: Decimal2,
    /// By target kind; every kind present.
    pub by_kind: PerVariant<TargetKind, KindFigures>,
}

/// `by_type.<action_type>.by_kind.<target_kind>`
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindFigures {
    /// Actions against targets of this kind.
    pub actions: u64,
    /// Distinct targets among them (家, 人): by id, or by name when the id
    /// is empty.
    pub targets: u64,
}

/// `targets.*`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Targets {
    /// Distinct targets of every action in the period.
    pub distinct: u64,
}

/// `amount.*`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// Every amount summed, in yuan with two decimals.
    pub total: Decimal2,
}
