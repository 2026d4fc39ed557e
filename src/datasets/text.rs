//! Small pieces of the Chinese text output that every ledger's
//! `write_text` uses: a vocabulary value's label, an absent value, a
//! percentage, a year-on-year change.

use std::borrow::Cow;
use std::fmt::{Display, Write};

use super::Vocab;
use crate::stats::change::{Change, Decimal2};

/// The Chinese label of a vocabulary value: its first word (`未填写` for
/// the empty cell's value, which has none).
pub(crate) fn label<E: Vocab>(e: E) -> &'static str {
    e.words().first().copied().unwrap_or(super::NOT_FILLED)
}

/// The label of the vocabulary value whose JSON key is `key` (a figure
/// label's segment); None when `key` is none of `E`'s.
pub(crate) fn key_label<E: Vocab>(key: &str) -> Option<Cow<'static, str>> {
    E::ALL
        .iter()
        .find(|e| e.key() == key)
        .map(|e| Cow::Borrowed(label(*e)))
}

/// A free-text group's name (a department, a category, a month) as its
/// own label.
pub(crate) fn name(key: &str) -> Option<Cow<'static, str>> {
    Some(Cow::Owned(key.to_string()))
}

/// A fixed label.
pub(crate) fn word(w: &'static str) -> Option<Cow<'static, str>> {
    Some(Cow::Borrowed(w))
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
