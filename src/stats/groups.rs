//! Counters keyed by free text (categories, channels, departments), with one
//! hash lookup and no allocation per row once a name has been seen.

use std::collections::BTreeMap;

use super::distinct::FastMap;

/// Values keyed by name.
#[derive(Debug, Clone)]
pub struct Groups<V> {
    index: FastMap<Box<str>, usize>,
    entries: Vec<(Box<str>, V)>,
}

impl<V> Default for Groups<V> {
    fn default() -> Self {
        Groups {
            index: FastMap::default(),
            entries: Vec::new(),
        }
    }
}

impl<V: Default> Groups<V> {
    /// The value for `name`, created on first sight.
    #[inline]
    pub fn entry(&mut self, name: &str) -> &mut V {
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                let i = self.entries.len();
                self.index.insert(name.into(), i);
                self.entries.push((name.into(), V::default()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Adds every value of `other` into this one with `add`.
    pub fn merge(&mut self, other: Groups<V>, mut add: impl FnMut(&mut V, V)) {
        for (name, v) in other.entries {
            add(self.entry(&name), v);
        }
    }
}

impl<V> Groups<V> {
    /// The entries sorted by name.
    pub fn into_sorted<W>(self, mut f: impl FnMut(V) -> W) -> BTreeMap<String, W> {
        self.entries
            .into_iter()
            .map(|(k, v)| (k.into(), f(v)))
            .collect()
    }

    /// Names and values, in first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_merges() {
        let mut a: Groups<u64> = Groups::default();
        *a.entry("欠薪") += 1;
        *a.entry("社保") += 2;
        *a.entry("欠薪") += 1;
        let mut b: Groups<u64> = Groups::default();
        *b.entry("社保") += 5;
        *b.entry("其他") += 1;
        a.merge(b, |x, y| *x += y);
        let m = a.into_sorted(|v| v);
        assert_eq!(
            m.into_iter().collect::<Vec<_>>(),
            vec![("其他".into(), 1), ("欠薪".into(), 2), ("社保".into(), 7)]
        );
    }
}
