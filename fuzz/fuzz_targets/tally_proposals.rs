//! Whole proposals reports; see tally.rs.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "tally.rs"]
mod tally;

fuzz_target!(|data: &[u8]| tally::run(govtally::Dataset::Proposals, data));
