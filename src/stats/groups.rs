//! Counters keyed by free text (categories, channels, departments), with
//! one cheap lookup and no allocation per row once a name has been seen.
//!
//! A column of free text holds a handful of distinct names repeated on
//! millions of rows: the index is a small open-addressing table of entry
//! numbers, placed by a hash of the name's length and end words, and a hit
//! is confirmed by comparing the name itself.

use std::collections::BTreeMap;

use super::distinct::{FastState, fold, seed};
use std::hash::BuildHasher;

/// Values keyed by name.
#[derive(Debug, Clone)]
pub struct Groups<V> {
    /// Entry number + 1 per slot, 0 when empty; a power of two in length,
    /// at most half full.
    slots: Vec<u32>,
    entries: Vec<(Box<str>, V)>,
}

impl<V> Default for Groups<V> {
    fn default() -> Self {
        Groups {
            slots: vec![0; 16],
            entries: Vec::new(),
        }
    }
}

#[inline]
fn word(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// A seeded hash of a name. Names of up to 16 bytes — nearly all — are
/// covered by two overlapping words; longer ones are hashed in full.
#[inline]
fn name_hash(name: &str) -> u64 {
    let b = name.as_bytes();
    let n = b.len();
    let (lo, hi) = match n {
        8..=16 => (word(b, 0), word(b, n - 8)),
        4..=7 => (
            u32::from_le_bytes(b[..4].try_into().expect("4 bytes")) as u64,
            u32::from_le_bytes(b[n - 4..].try_into().expect("4 bytes")) as u64,
        ),
        1..=3 => (
            b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16,
            0,
        ),
        0 => (0, 0),
        _ => return FastState.hash_one(name),
    };
    let (s0, s1) = seed();
    fold(lo ^ s0 ^ n as u64, hi ^ s1)
}

impl<V: Default> Groups<V> {
    /// The value for `name`, created on first sight.
    #[inline]
    pub fn entry(&mut self, name: &str) -> &mut V {
        let mask = self.slots.len() - 1;
        let mut i = name_hash(name) as usize & mask;
        loop {
            match self.slots[i] {
                0 => break,
                e if *self.entries[e as usize - 1].0 == *name => {
                    return &mut self.entries[e as usize - 1].1;
                }
                _ => i = (i + 1) & mask,
            }
        }
        self.insert(name)
    }

    #[cold]
    fn insert(&mut self, name: &str) -> &mut V {
        self.entries.push((name.into(), V::default()));
        if self.entries.len() * 2 > self.slots.len() {
            self.slots = vec![0; self.slots.len() * 2];
            for e in 0..self.entries.len() {
                self.place(e);
            }
        } else {
            self.place(self.entries.len() - 1);
        }
        &mut self.entries.last_mut().expect("just pushed").1
    }

    fn place(&mut self, e: usize) {
        let mask = self.slots.len() - 1;
        let mut i = name_hash(&self.entries[e].0) as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = e as u32 + 1;
    }

    /// Adds every value of `other` into this one with `add`.
    pub fn merge(&mut self, other: Groups<V>, mut add: impl FnMut(&mut V, V)) {
        for (name, v) in other.entries {
            add(self.entry(&name), v);
        }
    }
}

impl<V> Groups<V> {
    /// The entries sorted by name.
    pub fn into_sorted<W>(self, mut f: impl FnMut(V) -> W) -> BTreeMap<String, W> {
        self.entries
            .into_iter()
            .map(|(k, v)| (k.into(), f(v)))
            .collect()
    }

    /// Names and values, in first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_merges() {
        let mut a: Groups<u64> = Groups::default();
        *a.entry("欠薪") += 1;
        *a.entry("社保") += 2;
        *a.entry("欠薪") += 1;
        let mut b: Groups<u64> = Groups::default();
        *b.entry("社保") += 5;
        *b.entry("其他") += 1;
        a.merge(b, |x, y| *x += y);
        // Names of every length class, many more than the first table holds,
        // and names that share their end words.
        let names: Vec<String> = (0..300)
            .map(|i| match i % 4 {
                0 => format!("{i}"),
                1 => format!("类{i}"),
                2 => format!("某某县人力资源和社会保障局第{i}科室"),
                _ => format!("{i}某某县人力资源和社会保障局"),
            })
            .chain(["".to_string()])
            .collect();
        for round in 1..=3 {
            for n in &names {
                *a.entry(n) += 1;
                assert_eq!(*a.entry(n), round, "{n}");
                *a.entry(n) -= 1;
                *a.entry(n) += 1;
            }
        }
        assert_eq!(a.iter().count(), 3 + names.len());
        let m = a.into_sorted(|v| v);
        assert_eq!(m.len(), 3 + 301);
        assert_eq!(["其他", "欠薪", "社保"].map(|k| m[k]), [1, 2, 7]);
        assert_eq!(m["某某县人力资源和社会保障局第2科室"], 3);
    }
}
