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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_by_hand() {
        // 1, 3, 3, 10 → mean 17/4 = 4.25, median (3+3)/2 = 3, max 10
        let h: BTreeMap<i64, u64> = [(1, 1), (3, 2), (10, 1)].into();
        let r = Days::from_histogram(&h, Rounding::HalfAwayFromZero);
        assert_eq!(r.count, 4);
        assert_eq!(r.mean, Some(Decimal2(425)));
        assert_eq!(r.median, Some(Decimal2(300)));
        assert_eq!(r.max, Some(10));
        // 2, 5 → median 3.5; 1, 2, 2 → mean 5/3 = 1.67
        let h: BTreeMap<i64, u64> = [(2, 1), (5, 1)].into();
        assert_eq!(
            Days::from_histogram(&h, Rounding::HalfEven).median,
            Some(Decimal2(350))
        );
        let h: BTreeMap<i64, u64> = [(1, 1), (2, 2)].into();
        assert_eq!(
            Days::from_histogram(&h, Rounding::HalfEven).mean,
            Some(Decimal2(167))
        );
        let r = Days::from_histogram(&BTreeMap::new(), Rounding::HalfEven);
        assert_eq!((r.count, r.mean, r.median, r.max), (0, None, None, None));
    }
}
