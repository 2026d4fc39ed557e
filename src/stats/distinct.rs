//! Collision-proof id keys, distinct sets and fast hashing.
//!
//! An id is remembered as a 128-bit [`IdKey`]. Ids of up to 15 bytes — nearly
//! every ledger id (`XF2023000000123`) — are stored *exactly*: the bytes and
//! their length packed into the key, so two different ids can never share a
//! key. Longer ids are keyed by their 128-bit XXH3 hash, tagged so that it
//! never equals an exact key; two different long ids share a key with
//! probability about n² / 2¹²⁹ — for a billion ids, 10⁻²¹. A false duplicate
//! would silently drop a row; a 64-bit key would make that plausible at
//! provincial volumes, 128 bits does not.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// A 128-bit key of one id (or of several id parts together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdKey(pub u128);

/// Separates parts in an exactly packed composite key.
const PART_SEPARATOR: u8 = 0x1F;

impl IdKey {
    /// The key of one id.
    #[inline]
    pub fn of(id: &str) -> IdKey {
        let b = id.as_bytes();
        if b.len() <= 15 {
            let mut k = [0u8; 16];
            k[..b.len()].copy_from_slice(b);
            k[15] = b.len() as u8;
            IdKey(u128::from_le_bytes(k))
        } else {
            IdKey::hashed(xxhash_rust::xxh3::xxh3_128(b))
        }
    }

    /// The key of several parts together (`("ab","c")` and `("a","bc")`
    /// differ).
    pub fn of_parts(parts: &[&str]) -> IdKey {
        let len: usize =
            parts.iter().map(|p| p.len()).sum::<usize>() + parts.len().saturating_sub(1);
        let separable = parts
            .iter()
            .all(|p| !p.as_bytes().contains(&PART_SEPARATOR));
        if len <= 15 && separable {
            let mut k = [0u8; 16];
            let mut at = 0;
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    k[at] = PART_SEPARATOR;
                    at += 1;
                }
                k[at..at + p.len()].copy_from_slice(p.as_bytes());
                at += p.len();
            }
            k[15] = len as u8;
            return IdKey(u128::from_le_bytes(k));
        }
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for p in parts {
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        IdKey::hashed(h.digest128())
    }

    /// Which of `n` shards the key belongs to (spread evenly even for
    /// exact keys, whose bytes are far from uniform). Ids that differ in
    /// their last digit only go to the same shard, where they share one
    /// entry of the id set (see [`PartitionedKeySet`]).
    #[inline]
    pub fn shard(self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let group = Place::of_key(self.0).probe;
        let h = fold(
            group as u64 ^ 0x243F_6A88_85A3_08D3,
            (group >> 64) as u64 ^ 0x1319_8A2E_0370_7344,
        );
        ((h as u128 * n as u128) >> 64) as usize
    }

    /// A hash, tagged: its top byte is at least 16, which no exact key's
    /// length byte is.
    fn hashed(h: u128) -> IdKey {
        IdKey(h | (1u128 << 127))
    }
}

/// A process-wide random seed, so that no input can be crafted to collide
/// in the hash tables' buckets (figures never depend on it).
pub(crate) fn seed() -> (u64, u64) {
    static SEED: OnceLock<(u64, u64)> = OnceLock::new();
    *SEED.get_or_init(|| {
        let s = std::collections::hash_map::RandomState::new();
        (s.hash_one(0x5EED_u64), s.hash_one(0xC0FFEE_u64))
    })
}

