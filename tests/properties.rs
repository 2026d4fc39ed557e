//! Property tests (issue #5): chunk boundaries and thread counts never
//! change a report; the row invariant always holds; the date, flag and
//! count parsers agree with independent references; percentages agree with
//! exact rational arithmetic. Case counts are kept modest so the file runs
//! in seconds; raise them with PROPTEST_CASES.

use govtally::fields::{parse_bool, parse_count, parse_date_time};
use govtally::stats::change::Change;
use govtally::{BadRowPolicy, Dataset, Options, Rounding, Tally};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Generated complaints exports

#[derive(Debug, Clone)]
struct Row {
    id: u8,
    y: i32,
    m: u32,
    d: u32,
    form: u8,
    category: u8,
    quote: [bool; 3],
}

fn row() -> impl Strategy<Value = Row> {
    (
        0u8..24,
        2021i32..=2024,
        1u32..=12,
        1u32..=28,
        0u8..5,
        0u8..4,
        any::<[bool; 3]>(),
    )
        .prop_map(|(id, y, m, d, form, category, quote)| Row {
            id,
            y,
            m,
            d,
            form,
            category,
            quote,
        })
}

const CATEGORIES: [&str; 4] = ["欠薪", "社会保险", "工伤, 职业病", "其他 \"说明\""];

fn field(s: &str, quote: bool) -> String {
    // A value holding a comma or a quote must be quoted.
    if quote || s.contains(',') || s.contains('"') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn date(r: &Row) -> String {
    let (y, m, d) = (r.y, r.m, r.d);
    match r.form {
        0 => format!("{y:04}-{m:02}-{d:02}"),
        1 => format!("{y}/{m}/{d} 9:05"),
        2 => format!("{y}.{m}.{d}"),
        3 => format!("{y}年{m}月{d}日"),
        _ => format!("{y:04}{m:02}{d:02}"),
    }
}

/// A CSV with random quoting, CRLF or LF, blank lines and garbage lines
/// (`garbage` gives, per row, an optional line inserted before it).
fn csv(rows: &[Row], crlf: bool, blanks: &[bool], garbage: &[Option<String>]) -> Vec<u8> {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut s = format!("登记编号,登记日期,问题类别{nl}");
    for (i, r) in rows.iter().enumerate() {
        if blanks.get(i).copied().unwrap_or(false) {
            s.push_str(if i % 2 == 0 { nl } else { ",," });
            if i % 2 == 1 {
                s.push_str(nl);
            }
        }
        if let Some(Some(g)) = garbage.get(i) {
            s.push_str(g);
            s.push_str(nl);
        }
        s.push_str(&field(&format!("A{}", r.id), r.quote[0]));
        s.push(',');
        s.push_str(&field(&date(r), r.quote[1]));
        s.push(',');
        s.push_str(&field(CATEGORIES[r.category as usize], r.quote[2]));
        s.push_str(nl);
    }
    s.into_bytes()
}

fn report(o: &Options, parts: &[&[u8]]) -> String {
    let run = || -> govtally::Result<govtally::Report> {
        let mut t = Tally::new(Dataset::Complaints, o)?;
        for p in parts {
            t.feed(p)?;
        }
        t.finish()
    };
    match run() {
        Ok(r) => {
            assert!(r.rows.balanced(), "{:?}", r.rows);
            r.to_json_pretty()
        }
        Err(e) => format!("error: {e}"),
    }
}

/// Cuts `data` at the given sizes (cycled), never at 0.
fn cut<'a>(data: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].clamp(1, rest.len());
        out.push(&rest[..n]);
        rest = &rest[n..];
        i += 1;
    }
    out
}

