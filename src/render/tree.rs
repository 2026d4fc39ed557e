//! A report's JSON as an ordered tree: the renderers walk the figures in
//! the order the report declares them (document types, months, outcomes),
//! which `serde_json::Value` — whose maps sort their keys — does not keep.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use crate::report::Report;

/// One node of a report's JSON, objects in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null`: a figure with no value (a rate over nothing).
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number as the JSON has it.
    Number(Number),
    /// A string (dates are ISO `YYYY-MM-DD`).
    String(String),
    /// An array (only the problem list has one).
    Array(Vec<Node>),
    /// An object, its entries in document order.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The JSON of `report`, in document order.
    pub fn of(report: &Report) -> Node {
        // The report's serialisation is the JSON document itself; reading
        // it back into this type keeps its order (a derived struct's
        // fields, a vocabulary's values, sorted free-text keys).
        let text = serde_json::to_string(report).expect("reports serialise to JSON");
        serde_json::from_str(&text).expect("a report's own JSON reads back")
    }

    /// The entry `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The node at `segments` below this one.
    pub fn at<S: AsRef<str>>(&self, segments: &[S]) -> Option<&Node> {
        segments
            .iter()
            .try_fold(self, |node, s| node.get(s.as_ref()))
    }

    /// Whether this is a leaf (neither object nor array).
    pub fn is_leaf(&self) -> bool {
        !matches!(self, Node::Object(_) | Node::Array(_))
    }

    /// Every leaf below this node as (segments, leaf), in document order.
    pub fn leaves(&self) -> Vec<(Vec<&str>, &Node)> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.collect_leaves(&mut path, &mut out);
        out
    }

    fn collect_leaves<'n>(
        &'n self,
        path: &mut Vec<&'n str>,
        out: &mut Vec<(Vec<&'n str>, &'n Node)>,
    ) {
        match self {
            Node::Object(entries) => {
                for (k, v) in entries {
                    path.push(k);
                    v.collect_leaves(path, out);
                    path.pop();
                }
            }
            // Array elements have no key of their own to name a figure by;
            // the only array is the problem list, which no renderer walks
            // as figures.
            Node::Array(_) => {}
            leaf => out.push((path.clone(), leaf)),
        }
    }

    /// The leaf as text, exactly as the report has it: integers as
    /// integers, two-decimal figures (percentages, means, yuan) with their
    /// two decimals (`17.00`, `-33.16`), `null` as the empty string.
    pub fn text(&self) -> String {
        match self {
            Node::Null => String::new(),
            Node::Bool(b) => b.to_string(),
            Node::Number(n) => number_text(n),
            Node::String(s) => s.clone(),
            Node::Array(_) | Node::Object(_) => String::new(),
        }
    }

    /// The number, when this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Node::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The integer, when this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Node::Number(n) => n.as_i64(),
            _ => None,
        }
    }
}

/// A JSON number as text, a fractional one with at least two decimals:
/// every fractional figure of a report is a two-decimal value serialised
/// as the nearest f64, whose shortest text (`17.0`, `-33.16`) this pads
/// without rounding anything.
pub(crate) fn number_text(n: &Number) -> String {
    let s = n.to_string();
    if n.is_i64() || n.is_u64() || s.contains(['e', 'E']) {
        return s;
    }
    match s.split_once('.') {
        Some((_, frac)) if frac.len() < 2 => format!("{s}{}", "0".repeat(2 - frac.len())),
        Some(_) => s,
        None => format!("{s}.00"),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Number::from_f64(v)
            .map(Node::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            entries.push((k, v));
        }
        Ok(Node::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_document_order_and_two_decimals() {
        let n: Node = serde_json::from_str(
            r#"{"b": {"z": 1, "a": -33.16}, "a": [1], "m": 17.0, "x": null, "d": "2023-06-01"}"#,
        )
        .unwrap();
        let leaves: Vec<(String, String)> = n
            .leaves()
            .into_iter()
            .map(|(p, v)| (p.join("."), v.text()))
            .collect();
        let want = [
            ("b.z", "1"),
            ("b.a", "-33.16"),
            ("m", "17.00"),
            ("x", ""),
            ("d", "2023-06-01"),
        ];
        assert_eq!(
            leaves,
            want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
        );
        assert_eq!(n.at(&["b", "z"]).and_then(Node::as_i64), Some(1));
        assert_eq!(
            number_text(&Number::from_f64(756000.0).unwrap()),
            "756000.00"
        );
        assert_eq!(number_text(&Number::from_f64(0.5).unwrap()), "0.50");
        assert_eq!(number_text(&Number::from(-630)), "-630");
    }
}
