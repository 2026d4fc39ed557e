//! A fixed-seed pseudo-random source for unit tests that compare a fast
//! path with a slow one on many generated inputs (no dependency, the same
//! inputs on every run).

/// Marsaglia's xorshift64: `seed` must not be 0.
pub(crate) fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
