//! De-duplication and period routing for the rows whose ids fall in one
//! shard of the key space.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::datasets::DatasetSpec;
use crate::error::Error;
use crate::options::{Period, Rounding};
use crate::stats::distinct::{IdKey, PartitionedKeySet};

/// The finished result of the shards.
pub(crate) struct Finished<F> {
    pub period: Period,
    pub inferred: bool,
    pub counted: u64,
    pub out_of_period: u64,
    pub duplicates: u64,
    pub figures: F,
}

/// Every occurrence of an id meets the same shard, in file order, so "the
/// first occurrence counts" holds whatever the number of shards; shards
/// merge at the end.
///
/// With no period given, the period is the calendar year of the latest
/// date, which is known only at the end: each row then feeds one
/// accumulator per calendar year it has a date in (and the next year too
/// when the ledger compares with the previous period), and the latest
/// year's is kept.
pub(crate) struct Shard<D: DatasetSpec> {
    period: Option<Period>,
    fixed: Option<D::Acc>,
    /// No period given: per calendar year, its accumulator and the rows
    /// it counted.
    years: BTreeMap<i32, (D::Acc, u64)>,
    /// No period given: rows that feed a to-date figure
    /// ([`DatasetSpec::feeds_to_date`]), by the year of their latest date.
    /// The latest year's accumulator never saw those of earlier years.
    to_date: BTreeMap<i32, u64>,
    seen: PartitionedKeySet,
    latest: Option<NaiveDate>,
    unique: u64,
    counted: u64,
    duplicates: u64,
}

impl<D: DatasetSpec> Shard<D> {
    pub(crate) fn new(period: Option<Period>) -> Self {
        Shard {
            period,
            fixed: period.map(D::new_acc),
            years: BTreeMap::new(),
            to_date: BTreeMap::new(),
            seen: PartitionedKeySet::default(),
            latest: None,
            unique: 0,
            counted: 0,
            duplicates: 0,
        }
    }

    /// Takes a valid row whose key belongs to this shard.
    #[inline]
    pub(crate) fn accept(&mut self, key: IdKey, row: &D::Row<'_>, ordinal: u64) {
        if !self.seen.insert(key) {
            self.duplicates += 1;
            return;
        }
        self.unique += 1;
        if let Some(acc) = self.fixed.as_mut() {
            if D::add(acc, row, ordinal) {
                self.counted += 1;
            }
            return;
        }
        self.accept_unperiodised(row, ordinal);
    }

    #[cold]
    fn accept_unperiodised(&mut self, row: &D::Row<'_>, ordinal: u64) {
        let first = D::date(row);
        let more = D::more_dates(row);
        let latest = more.iter().flatten().copied().fold(first, NaiveDate::max);
        self.latest = self.latest.max(Some(latest));
        let mut years: Vec<i32> = std::iter::once(first)
            .chain(more.iter().flatten().copied())
            .map(|d| d.year())
            .collect();
        if D::COMPARES_PREVIOUS {
            years.push(first.year() + 1);
        }
        years.sort_unstable();
        years.dedup();
        for y in years {
            if let Ok(p) = Period::year(y) {
                let (acc, counted) = self.years.entry(y).or_insert_with(|| (D::new_acc(p), 0));
                if D::add(acc, row, ordinal) {
                    *counted += 1;
                }
            }
        }
        if D::feeds_to_date(row) {
            *self.to_date.entry(latest.year()).or_insert(0) += 1;
        }
    }

    /// Adds the rows of another shard (disjoint ids).
    pub(crate) fn merge(&mut self, other: Shard<D>) {
        if let (Some(a), Some(b)) = (self.fixed.as_mut(), other.fixed) {
            D::merge(a, b);
        }
        for (y, (acc, counted)) in other.years {
            match self.years.get_mut(&y) {
                Some((a, c)) => {
                    D::merge(a, acc);
                    *c += counted;
                }
                None => {
                    self.years.insert(y, (acc, counted));
                }
            }
        }
        for (y, n) in other.to_date {
            *self.to_date.entry(y).or_insert(0) += n;
        }
        self.latest = self.latest.max(other.latest);
        self.unique += other.unique;
        self.counted += other.counted;
        self.duplicates += other.duplicates;
    }

    pub(crate) fn finish(self, rounding: Rounding) -> Result<Finished<D::Figures>, Error> {
        if let (Some(period), Some(acc)) = (self.period, self.fixed) {
            return Ok(Finished {
                period,
                inferred: false,
                counted: self.counted,
                out_of_period: self.unique - self.counted,
                duplicates: self.duplicates,
                figures: D::figures(acc, rounding),
            });
        }
        let latest = self.latest.ok_or(Error::NoPeriod)?.year();
        let mut years = self.years;
        let (mut acc, mut counted) = years.remove(&latest).ok_or(Error::NoPeriod)?;
        // Rows whose every date is before the latest year never reached its
        // accumulator, yet a to-date figure counts them (every date in the
        // data is on or before the inferred period's end).
        let earlier: u64 = self.to_date.range(..latest).map(|(_, n)| n).sum();
        if earlier > 0 {
            D::add_to_date(&mut acc, earlier);
            counted += earlier;
        }
        Ok(Finished {
            period: Period::year(latest)?,
            inferred: true,
            counted,
            out_of_period: self.unique - counted,
            duplicates: self.duplicates,
            figures: D::figures(acc, rounding),
        })
    }
}
