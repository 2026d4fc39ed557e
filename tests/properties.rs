//! Property tests (issues #5 and #18): chunk boundaries and thread counts never
//! change a report; the row invariant always holds; the date, flag and
//! count parsers agree with independent references (times with UTC offsets
//! with chrono's RFC 3339 parser); percentages agree with exact rational
//! arithmetic; amounts read back exactly; masking agrees with a
//! char-by-char reference; no value parser panics. Case counts are kept modest so the file runs
//! in seconds; raise them with PROPTEST_CASES.

use govtally::fields::{parse_bool, parse_count, parse_date_time, parse_money};
use govtally::input::mask::mask_personal;
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
            '\u{FF01}'..='\u{FF5E}' => a.push(char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap()),
            c if c.is_ascii() => a.push(c),
            _ => return None,
        }
    }
    // `3.0`, `2.00`: a point followed only by zeros (issue 18).
    let a = match a.split_once('.') {
        Some((int, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => {
            int.to_string()
        }
        Some(_) => return None,
        None => a,
    };
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

    /// (d) Counts: any u64 with or without separators and with or without
    /// a point and zeros (`3.0`), in either width, and noise built of
    /// digits, separators and points.
    #[test]
    fn counts_agree_with_reference(
        n in prop_oneof![0u64..2000, any::<u64>()],
        sep in prop::sample::select(vec!["", ",", "，"]),
        zeros in prop::sample::select(vec!["", ".0", ".00", ".000000"]),
        wide in any::<bool>(),
        noise in "[0-9,，１２３ .．+-]{0,14}",
        use_noise in any::<bool>(),
    ) {
        let s = if use_noise {
            noise
        } else {
            let s = format!("{}{zeros}", with_separators(n, sep));
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

// ---------------------------------------------------------------------------
// Times as databases, Java and Excel write them (issue 18)

/// The UTC offset `minutes` east of UTC in the style `style` picks: `Z`
/// (for 0), `±HH:MM`, `±HHMM`, or `±HH` when the minutes are 0.
fn offset_text(minutes: i32, style: u8) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    match style % 4 {
        0 if minutes == 0 => "Z".to_string(),
        1 => format!("{sign}{h:02}{m:02}"),
        2 if m == 0 => format!("{sign}{h:02}"),
        _ => format!("{sign}{h:02}:{m:02}"),
    }
}

fn cst() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// (f) A date-time with a fraction and a UTC offset is the instant
    /// chrono's RFC 3339 parser reads, seen in China Standard Time — date
    /// and time both, across days, months and years.
    #[test]
    fn offsets_agree_with_chrono_rfc3339(
        y in prop_oneof![1u32..=9999, 2022u32..=2025],
        m in 1u32..=12, d in 1u32..=31,
        h in 0u32..24, mi in 0u32..60, s in 0u32..60,
        frac in prop::option::of((1usize..=9, any::<u32>())),
        minutes in prop_oneof![-720i32..=840, Just(0), Just(480), (-12i32..=14).prop_map(|h| h * 60)],
        style in any::<u8>(), sep in prop::sample::select(vec!["T", " "]),
        space_before_offset in any::<bool>(), wide in any::<bool>(),
    ) {
        let d = d.min(days_in(y, m));
        let frac = frac.map(|(len, v)| format!(".{:0len$}", v % 10u32.pow(len as u32)));
        let frac = frac.as_deref().unwrap_or("");
        let offset = offset_text(minutes, style);
        let ours = format!(
            "{y:04}-{m:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{frac}{}{offset}",
            if space_before_offset { " " } else { "" },
        );
        let ours = if wide { full_width(&ours) } else { ours };
        let rfc = format!(
            "{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{}",
            offset_text(minutes, 3)
        );
        let want = chrono::DateTime::parse_from_rfc3339(&rfc)
            .unwrap_or_else(|e| panic!("{rfc}: {e}"))
            .with_timezone(&cst())
            .naive_local();
        use chrono::Datelike;
        match parse_date_time(&ours) {
            Ok(v) => {
                prop_assert!((1..=9999).contains(&want.year()), "{} accepted", ours);
                prop_assert_eq!(v.date, want.date(), "{}", ours);
                prop_assert_eq!(v.time, Some(want.time()), "{}", ours);
            }
            Err(e) => prop_assert!(
                !(1..=9999).contains(&want.year()),
                "{} rejected: {}", ours, e
            ),
        }
    }

    /// (f) Offsets beyond -12:00..=+14:00, or with 60 minutes or more, are
    /// row errors that name the offset.
    #[test]
    fn offsets_out_of_range_are_rejected(
        h in 0i32..100, m in 0i32..100, negative in any::<bool>(), colon in any::<bool>(),
    ) {
        let sign = if negative { '-' } else { '+' };
        let text = if colon {
            format!("2023-06-01T12:00:00{sign}{h:02}:{m:02}")
        } else {
            format!("2023-06-01T12:00:00{sign}{h:02}{m:02}")
        };
        let minutes = h * 60 + m;
        let in_range = m < 60 && if negative { minutes <= 720 } else { minutes <= 840 };
        match parse_date_time(&text) {
            Ok(_) => prop_assert!(in_range, "{} accepted", text),
            Err(e) => {
                prop_assert!(!in_range, "{} rejected: {}", text, e);
                prop_assert_eq!(
                    e,
                    format!("{sign}{h:02}:{m:02} is not a UTC offset in use: offsets run from -12:00 to +14:00")
                );
            }
        }
    }

    /// (f) A 12-hour time, with either word in either place, is the 24-hour
    /// time it names; hours 0 and 13-23 with a word are rejected.
    #[test]
    fn twelve_hour_clock_agrees_with_twenty_four(
        h in 0u32..24, mi in 0u32..60, s in prop::option::of(0u32..60),
        word in 0u8..4, before in any::<bool>(), space in any::<bool>(),
        date in prop::sample::select(vec!["2023/6/1 ", "2023-06-01 ", "2023年6月1日"]),
    ) {
        let clock = |h: u32| match s {
            Some(s) => format!("{h}:{mi:02}:{s:02}"),
            None => format!("{h}:{mi:02}"),
        };
        let want = parse_date_time(&format!("2023-06-01 {}", clock(h))).unwrap();
        let pm = h >= 12;
        let words = if pm { ["下午", "PM", "pm", "Pm"] } else { ["上午", "AM", "am", "aM"] };
        let w = words[word as usize];
        let gap = if space { " " } else { "" };
        let h12 = (h + 11) % 12 + 1;
        let text = |hour: u32| if before {
            format!("{date}{w}{gap}{}", clock(hour))
        } else {
            format!("{date}{}{gap}{w}", clock(hour))
        };
        prop_assert_eq!(parse_date_time(&text(h12)), Ok(want), "{}", text(h12));
        // The 24-hour hour itself with the word: wrong unless it is 1-12.
        if h == 0 || h > 12 {
            let e = parse_date_time(&text(h)).unwrap_err();
            prop_assert_eq!(
                e,
                format!("{h}:{mi:02} is not a time on a 12-hour clock: with 上午/下午 or AM/PM the hour is 1 to 12")
            );
        }
    }

    /// (f) Every five-digit number is reported as the Excel serial of the
    /// date it would show, counted from the hand-checked 45078 = 2023-06-01.
    #[test]
    fn excel_serials_name_their_date(serial in 10_000u32..=99_999, wide in any::<bool>()) {
        let date = chrono::NaiveDate::from_ymd_opt(2023, 6, 1).unwrap()
            + chrono::TimeDelta::days(serial as i64 - 45_078);
        let text = serial.to_string();
        let input = if wide { full_width(&text) } else { text.clone() };
        prop_assert_eq!(
            parse_date_time(&input).unwrap_err(),
            format!("{text} looks like an Excel date serial number for {date}; format the column as a date in Excel and export again")
        );
    }
}

// ---------------------------------------------------------------------------
// Never a panic, whatever the text; masking against a char-by-char reference

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    /// (g) Every value parser returns, Ok or Err, on text made of the
    /// characters their grammars use (where the edge cases are) and on any
    /// text at all.
    #[test]
    fn value_parsers_never_panic(
        near in "[0-9０-９:：.．,，+\\-－ZzTtAPMapm上下午时分秒年月日号¥￥元Xx \u{3000}]{0,40}",
        any_text in any::<String>(),
    ) {
        for s in [&near, &any_text] {
            let _ = parse_date_time(s);
            let _ = parse_count(s);
            let _ = parse_money(s);
            let _ = mask_personal(s);
        }
    }

    /// (g) Amounts: any number of fen written as yuan, with or without
    /// separators, decimals, signs and full-width digits, reads back
    /// exactly.
    #[test]
    fn money_reads_back_exactly(
        fen in prop_oneof![0u64..100_000, 0u64..=1_000_000_000_000_000],
        sep in prop::sample::select(vec!["", ",", "，"]),
        decimals in 0u8..3, wide in any::<bool>(),
        prefix in prop::sample::select(vec!["", "¥", "￥", "¥ "]),
        suffix in prop::sample::select(vec!["", "元", " 元"]),
    ) {
        let (yuan, cents) = (fen / 100, fen % 100);
        // Fewer decimals can only be written when the dropped ones are 0.
        let decimals = match decimals {
            0 if cents != 0 => 2,
            1 if cents % 10 != 0 => 2,
            d => d,
        };
        let frac = match decimals {
            0 => String::new(),
            1 => format!(".{}", cents / 10),
            _ => format!(".{cents:02}"),
        };
        let number = format!("{}{frac}", with_separators(yuan, sep));
        let number = if wide { full_width(&number) } else { number };
        let text = format!("{prefix}{number}{suffix}");
        prop_assert_eq!(parse_money(&text), Ok(fen as i64), "{}", text);
    }
}

/// Masking by chars, the plain way, to check the byte scan against.
fn mask_reference(s: &str) -> String {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if !digit(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && digit(chars[i]) {
            i += 1;
        }
        let first_is_one = matches!(chars[start], '1' | '１');
        let check_letter = chars
            .get(i)
            .is_some_and(|c| matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ'));
        let (end, keep) = match i - start {
            11 if first_is_one => (i, Some((3, 4))),
            18 => (i, Some((6, 4))),
            17 if check_letter => (i + 1, Some((6, 4))),
            _ => (i, None),
        };
        for (k, &c) in chars[start..end].iter().enumerate() {
            let hidden = keep.is_some_and(|(head, tail)| k >= head && k < end - start - tail);
            out.push(match (hidden, c.is_ascii()) {
                (false, _) => c,
                (true, true) => '*',
                (true, false) => '＊',
            });
        }
        i = end;
    }
    out
}

fn mask_pieces() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "1[0-9]{10}",
        "[0-9]{17}[0-9Xxｘ]",
        "１[０-９]{10}",
        "[0-9０-９]{1,20}",
        "[a-zXx话：号 \\-]{0,3}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    /// (g) The byte scan masks exactly what the char-by-char reference
    /// masks, borrows exactly when nothing changes, keeps the number of
    /// characters, and leaves nothing to mask a second time.
    #[test]
    fn masking_agrees_with_reference(s in mask_pieces()) {
        let got = mask_personal(&s);
        let want = mask_reference(&s);
        prop_assert_eq!(got.as_ref(), want.as_str(), "{}", s);
        prop_assert_eq!(matches!(got, std::borrow::Cow::Borrowed(_)), want == s);
        prop_assert_eq!(got.chars().count(), s.chars().count());
        prop_assert!(matches!(mask_personal(&got), std::borrow::Cow::Borrowed(_)), "{}", got);
    }
}