#[inline]
pub(crate) fn fold(a: u64, b: u64) -> u64 {
    let p = (a as u128).wrapping_mul(b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

/// A fast, seeded hasher for keys and short strings (a folded multiply, as
/// in foldhash/ahash); `std`'s SipHash is several times slower on the hot
/// path.
#[derive(Clone, Copy)]
pub struct FastHasher {
    state: u64,
}

impl Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        fold(self.state, seed().1 | 1)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.state = fold(self.state ^ w, 0x9E37_79B9_7F4A_7C15);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Overlapping reads instead of a copy into a zeroed word: no
            // store-forwarding stall on the hot path.
            let n = rest.len();
            let w = if n >= 4 {
                let lo = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes")) as u64;
                let hi = u32::from_le_bytes(rest[n - 4..].try_into().expect("4 bytes")) as u64;
                lo | (hi << 32)
            } else {
                rest[0] as u64 | (rest[n / 2] as u64) << 8 | (rest[n - 1] as u64) << 16
            };
            self.state = fold(self.state ^ w, 0x9E37_79B9_7F4A_7C15);
        }
        self.state = self.state.wrapping_add(bytes.len() as u64);
    }

    #[inline]
    fn write_u8(&mut self, v: u8) {
        self.write_u64(v as u64)
    }

    #[inline]
    fn write_u32(&mut self, v: u32) {
        self.write_u64(v as u64)
    }

    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.state = fold(self.state ^ v, 0x9E37_79B9_7F4A_7C15);
    }

    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64)
    }

    #[inline]
    fn write_u128(&mut self, v: u128) {
        self.state = fold(
            self.state ^ v as u64,
            (v >> 64) as u64 ^ 0x2545_F491_4F6C_DD1D,
        );
    }
}

/// Builds [`FastHasher`]s with the process seed.
#[derive(Clone, Copy, Default)]
pub struct FastState;

impl BuildHasher for FastState {
    type Hasher = FastHasher;
    #[inline]
    fn build_hasher(&self) -> FastHasher {
        FastHasher { state: seed().0 }
    }
}

/// A set of [`IdKey`]s.
pub type KeySet = HashSet<IdKey, FastState>;

/// How many tables a [`PartitionedKeySet`] spreads its keys over.
const PARTITIONS: usize = 16;

/// Entries per bucket: one bucket is one 64-byte cache line.
const SLOTS: usize = 4;

/// Buckets a partition starts with.
const FIRST_BUCKETS: usize = 64;

/// Four entries in one cache line.
#[derive(Clone, Copy, Default)]
#[repr(align(64))]
struct Bucket([u128; SLOTS]);

/// One partition: open addressing over buckets of four entries in one
/// cache line, probed linearly. 0 marks an empty slot; slots fill in order
/// and are never emptied, so the first empty slot ends a search.
struct Table {
    /// A power of two in length.
    buckets: Vec<Bucket>,
    /// Slots in use.
    entries: usize,
}

impl Table {
    fn with_buckets(buckets: usize) -> Self {
        Table {
            buckets: vec![Bucket::default(); buckets],
            entries: 0,
        }
    }

    /// The (bucket, slot) of the entry that `place` (hashed to `h`) looks
    /// for, with the entry; or of the empty slot where it would go.
    #[inline]
    fn find(&self, place: Place, h: u64) -> ((usize, usize), Option<u128>) {
        let mask = self.buckets.len() - 1;
        let mut b = h as usize & mask;
        loop {
            for (s, &v) in self.buckets[b].0.iter().enumerate() {
                if v == 0 {
                    return ((b, s), None);
                }
                if v & place.mask == place.probe {
                    return ((b, s), Some(v));
                }
            }
            b = (b + 1) & mask;
        }
    }

    #[inline]
    fn set(&mut self, (b, s): (usize, usize), entry: u128) {
        self.buckets[b].0[s] = entry;
    }

    /// Whether one more entry would make the table more than 7/8 full:
    /// past that, searches go on too often to the next cache line.
    #[inline]
    fn full(&self) -> bool {
        (self.entries + 1) * 8 > self.buckets.len() * SLOTS * 7
    }

    /// Doubles the buckets.
    fn grow(&mut self) {
        let old = std::mem::replace(self, Table::with_buckets(self.buckets.len() * 2));
        for entry in old.entries() {
            let place = Place::of_entry(entry);
            let (to, _) = self.find(place, bucket_hash(place.probe));
            self.set(to, entry);
            self.entries += 1;
        }
    }

