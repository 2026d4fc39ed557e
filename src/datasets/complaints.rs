//! `complaints` — 信访咨询件登记, one row per petition or consultation item
//! (spec 2.3), compared with the same dates one year earlier.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::text::{self, key_label, label, line, name, pct, word};
use super::{
    Cells, DatasetSpec, NOT_FILLED, PerVariant, Strings, Text, masked_groups, owned, vocab,
};
use crate::input::header::ColumnSpec;
use crate::options::{Period, Rounding};
use crate::state::kept;
use crate::stats::change::{Change, Decimal2};
use crate::stats::distinct::IdKey;
use crate::stats::groups::Groups;

vocab! {
    /// 件类型: petition or consultation; `unrecorded` when empty.
    ComplaintKind {
        /// 信访件
        Petition = "petition" ["信访件"],
        /// 咨询件
        Consultation = "consultation" ["咨询件"],
        /// empty cell
        Unrecorded = "unrecorded" [],
    }
}

/// The complaints dataset.
pub struct Complaints;

const COMPLAINT_ID: usize = 0;
const RECEIVED_AT: usize = 1;
const CHANNEL: usize = 2;
const CATEGORY: usize = 3;
const KIND: usize = 4;

/// A validated complaints row.
pub struct Row<'r> {
    date: NaiveDate,
    channel: Option<Text<'r>>,
    category: Option<Text<'r>>,
    kind: ComplaintKind,
}

/// A complaints row as a saved state keeps it.
#[derive(Serialize, Deserialize)]
pub struct Kept {
    date: i32,
    channel: u32,
    category: u32,
    kind: u8,
}

/// Counts for [current period, previous period].
type Pair = [u64; 2];

/// Complaints figures being accumulated.
pub struct Acc {
    period: Period,
    previous: Period,
    total: Pair,
    by_category: Groups<Pair>,
    by_channel: Groups<Pair>,
    by_kind: PerVariant<ComplaintKind, Pair>,
    /// Counts per calendar month from the previous period's first month to
    /// the current period's last, one slot per period.
    months: Vec<Pair>,
    first_month: i32,
}

impl Acc {
    /// Counts a row in the current (`slot` 0) or previous (1) period.
    #[inline]
    fn count(&mut self, row: &Row<'_>, slot: usize) {
        self.total[slot] += 1;
        self.by_category
            .entry(row.category.as_deref().unwrap_or(NOT_FILLED))[slot] += 1;
        self.by_channel
            .entry(row.channel.as_deref().unwrap_or(NOT_FILLED))[slot] += 1;
        self.by_kind.get_mut(row.kind)[slot] += 1;
        self.months[(month_index(row.date) - self.first_month) as usize][slot] += 1;
    }
}

/// Months since year 0: (year, month) as one number.
fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

