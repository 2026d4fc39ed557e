//! Header mapping: which field of a record holds which column of a dataset.

use crate::error::FileError;
use crate::input::fields::normalise_header;

/// One column a dataset reads.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// The canonical key (`review_id`).
    pub key: &'static str,
    /// Headers that also name it (`审查编号`, `编号`).
    pub aliases: &'static [&'static str],
    /// Whether a file without it is rejected.
    pub required: bool,
}

impl ColumnSpec {
    /// The key and its aliases, as a header may spell them.
    pub fn accepted(&self, extra: &[(String, String)]) -> Vec<String> {
        let mut v = vec![self.key.to_string()];
        v.extend(self.aliases.iter().map(|a| a.to_string()));
        v.extend(
            extra
                .iter()
                .filter(|(_, k)| normalise_header(k) == self.key)
                .map(|(h, _)| h.clone()),
        );
        v
    }
}

/// Where each column of a dataset sits in the file.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    /// For each column of the dataset (in declaration order), the index of
    /// its field in the record, if present.
    pub index: Vec<Option<usize>>,
    /// Every header cell as written (trimmed).
    pub names: Vec<String>,
    /// How many of the dataset's columns were found.
    pub matched: usize,
}

impl HeaderMap {
    /// Maps `headers` to `columns`. `extra` aliases (header → key) win over
    /// the built-in ones.
    pub fn new(
        columns: &[ColumnSpec],
        headers: &[String],
        extra: &[(String, String)],
    ) -> Result<HeaderMap, FileError> {
        let mut index = vec![None; columns.len()];
        let mut hits: Vec<Vec<usize>> = vec![Vec::new(); columns.len()];
        for (pos, h) in headers.iter().enumerate() {
            let n = normalise_header(h);
            if n.is_empty() {
                continue;
            }
            if let Some(c) = column_of(columns, &n, extra) {
                hits[c].push(pos);
            }
        }
        let found: Vec<String> = headers.to_vec();
        let mut missing = Vec::new();
        for (c, spec) in columns.iter().enumerate() {
            match hits[c].as_slice() {
                [] if spec.required => missing.push((spec.key.to_string(), spec.accepted(extra))),
                [] => {}
                [one] => index[c] = Some(*one),
                many => {
                    return Err(FileError::AmbiguousColumn {
                        key: spec.key.to_string(),
                        aliases: spec.accepted(extra),
                        columns: many.iter().map(|&i| headers[i].clone()).collect(),
                        found,
                    });
                }
            }
        }
        if !missing.is_empty() {
            return Err(FileError::MissingColumns { missing, found });
        }
        let matched = index.iter().filter(|i| i.is_some()).count();
        Ok(HeaderMap {
            index,
            names: headers.to_vec(),
            matched,
        })
    }
}

/// The column a normalised header names, if any.
fn column_of(columns: &[ColumnSpec], n: &str, extra: &[(String, String)]) -> Option<usize> {
    for (h, k) in extra {
        if normalise_header(h) == n {
            let k = normalise_header(k);
            return columns.iter().position(|c| c.key == k);
        }
    }
    columns
        .iter()
        .position(|c| c.key == n || c.aliases.iter().any(|a| normalise_header(a) == n))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[ColumnSpec] = &[
        ColumnSpec {
            key: "id",
            aliases: &["编号", "件号"],
            required: true,
        },
        ColumnSpec {
            key: "when",
            aliases: &["登记日期"],
            required: true,
        },
        ColumnSpec {
            key: "note",
            aliases: &["备注"],
            required: false,
        },
    ];

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn aliases_case_and_padding() {
        let m =
            HeaderMap::new(COLS, &h(&["\u{feff}其他", " 登记日期\u{3000}", "ID"]), &[]).unwrap();
        assert_eq!(m.index, vec![Some(2), Some(1), None]);
        assert_eq!(m.matched, 2);
    }

    #[test]
    fn extra_aliases_win() {
        let extra = vec![("来件日期".to_string(), "when".to_string())];
        let m = HeaderMap::new(COLS, &h(&["编号", "来件日期"]), &extra).unwrap();
        assert_eq!(m.index, vec![Some(0), Some(1), None]);
    }

    #[test]
    fn missing_and_ambiguous_name_key_aliases_and_headers() {
        let e = HeaderMap::new(COLS, &h(&["编号", "名称"]), &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "missing required column `when` (accepted headers: when, 登记日期); the header has: 编号, 名称"
        );
        let e = HeaderMap::new(COLS, &h(&["编号", "件号", "登记日期"]), &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "columns `编号`, `件号` all map to `id` (accepted headers: id, 编号, 件号); keep one or rename the others; the header has: 编号, 件号, 登记日期"
        );
    }
}
