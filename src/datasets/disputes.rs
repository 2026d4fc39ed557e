//! `disputes` — 劳动人事争议案件台账, one row per labour or personnel
//! dispute case (spec 2.7). Its figures take three dates: registered,
//! closed and heard (spec 2.4); digital hearings are also counted to date.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use super::text::{key_label, label, line, name, pairs, pct, word};
use super::{ByMonth, Cells, DatasetSpec, PerVariant, Strings, Vocab, vocab};
use crate::input::fields::DateTime;
use crate::input::header::ColumnSpec;
use crate::options::{Period, Rounding};
use crate::state::kept;
use crate::stats::change::Decimal2;
use crate::stats::days::Days;
use crate::stats::distinct::IdKey;

vocab! {
    /// The kind of body that took the case (机构类型); `unrecorded` when
    /// empty.
    VenueType {
        /// 劳动保障驿站
        Station = "station" ["劳动保障驿站", "驿站"],
        /// 调解中心
        MediationCenter = "mediation_center" ["调解中心", "调解委员会", "调解组织"],
        /// 仲裁院
        Arbitration = "arbitration" ["仲裁院", "仲裁委", "劳动人事争议仲裁院"],
        /// empty cell
        Unrecorded = "unrecorded" [],
    }
}

vocab! {
    /// How the case is handled (处理方式).
    Process {
        /// 调解
        Mediation = "mediation" ["调解"],
        /// 仲裁
        Arbitration = "arbitration" ["仲裁"],
    }
}

vocab! {
    /// How the case ended (处理结果); `pending` while it is open,
    /// `unrecorded` when closed without a result written.
    Outcome {
        /// 调解成功
        Mediated = "mediated" ["调解成功", "达成调解"],
        /// 调解不成
        MediationFailed = "mediation_failed" ["调解不成", "调解失败"],
        /// 裁决
        Award = "award" ["裁决", "仲裁裁决"],
        /// 撤回
        Withdrawn = "withdrawn" ["撤回", "撤诉"],
        /// 不予受理
        NotAccepted = "not_accepted" ["不予受理"],
        /// 审理中
        Pending = "pending" ["审理中", "处理中"],
        /// closed, result empty
        Unrecorded = "unrecorded" [],
    }
}

vocab! {
    /// How a hearing was held (庭审方式); `unrecorded` when empty.
    HearingMode {
        /// 数字庭
        Digital = "digital" ["数字庭", "数字庭审", "数字化庭审", "数字仲裁庭"],
        /// 线上
        Online = "online" ["线上", "线上庭审", "网上庭审", "在线庭审"],
        /// 现场
        InPerson = "in_person" ["现场", "现场庭审", "线下庭审"],
        /// empty cell
        Unrecorded = "unrecorded" [],
    }
}

/// The disputes dataset.
pub struct Disputes;

const CASE_ID: usize = 0;
const REGISTERED: usize = 1;
const VENUE_TYPE: usize = 3;
const PROCESS: usize = 4;
const OUTCOME: usize = 5;
const CLOSED: usize = 6;
const HEARING_AT: usize = 7;
const HEARING_MODE: usize = 8;

/// A validated dispute row.
pub struct Row {
    registered: NaiveDate,
    venue_type: VenueType,
    process: Process,
    outcome: Outcome,
    closed: Option<NaiveDate>,
    hearing: Option<DateTime>,
    mode: HearingMode,
}

/// A disputes row as a saved state keeps it.
#[derive(Serialize, Deserialize)]
pub struct Kept {
    registered: i32,
    venue_type: u8,
    process: u8,
    outcome: u8,
    closed: Option<i32>,
    hearing: Option<kept::KeptDateTime>,
    mode: u8,
}

/// `hearings.by_month.<YYYY-MM>` and the period's totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HearingCounts {
    /// Hearings.
    pub total: u64,
    /// Of them on a Saturday or a Sunday.
    pub weekend: u64,
    /// Of them starting at 18:00 or later (a hearing without a time is
    /// never counted here).
    pub evening: u64,
}

impl HearingCounts {
    fn add(&mut self, o: HearingCounts) {
        self.total += o.total;
        self.weekend += o.weekend;
        self.evening += o.evening;
    }
}

