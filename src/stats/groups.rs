//! Counters keyed by free text (categories, channels, departments), with
//! one cheap lookup and no allocation per row once a name has been seen.
//!
//! A column of free text holds a handful of distinct names repeated on
//! millions of rows: the index is a small open-addressing table placed by
//! a hash of the name's length and words. Those words hold every byte of a
//! name of up to 32 bytes (a category such as 社会保险, or 劳动合同解除及相关事项),
//! and the slot keeps them beside the name's value, so a hit is confirmed
//! and counted in one cache line, without reading the name; a longer name
//! is compared byte by byte.
//!
//! A column can also hold hundreds of thousands of names (a free-text
//! category per row): past `SPARSE_NAMES` (1024) names the index is kept at most
//! half full instead, and the names live back to back in one string, so
//! that a lookup that misses the caches misses them once, in the slot.

use std::collections::BTreeMap;

use super::distinct::{FastState, fold, seed};
use std::hash::BuildHasher;

/// Where a name is in [`Groups::names`], and its length.
type NameAt = (usize, usize);

/// Values keyed by name.
#[derive(Debug, Clone)]
pub struct Groups<V> {
    /// A power of two in length, at most 1/[`SPARSITY`] full (1/2 past
    /// [`SPARSE_NAMES`] names).
    slots: Vec<Slot<V>>,
    /// Each name, in first-seen order: where it is in `names`, and its
    /// length.
    entries: Vec<NameAt>,
    /// Every name, back to back.
    names: String,
}

/// How much larger than the number of names the index is while it is
/// small: a name then nearly always sits in the first slot it hashes to,
/// and a lookup takes the same branch every time.
const SPARSITY: usize = 8;

/// Past this many names the index is kept at most half full: an index 8
/// times the names would be larger than the caches for no gain, every
/// lookup missing them anyway.
const SPARSE_NAMES: usize = 1024;

/// One place of the index: a name's words, its entry and its value, in
/// one cache line (a count pair's slot is 64 bytes): a slot that straddled
/// two lines would cost two misses when the index is larger than the
/// caches.
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(64))]
struct Slot<V> {
    words: Words,
    /// Entry number + 1; 0 when the slot is empty.
    entry: u32,
    value: V,
}

/// A name's length and four words that, for a name of up to 32 bytes,
/// hold every byte of it: equal words mean equal names, with no byte
/// compare. A longer name's first word is a hash of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Words {
    len: usize,
    w: [u64; 4],
}

impl<V: Default> Default for Groups<V> {
    fn default() -> Self {
        Groups {
            slots: empty_slots(64),
            entries: Vec::new(),
            names: String::new(),
        }
    }
}

fn empty_slots<V: Default>(n: usize) -> Vec<Slot<V>> {
    (0..n).map(|_| Slot::default()).collect()
}

#[inline]
fn word(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// The words of a name: exact up to 32 bytes (overlapping reads cover
/// every byte), a hash of the whole name beyond.
#[inline(always)]
fn words(name: &str) -> Words {
    let b = name.as_bytes();
    let len = b.len();
    let w = match len {
        17..=32 => [word(b, 0), word(b, 8), word(b, len - 16), word(b, len - 8)],
        8..=16 => [word(b, 0), word(b, len - 8), 0, 0],
        4..=7 => [
            u32::from_le_bytes(b[..4].try_into().expect("4 bytes")) as u64,
            u32::from_le_bytes(b[len - 4..].try_into().expect("4 bytes")) as u64,
            0,
            0,
        ],
        1..=3 => [
            b[0] as u64 | (b[len / 2] as u64) << 8 | (b[len - 1] as u64) << 16,
            0,
            0,
            0,
        ],
        0 => [0; 4],
        _ => [FastState.hash_one(name), 0, 0, 0],
    };
    Words { len, w }
}

impl Words {
    /// A seeded hash of the words.
    #[inline]
    fn hash(self) -> u64 {
        let (s0, s1) = seed();
        let h = fold(self.w[0] ^ s0 ^ self.len as u64, self.w[1] ^ s1);
        if self.len > 16 && self.len <= 32 {
            fold(h ^ self.w[2], self.w[3] ^ 0x9E37_79B9_7F4A_7C15)
        } else {
            h
        }
    }
}

impl<V: Default> Groups<V> {
    /// The value for `name`, created on first sight.
    #[inline(always)]
    pub fn entry(&mut self, name: &str) -> &mut V {
        let w = words(name);
        let mask = self.slots.len() - 1;
        let mut i = w.hash() as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.entry == 0 {
                break;
            }
            if slot.words == w && (w.len <= 32 || self.name(slot.entry as usize - 1) == name) {
                return &mut self.slots[i].value;
            }
            i = (i + 1) & mask;
        }
        self.insert(name, i)
    }

    /// Reads the slot where a lookup of `name` starts, and changes
    /// nothing (see [`super::distinct::PartitionedKeySet::touch`]).
    #[inline]
    pub fn touch(&self, name: &str) -> u64 {
        let mask = self.slots.len() - 1;
        u64::from(self.slots[words(name).hash() as usize & mask].entry)
    }

    /// Adds `name`, whose empty slot is `i`.
    #[cold]
    fn insert(&mut self, name: &str, mut i: usize) -> &mut V {
        self.entries.push((self.names.len(), name.len()));
        self.names.push_str(name);
        let n = self.entries.len();
        let sparsity = if n > SPARSE_NAMES { 2 } else { SPARSITY };
        if n * sparsity > self.slots.len() {
            let grown = empty_slots(self.slots.len() * 2);
            let old = std::mem::replace(&mut self.slots, grown);
            for slot in old.into_iter().filter(|s| s.entry != 0) {
                let at = self.free_slot(slot.words);
                self.slots[at] = slot;
            }
            i = self.free_slot(words(name));
        }
        self.slots[i] = Slot {
            words: words(name),
            entry: n as u32,
            value: V::default(),
        };
        &mut self.slots[i].value
    }

    /// The first empty slot from where `w` hashes to.
    fn free_slot(&self, w: Words) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = w.hash() as usize & mask;
        while self.slots[i].entry != 0 {
            i = (i + 1) & mask;
        }
        i
    }

    /// Adds every value of `other` into this one with `add`.
    pub fn merge(&mut self, other: Groups<V>, mut add: impl FnMut(&mut V, V)) {
        let (names, values) = other.into_parts();
        for ((at, len), v) in values {
            add(self.entry(&names[at..at + len]), v);
        }
    }
}

