//! Exact percentages and means, rounded to two decimals, and year-on-year
//! changes.
//!
//! Every figure is computed from integers: the quotient is formed in
//! hundredths with integer division and rounded by the chosen rule, so no
//! binary floating point is ever on the way (−33.16, not −33.159999).

use std::fmt;

use serde::{Serialize, Serializer};

use crate::options::Rounding;

/// A number with exactly two decimals, stored as hundredths.
///
/// Serialises as a JSON number (`-33.16`); displays as `-33.16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal2(pub i64);

impl Decimal2 {
    /// The value in hundredths.
    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// The value as the nearest `f64`.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// `numerator / denominator` rounded to two decimals; None when the
    /// denominator is 0.
    pub fn ratio(numerator: i128, denominator: i128, rounding: Rounding) -> Option<Decimal2> {
        if denominator == 0 {
            return None;
        }
        let (n, d) = if denominator < 0 {
            (-numerator, -denominator)
        } else {
            (numerator, denominator)
        };
        Some(Decimal2(div_round(n * 100, d, rounding) as i64))
    }

    /// `part / whole × 100`, two decimals; None when `whole` is 0.
    pub fn percent(part: i128, whole: i128, rounding: Rounding) -> Option<Decimal2> {
        Decimal2::ratio(part * 100, whole, rounding)
    }
}

/// `n / d` rounded to an integer by `rule`; `d` must be positive.
pub fn div_round(n: i128, d: i128, rule: Rounding) -> i128 {
    debug_assert!(d > 0);
    let q = n / d;
    let r = n % d;
    if r == 0 {
        return q;
    }
    let away = if n < 0 { q - 1 } else { q + 1 };
    let twice = 2 * r.abs();
    match twice.cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => away,
        std::cmp::Ordering::Equal => match rule {
            Rounding::HalfAwayFromZero => away,
            Rounding::HalfEven => {
                if q % 2 == 0 {
                    q
                } else {
                    away
                }
            }
        },
    }
}

impl fmt::Display for Decimal2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl Serialize for Decimal2 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // hundredths / 100 is the f64 nearest the decimal, and serde_json
        // prints the shortest text that reads back to it: -33.16.
        s.serialize_f64(self.to_f64())
    }
}

/// A figure for the current and the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Count in the current period.
    pub current: u64,
    /// Count in the previous period.
    pub previous: u64,
    /// current − previous.
    pub change: i64,
    /// (current − previous) / previous × 100, two decimals; null when
    /// previous is 0.
    pub change_pct: Option<Decimal2>,
}

impl Change {
    /// The change from `previous` to `current`.
    pub fn new(current: u64, previous: u64, rounding: Rounding) -> Change {
        let change = current as i128 - previous as i128;
        Change {
            current,
            previous,
            change: change as i64,
            change_pct: Decimal2::percent(change, previous as i128, rounding),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Rounding::*;

    fn pct(cur: u64, prev: u64, r: Rounding) -> String {
        Change::new(cur, prev, r)
            .change_pct
            .map(|d| d.to_string())
            .unwrap_or("null".into())
    }

    #[test]
    fn spec_examples() {
        // 32 → 33 is +3.125%: 3.13 by 四舍五入, 3.12 by GB/T 8170.
        assert_eq!(pct(33, 32, HalfAwayFromZero), "3.13");
        assert_eq!(pct(33, 32, HalfEven), "3.12");
        // 1900 → 1270: −630/1900 = −33.1578… → −33.16
        assert_eq!(pct(1270, 1900, HalfAwayFromZero), "-33.16");
        assert_eq!(pct(5, 0, HalfAwayFromZero), "null");
        assert_eq!(pct(0, 5, HalfAwayFromZero), "-100.00");
    }

    #[test]
    fn negative_halves() {
        // 31 → 32... use −3.125: 32 → 31 is −3.125%.
        assert_eq!(pct(31, 32, HalfAwayFromZero), "-3.13");
        assert_eq!(pct(31, 32, HalfEven), "-3.12");
        // −0.125 → −0.13 / −0.12; 0.375 → 0.38 both ways (odd hundredth + half)
        assert_eq!(
            Decimal2::ratio(-1, 8, HalfAwayFromZero)
                .unwrap()
                .to_string(),
            "-0.13"
        );
        assert_eq!(
            Decimal2::ratio(-1, 8, HalfEven).unwrap().to_string(),
            "-0.12"
        );
        assert_eq!(Decimal2::ratio(3, 8, HalfEven).unwrap().to_string(), "0.38");
        assert_eq!(
            Decimal2::ratio(-3, -8, HalfEven).unwrap().to_string(),
            "0.38"
        );
    }

    #[test]
    fn json_is_the_decimal() {
        let c = Change::new(1270, 1900, HalfAwayFromZero);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"current":1270,"previous":1900,"change":-630,"change_pct":-33.16}"#
        );
        assert_eq!(serde_json::to_string(&Decimal2(5)).unwrap(), "0.05");
        assert_eq!(serde_json::to_string(&Decimal2(-100)).unwrap(), "-1.0");
    }
}