fn base(skip: bool) -> Options {
    let o = Options::default().year(2023).unwrap().threads(1);
    if skip {
        o.on_bad_row(BadRowPolicy::Skip)
    } else {
        o
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// (a) Chunk boundaries, thread counts and block sizes never change a
    /// report.
    #[test]
    fn chunking_never_changes_a_report(
        rows in prop::collection::vec(row(), 0..40),
        crlf in any::<bool>(),
        blanks in prop::collection::vec(any::<bool>(), 0..40),
        sizes in prop::collection::vec(1usize..200, 1..8),
        threads in 1usize..4,
        block in 16usize..400,
        skip in any::<bool>(),
    ) {
        let data = csv(&rows, crlf, &blanks, &[]);
        let whole = report(&base(skip), &[&data]);
        let o = Options { block_bytes: block, ..base(skip).threads(threads) };
        let chunked = report(&o, &cut(&data, &sizes));
        prop_assert_eq!(whole, chunked);
    }

    /// (b) The row invariant holds, also under skip with garbage rows, and
    /// every record after the header is read.
    #[test]
    fn rows_always_balance(
        rows in prop::collection::vec(row(), 1..30),
        garbage in prop::collection::vec(
            prop::option::weighted(0.3, "[ -~年月日是否，\u{3000}]{0,24}"), 0..30),
        sizes in prop::collection::vec(1usize..64, 1..4),
        threads in 1usize..3,
    ) {
        let data = csv(&rows, false, &[], &garbage);
        let o = Options { block_bytes: 64, ..base(true).threads(threads) };
        let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
        for p in cut(&data, &sizes) {
            t.feed(p).unwrap();
        }
        let r = t.finish().unwrap();
        prop_assert!(r.rows.balanced(), "{:?}", r.rows);
        prop_assert!(r.problems.total >= r.rows.rejected);
        prop_assert_eq!(r.problems.items.len() as u64, r.problems.total.min(100));
        // Garbage lines without quotes are one record each.
        let inserted = || garbage.iter().take(rows.len()).flatten();
        if inserted().all(|g| !g.contains('"')) {
            let lines = rows.len() + inserted().count();
            prop_assert_eq!(r.rows.read, lines as u64);
        }
        // Single-threaded, whole: the same report.
        prop_assert_eq!(report(&base(true), &[&data]), r.to_json_pretty());
    }
}

// ---------------------------------------------------------------------------
// Field parsers against references

fn leap(y: u32) -> bool {
    y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400))
}

fn days_in(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// (c) The date parser agrees with leap-year arithmetic in every form.
    #[test]
    fn dates_agree_with_reference(
        y in 0u32..=9999, m in 0u32..=13, d in 0u32..=32,
        h in 0u32..=25, mi in 0u32..=61, s in 0u32..=61,
        form in 0u8..5, time in 0u8..5, wide in any::<bool>(),
    ) {
        let date = match form {
            0 => format!("{y:04}-{m:02}-{d:02}"),
            1 => format!("{y:04}/{m}/{d}"),
            2 => format!("{y:04}.{m}.{d}"),
            3 => format!("{y:04}年{m}月{d}日"),
            _ => format!("{y:04}{m:02}{d:02}"),
        };
        let (suffix, t) = match time {
            0 => (String::new(), None),
            1 => (format!(" {h:02}:{mi:02}"), Some((h, mi, 0))),
            2 => (format!(" {h}:{mi:02}:{s:02}"), Some((h, mi, s))),
            3 => (format!("T{h:02}:{mi:02}:{s:02}"), Some((h, mi, s))),
            // Directly after 日 in the Chinese form; after a space else.
            _ if form == 3 => (format!("{h:02}:{mi:02}"), Some((h, mi, 0))),
            _ => (format!(" {h:02}:{mi:02}"), Some((h, mi, 0))),
        };
        let mut text = format!("{date}{suffix}");
        if wide {
            text = full_width(&text);
        }
        let date_ok = y >= 1 && (1..=12).contains(&m) && d >= 1 && d <= days_in(y, m);
        let time_ok = t.is_none_or(|(h, mi, s)| h < 24 && mi < 60 && s < 60);
        match parse_date_time(&text) {
            Ok(v) => {
                prop_assert!(date_ok && time_ok, "{text} accepted");
                use chrono::{Datelike, Timelike};
                prop_assert_eq!((v.date.year() as u32, v.date.month(), v.date.day()), (y, m, d));
                let got = v.time.map(|t| (t.hour(), t.minute(), t.second()));
                prop_assert_eq!(got, t);
            }
            Err(e) => {
                prop_assert!(!(date_ok && time_ok), "{} rejected: {}", text, e);
                if !date_ok && form == 0 && time == 0 && !wide {
                    prop_assert_eq!(e, format!("{y:04}-{m:02}-{d:02} is not a calendar date"));
                }
            }
        }
    }
}

fn bool_reference(s: &str) -> Option<bool> {
    if s.chars().count() == 1 {
        match s.chars().next().unwrap() {
            '是' | '√' | '✓' => return Some(true),
            '否' | '×' | '✗' => return Some(false),
            _ => {}
        }
    }
    let mut a = String::new();
    for c in s.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => a.push(char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap()),
            c if c.is_ascii() => a.push(c),
            _ => return None,
        }
    }
    match a.to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "1" => Some(true),
        "n" | "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

fn count_reference(s: &str) -> Option<u64> {
    let mut a = String::new();
    for c in s.chars() {
        match c {
            '，' => a.push(','),
            '\u{FF01}'..='\u{FF5E}' => a.push(char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap()),
            c if c.is_ascii() => a.push(c),
            _ => return None,
        }
    }
    let groups: Vec<&str> = a.split(',').collect();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let ok = match groups.as_slice() {
        [one] => digits(one),
        [first, rest @ ..] => {
            digits(first) && first.len() <= 3 && rest.iter().all(|g| digits(g) && g.len() == 3)
        }
        [] => false,
    };
    if !ok {
        return None;
    }
    groups.concat().parse::<u64>().ok()
}

