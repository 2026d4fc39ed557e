//! Collision-proof id keys, distinct sets and fast hashing.
//!
//! An id is remembered as a 128-bit [`IdKey`]. Ids of up to 15 bytes — nearly
//! every ledger id (`XF2023000000123`) — are stored *exactly*: the bytes and
//! their length packed into the key, so two different ids can never share a
//! key. Longer ids are keyed by their 128-bit XXH3 hash, tagged so that it
//! never equals an exact key; two different long ids share a key with
//! probability about n² / 2¹²⁹ — for a billion ids, 10⁻²¹. A long *serial*
//! id (`XF330110202300012345`, `余人社信〔2023〕第01234号`: a run of digits at
//! the end, or before a suffix of one non-ASCII character) is keyed instead
//! by the two last digits of that run, exactly, and 120 bits of the XXH3
//! hash of the id with those two digits replaced by two 0xFF bytes (which no
//! UTF-8 text holds, so the marked text and the digits give back the id):
//! two different ids share a key only if their marked texts' hashes agree
//! in 120 bits, probability about m² / 2¹²¹ for m distinct marked texts — for
//! a billion, 4 × 10⁻¹⁹. A false duplicate would silently drop a row; a
//! 64-bit key would make that plausible at provincial volumes, 120 or 128
//! bits do not.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// A 128-bit key of one id (or of several id parts together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdKey(pub u128);

/// Separates parts in an exactly packed composite key.
const PART_SEPARATOR: u8 = 0x1F;

/// The top byte of a long serial id's key is this plus its two last digits
/// (16..=115); exact keys' top byte is their length (0..=15), plain hashed
/// keys' is 128 or more.
const LONG_SERIAL: u128 = 16;

/// The top byte of a long serial id's group prefix in the id set: no key's
/// top byte, and no exact prefix's (2..=15).
const LONG_SERIAL_PREFIX: u128 = 116;

/// The low 120 bits of a key.
const HASH_120: u128 = (1 << 120) - 1;

/// Ids up to this long are marked in a copy on the stack.
const MARK_BUFFER: usize = 96;

/// Where the two last digits of a long serial id are: the last two of a
/// run of at least [`SERIAL_RUN`] ASCII digits that ends the id, or of at
/// least two that one non-ASCII character of up to 3 bytes (`号`) follows.
/// A random id (hex, say) ends in such a run rarely (`0.625⁵` for hex), so
/// few such ids take a group entry of their own.
#[inline]
fn serial_digits(b: &[u8]) -> Option<usize> {
    let n = b.len();
    let mut end = n;
    while end > 0 && n - end < 3 && b[end - 1] >= 0x80 {
        end -= 1;
    }
    // A suffix must be one whole character: its first byte a lead byte.
    if end < n && (b[end] & 0xC0 != 0xC0 || end == 0 || b[end - 1] >= 0x80) {
        return None;
    }
    let need = if end == n { SERIAL_RUN } else { 2 };
    let mut start = end;
    while start > 0 && end - start < need && b[start - 1].is_ascii_digit() {
        start -= 1;
    }
    (end - start == need).then_some(end - 2)
}

/// Digits a run must have to make an id that ends in it serial.
const SERIAL_RUN: usize = 5;

impl IdKey {
    /// The key of one id.
    #[inline]
    pub fn of(id: &str) -> IdKey {
        let b = id.as_bytes();
        if (8..=15).contains(&b.len()) {
            // Two overlapping words instead of a copy of variable length:
            // the second word's bytes that the first holds are shifted out.
            let n = b.len();
            let lo = u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
            let tail = u64::from_le_bytes(b[n - 8..].try_into().expect("8 bytes"));
            let hi = tail.checked_shr(8 * (16 - n as u32)).unwrap_or(0) | (n as u64) << 56;
            return IdKey(u128::from(lo) | u128::from(hi) << 64);
        }
        if b.len() <= 15 {
            let mut k = [0u8; 16];
            k[..b.len()].copy_from_slice(b);
            k[15] = b.len() as u8;
            IdKey(u128::from_le_bytes(k))
        } else {
            IdKey::long(b)
        }
    }

