//! De-duplication and period routing for the rows whose ids fall in one
//! shard of the key space.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::datasets::DatasetSpec;
use crate::error::Error;
use crate::options::{Period, Rounding};
use crate::state::kept::{KeptRow, Strings};
use crate::stats::distinct::{IdKey, PartitionedKeySet};

/// What became of one file's valid rows in one shard (or in all of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FileCounts {
    /// First occurrences of their ids.
    pub unique: u64,
    /// Of them, rows that fed a figure of the period.
    pub counted: u64,
    /// Rows whose id an earlier valid row had.
    pub duplicates: u64,
}

impl FileCounts {
    fn add(&mut self, o: FileCounts) {
        self.unique += o.unique;
        self.counted += o.counted;
        self.duplicates += o.duplicates;
    }
}

/// The finished result of the shards.
pub(crate) struct Finished<F> {
    pub period: Period,
    pub inferred: bool,
    /// Per file, in the order the files were begun.
    pub files: Vec<FileCounts>,
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
    /// it counted, per file.
    years: BTreeMap<i32, (D::Acc, Vec<u64>)>,
    /// No period given: rows that feed a to-date figure
    /// ([`DatasetSpec::feeds_to_date`]), by the year of their latest date,
    /// per file. The latest year's accumulator never saw those of earlier
    /// years.
    to_date: BTreeMap<i32, Vec<u64>>,
    seen: PartitionedKeySet,
    latest: Option<NaiveDate>,
    /// The file whose rows come now, and its counts so far; the counts of
    /// the files before it are in `files`.
    file: usize,
    current: FileCounts,
    files: Vec<FileCounts>,
    /// First occurrences kept for a saved state (`Options::keep_state`).
    kept: Option<Kept<D>>,
}

/// Rows whose places in the id set are touched together (see
/// [`Shard::take`]): enough misses in flight to cover a miss's latency,
/// few enough for the core's miss buffers.
const TOUCH_AHEAD: usize = 8;

/// A shard's first occurrences, in the order it took them (file order).
pub(crate) struct Kept<D: DatasetSpec> {
    pub rows: Vec<KeptRow<D::Kept>>,
    pub strings: Strings,
}

fn bump(v: &mut Vec<u64>, i: usize, n: u64) {
    if v.len() <= i {
        v.resize(i + 1, 0);
    }
    v[i] += n;
}

impl<D: DatasetSpec> Shard<D> {
    pub(crate) fn new(period: Option<Period>, keep: bool) -> Self {
        Shard {
            period,
            fixed: period.map(D::new_acc),
            years: BTreeMap::new(),
            to_date: BTreeMap::new(),
            seen: PartitionedKeySet::default(),
            latest: None,
            file: 0,
            current: FileCounts::default(),
            files: Vec::new(),
            kept: keep.then(|| Kept {
                rows: Vec::new(),
                strings: Strings::default(),
            }),
        }
    }

    /// Rows of file `file` (numbered from 0 in the order files begin) come
    /// next.
    pub(crate) fn set_file(&mut self, file: usize) {
        if file == self.file {
            return;
        }
        self.flush();
        self.file = file;
    }

    fn flush(&mut self) {
        let c = std::mem::take(&mut self.current);
        if self.files.len() <= self.file {
            self.files.resize(self.file + 1, FileCounts::default());
        }
        self.files[self.file].add(c);
    }

