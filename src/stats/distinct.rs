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

use std::collections::{HashMap, HashSet};
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
    /// exact keys, whose bytes are far from uniform).
    #[inline]
    pub fn shard(self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let h = fold(
            self.0 as u64 ^ 0x243F_6A88_85A3_08D3,
            (self.0 >> 64) as u64 ^ 0x1319_8A2E_0370_7344,
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
fn seed() -> (u64, u64) {
    static SEED: OnceLock<(u64, u64)> = OnceLock::new();
    *SEED.get_or_init(|| {
        let s = std::collections::hash_map::RandomState::new();
        (s.hash_one(0x5EED_u64), s.hash_one(0xC0FFEE_u64))
    })
}

#[inline]
fn fold(a: u64, b: u64) -> u64 {
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
const PARTITIONS: usize = 256;

/// A set of ids for tens of millions of keys: 256 tables chosen by key, so
/// that a table growing holds its old and new storage together for a
/// 256th of the keys only, not for all of them (a single table's
/// growth would briefly need three times the memory of its keys).
pub struct PartitionedKeySet {
    tables: Vec<KeySet>,
}

impl Default for PartitionedKeySet {
    fn default() -> Self {
        PartitionedKeySet {
            tables: (0..PARTITIONS).map(|_| KeySet::default()).collect(),
        }
    }
}

impl PartitionedKeySet {
    #[inline]
    fn table(&self, key: IdKey) -> usize {
        // Independent of `shard` (other bits of another mix).
        let h = fold(
            key.0 as u64 ^ 0xA409_3822_299F_31D0,
            (key.0 >> 64) as u64 ^ 0x082E_FA98_EC4E_6C89,
        );
        (h >> 56) as usize % PARTITIONS
    }

    /// Adds a key; false when it was already there.
    #[inline]
    pub fn insert(&mut self, key: IdKey) -> bool {
        let t = self.table(key);
        self.tables[t].insert(key)
    }

    /// Whether the key is there.
    #[inline]
    pub fn contains(&self, key: IdKey) -> bool {
        self.tables[self.table(key)].contains(&key)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.tables.iter().map(|t| t.len()).sum()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.tables.iter().all(|t| t.is_empty())
    }

    /// Adds every key of `other`.
    pub fn extend(&mut self, other: PartitionedKeySet) {
        for (mine, theirs) in self.tables.iter_mut().zip(other.tables) {
            mine.extend(theirs);
        }
    }
}

/// A map with the fast hasher.
pub type FastMap<K, V> = HashMap<K, V, FastState>;

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
    fn sets_count_distinct_keys() {
        let mut s = KeySet::default();
        for i in 0..100_000 {
            assert!(s.insert(IdKey::of(&format!("XF{i}"))));
        }
        assert!(!s.insert(IdKey::of("XF42")));
        assert_eq!(s.len(), 100_000);
    }
}
