//! Masking of personal numbers in what govtally shows (spec 2.4 "Personal
//! data").
//!
//! An enforcement or dispute target may be a person, and a value may hold
//! that person's resident identity number or mobile number, whole or inside
//! other text (`联系电话13812345678`). Figures count such values exactly;
//! whatever is shown — problem lists, text output, JSON, the C message —
//! goes through [`mask_personal`] first.
//!
//! # The run rule
//!
//! A value is scanned for *runs*: maximal sequences of digits, ASCII `0-9`
//! and full-width `０-９` alike (a run that mixes the two is still one run,
//! so that a number half retyped in a full-width input method is not let
//! through whole). Then, by the run's length alone:
//!
//! - exactly 11 digits, the first a 1: a mobile number, shown as its first
//!   3 and last 4 digits around 4 stars (`138****5678`);
//! - exactly 18 digits, or exactly 17 digits directly followed by `X` or `x`
//!   (ASCII or full-width): a resident identity number, shown as its first
//!   6 and last 4 characters around 8 stars (`330110********123X`);
//! - any other length is left alone. The length is what tells these
//!   numbers apart from the other numbers ledgers are full of: a 20-digit
//!   case number, a 12-digit unified document number or a 14-digit
//!   timestamp is not a phone, and masking a part of it would hide the
//!   very reference a clerk needs to find the row.
//!
//! The letters, Chinese text or punctuation around a run do not matter
//! (`手机13812345678号` is masked), and no run is looked for across them:
//! `138-1234-5678` is three short runs and is left alone. Each masked digit
//! becomes a star of its own width (`*` for an ASCII digit, `＊` for a
//! full-width one), and the kept characters are kept as written, so a
//! full-width number stays full-width.

use std::borrow::Cow;

/// Masks resident identity numbers and mainland mobile numbers wherever
/// they appear in `s`, by the run rule of the [module documentation](self).
///
/// Returns `s` itself, borrowed, when there is nothing to mask — the common
/// case, found by one scan of the bytes with no allocation.
///
/// ```
/// use govtally::input::mask::mask_personal;
/// assert_eq!(mask_personal("联系电话13812345678"), "联系电话138****5678");
/// assert_eq!(mask_personal("33011019900101123X"), "330110********123X");
/// // A 20-digit case number is not a phone number.
/// assert_eq!(mask_personal("20230601000000000123"), "20230601000000000123");
/// assert!(matches!(mask_personal("欠薪"), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn mask_personal(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let mut out: Option<String> = None;
    // Bytes of `s` before this offset are already in `out`.
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        // Stepping one byte at a time never starts a run inside a
        // character: ASCII digits and the lead byte 0xEF of a full-width
        // digit never occur as UTF-8 continuation bytes.
        if digit_width(b, i) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = 0;
        while let w @ 1.. = digit_width(b, i) {
            i += w;
            digits += 1;
        }
        let kind = match digits {
            11 if digit_value(b, start) == Some(1) => Some(MOBILE),
            18 => Some(IDENTITY),
            17 => match check_letter_width(b, i) {
                0 => None,
                w => {
                    i += w;
                    Some(IDENTITY)
                }
            },
            _ => None,
        };
        if let Some((keep_head, keep_tail)) = kind {
            let o = out.get_or_insert_with(|| String::with_capacity(s.len() + 16));
            o.push_str(&s[copied..start]);
            push_masked(o, &s[start..i], keep_head, keep_tail);
            copied = i;
        }
    }
    match out {
        None => Cow::Borrowed(s),
        Some(mut o) => {
            o.push_str(&s[copied..]);
            Cow::Owned(o)
        }
    }
}

/// Characters kept at the head and at the tail of a mobile number (11).
const MOBILE: (usize, usize) = (3, 4);
/// Characters kept at the head and at the tail of an identity number (18).
const IDENTITY: (usize, usize) = (6, 4);

/// The length in bytes of the digit at `b[i..]`: 1 for ASCII, 3 for a
/// full-width digit (U+FF10..U+FF19, EF BC 90..99), 0 for anything else.
#[inline]
fn digit_width(b: &[u8], i: usize) -> usize {
    match b.get(i..) {
        Some([b'0'..=b'9', ..]) => 1,
        Some([0xEF, 0xBC, 0x90..=0x99, ..]) => 3,
        _ => 0,
    }
}

fn digit_value(b: &[u8], i: usize) -> Option<u8> {
    match b.get(i..) {
        Some([d @ b'0'..=b'9', ..]) => Some(d - b'0'),
        Some([0xEF, 0xBC, d @ 0x90..=0x99, ..]) => Some(d - 0x90),
        _ => None,
    }
}