fn with_separators(n: u64, sep: &str) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// (d) Flags: the accepted words in any case and width, and noise.
    #[test]
    fn flags_agree_with_reference(
        word in prop::sample::select(vec![
            "是", "否", "√", "×", "✓", "✗", "y", "n", "yes", "no", "true", "false",
            "1", "0", "待定", "是否", "2", "yess", "t", "", "ye", "tru",
        ]),
        upper in any::<u8>(), wide in any::<u8>(),
        noise in "[a-zA-Z0-9是否√×ＹＮｙｅｓ]{0,6}",
        use_noise in any::<bool>(),
    ) {
        let s: String = if use_noise {
            noise
        } else {
            word.chars().enumerate().map(|(i, c)| {
                let c = if upper >> (i % 8) & 1 == 1 { c.to_ascii_uppercase() } else { c };
                if wide >> (i % 8) & 1 == 1 && c.is_ascii_graphic() {
                    char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap()
                } else {
                    c
                }
            }).collect()
        };
        prop_assert_eq!(parse_bool(&s).ok(), bool_reference(&s), "{:?}", s);
    }

    /// (d) Counts: any u64 with or without separators, in either width, and
    /// noise built of digits and separators.
    #[test]
    fn counts_agree_with_reference(
        n in prop_oneof![0u64..2000, any::<u64>()],
        sep in prop::sample::select(vec!["", ",", "，"]),
        wide in any::<bool>(),
        noise in "[0-9,，１２３ .+-]{0,14}",
        use_noise in any::<bool>(),
    ) {
        let s = if use_noise {
            noise
        } else {
            let s = with_separators(n, sep);
            if wide { full_width(&s) } else { s }
        };
        let expected = count_reference(&s);
        prop_assert_eq!(parse_count(&s).ok(), expected, "{:?}", s);
        if !use_noise {
            prop_assert_eq!(expected, Some(n));
        }
    }
}

// ---------------------------------------------------------------------------
// Percentages

/// round((cur − prev) × 10000 / prev) in hundredths of a percent, exactly.
fn pct_reference(cur: u64, prev: u64, rule: Rounding) -> Option<i64> {
    if prev == 0 {
        return None;
    }
    let n = (cur as i128 - prev as i128) * 10_000;
    let d = prev as i128;
    let (q, r) = (n / d, n % d); // truncated toward zero
    let away = if n < 0 { q - 1 } else { q + 1 };
    let twice = 2 * r.abs();
    let v = if r == 0 || twice < d {
        q
    } else if twice > d {
        away
    } else {
        match rule {
            Rounding::HalfAwayFromZero => away,
            Rounding::HalfEven => {
                if q % 2 == 0 {
                    q
                } else {
                    away
                }
            }
        }
    };
    Some(v as i64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// (e) change_pct equals the exact rational rounded by the chosen rule.
    #[test]
    fn percentages_agree_with_exact_rationals(
        cur in prop_oneof![0u64..100, 0u64..100_000, 0u64..=u32::MAX as u64],
        prev in prop_oneof![0u64..100, 0u64..100_000, 0u64..=u32::MAX as u64],
        even in any::<bool>(),
    ) {
        let rule = if even { Rounding::HalfEven } else { Rounding::HalfAwayFromZero };
        let c = Change::new(cur, prev, rule);
        prop_assert_eq!((c.current, c.previous), (cur, prev));
        prop_assert_eq!(c.change, cur as i64 - prev as i64);
        prop_assert_eq!(c.change_pct.map(|p| p.hundredths()), pct_reference(cur, prev, rule));
    }
}

#[test]
fn percentage_ties_by_hand() {
    // The spec's examples: 32 → 33 is +3.125% → 3.13 (half away) / 3.12
    // (half even); the seed's 1900 → 1270 is −33.157…% → −33.16.
    let p = |c, p, r| Change::new(c, p, r).change_pct.map(|d| d.hundredths());
    assert_eq!(p(33, 32, Rounding::HalfAwayFromZero), Some(313));
    assert_eq!(p(33, 32, Rounding::HalfEven), Some(312));
    assert_eq!(p(31, 32, Rounding::HalfAwayFromZero), Some(-313));
    assert_eq!(p(31, 32, Rounding::HalfEven), Some(-312));
    assert_eq!(p(1270, 1900, Rounding::HalfAwayFromZero), Some(-3316));
    assert_eq!(p(5, 0, Rounding::HalfEven), None);
    for r in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
        assert_eq!(pct_reference(33, 32, r), p(33, 32, r));
    }
}