/// Dispute figures being accumulated.
pub struct Acc {
    period: Period,
    registered: PerVariant<VenueType, u64>,
    closed_by_venue: PerVariant<VenueType, u64>,
    closed_by_outcome: PerVariant<Outcome, u64>,
    mediated: u64,
    failed: u64,
    arbitration_concluded: u64,
    cycle_days: BTreeMap<i64, u64>,
    hearings: ByMonth<HearingCounts>,
    by_mode: PerVariant<HearingMode, u64>,
    digital_to_date: u64,
}

const EVENING: NaiveTime = match NaiveTime::from_hms_opt(18, 0, 0) {
    Some(t) => t,
    None => panic!("18:00 is a time"),
};

impl DatasetSpec for Disputes {
    const NAME: &'static str = "disputes";
    const TITLE: &'static str = "劳动人事争议案件台账";
    const ABOUT: &'static str =
        "劳动人事争议案件台账: labour and personnel disputes, mediation and arbitration.";
    const COLUMNS: &'static [ColumnSpec] = &[
        ColumnSpec {
            key: "case_id",
            aliases: &["案件编号", "案号", "登记编号", "编号"],
            required: true,
        },
        ColumnSpec {
            key: "registered_date",
            aliases: &["登记日期", "立案日期", "收案日期", "受理日期"],
            required: true,
        },
        ColumnSpec {
            key: "venue",
            aliases: &["受理机构", "办理机构", "受理单位"],
            required: false,
        },
        ColumnSpec {
            key: "venue_type",
            aliases: &["机构类型", "受理机构类型"],
            required: false,
        },
        ColumnSpec {
            key: "process",
            aliases: &["处理方式", "办理程序", "程序"],
            required: true,
        },
        ColumnSpec {
            key: "outcome",
            aliases: &["处理结果", "结案方式", "结果"],
            required: false,
        },
        ColumnSpec {
            key: "closed_date",
            aliases: &["结案日期", "审结日期", "办结日期"],
            required: false,
        },
        ColumnSpec {
            key: "hearing_at",
            aliases: &["开庭时间", "庭审时间"],
            required: false,
        },
        ColumnSpec {
            key: "hearing_mode",
            aliases: &["庭审方式", "开庭方式"],
            required: false,
        },
    ];
    type Row<'r> = Row;
    type Acc = Acc;
    type Figures = DisputeFigures;

    fn parse<'r>(c: &mut Cells<'r, '_>) -> Option<(IdKey, Row)> {
        let id = c.required_text(CASE_ID);
        let registered = c.date(REGISTERED, true);
        let venue_type = c.vocab(VENUE_TYPE, false).unwrap_or(VenueType::Unrecorded);
        let process = c.vocab(PROCESS, true);
        let outcome = c.vocab::<Outcome>(OUTCOME, false);
        let before = c.problems.len();
        let closed = c.date(CLOSED, false).map(|d| d.date);
        let closed_unreadable = c.problems.len() > before;
        let hearing = c.date(HEARING_AT, false);
        let mode = c
            .vocab(HEARING_MODE, false)
            .unwrap_or(HearingMode::Unrecorded);
        if let (Some(r), Some(d)) = (registered, closed)
            && d < r.date
        {
            let shown = c.text(CLOSED).unwrap_or_default().into_owned();
            c.reject(
                CLOSED,
                &shown,
                format!("closed date {d} is before the registered date {}", r.date),
            );
        }
        match (outcome, closed) {
            (Some(Outcome::Pending), Some(d)) => {
                let shown = c.text(OUTCOME).unwrap_or_default().into_owned();
                c.reject(
                    OUTCOME,
                    &shown,
                    format!(
                        "the case is closed on {d} (结案日期) but its outcome says it is still \
                         pending: give the outcome, or empty the closed date"
                    ),
                );
            }
            (Some(o), None) if o != Outcome::Pending && !closed_unreadable => {
                let shown = c.text(OUTCOME).unwrap_or_default().into_owned();
                c.reject(
                    OUTCOME,
                    &shown,
                    format!(
                        "outcome {} needs a closed date (结案日期)",
                        o.words().first().copied().unwrap_or(o.key())
                    ),
                );
            }
            _ => {}
        }
        let outcome = match (outcome, closed) {
            (Some(o), _) => o,
            (None, Some(_)) => Outcome::Unrecorded,
            (None, None) => Outcome::Pending,
        };
        Some((
            IdKey::of(&id?),
            Row {
                registered: registered?.date,
                venue_type,
                process: process?,
                outcome,
                closed,
                hearing,
                mode,
            },
        ))
    }

    fn into_owned<'a, 'b>(row: Self::Row<'a>) -> Self::Row<'b> {
        row
    }

    type Kept = Kept;

    fn keep(row: &Row, _strings: &mut Strings) -> Kept {
        Kept {
            registered: kept::day(row.registered),
            venue_type: kept::index(row.venue_type),
            process: kept::index(row.process),
            outcome: kept::index(row.outcome),
            closed: kept::opt_day(row.closed),
            hearing: row.hearing.map(kept::keep_date_time),
            mode: kept::index(row.mode),
        }
    }

    fn restore(k: &Kept, _strings: &[String]) -> Option<Row> {
        Some(Row {
            registered: kept::date(k.registered)?,
            venue_type: kept::vocab(k.venue_type)?,
            process: kept::vocab(k.process)?,
            outcome: kept::vocab(k.outcome)?,
            closed: kept::opt_date(k.closed)?,
            hearing: match k.hearing {
                None => None,
                Some(h) => Some(kept::date_time(h)?),
            },
            mode: kept::vocab(k.mode)?,
        })
    }

    fn date(row: &Row) -> NaiveDate {
        row.registered
    }

    fn more_dates(row: &Row) -> [Option<NaiveDate>; 2] {
        [row.closed, row.hearing.map(|h| h.date)]
    }

    fn feeds_to_date(row: &Row) -> bool {
        row.mode == HearingMode::Digital && row.hearing.is_some()
    }

    fn add_to_date(acc: &mut Acc, rows: u64) {
        acc.digital_to_date += rows;
    }

    fn new_acc(period: Period) -> Acc {
        Acc {
            period,
            registered: PerVariant::default(),
            closed_by_venue: PerVariant::default(),
            closed_by_outcome: PerVariant::default(),
            mediated: 0,
            failed: 0,
            arbitration_concluded: 0,
            cycle_days: BTreeMap::new(),
            hearings: ByMonth::new(period),
            by_mode: PerVariant::default(),
            digital_to_date: 0,
        }
    }

    fn add(acc: &mut Acc, row: &Row, _ordinal: u64) -> bool {
        let p = acc.period;
        let registered = p.contains(row.registered);
        if registered {
            *acc.registered.get_mut(row.venue_type) += 1;
        }
        let closed = row.closed.filter(|d| p.contains(*d));
        if let Some(d) = closed {
            *acc.closed_by_venue.get_mut(row.venue_type) += 1;
            *acc.closed_by_outcome.get_mut(row.outcome) += 1;
            match row.process {
                Process::Mediation => match row.outcome {
                    Outcome::Mediated => acc.mediated += 1,
                    Outcome::MediationFailed => acc.failed += 1,
                    _ => {}
                },
                Process::Arbitration => acc.arbitration_concluded += 1,
            }
            *acc.cycle_days
                .entry((d - row.registered).num_days())
                .or_insert(0) += 1;
        }
        let heard = row.hearing.filter(|h| p.contains(h.date));
        if let Some(h) = heard {
            let weekend = matches!(h.date.weekday(), Weekday::Sat | Weekday::Sun);
            let evening = h.time.is_some_and(|t| t >= EVENING);
            if let Some(m) = acc.hearings.get_mut(h.date) {
                m.add(HearingCounts {
                    total: 1,
                    weekend: u64::from(weekend),
                    evening: u64::from(evening),
                });
            }
            *acc.by_mode.get_mut(row.mode) += 1;
        }
        let to_date = Self::feeds_to_date(row) && row.hearing.is_some_and(|h| h.date <= p.end);
        if to_date {
            acc.digital_to_date += 1;
        }
        registered || closed.is_some() || heard.is_some() || to_date
    }

    fn merge(acc: &mut Acc, other: Acc) {
        let add = |a: &mut u64, b: u64| *a += b;
        acc.registered.merge(other.registered, add);
        acc.closed_by_venue.merge(other.closed_by_venue, add);
        acc.closed_by_outcome.merge(other.closed_by_outcome, add);
        acc.mediated += other.mediated;
        acc.failed += other.failed;
        acc.arbitration_concluded += other.arbitration_concluded;
        for (d, n) in other.cycle_days {
            *acc.cycle_days.entry(d).or_insert(0) += n;
        }
        acc.hearings.merge(other.hearings, |a, b| a.add(b));
        acc.by_mode.merge(other.by_mode, add);
        acc.digital_to_date += other.digital_to_date;
    }

    fn figures(acc: Acc, rounding: Rounding) -> DisputeFigures {
        let sum = |v: &PerVariant<_, u64>| v.iter().map(|(_, n)| *n).sum::<u64>();
        let mut hearings = HearingCounts::default();
        for (_, m) in acc.hearings.iter() {
            hearings.add(*m);
        }
        DisputeFigures {
            registered: Registered {
                total: sum(&acc.registered),
                by_venue_type: acc.registered.clone(),
            },
            closed: Closed {
                total: sum(&acc.closed_by_venue),
                by_venue_type: acc.closed_by_venue.clone(),
                by_outcome: acc.closed_by_outcome.clone(),
            },
            mediation: Mediation {
                mediated: acc.mediated,
                failed: acc.failed,
                success_rate_pct: Decimal2::percent(
                    acc.mediated as i128,
                    (acc.mediated + acc.failed) as i128,
                    rounding,
                ),
            },
            arbitration: Arbitration {
                concluded: acc.arbitration_concluded,
            },
            cycle_days: Days::from_histogram(&acc.cycle_days, rounding),
            hearings: Hearings {
                total: hearings.total,
                weekend: hearings.weekend,
                evening: hearings.evening,
                by_month: acc.hearings,
                by_mode: acc.by_mode,
                digital_to_date: acc.digital_to_date,
            },
        }
    }

    /// `{last_month}` is the period's last month (`YYYY-MM`): the seed's
    /// "28 weekend hearings in December".
    const HEADLINES: &'static [&'static str] = &[
        "registered.by_venue_type.station",
        "closed.by_venue_type.station",
        "arbitration.concluded",
        "hearings.by_month.{last_month}.weekend",
        "mediation.success_rate_pct",
        "hearings.digital_to_date",
    ];
    const GROUPINGS: &'static [&'static str] = &["hearings.by_month"];

    fn label(path: &[&str]) -> Option<Cow<'static, str>> {
        match path {
            ["registered"] => word("登记争议案件"),
            ["closed"] => word("结案"),
            ["registered" | "closed", "total"] => word("合计（件）"),
            ["registered" | "closed", "by_venue_type"] => word("按受理机构类型（件）"),
            ["registered" | "closed", "by_venue_type", v] => key_label::<VenueType>(v),
            ["closed", "by_outcome"] => word("按结案方式（件）"),
            ["closed", "by_outcome", o] => key_label::<Outcome>(o),
            ["mediation"] => word("调解案件"),
            ["mediation", "mediated"] => word("调解成功（件）"),
            ["mediation", "failed"] => word("调解不成（件）"),
            ["mediation", "success_rate_pct"] => word("调解成功率（%）"),
            ["arbitration"] => word("仲裁案件"),
            ["arbitration", "concluded"] => word("审结（件）"),
            ["cycle_days"] => word("办案周期（天）"),
            ["cycle_days", "count"] => word("结案件数"),
            ["cycle_days", "mean"] => word("平均"),
            ["cycle_days", "median"] => word("中位数"),
            ["cycle_days", "max"] => word("最长"),
            ["hearings"] => word("庭审"),
            ["hearings", "total"] => word("合计（次）"),
            ["hearings", "by_month"] => word("按月"),
            ["hearings", "by_month", m] => name(m),
            ["hearings", "by_month", _, "total"] => word("庭审（次）"),
            ["hearings", "weekend"] | ["hearings", "by_month", _, "weekend"] => {
                word("周末庭审（次）")
            }
            ["hearings", "evening"] | ["hearings", "by_month", _, "evening"] => {
                word("夜间庭审（次）")
            }
            ["hearings", "by_mode"] => word("按庭审方式（次）"),
            ["hearings", "by_mode", m] => key_label::<HearingMode>(m),
            ["hearings", "digital_to_date"] => word("累计数字化庭审（件）"),
            _ => None,
        }
    }

    fn write_text(f: &DisputeFigures, out: &mut String) {
        let venues = |v: &PerVariant<VenueType, u64>| pairs(v.iter().map(|(k, n)| (label(k), n)));
        line!(
            out,
            "登记争议案件：{} 件（{}）",
            f.registered.total,
            venues(&f.registered.by_venue_type)
        );
        line!(
            out,
            "结案：{} 件（{}）",
            f.closed.total,
            venues(&f.closed.by_venue_type)
        );
        let outcomes = f.closed.by_outcome.iter().map(|(k, n)| (label(k), n));
        line!(out, "结案方式：{}", pairs(outcomes));
        line!(
            out,
            "调解：成功 {} 件，不成 {} 件，调解成功率 {}",
            f.mediation.mediated,
            f.mediation.failed,
            pct(f.mediation.success_rate_pct)
        );
        line!(out, "仲裁审结：{} 件", f.arbitration.concluded);
        let d = &f.cycle_days;
        line!(
            out,
            "办案周期（天）：{} 件，平均 {}，中位数 {}，最长 {}",
            d.count,
            super::text::opt(d.mean),
            super::text::opt(d.median),
            super::text::opt(d.max)
        );
        let h = &f.hearings;
        line!(
            out,
            "庭审：{} 次，其中周末 {} 次，夜间 {} 次；累计数字化庭审 {} 件",
            h.total,
            h.weekend,
            h.evening,
            h.digital_to_date
        );
        let modes = h.by_mode.iter().map(|(k, n)| (label(k), n));
        line!(out, "庭审方式：{}", pairs(modes));
        line!(out, "按月庭审（总数 / 周末 / 夜间）：");
        for (k, m) in h.by_month.iter() {
            line!(out, "  {k}：{} / {} / {}", m.total, m.weekend, m.evening);
        }
    }
}