/// The length in bytes of an identity number's check letter at `b[i..]`:
/// `X`/`x` (1) or full-width `Ｘ`/`ｘ` (U+FF38 EF BC B8, U+FF58 EF BD 98:
/// 3), 0 for anything else.
fn check_letter_width(b: &[u8], i: usize) -> usize {
    match b.get(i..) {
        Some([b'X' | b'x', ..]) => 1,
        Some([0xEF, 0xBC, 0xB8, ..] | [0xEF, 0xBD, 0x98, ..]) => 3,
        _ => 0,
    }
}

/// Appends `number` with every character but the first `head` and the last
/// `tail` replaced by a star as wide as it.
fn push_masked(out: &mut String, number: &str, head: usize, tail: usize) {
    let n = number.chars().count();
    for (k, c) in number.chars().enumerate() {
        if k < head || k + tail >= n {
            out.push(c);
        } else if c.is_ascii() {
            out.push('*');
        } else {
            out.push('＊');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> String {
        mask_personal(s).into_owned()
    }

    #[test]
    fn whole_values() {
        assert_eq!(m("13812345678"), "138****5678");
        assert_eq!(m("330110199001011234"), "330110********1234");
        assert_eq!(m("33011019900101123X"), "330110********123X");
        assert_eq!(m("33011019900101123x"), "330110********123x");
    }

    #[test]
    fn embedded_runs_with_chinese_around() {
        assert_eq!(m("联系电话13812345678"), "联系电话138****5678");
        assert_eq!(m("13812345678（本人）"), "138****5678（本人）");
        assert_eq!(
            m("身份证号:33011019900101123X,男"),
            "身份证号:330110********123X,男"
        );
        assert_eq!(
            m("张三330110199001011234李四"),
            "张三330110********1234李四"
        );
        assert_eq!(m("tel13812345678"), "tel138****5678");
    }

    #[test]
    fn both_at_once_and_several_numbers() {
        assert_eq!(
            m("张三 33011019900101123X 电话13812345678"),
            "张三 330110********123X 电话138****5678"
        );
        assert_eq!(
            m("13812345678、13987654321；15000000000"),
            "138****5678、139****4321；150****0000"
        );
        assert_eq!(
            m("330110199001011234/44030119851231002x"),
            "330110********1234/440301********002x"
        );
    }

    #[test]
    fn other_lengths_are_left_alone() {
        for s in [
            "138123456789",         // 12 digits
            "1381234567",           // 10 digits
            "23812345678",          // 11 digits not starting with 1
            "20230601000000000123", // 20 digits: a case number
            "3301101990010112345",  // 19 digits
            "3301101990010112345X", // 19 digits and X
            "3301101990010112",     // 16 digits
            "330110199001011X",     // 15 digits and X
            "138-1234-5678",        // separated groups
            "138 1234 5678",
            "2023-06-01 14:22:10",
            "欠薪",
            "",
        ] {
            assert_eq!(m(s), s, "{s}");
            assert!(matches!(mask_personal(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn seventeen_digits_need_the_check_letter() {
        assert_eq!(m("33011019900101123"), "33011019900101123");
        assert_eq!(m("33011019900101123X号"), "330110********123X号");
        assert_eq!(m("33011019900101123Y"), "33011019900101123Y");
        // The check letter only completes 17 digits: after 18 it is text.
        assert_eq!(m("330110199001011234X"), "330110********1234X");
    }

    #[test]
    fn full_width_numbers_stay_full_width() {
        assert_eq!(
            m("电话１３８１２３４５６７８"),
            "电话１３８＊＊＊＊５６７８"
        );
        assert_eq!(
            m("３３０１１０１９９００１０１１２３Ｘ"),
            "３３０１１０＊＊＊＊＊＊＊＊１２３Ｘ"
        );
        assert_eq!(
            m("３３０１１０１９９００１０１１２３ｘ"),
            "３３０１１０＊＊＊＊＊＊＊＊１２３ｘ"
        );
        assert_eq!(m("１３８１２３４５６７８９"), "１３８１２３４５６７８９");
        // A run mixing the two widths is one run; each star is as wide as
        // the digit it hides.
        assert_eq!(m("138１２３45678"), "138＊＊＊*5678");
    }

    #[test]
    fn near_misses_of_the_byte_patterns() {
        // U+FF1A (EF BC 9A) is the full-width colon, just past ９; U+FF0F
        // (EF BC 8F) the full-width solidus, just before ０.
        assert_eq!(m("１３８１２３４５６７：８"), "１３８１２３４５６７：８");
        assert_eq!(m("／13812345678／"), "／138****5678／");
        // A full-width digit ending a run of ASCII ones counts with them.
        assert_eq!(m("1381234567０"), "138****567０");
        // The lead bytes of a full-width digit at the very end, with no
        // digit after them, are just text (no read past the end).
        assert_eq!(m("13812345678\u{ff00}"), "138****5678\u{ff00}");
    }
}
