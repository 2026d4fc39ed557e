//! Small pieces of the Chinese text output that every ledger's
//! `write_text` uses: a vocabulary value's label, an absent value, a
//! percentage, a year-on-year change.

use std::fmt::{Display, Write};

use super::Vocab;
use crate::stats::change::{Change, Decimal2};

/// The Chinese label of a vocabulary value: its first word (`未填写` for
/// the empty cell's value, which has none).
pub(crate) fn label<E: Vocab>(e: E) -> &'static str {
    e.words().first().copied().unwrap_or(super::NOT_FILLED)
}

/// A value, or `—` when there is none.
pub(crate) fn opt<T: Display>(v: Option<T>) -> String {
    v.map_or_else(|| "—".to_string(), |v| v.to_string())
}

/// A percentage (`95.24%`), or `—`.
pub(crate) fn pct(v: Option<Decimal2>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v}%"))
}

/// `1270（上年同期 1900，增减 -630，-33.16%）`
pub(crate) fn change(c: &Change) -> String {
    format!(
        "{}（上年同期 {}，增减 {:+}，{}）",
        c.current,
        c.previous,
        c.change,
        pct(c.change_pct)
    )
}

/// `key value` pairs joined with `，` (`行政合同 97，规范性文件 3`).
pub(crate) fn pairs<K: Display, V: Display>(items: impl IntoIterator<Item = (K, V)>) -> String {
    let mut s = String::new();
    for (i, (k, v)) in items.into_iter().enumerate() {
        if i > 0 {
            s.push('，');
        }
        let _ = write!(s, "{k} {v}");
    }
    s
}

/// Appends one line (`writeln!` into a `String` cannot fail).
macro_rules! line {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}
pub(crate) use line;