/// The figures of a disputes report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisputeFigures {
    /// Cases registered in the period.
    pub registered: Registered,
    /// Cases closed in the period.
    pub closed: Closed,
    /// Mediation cases closed in the period.
    pub mediation: Mediation,
    /// Arbitration cases closed in the period.
    pub arbitration: Arbitration,
    /// Calendar days from registered to closed, over cases closed in the
    /// period.
    pub cycle_days: Days,
    /// Hearings.
    pub hearings: Hearings,
}

/// `registered.*`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registered {
    /// Cases whose registered date is in the period.
    pub total: u64,
    /// By venue type; every type present.
    pub by_venue_type: PerVariant<VenueType, u64>,
}

/// `closed.*`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closed {
    /// Cases whose closed date is in the period.
    pub total: u64,
    /// By venue type; every type present.
    pub by_venue_type: PerVariant<VenueType, u64>,
    /// By outcome; every outcome present.
    pub by_outcome: PerVariant<Outcome, u64>,
}

/// `mediation.*`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Mediation {
    /// Mediation cases closed in the period as mediated.
    pub mediated: u64,
    /// Mediation cases closed in the period as failed.
    pub failed: u64,
    /// mediated / (mediated + failed) × 100; null when both are 0.
    pub success_rate_pct: Option<Decimal2>,
}

/// `arbitration.*`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Arbitration {
    /// Arbitration cases closed in the period.
    pub concluded: u64,
}

/// `hearings.*`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hearings {
    /// Hearings in the period.
    pub total: u64,
    /// Of them on a Saturday or a Sunday.
    pub weekend: u64,
    /// Of them starting at 18:00 or later.
    pub evening: u64,
    /// Per month of the period; every month present.
    pub by_month: ByMonth<HearingCounts>,
    /// By mode; every mode present.
    pub by_mode: PerVariant<HearingMode, u64>,
    /// Digital hearings on or before the period's end, since the earliest
    /// row (the report's 累计).
    pub digital_to_date: u64,
}
