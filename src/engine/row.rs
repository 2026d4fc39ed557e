//! One record made a typed row of the dataset, or a blank line, or a
//! rejected row with its problem: the step every path (sequential, batch,
//! workbook sheet) shares.

use crate::datasets::{Cells, DatasetSpec};
use crate::error::{FileError, Problem};
use crate::input::decode::SourceEncoding;
use crate::input::fields::trim;
use crate::input::header::HeaderMap;
use crate::input::mask::mask_personal;
use crate::input::records::{Overflow, Record};
use crate::stats::distinct::IdKey;

/// What the row parser needs to know about the file.
pub(super) struct Context<'c> {
    pub(super) map: &'c HeaderMap,
    pub(super) width: usize,
    pub(super) file: &'c str,
    pub(super) enc: SourceEncoding,
    /// The workbook sheet being read (None for CSV).
    pub(super) sheet: Option<&'c str>,
    /// Prefixed to every id (`Options::id_prefix`).
    pub(super) prefix: Option<&'c str>,
}

/// How many non-blank rows at the top of a file may come before its
/// header (title rows): the header is the first of them that maps every
/// required column.
pub(crate) const HEADER_ROWS: usize = 10;

/// What became of one record.
pub(super) enum Parsed<R> {
    Blank,
    Rejected,
    Row(IdKey, R),
}

/// Reads one record as a row of `D`; `bytes` are the record's bytes for as
/// long as the row may borrow them.
#[inline(always)]
pub(super) fn parse_record<'b, D: DatasetSpec>(
    ctx: &Context<'_>,
    rec: &Record<'_>,
    bytes: &'b [u8],
    text: Option<&'b str>,
    problems: &mut Vec<Problem>,
    cell_errors: &[usize],
) -> Parsed<D::Row<'b>> {
    #[cfg(feature = "test-hooks")]
    crate::test_hooks::row_parsed();
    // An ordinary row (not blank-looking, whole, as wide as the header)
    // needs neither check: both stay out of line for the rows that do.
    let ordinary =
        !rec.blank_candidate && rec.overflow.is_none() && rec.len() == ctx.map.names.len();
    if !ordinary {
        if is_blank(rec, ctx.enc) {
            return Parsed::Blank;
        }
        if let Some(p) = shape_problem(rec, ctx) {
            problems.push(p);
            return Parsed::Rejected;
        }
    }
    // Fields are sliced from the record's text (a slice that does not fall
    // on character boundaries is decoded field by field instead).
    let whole = text.or_else(|| std::str::from_utf8(bytes).ok());
    let before = problems.len();
    let mut cells = Cells {
        record: rec,
        bytes,
        whole,
        map: ctx.map,
        encoding: ctx.enc,
        file: ctx.file,
        problems,
        sheet: ctx.sheet,
        cell_errors,
    };
    match D::parse(&mut cells) {
        Some((key, row)) if problems.len() == before => match ctx.prefix {
            None => Parsed::Row(key, row),
            Some(p) => Parsed::Row(prefixed(key, p), row),
        },
        _ => Parsed::Rejected,
    }
}

/// The key of an id with a prefix (`Options::id_prefix`): a 128-bit hash
/// of the prefix and the id's key, tagged as hashed keys are, so that no
/// two (prefix, id) pairs share a key but with the probability two long
/// ids do (`stats::distinct`).
#[cold]
pub(super) fn prefixed(key: IdKey, prefix: &str) -> IdKey {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&(prefix.len() as u64).to_le_bytes());
    h.update(prefix.as_bytes());
    h.update(&key.0.to_le_bytes());
    IdKey(h.digest128() | (1u128 << 127))
}