    /// Takes a valid row whose key belongs to this shard.
    #[inline]
    /// Takes a block's rows, in order, numbered on from `base`, and
    /// empties the list.
    ///
    /// Rows come [`TOUCH_AHEAD`] at a time: their ids' places in the set
    /// (and their groups', [`DatasetSpec::touch`]) are touched first, so
    /// that the cache misses of random ids (hashes, UUIDs) and of many
    /// groups overlap; the rows are then taken one by one as before.
    pub(crate) fn take(&mut self, rows: &mut Vec<(IdKey, u32, D::Row<'_>)>, base: u64) {
        for chunk in rows.chunks(TOUCH_AHEAD) {
            let mut touched = 0u64;
            for (key, _, row) in chunk {
                touched ^= self.seen.touch(*key);
                if let Some(acc) = &self.fixed {
                    touched ^= D::touch(acc, row);
                }
            }
            std::hint::black_box(touched);
            for (key, ord, row) in chunk {
                self.accept(*key, row, base + u64::from(*ord));
            }
        }
        rows.clear();
    }

    pub(crate) fn accept(&mut self, key: IdKey, row: &D::Row<'_>, ordinal: u64) {
        if !self.seen.insert(key) {
            self.current.duplicates += 1;
            return;
        }
        self.current.unique += 1;
        if let Some(kept) = self.kept.as_mut() {
            kept.rows.push(KeptRow {
                key: key.0.to_le_bytes(),
                ordinal,
                file: self.file as u32,
                row: D::keep(row, &mut kept.strings),
            });
        }
        if let Some(acc) = self.fixed.as_mut() {
            if D::add(acc, row, ordinal) {
                self.current.counted += 1;
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
                let (acc, counted) = self
                    .years
                    .entry(y)
                    .or_insert_with(|| (D::new_acc(p), Vec::new()));
                if D::add(acc, row, ordinal) {
                    bump(counted, self.file, 1);
                }
            }
        }
        if D::feeds_to_date(row) {
            bump(self.to_date.entry(latest.year()).or_default(), self.file, 1);
        }
    }

    /// What became of each file's valid rows so far, by file.
    pub(crate) fn counts(&mut self) -> &[FileCounts] {
        self.flush();
        &self.files
    }

    /// The first occurrences kept for a state, with their strings; None
    /// unless the shard keeps them.
    pub(crate) fn kept(&mut self) -> Option<&mut Kept<D>> {
        self.kept.as_mut()
    }

    /// Adds the rows of another shard (disjoint ids).
    pub(crate) fn merge(&mut self, mut other: Shard<D>) {
        self.flush();
        other.flush();
        if let (Some(a), Some(b)) = (self.fixed.as_mut(), other.fixed) {
            D::merge(a, b);
        }
        for (y, (acc, counted)) in other.years {
            match self.years.get_mut(&y) {
                Some((a, c)) => {
                    D::merge(a, acc);
                    for (f, n) in counted.into_iter().enumerate() {
                        bump(c, f, n);
                    }
                }
                None => {
                    self.years.insert(y, (acc, counted));
                }
            }
        }
        for (y, per_file) in other.to_date {
            let mine = self.to_date.entry(y).or_default();
            for (f, n) in per_file.into_iter().enumerate() {
                bump(mine, f, n);
            }
        }
        self.latest = self.latest.max(other.latest);
        for (f, c) in other.files.into_iter().enumerate() {
            if self.files.len() <= f {
                self.files.resize(f + 1, FileCounts::default());
            }
            self.files[f].add(c);
        }
    }

    /// The figures and, per file, what became of its valid rows; `files`
    /// is how many files were begun.
    pub(crate) fn finish(
        mut self,
        rounding: Rounding,
        files: usize,
    ) -> Result<Finished<D::Figures>, Error> {
        self.flush();
        let mut per_file = self.files;
        per_file.resize(files.max(per_file.len()), FileCounts::default());
        if let (Some(period), Some(acc)) = (self.period, self.fixed) {
            return Ok(Finished {
                period,
                inferred: false,
                files: per_file,
                figures: D::figures(acc, rounding),
            });
        }
        let latest = self.latest.ok_or(Error::NoPeriod)?.year();
        let mut years = self.years;
        let (mut acc, counted) = years.remove(&latest).ok_or(Error::NoPeriod)?;
        for (f, c) in per_file.iter_mut().enumerate() {
            c.counted = counted.get(f).copied().unwrap_or(0);
        }
        // Rows whose every date is before the latest year never reached its
        // accumulator, yet a to-date figure counts them (every date in the
        // data is on or before the inferred period's end).
        let mut earlier = 0;
        for (_, by_file) in self.to_date.range(..latest) {
            for (f, n) in by_file.iter().enumerate() {
                if per_file.len() <= f {
                    per_file.resize(f + 1, FileCounts::default());
                }
                per_file[f].counted += n;
                earlier += n;
            }
        }
        if earlier > 0 {
            D::add_to_date(&mut acc, earlier);
        }
        Ok(Finished {
            period: Period::year(latest)?,
            inferred: true,
            files: per_file,
            figures: D::figures(acc, rounding),
        })
    }
}