    fn entries(&self) -> impl Iterator<Item = u128> + '_ {
        self.buckets.iter().flat_map(|b| b.0).filter(|&k| k != 0)
    }
}

/// Marks an entry that holds a group of ids: byte 15 of an exact key is
/// its length (below 16), of a hashed key at least 0x80.
const GROUPED: u128 = 0x40 << 120;
/// Where a group entry keeps the bits of the digits 8 and 9.
const HIGH_DIGITS: u128 = 0x30 << 120;

/// Where a key lives in a table.
///
/// Ledger ids are serial numbers, and a file lists them nearly in order.
/// An exact key whose last byte is an ASCII digit is kept in a *group
/// entry* with the ids that differ from it in that digit only: the entry
/// is the key with its last byte replaced by a bit per digit (digits 8
/// and 9 in bits 4–5 of byte 15) and the [`GROUPED`] mark. Ten ids in
/// order then cost one entry and one cache miss instead of ten; ids in no
/// order cost what they would without groups.
#[derive(Clone, Copy)]
struct Place {
    /// The entry looked for, with its digit bits clear.
    probe: u128,
    /// The bits of an entry that must equal `probe`.
    mask: u128,
    /// The key's digit bit in its group entry; 0 for a key stored whole.
    bit: u128,
}

/// Where digit `d`'s bit sits in a group entry whose last id byte starts
/// at bit `shift`: digits 0–7 in that byte, 8 and 9 in bits 4–5 of byte 15.
#[inline]
fn digit_bit(shift: u32, d: u32) -> u32 {
    if d < 8 { shift + d } else { 124 + d - 8 }
}

/// Whether a stored entry is a group entry (bit 127 clear, bit 126 set).
fn is_group(entry: u128) -> bool {
    entry >> 126 == 1
}

/// Where a group entry's last id byte starts: its length is the low half
/// of byte 15.
fn group_shift(entry: u128) -> u32 {
    8 * (((entry >> 120) & 0x0F) as u32 - 1)
}

impl Place {
    #[inline]
    fn of_key(key: u128) -> Place {
        let len = (key >> 120) as u32;
        if (1..16).contains(&len) {
            let shift = 8 * (len - 1);
            let last = (key >> shift) as u8;
            if last.is_ascii_digit() {
                let byte = 0xFFu128 << shift;
                return Place {
                    probe: (key & !byte) | GROUPED,
                    mask: !(byte | HIGH_DIGITS),
                    bit: 1u128 << digit_bit(shift, u32::from(last - b'0')),
                };
            }
        }
        Place {
            probe: key,
            mask: !0,
            bit: 0,
        }
    }

    /// The place of a stored entry (to move it when a table grows).
    fn of_entry(entry: u128) -> Place {
        if !is_group(entry) {
            return Place {
                probe: entry,
                mask: !0,
                bit: 0,
            };
        }
        let mask = !((0xFFu128 << group_shift(entry)) | HIGH_DIGITS);
        Place {
            probe: entry & mask,
            mask,
            bit: 0,
        }
    }

    /// The keys a stored entry holds.
    fn keys(entry: u128) -> Vec<u128> {
        if !is_group(entry) {
            return vec![entry];
        }
        let shift = group_shift(entry);
        let bare = Place::of_entry(entry).probe & !GROUPED;
        (0..10u32)
            .filter(|&d| entry >> digit_bit(shift, d) & 1 == 1)
            .map(|d| bare | u128::from(b'0' + d as u8) << shift)
            .collect()
    }
}

/// The hash that places an entry: its top bits pick the partition, its
/// low bits the bucket. Seeded, and independent of [`IdKey::shard`].
#[inline]
fn bucket_hash(probe: u128) -> u64 {
    let (s0, s1) = seed();
    // Two rounds: ids differ in a few bytes only, and linear probing is
    // sensitive to what one round leaves of that regularity.
    let a = fold(probe as u64 ^ s0, 0x9E37_79B9_7F4A_7C15);
    fold(a ^ (probe >> 64) as u64, s1 ^ 0x082E_FA98_EC4E_6C89)
}

