//! Summaries of day counts: how long reviews and cases took.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::options::Rounding;
use crate::stats::change::Decimal2;

/// Counts of calendar days (review days, a case's cycle): `count`,
/// `mean`, `median`, `max`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Days {
    /// How many.
    pub count: u64,
    /// Mean days, two decimals; null when there are none.
    pub mean: Option<Decimal2>,
    /// Median days (the mean of the two middle values for an even count);
    /// null when there are none.
    pub median: Option<Decimal2>,
    /// Longest; null when there are none.
    pub max: Option<i64>,
}

impl Days {
    /// The summary of a histogram: days → how many took them.
    pub fn from_histogram(days: &BTreeMap<i64, u64>, rounding: Rounding) -> Days {
        let count: u64 = days.values().sum();
        let sum: i128 = days.iter().map(|(d, n)| *d as i128 * *n as i128).sum();
        // The k-th smallest value (0-based).
        let nth = |k: u64| {
            let mut seen = 0;
            for (d, n) in days {
                seen += n;
                if k < seen {
                    return *d;
                }
            }
            unreachable!("k < count")
        };
        let median = (count > 0).then(|| {
            let lo = nth((count - 1) / 2);
            let hi = nth(count / 2);
            // (lo + hi) / 2 has at most one decimal: exact in hundredths.
            Decimal2((lo + hi) * 50)
        });
        Days {
            count,
            mean: Decimal2::ratio(sum, count as i128, rounding),
            median,
            max: days.keys().next_back().copied(),
        }
    }
}