/// The longest stretch of `input` that is valid UTF-8, from its first
/// character boundary (a chunk may start inside a character whose first
/// bytes ended the previous chunk): validated once, in bulk, so records
/// taken from it are not validated again one by one.
pub(super) fn text_prefix(input: &[u8]) -> (usize, &str) {
    let start = input
        .iter()
        .take(4)
        .position(|&b| (b as i8) >= -0x40)
        .unwrap_or(input.len().min(4));
    let rest = &input[start..];
    let text = match simdutf8::compat::from_utf8(rest) {
        Ok(s) => s,
        Err(e) => simdutf8::compat::from_utf8(&rest[..e.valid_up_to()]).unwrap_or(""),
    };
    (start, text)
}

/// The text of a record taken straight from `input`, when it lies in the
/// validated stretch.
#[inline]
pub(super) fn record_text<'b>(
    rec: &Record<'_>,
    (start, text): (usize, &'b str),
) -> Option<&'b str> {
    let off = rec.offset()?.checked_sub(start)?;
    text.get(off..off + rec.bytes().len())
}

/// The header cells, decoded and trimmed.
pub(crate) fn header_names(
    rec: &Record<'_>,
    enc: SourceEncoding,
) -> Result<Vec<String>, FileError> {
    (0..rec.len())
        .map(|i| {
            let raw = rec.field(i).unwrap_or(&[]);
            // A header cell is shown in messages; personal numbers never
            // are (and no alias holds a run of 11 digits to be hidden).
            enc.decode_field(raw)
                .map(|s| mask_personal(trim(&s)).into_owned())
                .map_err(|reason| FileError::HeaderEncoding {
                    column: i + 1,
                    value: mask_personal(&enc.escape_invalid(raw)).into_owned(),
                    reason,
                })
        })
        .collect()
}

/// A blank line: nothing but white space (ASCII, U+3000, …) and delimiters.
pub(crate) fn is_blank(rec: &Record<'_>, enc: SourceEncoding) -> bool {
    rec.blank
        || (rec.blank_candidate
            && (0..rec.len()).all(|i| {
                enc.decode_field(rec.field(i).unwrap_or(&[]))
                    .is_ok_and(|s| trim(&s).is_empty())
            }))
}

/// A row whose shape is wrong: too long, too many fields, an unclosed
/// quote, fewer fields than the header, or non-empty fields past its end.
pub(super) fn shape_problem(rec: &Record<'_>, ctx: &Context<'_>) -> Option<Problem> {
    let enc = ctx.enc;
    let problem = |column: String, value: String, reason: String| {
        let p = Problem::new(ctx.file, rec.line, column, value, reason);
        match ctx.sheet {
            Some(sheet) => p.in_sheet(sheet, None),
            None => p,
        }
    };
    if let Some(o) = rec.overflow {
        let joined = rec.joined();
        let shown = match enc.decode_field(&joined) {
            Ok(s) => s.into_owned(),
            Err(_) => enc.escape_invalid(&joined),
        };
        let reason = match o {
            Overflow::TooLong => {
                "the row is longer than the record size limit (Limits::max_record_bytes)"
            }
            Overflow::TooManyFields => {
                "the row has more fields than the column limit (Limits::max_columns)"
            }
            Overflow::UnclosedQuote => "a quoted field opened on this line is never closed",
        };
        return Some(problem(
            String::new(),
            mask_personal(&shown).chars().take(80).collect(),
            reason.to_string(),
        ));
    }
    let n = rec.len();
    let names = &ctx.map.names;
    if n < ctx.width {
        return Some(problem(
            names[n].clone(),
            String::new(),
            format!("the row has {n} fields but the header has {}", ctx.width),
        ));
    }
    let extra = (names.len()..n).find(|&i| !rec.field(i).unwrap_or(&[]).iter().all(|&b| b == b' '));
    if let Some(i) = extra {
        let raw = rec.field(i).unwrap_or(&[]);
        let value = enc
            .decode_field(raw)
            .map(|s| s.into_owned())
            .unwrap_or_else(|_| enc.escape_invalid(raw));
        return Some(problem(
            format!("(field {} past the header)", i + 1),
            value,
            format!("the row has {n} fields but the header has {}", names.len()),
        ));
    }
    None
}