#[inline]
fn partition(h: u64) -> usize {
    (h >> 60) as usize
}

/// A set of ids for tens of millions of keys, built for inserts that miss
/// the caches: a key costs at most one cache line, and ids that differ in
/// their last digit only (serial numbers) share one 16-byte entry with a
/// bit per digit, so ten ids in order cost one entry. Membership stays
/// exact.
///
/// Keys spread over 16 tables, so that a table growing holds its old and
/// new storage together for a 16th of the keys only, not for all of them.
pub struct PartitionedKeySet {
    tables: Vec<Table>,
    /// Whether the all-zero key (the empty id) is in the set: 0 marks an
    /// empty slot in the tables.
    zero: bool,
    len: usize,
}

impl Default for PartitionedKeySet {
    fn default() -> Self {
        PartitionedKeySet {
            tables: (0..PARTITIONS)
                .map(|_| Table::with_buckets(FIRST_BUCKETS))
                .collect(),
            zero: false,
            len: 0,
        }
    }
}

impl PartitionedKeySet {
    /// Adds a key; false when it was already there.
    #[inline]
    pub fn insert(&mut self, key: IdKey) -> bool {
        if key.0 == 0 {
            let new = !std::mem::replace(&mut self.zero, true);
            self.len += usize::from(new);
            return new;
        }
        let place = Place::of_key(key.0);
        let h = bucket_hash(place.probe);
        let t = &mut self.tables[partition(h)];
        if t.full() {
            t.grow();
        }
        let new = match t.find(place, h) {
            (at, None) => {
                t.set(at, place.probe | place.bit);
                t.entries += 1;
                true
            }
            (_, Some(_)) if place.bit == 0 => false,
            (_, Some(entry)) if entry & place.bit != 0 => false,
            (at, Some(entry)) => {
                t.set(at, entry | place.bit);
                true
            }
        };
        self.len += usize::from(new);
        new
    }