impl<V> Groups<V> {
    /// The name of entry `e`.
    #[inline]
    fn name(&self, e: usize) -> &str {
        let (at, len) = self.entries[e];
        &self.names[at..at + len]
    }

    /// The names, and where each is in them with its value, in first-seen
    /// order.
    fn into_parts(self) -> (String, Vec<(NameAt, V)>) {
        let mut v: Vec<(u32, V)> = self
            .slots
            .into_iter()
            .filter(|s| s.entry != 0)
            .map(|s| (s.entry, s.value))
            .collect();
        v.sort_unstable_by_key(|&(e, _)| e);
        let entries = self.entries;
        let values = v
            .into_iter()
            .map(|(e, value)| (entries[e as usize - 1], value))
            .collect();
        (self.names, values)
    }

    /// The entries sorted by name.
    pub fn into_sorted<W>(self, mut f: impl FnMut(V) -> W) -> BTreeMap<String, W> {
        let (names, values) = self.into_parts();
        values
            .into_iter()
            .map(|((at, len), v)| (names[at..at + len].to_string(), f(v)))
            .collect()
    }

    /// Names and values, in first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        let mut v: Vec<(&str, &V, u32)> = self
            .slots
            .iter()
            .filter(|s| s.entry != 0)
            .map(|s| (self.name(s.entry as usize - 1), &s.value, s.entry))
            .collect();
        v.sort_unstable_by_key(|&(_, _, e)| e);
        v.into_iter().map(|(k, v, _)| (k, v))
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

    /// Past the sparse threshold the index is denser; every name keeps its
    /// own value, long and short, through growth and a merge.
    #[test]
    fn many_names() {
        let mut g: Groups<u64> = Groups::default();
        let name = |i: u32| match i % 3 {
            0 => format!("问题类别{i:06}"),
            1 => format!("c{i}"),
            _ => format!("{i}某某县人力资源和社会保障局"),
        };
        for round in 0..2u64 {
            for i in 0..20_000 {
                *g.entry(&name(i)) += u64::from(i) + round;
            }
        }
        assert!(g.slots.len() < 20_000 * SPARSITY / 2);
        let mut h: Groups<u64> = Groups::default();
        *h.entry(&name(7)) += 1;
        *h.entry("new") += 5;
        g.merge(h, |a, b| *a += b);
        let m = g.into_sorted(|v| v);
        assert_eq!(m.len(), 20_001);
        assert_eq!(m[&name(7)], 2 * 7 + 1 + 1);
        assert_eq!(m[&name(19_999)], 2 * 19_999 + 1);
        assert_eq!(m["new"], 5);
    }

    /// Names of each length up to 34 bytes that differ in one byte only,
    /// at every position: their words must tell them apart.
    #[test]
    fn names_that_differ_in_one_byte_are_apart() {
        let mut g: Groups<u64> = Groups::default();
        let mut all = Vec::new();
        for len in 1..=34 {
            let base = "a".repeat(len);
            all.push(base.clone());
            for at in 0..len {
                let mut b = base.clone().into_bytes();
                b[at] = b'b';
                all.push(String::from_utf8(b).expect("ASCII"));
            }
        }
        for (i, n) in all.iter().enumerate() {
            *g.entry(n) += i as u64;
        }
        let m = g.into_sorted(|v| v);
        assert_eq!(m.len(), all.len());
        for (i, n) in all.iter().enumerate() {
            assert_eq!(m[n], i as u64, "{n}");
        }
    }
}
