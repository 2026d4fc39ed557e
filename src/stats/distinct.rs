//! Collision-proof distinct sets and id keys.
//!
//! Ids are remembered as 128-bit keys built from two independently keyed
//! SipHash passes over the id's bytes, so a set of ten million ids costs 16
//! bytes an id, and two different ids share a key with probability about
//! 2⁻¹²⁸ × n² — far below any hardware error rate. A false duplicate would
//! silently drop a row; a 64-bit key would make that plausible at provincial
//! volumes, 128 bits does not.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// A 128-bit key of one or more text parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdKey(pub u128);

impl IdKey {
    /// The key of `parts` (each part length-prefixed, so `("ab","c")` and
    /// `("a","bc")` differ).
    pub fn of(parts: &[&str]) -> IdKey {
        let mut a = std::hash::DefaultHasher::new();
        let mut b = std::hash::DefaultHasher::new();
        a.write_u8(0xA5);
        b.write_u8(0x5A);
        b.write_u64(0x9E37_79B9_7F4A_7C15);
        for p in parts {
            a.write_usize(p.len());
            a.write(p.as_bytes());
            b.write_usize(p.len());
            b.write(p.as_bytes());
        }
        IdKey(((a.finish() as u128) << 64) | b.finish() as u128)
    }
}

/// Hashing for keys that already are uniform hashes: use their low bits.
#[derive(Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64 ^ (v >> 64) as u64;
    }
}

/// A set of [`IdKey`]s.
pub type KeySet = HashSet<IdKey, BuildHasherDefault<PassThrough>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_parts() {
        assert_ne!(IdKey::of(&["ab", "c"]), IdKey::of(&["a", "bc"]));
        assert_eq!(IdKey::of(&["XF1"]), IdKey::of(&["XF1"]));
        let mut s = KeySet::default();
        for i in 0..100_000 {
            assert!(s.insert(IdKey::of(&[&format!("XF{i}")])));
        }
        assert!(!s.insert(IdKey::of(&["XF42"])));
    }
}