    /// Whether the key is there.
    #[inline]
    pub fn contains(&self, key: IdKey) -> bool {
        if key.0 == 0 {
            return self.zero;
        }
        let place = Place::of_key(key.0);
        let h = bucket_hash(place.probe);
        match self.tables[partition(h)].find(place, h).1 {
            None => false,
            Some(entry) => place.bit == 0 || entry & place.bit != 0,
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds every key of `other`.
    pub fn extend(&mut self, other: PartitionedKeySet) {
        if other.zero {
            self.insert(IdKey(0));
        }
        for t in other.tables {
            for key in t.entries().flat_map(Place::keys) {
                self.insert(IdKey(key));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_are_exact_long_ids_are_tagged_hashes() {
        assert_eq!(IdKey::of("XF1"), IdKey::of("XF1"));
        assert_ne!(IdKey::of("XF1"), IdKey::of("XF1 "));
        assert_ne!(IdKey::of(""), IdKey::of("\0"));
        let k = IdKey::of("XF2023000000123");
        assert_eq!(k.0.to_le_bytes()[15], 15);
        assert_eq!(&k.0.to_le_bytes()[..15], b"XF2023000000123");
        let long = IdKey::of("91330110MA2XXXXXX1-2023-0001");
        assert!(long.0.to_le_bytes()[15] >= 16);
        assert_ne!(long, IdKey::of("91330110MA2XXXXXX1-2023-0002"));
    }

    #[test]
    fn parts_are_separated() {
        assert_ne!(IdKey::of_parts(&["ab", "c"]), IdKey::of_parts(&["a", "bc"]));
        assert_ne!(
            IdKey::of_parts(&["a\u{1f}b", "c"]),
            IdKey::of_parts(&["a", "b\u{1f}c"])
        );
        let long = "统一社会信用代码很长的任务编号";
        assert_ne!(IdKey::of_parts(&[long, "x"]), IdKey::of_parts(&["x", long]));
        assert_eq!(
            IdKey::of_parts(&["T1", "O1"]),
            IdKey::of_parts(&["T1", "O1"])
        );
    }

    #[test]
    fn partitioned_sets_count_distinct_keys() {
        let mut s = PartitionedKeySet::default();
        let mut t = PartitionedKeySet::default();
        for i in 0..50_000 {
            assert!(s.insert(IdKey::of(&format!("XF{i}"))));
            t.insert(IdKey::of(&format!("XF{}", i + 25_000)));
        }
        assert!(!s.insert(IdKey::of("XF42")));
        assert!(s.contains(IdKey::of("XF49999")) && !s.contains(IdKey::of("XF50000")));
        s.extend(t);
        assert_eq!(s.len(), 75_000);
    }

    #[test]
    fn partitioned_sets_grow_and_keep_the_empty_id() {
        let mut s = PartitionedKeySet::default();
        assert!(s.is_empty() && !s.contains(IdKey(0)));
        assert!(s.insert(IdKey::of("")));
        assert!(!s.insert(IdKey(0)) && s.contains(IdKey(0)));
        // Enough keys for every table to grow several times.
        for i in 0..300_000u32 {
            let k = IdKey::of_parts(&["T", &i.to_string()]);
            assert!(s.insert(k), "{i}");
        }
        for i in (0..300_000u32).step_by(7) {
            assert!(!s.insert(IdKey::of_parts(&["T", &i.to_string()])));
        }
        assert!(!s.contains(IdKey::of_parts(&["T", "300000"])));
        assert_eq!(s.len(), 300_001);
    }

    /// Ids of every shape a group entry must keep apart: every length,
    /// digits and not, at the end and elsewhere, long (hashed) ids and
    /// composite keys; a seeded xorshift draws them with many repeats.
    #[test]
    fn partitioned_sets_agree_with_a_plain_set() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"0123456789089XF-9";
        let mut s = PartitionedKeySet::default();
        let mut plain = HashSet::new();
        for round in 0..200_000 {
            let r = next();
            let id = match r % 5 {
                0 => format!("XF2023{:09}", r % 3000),
                1 => format!("{}", r % 100_000),
                2 => (0..(r % 16) as usize)
                    .map(|i| alphabet[(r.rotate_right(8 + 4 * i as u32) % 17) as usize] as char)
                    .collect(),
                3 => format!("91330110MA2XXXXXX1-{}", r % 500),
                _ => String::new(),
            };
            let key = if round % 7 == 0 {
                IdKey::of_parts(&[&id, "9"])
            } else {
                IdKey::of(&id)
            };
            assert_eq!(s.contains(key), plain.contains(&key), "{id:?}");
            assert_eq!(s.insert(key), plain.insert(key), "{id:?}");
            assert!(s.contains(key));
        }
        assert_eq!(s.len(), plain.len());
        // A set rebuilt from its own keys holds the same keys.
        let mut copy = PartitionedKeySet::default();
        copy.extend(s);
        assert_eq!(copy.len(), plain.len());
        for k in &plain {
            assert!(!copy.insert(*k));
        }
    }

    #[test]
    fn ids_that_differ_in_the_last_digit_share_an_entry() {
        let mut s = PartitionedKeySet::default();
        for d in 0..10 {
            assert!(s.insert(IdKey::of(&format!("XF202300000001{d}"))));
        }
        for d in 0..10 {
            assert!(!s.insert(IdKey::of(&format!("XF202300000001{d}"))));
        }
        assert!(s.insert(IdKey::of("XF20230000000")));
        assert!(s.insert(IdKey::of("XF20230000001A")));
        let entries: usize = s.tables.iter().map(|t| t.entries).sum();
        assert_eq!((s.len(), entries), (12, 3));
    }

    #[test]
    fn sets_count_distinct_keys() {
        let mut s = KeySet::default();
        for i in 0..100_000 {
            assert!(s.insert(IdKey::of(&format!("XF{i}"))));
        }
        assert!(!s.insert(IdKey::of("XF42")));
        assert_eq!(s.len(), 100_000);
    }
}
