//! What a state keeps of each first occurrence, and the helpers the
//! ledgers' [`DatasetSpec::keep`](crate::datasets::DatasetSpec::keep) and
//! [`restore`](crate::datasets::DatasetSpec::restore) are written with:
//! texts interned, dates as day numbers, vocabulary values as their index.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::datasets::{Text, Vocab};
use crate::input::fields::DateTime;
use crate::stats::distinct::FastState;

/// A first occurrence as a shard keeps it in memory.
pub(crate) struct KeptRow<K> {
    /// The id's key, little-endian.
    pub key: [u8; 16],
    /// Its place in file order among the rows of the tally.
    pub ordinal: u64,
    /// The input it came from (index into the tally's inputs).
    pub file: u32,
    pub row: K,
}

/// A first occurrence as a state stores it: in file order, so the ordinal
/// is its position.
#[derive(Serialize, Deserialize)]
pub(crate) struct SavedRow<K> {
    pub key: [u8; 16],
    pub file: u32,
    pub row: K,
}

/// The distinct texts of kept rows (categories, departments, …): a kept
/// row holds a text as its number here, 0 for none.
#[derive(Default)]
pub struct Strings {
    list: Vec<String>,
    index: HashMap<String, u32, FastState>,
}

impl Strings {
    /// The number of `text` (0 for None), added if new.
    pub fn put(&mut self, text: Option<&str>) -> u32 {
        let Some(t) = text else { return 0 };
        if let Some(&i) = self.index.get(t) {
            return i;
        }
        self.list.push(t.to_string());
        let i = self.list.len() as u32;
        self.index.insert(t.to_string(), i);
        i
    }

    /// The texts, numbered from 1.
    pub fn list(&self) -> &[String] {
        &self.list
    }

    /// Takes the texts, leaving the table empty.
    pub fn into_list(self) -> Vec<String> {
        self.list
    }
}

/// The text numbered `n` in `strings` (see [`Strings::put`]): `Some(None)`
/// for 0, None for a number the table does not have (a damaged state).
pub fn text(strings: &[String], n: u32) -> Option<Option<Text<'_>>> {
    match n {
        0 => Some(None),
        n => strings
            .get(n as usize - 1)
            .map(|s| Some(Text::Borrowed(s.as_str()))),
    }
}

/// [`text`] of a text that is never empty.
pub fn required_text(strings: &[String], n: u32) -> Option<Text<'_>> {
    text(strings, n).flatten()
}

/// A date as its day number (days from 0001-01-01 = 1).
pub fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// The date of a day number.
pub fn date(n: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(n)
}

/// An optional date's day number.
pub fn opt_day(d: Option<NaiveDate>) -> Option<i32> {
    d.map(day)
}

/// The optional date of an optional day number: None when the number is
/// no date (a damaged state), `Some(None)` for no date.
pub fn opt_date(n: Option<i32>) -> Option<Option<NaiveDate>> {
    match n {
        None => Some(None),
        Some(n) => date(n).map(Some),
    }
}

/// A vocabulary value as its index.
pub fn index<E: Vocab>(e: E) -> u8 {
    e.index() as u8
}

/// The vocabulary value of an index.
pub fn vocab<E: Vocab>(i: u8) -> Option<E> {
    E::ALL.get(usize::from(i)).copied()
}

/// A date and time as a day number, and the time as seconds and
/// nanoseconds since midnight.
pub type KeptDateTime = (i32, Option<(u32, u32)>);

/// A [`DateTime`] kept.
pub fn keep_date_time(d: DateTime) -> KeptDateTime {
    (
        day(d.date),
        d.time
            .map(|t| (t.num_seconds_from_midnight(), t.nanosecond())),
    )
}

/// The [`DateTime`] of a kept one.
pub fn date_time((d, t): KeptDateTime) -> Option<DateTime> {
    Some(DateTime {
        date: date(d)?,
        time: match t {
            None => None,
            Some((s, n)) => Some(NaiveTime::from_num_seconds_from_midnight_opt(s, n)?),
        },
    })
}