impl DatasetSpec for Complaints {
    const NAME: &'static str = "complaints";
    const TITLE: &'static str = "信访咨询件登记";
    const ABOUT: &'static str = "信访咨询件登记: petitions and consultations, year on year.";
    const COLUMNS: &'static [ColumnSpec] = &[
        ColumnSpec {
            key: "complaint_id",
            aliases: &["编号", "件号", "信访编号", "登记编号"],
            required: true,
        },
        ColumnSpec {
            key: "received_at",
            aliases: &["登记日期", "登记时间", "来件日期", "受理日期", "收件日期"],
            required: true,
        },
        ColumnSpec {
            key: "channel",
            aliases: &["来源渠道", "渠道", "来源", "信访形式"],
            required: false,
        },
        ColumnSpec {
            key: "category",
            aliases: &["问题类别", "问题分类", "内容分类", "类别"],
            required: false,
        },
        ColumnSpec {
            key: "kind",
            aliases: &["件类型", "类型"],
            required: false,
        },
    ];
    const COMPARES_PREVIOUS: bool = true;
    type Row<'r> = Row<'r>;
    type Acc = Acc;
    type Figures = ComplaintFigures;

    fn parse<'r>(c: &mut Cells<'r, '_>) -> Option<(IdKey, Row<'r>)> {
        let id = c.required_text(COMPLAINT_ID);
        let date = c.date(RECEIVED_AT, true);
        let channel = c.text(CHANNEL);
        let category = c.text(CATEGORY);
        let kind = c.vocab(KIND, false).unwrap_or(ComplaintKind::Unrecorded);
        Some((
            IdKey::of(&id?),
            Row {
                date: date?.date,
                channel,
                category,
                kind,
            },
        ))
    }

    fn into_owned<'a, 'b>(row: Row<'a>) -> Row<'b> {
        Row {
            date: row.date,
            channel: row.channel.map(owned),
            category: row.category.map(owned),
            kind: row.kind,
        }
    }

    type Kept = Kept;

    fn keep(row: &Row<'_>, strings: &mut Strings) -> Kept {
        Kept {
            date: kept::day(row.date),
            channel: strings.put(row.channel.as_deref()),
            category: strings.put(row.category.as_deref()),
            kind: kept::index(row.kind),
        }
    }

    fn restore<'s>(k: &Kept, strings: &'s [String]) -> Option<Row<'s>> {
        Some(Row {
            date: kept::date(k.date)?,
            channel: kept::text(strings, k.channel)?,
            category: kept::text(strings, k.category)?,
            kind: kept::vocab(k.kind)?,
        })
    }

    fn date(row: &Row<'_>) -> NaiveDate {
        row.date
    }

    fn new_acc(period: Period) -> Acc {
        Acc {
            period,
            previous: period.previous(),
            total: [0; 2],
            by_category: Groups::default(),
            by_channel: Groups::default(),
            by_kind: PerVariant::default(),
            months: vec![
                [0; 2];
                (month_index(period.end) - month_index(period.previous().start) + 1)
                    as usize
            ],
            first_month: month_index(period.previous().start),
        }
    }

    fn add(acc: &mut Acc, row: &Row<'_>, _ordinal: u64) -> bool {
        let current = acc.period.contains(row.date);
        let previous = acc.previous.contains(row.date);
        // Rows of either period alike take one path (which period is a
        // number, not a branch); a period longer than a year overlaps its
        // previous period, and a row in the overlap belongs to both.
        if current != previous {
            acc.count(row, usize::from(previous));
        } else if current {
            acc.count(row, 0);
            acc.count(row, 1);
        }
        current | previous
    }

    fn touch(acc: &Acc, row: &Row<'_>) -> u64 {
        // Categories typed by hand can number hundreds of thousands;
        // channels stay few.
        acc.by_category
            .touch(row.category.as_deref().unwrap_or(NOT_FILLED))
    }

    fn merge(acc: &mut Acc, other: Acc) {
        let add = |a: &mut Pair, b: Pair| {
            a[0] += b[0];
            a[1] += b[1];
        };
        add(&mut acc.total, other.total);
        acc.by_category.merge(other.by_category, add);
        acc.by_channel.merge(other.by_channel, add);
        acc.by_kind.merge(other.by_kind, add);
        for (a, b) in acc.months.iter_mut().zip(other.months) {
            add(a, b);
        }
    }

    fn figures(acc: Acc, rounding: Rounding) -> ComplaintFigures {
        let change = |p: &Pair| Change::new(p[0], p[1], rounding);
        let grouped = |g: Groups<Pair>| {
            let pairs = masked_groups(g.into_sorted(|p| p), |a: &mut Pair, b: Pair| {
                a[0] += b[0];
                a[1] += b[1];
            });
            pairs.into_iter().map(|(k, p)| (k, change(&p))).collect()
        };
        let months_of = |p: Period| -> Vec<(i32, u32)> {
            let mut v = Vec::new();
            let (mut y, mut m) = (p.start.year(), p.start.month());
            while (y, m) <= (p.end.year(), p.end.month()) {
                v.push((y, m));
                (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            }
            v
        };
        let current_months = months_of(acc.period);
        let previous_months = months_of(acc.previous);
        let count = |slot: usize, (y, m): (i32, u32)| {
            let i = y * 12 + m as i32 - 1 - acc.first_month;
            usize::try_from(i)
                .ok()
                .and_then(|i| acc.months.get(i))
                .map_or(0, |p| p[slot])
        };
        let mut by_month = BTreeMap::new();
        for &(y, m) in &current_months {
            let current = count(0, (y, m));
            let previous = count(1, (y - 1, m));
            let before = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
            let previous_month = if current_months.contains(&before) {
                Some(count(0, before))
            } else if previous_months.contains(&before) {
                Some(count(1, before))
            } else {
                None
            };
            let c = Change::new(current, previous, rounding);
            by_month.insert(
                format!("{y:04}-{m:02}"),
                Month {
                    current,
                    previous,
                    change: c.change,
                    change_pct: c.change_pct,
                    previous_month,
                    mom_pct: previous_month.and_then(|pm| {
                        Decimal2::percent(current as i128 - pm as i128, pm as i128, rounding)
                    }),
                },
            );
        }
        ComplaintFigures {
            previous_period: acc.previous,
            total: change(&acc.total),
            by_category: grouped(acc.by_category),
            by_channel: grouped(acc.by_channel),
            by_kind: acc.by_kind.map(change),
            by_month,
        }
    }

    const HEADLINES: &'static [&'static str] =
        &["total.current", "total.previous", "total.change_pct"];
    const GROUPINGS: &'static [&'static str] =
        &["by_kind", "by_category", "by_channel", "by_month"];

    fn label(path: &[&str]) -> Option<Cow<'static, str>> {
        match path {
            ["previous_period"] => word("上年同期"),
            ["previous_period", "start"] => word("起"),
            ["previous_period", "end"] => word("止"),
            ["total"] => word("信访咨询件总量"),
            ["by_kind"] => word("按件类型"),
            ["by_kind", k] => key_label::<ComplaintKind>(k),
            ["by_category"] => word("按问题类别"),
            ["by_channel"] => word("按来源渠道"),
            ["by_month"] => word("按月"),
            ["by_category" | "by_channel" | "by_month", n] => name(n),
            [_, "current"] | [_, _, "current"] => word("本期"),
            [_, "previous"] | [_, _, "previous"] => word("上年同期"),
            [_, "change"] | [_, _, "change"] => word("增减"),
            [_, "change_pct"] | [_, _, "change_pct"] => word("同比（%）"),
            ["by_month", _, "previous_month"] => word("上月"),
            ["by_month", _, "mom_pct"] => word("环比（%）"),
            _ => None,
        }
    }

    fn write_text(f: &ComplaintFigures, out: &mut String) {
        line!(
            out,
            "上年同期：{} 至 {}",
            f.previous_period.start,
            f.previous_period.end
        );
        line!(out, "信访咨询件总量：{}", text::change(&f.total));
        line!(out, "按件类型：");
        for (k, c) in f.by_kind.iter() {
            line!(out, "  {}：{}", label(k), text::change(c));
        }
        line!(out, "按问题类别：");
        for (k, c) in &f.by_category {
            line!(out, "  {k}：{}", text::change(c));
        }
        line!(out, "按来源渠道：");
        for (k, c) in &f.by_channel {
            line!(out, "  {k}：{}", text::change(c));
        }
        line!(out, "按月（同比 / 环比）：");
        for (k, m) in &f.by_month {
            line!(
                out,
                "  {k}：{}，同比 {}，环比 {}",
                m.current,
                pct(m.change_pct),
                pct(m.mom_pct)
            );
        }
    }
}

/// The figures of a complaints report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplaintFigures {
    /// The same dates one year earlier (29 February → 28 February).
    pub previous_period: Period,
    /// All items.
    pub total: Change,
    /// By problem category (empty → 未填写).
    pub by_category: BTreeMap<String, Change>,
    /// By channel (empty → 未填写).
    pub by_channel: BTreeMap<String, Change>,
    /// By kind; every kind present.
    pub by_kind: PerVariant<ComplaintKind, Change>,
    /// By calendar month of the current period (`YYYY-MM`): 同比 against
    /// the same month a year earlier, 环比 against the preceding month.
    pub by_month: BTreeMap<String, Month>,
}

/// `by_month.<YYYY-MM>`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Month {
    /// Items in the month.
    pub current: u64,
    /// Items in the same month a year earlier (within the previous period).
    pub previous: u64,
    /// current − previous.
    pub change: i64,
    /// 同比, two decimals; null when previous is 0.
    pub change_pct: Option<Decimal2>,
    /// Items in the preceding month, when that month lies in the current or
    /// the previous period; else null.
    pub previous_month: Option<u64>,
    /// 环比 against the preceding month, two decimals; null when that month
    /// is unknown or had no items.
    pub mom_pct: Option<Decimal2>,
}