    /// The key of an id of 16 bytes or more: a serial id's two last digits
    /// and the hash of the rest (see the module's note), else the hash.
    #[inline]
    fn long(b: &[u8]) -> IdKey {
        let Some(at) = serial_digits(b) else {
            return IdKey::hashed(xxhash_rust::xxh3::xxh3_128(b));
        };
        let number = u128::from(b[at] - b'0') * 10 + u128::from(b[at + 1] - b'0');
        let h = if b.len() <= MARK_BUFFER {
            let mut buf = [0u8; MARK_BUFFER];
            buf[..b.len()].copy_from_slice(b);
            buf[at] = 0xFF;
            buf[at + 1] = 0xFF;
            xxhash_rust::xxh3::xxh3_128(&buf[..b.len()])
        } else {
            // The same hash as of the marked copy, without the copy.
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            h.update(&b[..at]);
            h.update(&[0xFF, 0xFF]);
            h.update(&b[at + 2..]);
            h.digest128()
        };
        IdKey(h & HASH_120 | (LONG_SERIAL + number) << 120)
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
    /// their last two digits only go to the same shard, where they share
    /// one entry of the id set (see [`PartitionedKeySet`]).
    #[inline]
    pub fn shard(self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let group = place(self.0).0;
        let h = fold(
            group as u64 ^ 0x243F_6A88_85A3_08D3,
            (group >> 64) as u64 ^ 0x1319_8A2E_0370_7344,
        );
        ((h as u128 * n as u128) >> 64) as usize
    }

    /// A hash, tagged: its top byte is at least 128, which no exact key's
    /// length byte and no long serial id's key is.
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

/// How many tables of each kind a [`PartitionedKeySet`] spreads its keys
/// over.
const PARTITIONS: usize = 16;

/// Buckets a table starts with.
const FIRST_BUCKETS: usize = 64;

/// What a table keeps per slot: a key (0 marks an empty slot) and whatever
/// the slot holds besides.
trait Slot: Copy + Default {
    fn key(&self) -> u128;
}

/// A whole key.
impl Slot for u128 {
    #[inline]
    fn key(&self) -> u128 {
        *self
    }
}

/// The ids that share everything but their last two bytes, both ASCII
/// digits: the key with those two bytes cleared, and a bit per number
/// `00`–`99` they spell.
#[derive(Clone, Copy, Default)]
struct Group {
    prefix: u128,
    numbers: u128,
}

impl Slot for Group {
    #[inline]
    fn key(&self) -> u128 {
        self.prefix
    }
}

/// `N` slots in one cache line.
#[derive(Clone, Copy)]
#[repr(align(64))]
struct Bucket<S, const N: usize>([S; N]);

impl<S: Slot, const N: usize> Default for Bucket<S, N> {
    fn default() -> Self {
        Bucket([S::default(); N])
    }
}

/// One partition: open addressing over buckets of one cache line, probed
/// linearly. Slots fill in order and are never emptied, so the first empty
/// slot ends a search.
struct Table<S, const N: usize> {
    /// A power of two in length.
    buckets: Vec<Bucket<S, N>>,
    /// Slots in use.
    entries: usize,
}

impl<S: Slot, const N: usize> Table<S, N> {
    fn with_buckets(buckets: usize) -> Self {
        Table {
            buckets: vec![Bucket::default(); buckets],
            entries: 0,
        }
    }

    /// Where the slot that holds `key` (hashed to `h`) is, or the empty
    /// slot where it would go; the bool tells which.
    #[inline]
    fn find(&self, key: u128, h: u64) -> ((usize, usize), bool) {
        let mask = self.buckets.len() - 1;
        let mut b = h as usize & mask;
        loop {
            for (s, slot) in self.buckets[b].0.iter().enumerate() {
                match slot.key() {
                    0 => return ((b, s), false),
                    k if k == key => return ((b, s), true),
                    _ => {}
                }
            }
            b = (b + 1) & mask;
        }
    }

    #[inline]
    fn get(&self, key: u128, h: u64) -> Option<&S> {
        match self.find(key, h) {
            ((b, s), true) => Some(&self.buckets[b].0[s]),
            _ => None,
        }
    }

    /// The slot for `key`, made room for: a table more than 7/8 full is
    /// doubled first (past that, searches go on too often to the next
    /// cache line). The bool tells whether the key was there.
    #[inline]
    fn entry(&mut self, key: u128, h: u64) -> (&mut S, bool) {
        let ((b, s), found) = self.locate(key, h);
        (&mut self.buckets[b].0[s], found)
    }

    /// Like [`Table::entry`], but where the slot is.
    #[inline]
    fn locate(&mut self, key: u128, h: u64) -> ((usize, usize), bool) {
        if (self.entries + 1) * 8 > self.buckets.len() * N * 7 {
            self.grow();
        }
        let (at, found) = self.find(key, h);
        self.entries += usize::from(!found);
        (at, found)
    }

    fn grow(&mut self) {
        let old = std::mem::replace(self, Table::with_buckets(self.buckets.len() * 2));
        for slot in old.slots() {
            let ((b, s), _) = self.find(slot.key(), bucket_hash(slot.key()));
            self.buckets[b].0[s] = slot;
            self.entries += 1;
        }
    }

    fn slots(&self) -> impl Iterator<Item = S> + '_ {
        self.buckets
            .iter()
            .flat_map(|b| b.0)
            .filter(|s| s.key() != 0)
    }
}

/// Where an exact key keeps its last two bytes, when both are ASCII
/// digits: the shift of the first of them and the number they spell.
#[inline]
fn last_two_digits(key: u128) -> Option<(u32, u32)> {
    let len = (key >> 120) as u32;
    if !(2..16).contains(&len) {
        return None;
    }
    let shift = 8 * (len - 2);
    let [tens, ones] = ((key >> shift) as u16).to_le_bytes();
    (tens.is_ascii_digit() && ones.is_ascii_digit())
        .then(|| (shift, u32::from(tens - b'0') * 10 + u32::from(ones - b'0')))
}

/// Where a key lives: a group's prefix and the bit of its number, or the
/// whole key (bit 0).
#[inline]
fn place(key: u128) -> (u128, u128) {
    let top = key >> 120;
    if (LONG_SERIAL..LONG_SERIAL_PREFIX).contains(&top) {
        return (
            key & HASH_120 | LONG_SERIAL_PREFIX << 120,
            1 << (top - LONG_SERIAL),
        );
    }
    match last_two_digits(key) {
        Some((shift, number)) => (key & !(0xFFFF << shift), 1 << number),
        None => (key, 0),
    }
}

/// The hash that places an entry: its top bits pick the partition, its
/// low bits the bucket. Seeded, and independent of [`IdKey::shard`].
#[inline]
fn bucket_hash(key: u128) -> u64 {
    let (s0, s1) = seed();
    // Two rounds: ids differ in a few bytes only, and linear probing is
    // sensitive to what one round leaves of that regularity.
    let a = fold(key as u64 ^ s0, 0x9E37_79B9_7F4A_7C15);
    fold(a ^ (key >> 64) as u64, s1 ^ 0x082E_FA98_EC4E_6C89)
}

#[inline]
fn partition(h: u64) -> usize {
    (h >> 60) as usize
}

/// A set of ids for tens of millions of keys, built for inserts that miss
/// the caches. Ids whose last two bytes are ASCII digits (serial numbers)
/// are kept in *groups*: the ids that differ in those two digits only share
/// one 32-byte entry with a bit per number 00–99, so a hundred ids in order
/// cost one entry and one cache miss, and a file of ten million serial ids
/// keeps its set in a few megabytes, in cache. Every other id costs one
/// 16-byte entry. Membership stays exact: a group entry holds its prefix
/// whole.
///
/// Keys spread over 16 tables of each kind, so that a table growing holds
/// its old and new storage together for a 16th of the keys only.
pub struct PartitionedKeySet {
    whole: Vec<Table<u128, 4>>,
    groups: Vec<Table<Group, 2>>,
    /// Where the groups used last are, placed by a cheap hash of their
    /// prefix: serial ids in file order come back to the same few groups
    /// row after row, and find them here without the full hash and probe.
    /// Cleared when a table grows and its slots move.
    recent: [Recent; RECENT],
    /// Whether the all-zero key (the empty id) is in the set: 0 marks an
    /// empty slot in the tables.
    zero: bool,
    len: usize,
}

impl Default for PartitionedKeySet {
    fn default() -> Self {
        PartitionedKeySet {
            whole: (0..PARTITIONS)
                .map(|_| Table::with_buckets(FIRST_BUCKETS))
                .collect(),
            groups: (0..PARTITIONS)
                .map(|_| Table::with_buckets(FIRST_BUCKETS))
                .collect(),
            recent: [Recent::default(); RECENT],
            zero: false,
            len: 0,
        }
    }
}

/// Entries of [`PartitionedKeySet::recent`].
const RECENT: usize = 8;

/// A group's prefix (0 for none) and where its entry is.
#[derive(Clone, Copy, Default)]
struct Recent {
    prefix: u128,
    partition: u32,
    bucket: u32,
    slot: u32,
}

/// Which entry of [`PartitionedKeySet::recent`] a prefix uses.
#[inline]
fn recent_index(prefix: u128) -> usize {
    let folded = (prefix as u64 ^ (prefix >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (folded >> (64 - RECENT.trailing_zeros())) as usize
}

impl PartitionedKeySet {
    /// Adds a key; false when it was already there.
    #[inline]
    pub fn insert(&mut self, key: IdKey) -> bool {
        let new = match place(key.0) {
            (0, _) => !std::mem::replace(&mut self.zero, true),
            (whole, 0) => {
                let h = bucket_hash(whole);
                let (slot, found) = self.whole[partition(h)].entry(whole, h);
                *slot = whole;
                !found
            }
            (prefix, bit) => {
                let r = recent_index(prefix);
                let seen = self.recent[r];
                let slot = if seen.prefix == prefix {
                    &mut self.groups[seen.partition as usize].buckets[seen.bucket as usize].0
                        [seen.slot as usize]
                } else {
                    let h = bucket_hash(prefix);
                    let p = partition(h);
                    let t = &mut self.groups[p];
                    let size = t.buckets.len();
                    let ((b, s), _) = t.locate(prefix, h);
                    if t.buckets.len() != size {
                        self.recent = [Recent::default(); RECENT];
                    }
                    self.recent[r] = Recent {
                        prefix,
                        partition: p as u32,
                        bucket: b as u32,
                        slot: s as u32,
                    };
                    &mut t.buckets[b].0[s]
                };
                slot.prefix = prefix;
                let new = slot.numbers & bit == 0;
                slot.numbers |= bit;
                new
            }
        };
        self.len += usize::from(new);
        new
    }

    /// Reads the cache line where a search for `key` starts, and changes
    /// nothing: a caller about to insert many keys touches several first,
    /// so that their cache misses overlap instead of coming one after the
    /// other (safe Rust has no prefetch instruction; a plain load does the
    /// same when nothing waits for its value). The value is meaningless;
    /// pass the values to [`std::hint::black_box`] so the loads are kept.
    #[inline]
    pub fn touch(&self, key: IdKey) -> u64 {
        match place(key.0) {
            (0, _) => 0,
            (whole, 0) => {
                let h = bucket_hash(whole);
                let t = &self.whole[partition(h)];
                t.buckets[h as usize & (t.buckets.len() - 1)].0[0] as u64
            }
            (prefix, _) => {
                let h = bucket_hash(prefix);
                let t = &self.groups[partition(h)];
                t.buckets[h as usize & (t.buckets.len() - 1)].0[0].prefix as u64
            }
        }
    }

    /// Whether the key is there.
    #[inline]
    pub fn contains(&self, key: IdKey) -> bool {
        match place(key.0) {
            (0, _) => self.zero,
            (whole, 0) => {
                let h = bucket_hash(whole);
                self.whole[partition(h)].get(whole, h).is_some()
            }
            (prefix, bit) => {
                let h = bucket_hash(prefix);
                self.groups[partition(h)]
                    .get(prefix, h)
                    .is_some_and(|g| g.numbers & bit != 0)
            }
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
        for t in &other.whole {
            for key in t.slots() {
                self.insert(IdKey(key));
            }
        }
        for t in &other.groups {
            for g in t.slots() {
                if g.prefix >> 120 == LONG_SERIAL_PREFIX {
                    for n in (0..100u128).filter(|&n| g.numbers >> n & 1 == 1) {
                        self.insert(IdKey(g.prefix & HASH_120 | (LONG_SERIAL + n) << 120));
                    }
                    continue;
                }
                let shift = 8 * (((g.prefix >> 120) as u32) - 2);
                for n in (0..100u8).filter(|&n| g.numbers >> n & 1 == 1) {
                    let digits = u16::from_le_bytes([b'0' + n / 10, b'0' + n % 10]);
                    self.insert(IdKey(g.prefix | u128::from(digits) << shift));
                }
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

    /// The word path for ids of 8 to 15 bytes packs them as the byte copy
    /// does.
    #[test]
    fn every_short_length_packs_the_bytes_and_the_length() {
        let text = "ABCDEFGHIJKLMNOP";
        for n in 0..=15 {
            let id = &text[..n];
            let mut k = [0u8; 16];
            k[..n].copy_from_slice(id.as_bytes());
            k[15] = n as u8;
            assert_eq!(IdKey::of(id), IdKey(u128::from_le_bytes(k)), "{id}");
        }
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
            let id = match r % 8 {
                0 => format!("XF2023{:09}", r % 3000),
                1 => format!("{}", r % 100_000),
                2 => (0..(r % 16) as usize)
                    .map(|i| alphabet[(r.rotate_right(8 + 4 * i as u32) % 17) as usize] as char)
                    .collect(),
                3 => format!("91330110MA2XXXXXX1-{}", r % 500),
                4 => format!("XF330110{:012}", r % 3000),
                5 => format!("余人社信〔2023〕第{:05}号", r % 3000),
                6 => (0..16 + (r % 24) as usize)
                    .map(|i| alphabet[(r.rotate_right(4 * i as u32 % 64) % 17) as usize] as char)
                    .collect(),
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
    fn ids_that_differ_in_the_last_two_digits_share_an_entry() {
        let mut s = PartitionedKeySet::default();
        for n in 0..100 {
            assert!(s.insert(IdKey::of(&format!("XF2023000000{n:02}"))));
        }
        for n in 0..100 {
            assert!(!s.insert(IdKey::of(&format!("XF2023000000{n:02}"))));
        }
        // A letter before or after the last digit: whole entries. Two
        // shorter ids of one prefix share a group; two digits alone group
        // under the empty prefix.
        for id in [
            "XF20230000001",
            "XF202300000001A",
            "XF2023000000A1",
            "12",
            "XF20230000010",
        ] {
            assert!(s.insert(IdKey::of(id)), "{id}");
        }
        assert!(s.contains(IdKey::of("XF202300000099")));
        assert!(!s.contains(IdKey::of("XF202300000199")));
        let whole: usize = s.whole.iter().map(|t| t.entries).sum();
        let groups: usize = s.groups.iter().map(|t| t.entries).sum();
        assert_eq!((s.len(), whole, groups), (105, 2, 3));
    }

    /// Long serial ids: the two last digits of the run are exact in the
    /// key, and ids that differ in them only share a group entry.
    #[test]
    fn long_serial_ids_share_groups() {
        assert_eq!(serial_digits(b"XF330110202300012345"), Some(18));
        assert_eq!(
            serial_digits("余人社信〔2023〕第01234号".as_bytes()),
            Some(28)
        );
        assert_eq!(serial_digits("abcdefghijklmnop号".as_bytes()), None);
        assert_eq!(serial_digits(b"abcdefghijklm1234"), None);
        assert_eq!(serial_digits(b"abcdefghijk12345"), Some(14));
        assert_eq!(serial_digits(b"abcdefghijk12345-A"), None);
        assert_eq!(serial_digits("abcdefghijk12😀".as_bytes()), None);
        assert_eq!(serial_digits("ab12345 ±".as_bytes()), None);
        let mut s = PartitionedKeySet::default();
        let mut keys = std::collections::HashSet::new();
        for n in 0..300 {
            for id in [
                format!("XF3301102023000{n:05}"),
                format!("余人社信〔2023〕第{n:05}号"),
                format!("余人社信〔2022〕第{n:05}号"),
            ] {
                let k = IdKey::of(&id);
                assert!(keys.insert(k), "{id}");
                assert!(s.insert(k) && !s.insert(k) && s.contains(k), "{id}");
                // Every other id of the same shape differs from it.
                assert_ne!(k, IdKey::of(&id.replace('0', "1")));
            }
        }
        // 300 serials in each of 3 shapes: 3 groups per hundred.
        let groups: usize = s.groups.iter().map(|t| t.entries).sum();
        let whole: usize = s.whole.iter().map(|t| t.entries).sum();
        assert_eq!((s.len(), groups, whole), (900, 9, 0));
        // Ids that differ in any of their other digits are keys of their own.
        assert_ne!(
            IdKey::of("XF330110202300012345"),
            IdKey::of("XF330110202300022345")
        );
        assert_ne!(
            IdKey::of("余人社信〔2023〕第01234号"),
            IdKey::of("余人社信〔2023〕第01234号 ")
        );
        let mut copy = PartitionedKeySet::default();
        copy.extend(s);
        assert_eq!(copy.len(), 900);
        for k in &keys {
            assert!(copy.contains(*k));
        }
        // The copy-free hash of an id longer than the stack buffer is the
        // marked copy's.
        let long = format!("{}{}", "长".repeat(40), "0001234");
        let at = serial_digits(long.as_bytes()).expect("serial");
        let mut marked = long.clone().into_bytes();
        marked[at] = 0xFF;
        marked[at + 1] = 0xFF;
        let h = xxhash_rust::xxh3::xxh3_128(&marked);
        assert_eq!(IdKey::of(&long).0, h & HASH_120 | (LONG_SERIAL + 34) << 120);
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
