//! Building blocks the datasets share: exact two-decimal figures, counters
//! and collision-proof distinct sets.

pub mod change;
pub mod days;
pub mod distinct;
pub mod groups;
