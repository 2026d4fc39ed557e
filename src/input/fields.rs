//! Typed field parsers: dates, date-times, booleans, integers, lists and
//! trimming, in the forms ledger exports really use (spec section 3).
//!
//! Every parser takes a trimmed `&str` and returns the value or a short
//! English reason that ends up in a [`Problem`](crate::Problem). None of them
//! allocates on the accepted path.

use chrono::{Datelike, NaiveDate, NaiveTime};

/// White space that ledger exports pad values with: ASCII white space, the
/// ideographic space U+3000 and a stray byte-order mark U+FEFF.
pub fn is_pad(c: char) -> bool {
    c.is_ascii_whitespace() || c == '\u{3000}' || c == '\u{feff}' || c == '\u{a0}'
}

/// Trims ASCII and full-width white space (and a BOM) from both ends.
#[inline]
pub fn trim(s: &str) -> &str {
    // Most values carry no padding: look at the end bytes first, with one
    // table lookup each (a chain of comparisons mispredicts on text whose
    // first bytes vary, as Chinese text's do).
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l))
            if PAD_EDGE[f as usize] & PAD_START | PAD_EDGE[l as usize] & PAD_END == 0 =>
        {
            s
        }
        // An edge byte that may belong to padding (线 ends in 0xBF, as
        // U+FEFF does): the two bytes at each end decide, unless they too
        // look like padding's (U+3001 starts E3 80, as U+3000 does).
        (Some(_), Some(_)) if !edges_may_pad(b) => s,
        _ => trim_padding(s),
    }
}

/// Whether `b` (two bytes or more) may start or end with padding: a byte
/// up to b' ' at either end, or the first two or last two bytes of
/// U+3000 (E3 80 80), U+FEFF (EF BB BF) or U+00A0 (C2 A0). One
/// comparison each, no branch per case.
#[inline]
fn edges_may_pad(b: &[u8]) -> bool {
    let (Some(&[f0, f1]), Some(&[l0, l1])) = (b.first_chunk::<2>(), b.last_chunk::<2>()) else {
        return true;
    };
    let (first, last) = (u16::from_be_bytes([f0, f1]), u16::from_be_bytes([l0, l1]));
    (f0 <= b' ')
        | (first == 0xE380)
        | (first == 0xEFBB)
        | (first == 0xC2A0)
        | (l1 <= b' ')
        | (last == 0x8080)
        | (last == 0xBBBF)
        | (last == 0xC2A0)
}

/// The slow half of [`trim`], kept out of line so that the fast one
/// inlines.
#[cold]
#[inline(never)]
fn trim_padding(s: &str) -> &str {
    s.trim_matches(is_pad)
}

/// [`PAD_EDGE`]: the byte may start a padding character.
const PAD_START: u8 = 1;
/// [`PAD_EDGE`]: the byte may end a padding character.
const PAD_END: u8 = 2;

/// Which bytes may start or end a padding character ([`is_pad`]): bytes up
/// to b' ' (ASCII white space) both; 0xE3, 0xEF and 0xC2 start U+3000,
/// U+FEFF and U+00A0, which end in 0x80, 0xBF and 0xA0.
const PAD_EDGE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i <= b' ' as usize {
        t[i] = PAD_START | PAD_END;
        i += 1;
    }
    t[0xE3] |= PAD_START;
    t[0xEF] |= PAD_START;
    t[0xC2] |= PAD_START;
    t[0x80] |= PAD_END;
    t[0xBF] |= PAD_END;
    t[0xA0] |= PAD_END;
    t
};

/// Maps a full-width ASCII variant (U+FF01..U+FF5E) to its ASCII character.
fn ascii_of(c: char) -> Option<u8> {
    match c {
        '\u{ff01}'..='\u{ff5e}' => Some((c as u32 - 0xff01 + 0x21) as u8),
        c if c.is_ascii() => Some(c as u8),
        _ => None,
    }
}

/// A date with an optional time of day, as found in a date or date-time
/// column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime {
    /// The calendar date.
    pub date: NaiveDate,
    /// The time of day, when the value carried one.
    pub time: Option<NaiveTime>,
}

const DATE_FORMS: &str = "expected a date such as 2023-06-01, 2023/6/1, 2023.6.1, 2023年6月1日 or 20230601, optionally followed by a time such as 14:22, 14:22:10, 14:22:10.123, 14时22分, 下午2:22 or 2:22 PM, itself optionally followed by a UTC offset such as Z, +08:00 or +0800";

/// Parses a date, optionally followed by a time (spec section 3).
///
/// Accepted: `2023-06-01`, `2023/6/1`, `2023.6.1`, `2023年6月1日`,
/// `20230601`, each optionally followed, after a space or `T` (or directly
/// after 日), by a time:
///
/// - `14:22`, `9:05`, `14:22:10`, with 1 to 9 digits of fractional seconds
///   (`14:22:10.0`, `14:22:10.123456`);
/// - `14时22分`, `14时22分10秒`;
/// - a 12-hour clock with 上午/下午 or AM/PM (ASCII case ignored) before or
///   after it (`下午2:22`, `2:22 PM`, `上午10:05:09`): 12 上午 is 00, 12
///   下午 is 12, and an hour of 0 or above 12 is rejected;
/// - then optionally a UTC offset `Z`, `+08:00`, `+0800` or `+08`, in which
///   case the date and time returned are China Standard Time (UTC+8): the
///   date of `2023-12-31T23:30:00Z` is 2024-01-01. Offsets run from -12:00
///   to +14:00.
///
/// Full-width digits and separators are accepted. Impossible dates such as
/// `2023-02-30` are rejected, and so is a five-digit number such as
/// `45078`, with a reason naming the date Excel would show for it.
///
/// ```
/// use govtally::fields::parse_date_time;
/// let v = parse_date_time("２０２３年６月１日 14:22").unwrap();
/// assert_eq!(v.date.to_string(), "2023-06-01");
/// assert_eq!(v.time.unwrap().to_string(), "14:22:00");
/// let v = parse_date_time("2023/6/1 下午2:22").unwrap();
/// assert_eq!(v.time.unwrap().to_string(), "14:22:00");
/// let v = parse_date_time("2023-12-31T23:30:00Z").unwrap();
/// assert_eq!(v.date.to_string(), "2024-01-01");
/// assert!(parse_date_time("2023-02-30").is_err());
/// assert!(parse_date_time("45078").unwrap_err().contains("2023-06-01"));
/// ```
pub fn parse_date_time(s: &str) -> Result<DateTime, String> {
    match fast_iso(s.as_bytes()) {
        Some(v) => v,
        None => match fast_short(s.as_bytes()) {
            Some(v) => Ok(v),
            None => parse_general(s),
        },
    }
}

/// `2023/2/21`, `2023-2-21` or `2023.2.21` (one- or two-digit month and
/// day, one separator throughout), optionally followed by ` 8:52` or
/// ` 8:52:10` (a one- or two-digit hour): what Excel writes when it saves
/// a sheet as CSV, and what ledgers kept by hand hold. None for any other
/// form, and for a value [`build`] refuses, so that [`parse_general`]
/// reads it and gives its reason: for every value it takes, this gives
/// what `parse_general` gives (tested), without normalising into a buffer
/// first (1.29 times an ISO file's time before).
#[inline]
fn fast_short(b: &[u8]) -> Option<DateTime> {
    let mut i = 0;
    // A run of `min` to `max` ASCII digits at `i`.
    let number = |i: &mut usize, min: usize, max: usize| -> Option<u32> {
        let start = *i;
        let mut v = 0u32;
        while *i - start < max && b.get(*i).is_some_and(u8::is_ascii_digit) {
            v = v * 10 + u32::from(b[*i] - b'0');
            *i += 1;
        }
        (*i - start >= min).then_some(v)
    };
    let year = number(&mut i, 4, 4)?;
    let sep = *b.get(i)?;
    if !matches!(sep, b'/' | b'-' | b'.') {
        return None;
    }
    i += 1;
    let month = number(&mut i, 1, 2)?;
    if b.get(i) != Some(&sep) {
        return None;
    }
    i += 1;
    let day = number(&mut i, 1, 2)?;
    let time = if i == b.len() {
        None
    } else {
        if b[i] != b' ' {
            return None;
        }
        i += 1;
        let hour = number(&mut i, 1, 2)?;
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        let minute = number(&mut i, 2, 2)?;
        let second = if i == b.len() {
            0
        } else {
            if b[i] != b':' {
                return None;
            }
            i += 1;
            number(&mut i, 2, 2)?
        };
        Some((hour, minute, second))
    };
    if i != b.len() {
        return None;
    }
    build(year, month, day, time).ok()
}

/// Every form but the ISO ones [`fast_iso`] takes. Out of line so that
/// its buffer and branches cost the ISO values nothing: inlined into
/// [`parse_date_time`], they made an ISO date cost 196 instructions instead
/// of 181 (cachegrind over benches/fields.rs).
#[inline(never)]
fn parse_general(s: &str) -> Result<DateTime, String> {
    // Normalise into a small buffer: ASCII for digits, separators and the
    // letters of AM, PM, T and Z, and a byte above 0x7F (which no ASCII
    // character maps to) for each Chinese word of a time, so that the
    // grammar below reads bytes only.
    let mut buf = [0u8; 64];
    let mut n = 0;
    for c in s.chars() {
        let a = match c {
            '年' | '月' => b'-',
            '日' | '号' => b'|',
            '时' => HOUR,
            '分' => MINUTE,
            '秒' => SECOND,
            '上' => MORNING,
            '下' => AFTERNOON,
            '午' => NOON,
            '\u{3000}' => b' ',
            c => match ascii_of(c) {
                Some(a) => a,
                None => return Err(DATE_FORMS.to_string()),
            },
        };
        if n == buf.len() {
            return Err(DATE_FORMS.to_string());
        }
        buf[n] = a;
        n += 1;
    }
    parse_normalised(&buf[..n])
}

/// The bytes [`parse_general`] writes for 时, 分, 秒, 上, 下 and 午.
const HOUR: u8 = 0x81;
const MINUTE: u8 = 0x82;
const SECOND: u8 = 0x83;
const MORNING: u8 = 0x84;
const AFTERNOON: u8 = 0x85;
const NOON: u8 = 0x86;

/// `YYYY-MM-DD` with an optional ` HH:MM:SS` (or `THH:MM:SS`), the form
/// machine exports write; None for any other form.
///
/// Eight bytes at a time: the separators are compared in place, and the
/// digits, once `'0'` is taken off, must all be below 10 — a byte of 10 or
/// more sets bit 7 of itself or of itself plus 0x76, and no byte below
/// 0x80 carries into the next.
#[inline]
fn fast_iso(b: &[u8]) -> Option<Result<DateTime, String>> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bits 7 of the bytes of `d` (digits minus '0') that are not 0..=9.
    let not_digits = |d: u64| (d | d.wrapping_add(0x7676_7676_7676_7676)) & HIGH;
    // Byte k of the result: 10 * digit k + digit k + 1.
    let pairs = |d: u64| d.wrapping_mul(10).wrapping_add(d >> 8);
    let date = b.first_chunk::<10>()?;
    let time = match b.len() {
        10 => None,
        19 => Some(&b[10..19]),
        _ => return None,
    };
    // "YYYY-MM-": digits at bytes 0-3 and 5-6, '-' at 4 and 7.
    let w = u64::from_le_bytes(date[..8].try_into().expect("8 bytes"));
    const DATE_SEPS: u64 = 0xFF00_00FF_0000_0000;
    let d = (w ^ ZEROS) & !DATE_SEPS;
    let (d8, d9) = (date[8].wrapping_sub(b'0'), date[9].wrapping_sub(b'0'));
    if w & DATE_SEPS != 0x2D00_002D_0000_0000 || not_digits(d) != 0 || d8 > 9 || d9 > 9 {
        return None;
    }
    let p = pairs(d).to_le_bytes();
    let (year, month, day) = (
        p[0] as u32 * 100 + p[2] as u32,
        p[5] as u32,
        d8 as u32 * 10 + d9 as u32,
    );
    let time = match time {
        None => None,
        Some(t) => {
            // " HH:MM:SS": ' ' or 'T', then digits at 1-2, 4-5 and 7-8 and
            // ':' at 3 and 6.
            let w = u64::from_le_bytes(t[1..9].try_into().expect("8 bytes"));
            const TIME_SEPS: u64 = 0x0000_FF00_00FF_0000;
            let d = (w ^ ZEROS) & !TIME_SEPS;
            if (t[0] != b' ' && t[0] != b'T')
                || w & TIME_SEPS != 0x0000_3A00_003A_0000
                || not_digits(d) != 0
            {
                return None;
            }
            let p = pairs(d).to_le_bytes();
            Some((p[0] as u32, p[3] as u32, p[6] as u32))
        }
    };
    Some(build(year, month, day, time))
}

fn build(
    year: u32,
    month: u32,
    day: u32,
    time: Option<(u32, u32, u32)>,
) -> Result<DateTime, String> {
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)
        .filter(|_| year >= 1)
        .ok_or_else(|| format!("{year:04}-{month:02}-{day:02} is not a calendar date"))?;
    let time = match time {
        None => None,
        Some((h, m, s)) => Some(
            NaiveTime::from_hms_opt(h, m, s)
                .ok_or_else(|| format!("{h:02}:{m:02}:{s:02} is not a time of day"))?,
        ),
    };
    Ok(DateTime { date, time })
}

fn parse_normalised(b: &[u8]) -> Result<DateTime, String> {
    let err = || DATE_FORMS.to_string();
    if let Some(reason) = excel_serial(b) {
        return Err(reason);
    }
    let ((year, month, day), mut rest) = split_date(b).ok_or_else(err)?;
    // 日 may be followed directly by the time, or by a space or T; a space
    // or T must be followed by one.
    if let [b'|', tail @ ..] = rest {
        rest = tail;
    }
    if let [b' ' | b'T', tail @ ..] = rest {
        rest = skip_spaces(tail);
        if rest.is_empty() {
            return Err(err());
        }
    }
    let time = if rest.is_empty() {
        None
    } else {
        Some(parse_time(rest)?)
    };
    let date = build(year, month, day, None)?.date;
    match time {
        None => Ok(DateTime { date, time: None }),
        Some((time, None)) => Ok(DateTime {
            date,
            time: Some(time),
        }),
        Some((time, Some(offset))) => to_china_time(date, time, offset),
    }
}

fn skip_spaces(mut b: &[u8]) -> &[u8] {
    while let [b' ', tail @ ..] = b {
        b = tail;
    }
    b
}

/// China Standard Time: UTC+8, the offset of a time written without one.
const CST_SECONDS: i32 = 8 * 3600;

/// The date and time in China Standard Time of `date` `time` at `offset`
/// seconds east of UTC.
fn to_china_time(date: NaiveDate, time: NaiveTime, offset: i32) -> Result<DateTime, String> {
    let local = date
        .and_time(time)
        .checked_add_signed(chrono::TimeDelta::seconds((CST_SECONDS - offset) as i64))
        .filter(|t| (1..=9999).contains(&t.year()))
        .ok_or_else(|| {
            "the date falls outside the years 1 to 9999 once converted to China Standard Time (UTC+8)"
                .to_string()
        })?;
    Ok(DateTime {
        date: local.date(),
        time: Some(local.time()),
    })
}

/// Year, month, day.
type Ymd = (u32, u32, u32);

/// Parses the date part; returns it and whatever follows it.
fn split_date(b: &[u8]) -> Option<(Ymd, &[u8])> {
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 8 {
        let n = |r: std::ops::Range<usize>| num(&b[r]);
        let rest = &b[8..];
        if !rest.is_empty() && !matches!(rest[0], b' ' | b'T') {
            return None;
        }
        return Some(((n(0..4)?, n(4..6)?, n(6..8)?), rest));
    }
    if digits != 4 {
        return None;
    }
    let sep = *b.get(4)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let year = num(&b[..4])?;
    let rest = &b[5..];
    let m_len = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&m_len) || rest.get(m_len) != Some(&sep) {
        return None;
    }
    let month = num(&rest[..m_len])?;
    let rest = &rest[m_len + 1..];
    let d_len = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&d_len) {
        return None;
    }
    let day = num(&rest[..d_len])?;
    Some(((year, month, day), &rest[d_len..]))
}

/// A time of day and the UTC offset written after it, in seconds east of
/// UTC, when there is one.
type TimeAndOffset = (NaiveTime, Option<i32>);

/// `[meridiem] clock [meridiem] [offset]`, spaces allowed between the
/// parts (spec section 3, "Times as databases, Java and Excel write them").
fn parse_time(b: &[u8]) -> Result<TimeAndOffset, String> {
    let err = || DATE_FORMS.to_string();
    let (before, b) = match meridiem(b) {
        Some((pm, rest)) => (Some(pm), skip_spaces(rest)),
        None => (None, b),
    };
    let ((h, m, s, nano), mut rest) = clock(b).ok_or_else(err)?;
    let mut after = None;
    if let Some((pm, tail)) = meridiem(skip_spaces(rest)) {
        after = Some(pm);
        rest = tail;
    }
    let pm = match (before, after) {
        (Some(_), Some(_)) => return Err(err()),
        (x, y) => x.or(y),
    };
    let rest = skip_spaces(rest);
    let offset = if rest.is_empty() {
        None
    } else {
        Some(utc_offset(rest)?)
    };
    let h = match pm {
        None => h,
        // 12 上午 is midnight and 12 下午 noon; 0 and 13 have no meaning on a
        // 12-hour clock, and guessing which the clerk meant would be a
        // guess.
        Some(_) if !(1..=12).contains(&h) => {
            return Err(format!(
                "{h}:{m:02} is not a time on a 12-hour clock: with 上午/下午 or AM/PM the hour is 1 to 12"
            ));
        }
        Some(pm) => h % 12 + if pm { 12 } else { 0 },
    };
    let time = NaiveTime::from_hms_nano_opt(h, m, s, nano).ok_or_else(err)?;
    Ok((time, offset))
}

/// 上午/AM (false) or 下午/PM (true) at the start of `b`, and what follows.
fn meridiem(b: &[u8]) -> Option<(bool, &[u8])> {
    match b {
        [MORNING, NOON, rest @ ..] => Some((false, rest)),
        [AFTERNOON, NOON, rest @ ..] => Some((true, rest)),
        [a, m, rest @ ..] if m.eq_ignore_ascii_case(&b'm') => match a.to_ascii_lowercase() {
            b'a' => Some((false, rest)),
            b'p' => Some((true, rest)),
            _ => None,
        },
        _ => None,
    }
}

/// Hour, minute, second, nanosecond.
type Clock = (u32, u32, u32, u32);

/// `H:MM`, `HH:MM`, `HH:MM:SS` with an optional fraction of 1 to 9 digits,
/// or `H时M分` with an optional `S秒`; the values unchecked, and what
/// follows.
fn clock(b: &[u8]) -> Option<(Clock, &[u8])> {
    let (h, rest) = digits(b, 1, 2)?;
    match rest {
        [b':', rest @ ..] => {
            let (m, rest) = digits(rest, 2, 2)?;
            let [b':', rest @ ..] = rest else {
                return Some(((h, m, 0, 0), rest));
            };
            let (s, rest) = digits(rest, 2, 2)?;
            let [b'.', rest @ ..] = rest else {
                return Some(((h, m, s, 0), rest));
            };
            let len = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            let (frac, rest) = digits(rest, 1, 9)?;
            Some(((h, m, s, frac * 10u32.pow(9 - len as u32)), rest))
        }
        [HOUR, rest @ ..] => {
            let (m, rest) = digits(rest, 1, 2)?;
            let [MINUTE, rest @ ..] = rest else {
                return None;
            };
            match digits(rest, 1, 2) {
                Some((s, [SECOND, rest @ ..])) => Some(((h, m, s, 0), rest)),
                Some(_) => None,
                None => Some(((h, m, 0, 0), rest)),
            }
        }
        _ => None,
    }
}

/// The run of ASCII digits at the start of `b`, when it is `min..=max`
/// long (at most 9: no overflow), as a number, and what follows it.
fn digits(b: &[u8], min: usize, max: usize) -> Option<(u32, &[u8])> {
    let len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(min..=max).contains(&len) {
        return None;
    }
    Some((num(&b[..len])?, &b[len..]))
}

/// The earliest and latest UTC offsets in use, in seconds east of UTC.
const OFFSETS: std::ops::RangeInclusive<i32> = -12 * 3600..=14 * 3600;

/// `Z`, `±HH:MM`, `±HHMM` or `±HH` — the whole of `b` — in seconds east of
/// UTC. `±HH` is how PostgreSQL writes a whole-hour offset (`+08`).
fn utc_offset(b: &[u8]) -> Result<i32, String> {
    let (sign, rest) = match b {
        [b'Z' | b'z'] => return Ok(0),
        [b'+', rest @ ..] => (1, rest),
        [b'-', rest @ ..] => (-1, rest),
        _ => return Err(DATE_FORMS.to_string()),
    };
    let (h, m) = match rest {
        [_, _] => (rest, &b"00"[..]),
        [_, _, b':', _, _] => (&rest[..2], &rest[3..]),
        [_, _, _, _] => (&rest[..2], &rest[2..]),
        _ => return Err(DATE_FORMS.to_string()),
    };
    let (h, m) = match (num(h), num(m)) {
        (Some(h), Some(m)) => (h as i32, m as i32),
        _ => return Err(DATE_FORMS.to_string()),
    };
    let seconds = sign * (h * 3600 + m * 60);
    if m >= 60 || !OFFSETS.contains(&seconds) {
        let sign = if sign < 0 { '-' } else { '+' };
        return Err(format!(
            "{sign}{h:02}:{m:02} is not a UTC offset in use: offsets run from -12:00 to +14:00"
        ));
    }
    Ok(seconds)
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
    })
}

/// The reason for a five-digit number where a date belongs, with an
/// optional fraction (`45078`, `45078.5`): the day count Excel stores for a
/// date, exported from a column formatted as a number. It names the date
/// (and time) Excel would show, and the fix. No date is guessed from it:
/// the same digits may be an id typed into the wrong column.
///
/// Only five digits: they are the serials of 1927-05-18 to 2173-10-14, the
/// dates ledgers hold. A four-digit number is a year, eight digits are
/// `20230601`, and six or seven digits are more likely a mistyped date than
/// a serial of the years 2173 to 9999.
fn excel_serial(b: &[u8]) -> Option<String> {
    let (serial, rest) = digits(b, 5, 5).filter(|_| b[0] != b'0')?;
    let fraction = match rest {
        [] => None,
        [b'.', frac @ ..] if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit) => Some(frac),
        _ => return None,
    };
    // Serials count days from 1899-12-30, not 12-31, because Excel's 1900
    // date system counts a 29 February 1900 that never was (serial 60,
    // kept for Lotus 1-2-3); from serial 61, 1900-03-01, on the count is
    // exact, and five digits never reach below it.
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let mut day = epoch.checked_add_days(chrono::Days::new(serial as u64))?;
    let shown = match fraction {
        None => day.to_string(),
        Some(frac) => {
            // The fraction of a day, to the nearest second; nine digits are
            // far finer than a second.
            let frac = &frac[..frac.len().min(9)];
            let scale = 10u64.pow(frac.len() as u32);
            let mut seconds = (num(frac)? as u64 * 86_400 + scale / 2) / scale;
            if seconds == 86_400 {
                day = day.succ_opt()?;
                seconds = 0;
            }
            let t = NaiveTime::from_num_seconds_from_midnight_opt(seconds as u32, 0)?;
            format!("{day} {t}")
        }
    };
    let written = std::str::from_utf8(b).ok()?;
    Some(format!(
        "{written} looks like an Excel date serial number for {shown}; format the column as a date in Excel and export again"
    ))
}

/// Parses a yes/no flag: 是/否, Y/N, yes/no, true/false, 1/0, √/×
/// (ASCII case ignored, full-width forms accepted).
///
/// ```
/// use govtally::fields::parse_bool;
/// assert_eq!(parse_bool("是"), Ok(true));
/// assert_eq!(parse_bool("No"), Ok(false));
/// assert!(parse_bool("待定").is_err());
/// ```
pub fn parse_bool(s: &str) -> Result<bool, String> {
    let mut ascii = [0u8; 5];
    let mut n = 0;
    for c in s.chars() {
        match c {
            '是' | '√' | '✓' if s.chars().count() == 1 => return Ok(true),
            '否' | '×' | '✗' if s.chars().count() == 1 => return Ok(false),
            c => match ascii_of(c) {
                Some(a) if n < ascii.len() => {
                    ascii[n] = a.to_ascii_lowercase();
                    n += 1;
                }
                _ => return Err(BOOL_FORMS.to_string()),
            },
        }
    }
    match &ascii[..n] {
        b"y" | b"yes" | b"true" | b"1" => Ok(true),
        b"n" | b"no" | b"false" | b"0" => Ok(false),
        _ => Err(BOOL_FORMS.to_string()),
    }
}

const BOOL_FORMS: &str = "expected 是/否, Y/N, yes/no, true/false, 1/0 or √/×";

/// Parses a non-negative integer: ASCII or full-width digits, with optional
/// thousands separators (`1,234` or `1，234`) in groups of three, and
/// optionally a decimal point followed only by zeros (`3.0`, `2.00`, as
/// database exports write counts). `1.5`, `3.` and `.5` are rejected.
///
/// ```
/// use govtally::fields::parse_count;
/// assert_eq!(parse_count("１,２３４"), Ok(1234));
/// assert_eq!(parse_count("3.0"), Ok(3));
/// assert!(parse_count("1.5").is_err());
/// assert!(parse_count("1,2,3").is_err());
/// assert!(parse_count("12 条").is_err());
/// ```
pub fn parse_count(s: &str) -> Result<u64, String> {
    match parse_decimal(s) {
        Ok(Decimal { int, frac: None }) => Ok(int),
        // Database exports write counts held in decimal columns as `3.0`.
        Ok(Decimal { int, frac: Some(f) }) if f.all_zero => Ok(int),
        Ok(_) => Err(
            "not a whole number: a count may have a decimal point only with zeros after it, such as 3.0"
                .to_string(),
        ),
        Err(NumberError::Point) => Err(format!("a decimal point needs a digit on each side: {COUNT_FORMS}")),
        Err(NumberError::Form | NumberError::Negative) => Err(COUNT_FORMS.to_string()),
        Err(NumberError::TooLarge) => Err("number is too large".to_string()),
    }
}

const COUNT_FORMS: &str = "expected a non-negative whole number such as 12, 1,234 or 3.0";

/// What [`parse_decimal`] read: the whole part, and the digits after the
/// point when there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    int: u64,
    frac: Option<Fraction>,
}

/// The digits after a decimal point: how many, whether they are all zeros,
/// and the first two as hundredths (`5` → 50, `05` → 5), which is all that
/// money needs and all that a count needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fraction {
    digits: usize,
    all_zero: bool,
    hundredths: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberError {
    /// Not digits, separators in groups of three and one point.
    Form,
    /// A well-formed number with a leading minus sign: callers name it, since
    /// "negative" is what the clerk has to fix, not the form.
    Negative,
    /// The whole part does not fit in u64.
    TooLarge,
    /// A point with no digit before or after it (`3.`, `.5`): named, since
    /// it reads as a cut-off value rather than as a wrong form.
    Point,
}

/// The number grammar counts and money share (spec section 3 "Integers",
/// 2.4 "Money"): ASCII or full-width digits, thousands separators `,` or
/// `，` in groups of three in the whole part, and an optional point (`.` or
/// `．`) with at least one digit on each side. One place, so that `1,234`
/// means the same in a count column and an amount column.
fn parse_decimal(s: &str) -> Result<Decimal, NumberError> {
    if s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return parse_unsigned(s);
    }
    match strip_minus(s) {
        Some(rest) => parse_unsigned(rest).and(Err(NumberError::Negative)),
        None => parse_unsigned(s),
    }
}

/// The text after a leading minus sign: ASCII `-`, full-width `－` or the
/// typographic `−` that word processors substitute.
fn strip_minus(s: &str) -> Option<&str> {
    s.strip_prefix(['-', '－', '\u{2212}'])
}

fn parse_unsigned(s: &str) -> Result<Decimal, NumberError> {
    // Most counts are a few ASCII digits: no character to map, no state to
    // keep. Nineteen digits always fit in u64.
    let b = s.as_bytes();
    if (1..=19).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) {
        let int = b.iter().fold(0u64, |v, &d| v * 10 + (d - b'0') as u64);
        return Ok(Decimal { int, frac: None });
    }
    let mut chars = s.chars();
    let mut int: u64 = 0;
    let mut digits = 0usize; // digits in the current group of the whole part
    let mut groups = 0usize; // thousands separators seen
    let mut point = false;
    for c in chars.by_ref() {
        match ascii_of(c) {
            Some(a @ b'0'..=b'9') => {
                int = int
                    .checked_mul(10)
                    .and_then(|v| v.checked_add((a - b'0') as u64))
                    .ok_or(NumberError::TooLarge)?;
                digits += 1;
            }
            Some(b',') => {
                // The first group has 1 to 3 digits, every later one 3.
                let ok = if groups == 0 {
                    (1..=3).contains(&digits)
                } else {
                    digits == 3
                };
                if !ok {
                    return Err(NumberError::Form);
                }
                groups += 1;
                digits = 0;
            }
            Some(b'.') => {
                point = true;
                break;
            }
            _ => return Err(NumberError::Form),
        }
    }
    if digits == 0 && groups == 0 {
        // Nothing, or a point with nothing before it (`.5`).
        return Err(if point {
            NumberError::Point
        } else {
            NumberError::Form
        });
    }
    if digits == 0 || (groups > 0 && digits != 3) {
        return Err(NumberError::Form);
    }
    if !point {
        return Ok(Decimal { int, frac: None });
    }
    let mut f = Fraction {
        digits: 0,
        all_zero: true,
        hundredths: 0,
    };
    for c in chars {
        let d = match ascii_of(c) {
            Some(a @ b'0'..=b'9') => (a - b'0') as u64,
            _ => return Err(NumberError::Form),
        };
        match f.digits {
            0 => f.hundredths = d * 10,
            1 => f.hundredths += d,
            _ => {}
        }
        f.digits += 1;
        f.all_zero &= d == 0;
    }
    if f.digits == 0 {
        return Err(NumberError::Point);
    }
    Ok(Decimal { int, frac: Some(f) })
}

/// The largest amount accepted, in yuan: 10^13 (ten trillion), far above
/// any department's ledger and well inside i64 fen, so that sums of many
/// amounts have room before they could overflow.
const MAX_YUAN: u64 = 10_000_000_000_000;

const MONEY_FORMS: &str = "expected an amount in yuan written in digits with at most two decimals, such as 1234.5, 1,234.50, ¥1234.50 or 1234.50元 (no words or units such as 约 or 万)";

/// Parses an amount of money in yuan and returns it in fen (hundredths of a
/// yuan), exactly (spec 2.4 "Money").
///
/// Accepted: digits (ASCII or full-width) with at most two decimals after
/// `.` or `．`, thousands separators in the whole part as [`parse_count`]
/// takes them, a leading `¥` or `￥` and a trailing `元`, each optionally
/// separated from the number by spaces. Rejected, each with its own reason:
/// negative amounts, three or more decimals, words (`约2万`), a bare `¥`,
/// and amounts above 10^13 yuan.
///
/// ```
/// use govtally::fields::parse_money;
/// assert_eq!(parse_money("1,234.5"), Ok(123_450));
/// assert_eq!(parse_money("￥ １２３４.０５ 元"), Ok(123_405));
/// assert!(parse_money("-5").is_err());
/// assert!(parse_money("1.005").is_err());
/// assert!(parse_money("约2万").is_err());
/// ```
pub fn parse_money(s: &str) -> Result<i64, String> {
    // `-¥5` is how spreadsheets write a negative amount with a currency
    // sign: take the sign off first so that it is named as negative rather
    // than as an unknown form.
    let mut negative = strip_minus(s);
    let mut v = negative.unwrap_or(s);
    if let Some(rest) = v.strip_prefix(['¥', '￥']) {
        v = rest.trim_start_matches(is_pad);
        if negative.is_none() {
            negative = strip_minus(v);
            v = negative.unwrap_or(v);
        }
    }
    if let Some(rest) = v.strip_suffix('元') {
        v = rest.trim_end_matches(is_pad);
    }
    if v.is_empty() {
        return Err(format!("no amount: {MONEY_FORMS}"));
    }
    let too_large = || "amount is too large: at most 10,000,000,000,000 yuan (10^13)".to_string();
    let parsed = match parse_unsigned(v) {
        Ok(_) if negative.is_some() => Err(NumberError::Negative),
        r => r,
    };
    let d = match parsed {
        Ok(d) => d,
        Err(NumberError::Form) => return Err(MONEY_FORMS.to_string()),
        Err(NumberError::Point) => {
            return Err(format!(
                "a decimal point needs a digit on each side: {MONEY_FORMS}"
            ));
        }
        Err(NumberError::Negative) => {
            return Err(
                "a negative amount: amounts are yuan of zero or more, such as 1234.50".to_string(),
            );
        }
        Err(NumberError::TooLarge) => return Err(too_large()),
    };
    let hundredths = match d.frac {
        None => 0,
        Some(f) if f.digits <= 2 => f.hundredths,
        Some(f) => {
            return Err(format!(
                "{} decimals: amounts are yuan with at most two decimals (fen), such as 1234.50",
                f.digits
            ));
        }
    };
    if d.int > MAX_YUAN || (d.int == MAX_YUAN && hundredths > 0) {
        return Err(too_large());
    }
    // At most 10^15 fen: no overflow in i64.
    Ok((d.int * 100 + hundredths) as i64)
}

/// Separators of a list cell (spec 2.2 `partners`).
pub fn is_list_separator(c: char) -> bool {
    matches!(c, ',' | '，' | '、' | ';' | '；' | '/')
}

/// Splits a list cell on `, ， 、 ; ； /`, trimming items and dropping empty
/// ones.
///
/// ```
/// use govtally::fields::split_list;
/// let v: Vec<&str> = split_list("市场监管局、 司法局；；住建局").collect();
/// assert_eq!(v, ["市场监管局", "司法局", "住建局"]);
/// ```
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_list_separator)
        .map(trim)
        .filter(|x| !x.is_empty())
}

/// Normalises a header cell for matching: trims ASCII and full-width white
/// space and BOMs, and lower-cases ASCII letters.
pub fn normalise_header(s: &str) -> String {
    trim(s).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    /// Every value the short-form fast path takes, the general path takes
    /// too, with the same result; values it leaves are the general path's.
    #[test]
    fn short_dates_read_as_the_general_path_reads_them() {
        let mut next = crate::test_rng::xorshift(0x9e37_79b9_7f4a_7c15);
        let pieces = [
            "2023", "1999", "0000", "/", "-", ".", " ", ":", "1", "2", "9", "0", "12", "13", "29",
            "30", "31", "59", "60", "24", "123", "T", "日", "a",
        ];
        let mut taken = 0;
        for _ in 0..200_000 {
            let mut v = String::new();
            match next() % 3 {
                // Mostly the form itself, with random numbers.
                0 | 1 => {
                    let sep = ["/", "-", "."][(next() % 3) as usize];
                    v.push_str(pieces[(next() % 3) as usize]);
                    for _ in 0..2 {
                        v.push_str(if next().is_multiple_of(16) { "/" } else { sep });
                        v.push_str(pieces[6 + (next() % 15) as usize]);
                    }
                    if next().is_multiple_of(2) {
                        v.push(' ');
                        v.push_str(pieces[6 + (next() % 15) as usize]);
                        for _ in 0..(1 + next() % 2) {
                            v.push(':');
                            v.push_str(pieces[6 + (next() % 15) as usize]);
                        }
                    }
                }
                _ => {
                    for _ in 0..(next() % 9) {
                        v.push_str(pieces[(next() % pieces.len() as u64) as usize]);
                    }
                }
            }
            if let Some(fast) = super::fast_short(v.as_bytes()) {
                taken += 1;
                assert_eq!(Ok(fast), super::parse_general(&v), "{v:?}");
            }
        }
        assert!(taken > 5_000, "{taken} values taken by the fast path");
    }

    use super::*;

    fn d(s: &str) -> String {
        let v = parse_date_time(s).unwrap();
        match v.time {
            Some(t) => format!("{} {}", v.date, t),
            None => v.date.to_string(),
        }
    }

    #[test]
    fn dates_in_every_spec_form() {
        assert_eq!(d("2023-06-01"), "2023-06-01");
        assert_eq!(d("2023/6/1"), "2023-06-01");
        assert_eq!(d("2023.6.1"), "2023-06-01");
        assert_eq!(d("2023年6月1日"), "2023-06-01");
        assert_eq!(d("2023年06月01日"), "2023-06-01");
        assert_eq!(d("20230601"), "2023-06-01");
        assert_eq!(d("2023-06-01 14:22"), "2023-06-01 14:22:00");
        assert_eq!(d("2023-06-01T14:22:10"), "2023-06-01 14:22:10");
        assert_eq!(d("2023/6/1 9:05"), "2023-06-01 09:05:00");
        assert_eq!(d("2023年6月1日 14:22"), "2023-06-01 14:22:00");
        assert_eq!(d("2023年6月1日14:22"), "2023-06-01 14:22:00");
        assert_eq!(d("2023年6月1日T14:22"), "2023-06-01 14:22:00");
        assert_eq!(d("2023年6月1日　14时22分"), "2023-06-01 14:22:00");
        assert_eq!(d("20230601 14:22:10"), "2023-06-01 14:22:10");
        assert_eq!(d("２０２３－０６－０１"), "2023-06-01");
        assert_eq!(d("２０２３年６月１日"), "2023-06-01");
        assert_eq!(d("2024-02-29"), "2024-02-29");
        assert_eq!(d("2023-12-31 23:59:59"), "2023-12-31 23:59:59");
    }

    #[test]
    fn impossible_and_malformed_dates_are_rejected() {
        for bad in [
            "2023-02-29",
            "2023-02-30",
            "0000-00-00",
            "2023-13-01",
            "2023-06-01 24:00",
            "2023-06-01 12:60",
            "2023-6-1-",
            "2023/06-01",
            "45078",
            "2023",
            "二〇二三年六月一日",
            "2023-06-01 14",
            "#N/A",
            "",
            "2023-06-01 14:22:10:11",
        ] {
            assert!(parse_date_time(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(
            parse_date_time("2023-02-29").unwrap_err(),
            "2023-02-29 is not a calendar date"
        );
    }

    #[test]
    fn booleans() {
        for t in ["是", "Y", "y", "YES", "yes", "True", "1", "√", "１"] {
            assert_eq!(parse_bool(t), Ok(true), "{t}");
        }
        for f in ["否", "N", "no", "FALSE", "0", "×", "０"] {
            assert_eq!(parse_bool(f), Ok(false), "{f}");
        }
        for bad in ["待定", "是否", "2", "yess", "", "t"] {
            assert!(parse_bool(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count("110"), Ok(110));
        assert_eq!(parse_count("１２"), Ok(12));
        assert_eq!(parse_count("1,234,567"), Ok(1_234_567));
        assert_eq!(parse_count("1，234"), Ok(1234));
        assert_eq!(parse_count("18446744073709551615"), Ok(u64::MAX));
        for bad in [
            "1,2,3",
            "12 条",
            "-1",
            "+1",
            "1.5",
            "1,23",
            ",123",
            "1234,567",
            "123,",
            "",
            "=SUM(A1:A3)",
            "18446744073709551616",
        ] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
    }

    /// Date and time, with the fraction of a second when there is one.
    fn dt(s: &str) -> String {
        let v = parse_date_time(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        match v.time {
            Some(t) => format!("{} {}", v.date, t.format("%H:%M:%S%.f")),
            None => v.date.to_string(),
        }
    }

    #[test]
    fn fractional_seconds() {
        assert_eq!(dt("2023-06-01 14:22:10.0"), "2023-06-01 14:22:10");
        assert_eq!(dt("2023-06-01 14:22:10.5"), "2023-06-01 14:22:10.500");
        assert_eq!(
            dt("2023-06-01 14:22:10.123456"),
            "2023-06-01 14:22:10.123456"
        );
        assert_eq!(
            dt("2023-06-01T14:22:10.123456789"),
            "2023-06-01 14:22:10.123456789"
        );
        assert_eq!(dt("2023/6/1 9:05:00.000"), "2023-06-01 09:05:00");
        assert_eq!(
            dt("２０２３－０６－０１ １４：２２：１０．５"),
            "2023-06-01 14:22:10.500"
        );
        for bad in [
            "2023-06-01 14:22:10.1234567890",
            "2023-06-01 14:22:10.",
            "2023-06-01 14:22.5",
            "2023-06-01 14:22:10.5.5",
            "2023-06-01 14:22:10,5",
        ] {
            assert_eq!(parse_date_time(bad).unwrap_err(), DATE_FORMS, "{bad}");
        }
    }

    #[test]
    fn chinese_times() {
        assert_eq!(dt("2023-06-01 14时22分"), "2023-06-01 14:22:00");
        assert_eq!(dt("2023年6月1日14时22分10秒"), "2023-06-01 14:22:10");
        assert_eq!(dt("2023年6月1日 9时5分"), "2023-06-01 09:05:00");
        assert_eq!(dt("2023/6/1 14时22分10秒"), "2023-06-01 14:22:10");
        assert_eq!(dt("２０２３年６月１日１４时２２分"), "2023-06-01 14:22:00");
        for bad in [
            "2023-06-01 14时",
            "2023-06-01 14时22分10",
            "2023-06-01 14时22",
            "2023-06-01 14:22:",
            "2023-06-01 14时22:10",
            "2023-06-01 14时22分100秒",
            "2023-06-01 24时00分",
            "2023-06-01 14时60分",
        ] {
            assert_eq!(parse_date_time(bad).unwrap_err(), DATE_FORMS, "{bad}");
        }
    }

    #[test]
    fn twelve_hour_clocks() {
        for (s, want) in [
            ("2023/6/1 下午2:22", "2023-06-01 14:22:00"),
            ("2023/6/1 上午10:05:09", "2023-06-01 10:05:09"),
            ("2023-06-01 2:22 PM", "2023-06-01 14:22:00"),
            ("2023-06-01 2:22PM", "2023-06-01 14:22:00"),
            ("2023-06-01 2:22 pm", "2023-06-01 14:22:00"),
            ("2023-06-01 2:22 Pm", "2023-06-01 14:22:00"),
            ("2023-06-01 AM 9:05", "2023-06-01 09:05:00"),
            ("2023-06-01 9:05 上午", "2023-06-01 09:05:00"),
            ("2023/6/1 下午 2:22:09", "2023-06-01 14:22:09"),
            ("2023年6月1日下午2时22分", "2023-06-01 14:22:00"),
            ("2023年6月1日下午2:22", "2023-06-01 14:22:00"),
            ("2023-06-01 12:00 AM", "2023-06-01 00:00:00"),
            ("2023-06-01 上午12:30", "2023-06-01 00:30:00"),
            ("2023-06-01 下午12:30", "2023-06-01 12:30:00"),
            ("2023-06-01 12:00 PM", "2023-06-01 12:00:00"),
            ("2023-06-01 11:59:59 PM", "2023-06-01 23:59:59"),
            ("2023-06-01 1:00 AM", "2023-06-01 01:00:00"),
            ("2023-06-01 02:22:10.5 PM", "2023-06-01 14:22:10.500"),
            ("２０２３/６/１　下午２：２２", "2023-06-01 14:22:00"),
            ("2023-06-01 2:22 ＰＭ", "2023-06-01 14:22:00"),
        ] {
            assert_eq!(dt(s), want, "{s}");
        }
        let twelve = |t: &str| {
            format!(
                "{t} is not a time on a 12-hour clock: with 上午/下午 or AM/PM the hour is 1 to 12"
            )
        };
        assert_eq!(
            parse_date_time("2023-06-01 下午13:00").unwrap_err(),
            twelve("13:00")
        );
        assert_eq!(
            parse_date_time("2023-06-01 0:30 PM").unwrap_err(),
            twelve("0:30")
        );
        assert_eq!(
            parse_date_time("2023-06-01 上午00:30").unwrap_err(),
            twelve("0:30")
        );
        for bad in [
            "2023-06-01 上午2:22 PM",
            "2023-06-01 PM",
            "2023-06-01 下午",
            "2023-06-01 2:22 P",
            "2023-06-01 2:22 PMX",
            "2023-06-01 上2:22",
            "2023-06-01 午2:22",
            "2023-06-01 2:22 下",
        ] {
            assert_eq!(parse_date_time(bad).unwrap_err(), DATE_FORMS, "{bad}");
        }
    }

    #[test]
    fn utc_offsets_give_china_standard_time() {
        for (s, want) in [
            ("2023-12-31T23:30:00Z", "2024-01-01 07:30:00"),
            ("2023-12-31 23:30:00+00:00", "2024-01-01 07:30:00"),
            ("2023-12-31T23:30:00z", "2024-01-01 07:30:00"),
            ("2023-06-01T14:22:10+08:00", "2023-06-01 14:22:10"),
            ("2023-06-01T14:22:10+0800", "2023-06-01 14:22:10"),
            ("2023-06-01 14:22:10+08", "2023-06-01 14:22:10"),
            ("2023-06-01 14:22:10 +08:00", "2023-06-01 14:22:10"),
            ("2024-01-01T00:30:00+09:00", "2023-12-31 23:30:00"),
            ("2023-06-01T02:00:00-05:00", "2023-06-01 15:00:00"),
            ("2023-12-31T16:00:00Z", "2024-01-01 00:00:00"),
            ("2023-12-31T15:59:59.999Z", "2023-12-31 23:59:59.999"),
            ("2023-06-01T14:22:10.123+05:30", "2023-06-01 16:52:10.123"),
            ("2023-06-01 14:22Z", "2023-06-01 22:22:00"),
            ("2024-02-28T20:00:00-12:00", "2024-02-29 16:00:00"),
            ("2023-02-28T20:00:00-12:00", "2023-03-01 16:00:00"),
            ("2023-06-01T00:00:00+14:00", "2023-05-31 18:00:00"),
            ("2023-06-01 2:22 PM +08:00", "2023-06-01 14:22:00"),
            ("2023/6/1 下午2:22Z", "2023-06-01 22:22:00"),
            ("2023年12月31日 23时30分Z", "2024-01-01 07:30:00"),
            ("20231231T23:30:00Z", "2024-01-01 07:30:00"),
            (
                "２０２３－１２－３１Ｔ２３：３０：００Ｚ",
                "2024-01-01 07:30:00",
            ),
            (
                "２０２３－１２－３１　２３：３０：００＋００：００",
                "2024-01-01 07:30:00",
            ),
            ("2023-06-01T14:22:10-00:00", "2023-06-01 22:22:10"),
        ] {
            assert_eq!(dt(s), want, "{s}");
        }
        let range =
            |o: &str| format!("{o} is not a UTC offset in use: offsets run from -12:00 to +14:00");
        assert_eq!(
            parse_date_time("2023-06-01T14:22:10+15:00").unwrap_err(),
            range("+15:00")
        );
        assert_eq!(
            parse_date_time("2023-06-01T14:22:10-1230").unwrap_err(),
            range("-12:30")
        );
        assert_eq!(
            parse_date_time("2023-06-01T14:22:10+08:60").unwrap_err(),
            range("+08:60")
        );
        assert_eq!(
            parse_date_time("2023-06-01T14:22:10+99").unwrap_err(),
            range("+99:00")
        );
        let years = "the date falls outside the years 1 to 9999 once converted to China Standard Time (UTC+8)";
        assert_eq!(
            parse_date_time("0001-01-01T00:00:00+14:00").unwrap_err(),
            years
        );
        assert_eq!(
            parse_date_time("9999-12-31T23:00:00-12:00").unwrap_err(),
            years
        );
        assert_eq!(dt("0001-01-01T00:00:00+08:00"), "0001-01-01 00:00:00");
        for bad in [
            "2023-06-01Z",
            "2023-06-01+08:00",
            "2023-06-01T",
            "2023-06-01 14:22:10+8:00",
            "2023-06-01 14:22:10+08:0",
            "2023-06-01 14:22:10+080",
            "2023-06-01 14:22:10+08:00:00",
            "2023-06-01 14:22:10Z+08:00",
            "2023-06-01 14:22:10ZZ",
            "2023-06-01 14:22:10 UTC",
            "2023-06-01 14:22:10+",
            "2023-06-01 24:00+08:00",
        ] {
            assert_eq!(parse_date_time(bad).unwrap_err(), DATE_FORMS, "{bad}");
        }
    }

    /// The offset moves a row across the edge of a calendar-year period.
    #[test]
    fn an_offset_moves_a_date_across_the_year() {
        let year_of = |s: &str| parse_date_time(s).unwrap().date.year();
        assert_eq!(year_of("2023-12-31 23:30:00"), 2023);
        assert_eq!(year_of("2023-12-31T23:30:00Z"), 2024);
        assert_eq!(year_of("2023-12-31T23:30:00+08:00"), 2023);
        assert_eq!(year_of("2024-01-01T00:30:00+09:00"), 2023);
        assert_eq!(year_of("2024-01-01 00:30:00"), 2024);
    }

    #[test]
    fn excel_serial_numbers_are_named_not_guessed() {
        let serial = |s: &str, date: &str| {
            format!(
                "{s} looks like an Excel date serial number for {date}; format the column as a date in Excel and export again"
            )
        };
        let e = |s: &str| parse_date_time(s).unwrap_err();
        assert_eq!(e("45078"), serial("45078", "2023-06-01"));
        assert_eq!(e("４５０７８"), serial("45078", "2023-06-01"));
        assert_eq!(e("45292"), serial("45292", "2024-01-01"));
        assert_eq!(e("10000"), serial("10000", "1927-05-18"));
        assert_eq!(e("99999"), serial("99999", "2173-10-13"));
        assert_eq!(e("45078.5"), serial("45078.5", "2023-06-01 12:00:00"));
        assert_eq!(e("45078.75"), serial("45078.75", "2023-06-01 18:00:00"));
        // 0.123456789 day = 10666.67 s, to the nearest second 02:57:47; the
        // tenth digit is past a second's precision and dropped.
        assert_eq!(
            e("45078.1234567891"),
            serial("45078.1234567891", "2023-06-01 02:57:47")
        );
        // 86399.91 s rounds to midnight of the next day.
        assert_eq!(
            e("45078.999999"),
            serial("45078.999999", "2023-06-02 00:00:00")
        );
        assert_eq!(
            e("45078.0000001"),
            serial("45078.0000001", "2023-06-01 00:00:00")
        );
        for other in [
            "0",
            "1",
            "60",
            "61",
            "2023",
            "9999",
            "09999",
            "202361",
            "2023061",
            "100000",
            "45078.",
            "45078.5x",
            ".5",
            "45078 ",
            "45,078",
            "45078.5.5",
        ] {
            assert_eq!(parse_date_time(other).unwrap_err(), DATE_FORMS, "{other}");
        }
        // Eight digits remain a date.
        assert_eq!(dt("20230601"), "2023-06-01");
    }

    #[test]
    fn counts_with_a_decimal_point() {
        assert_eq!(parse_count("3.0"), Ok(3));
        assert_eq!(parse_count("2.00"), Ok(2));
        assert_eq!(parse_count("0.0"), Ok(0));
        assert_eq!(parse_count("1,234.000"), Ok(1234));
        assert_eq!(parse_count("３．０"), Ok(3));
        assert_eq!(parse_count("18446744073709551615.0"), Ok(u64::MAX));
        let fraction = "not a whole number: a count may have a decimal point only with zeros after it, such as 3.0";
        let point = format!("a decimal point needs a digit on each side: {COUNT_FORMS}");
        assert_eq!(parse_count("1.5").unwrap_err(), fraction);
        assert_eq!(parse_count("3.01").unwrap_err(), fraction);
        assert_eq!(parse_count("3.").unwrap_err(), point);
        assert_eq!(parse_count(".5").unwrap_err(), point);
        assert_eq!(parse_count(".").unwrap_err(), point);
        for bad in ["1.0.0", "1,23.0", "1.,0", "-3.0", "3.0 件", "3.0e0"] {
            assert_eq!(parse_count(bad).unwrap_err(), COUNT_FORMS, "{bad}");
        }
    }

    #[test]
    fn money_in_every_spec_form() {
        assert_eq!(parse_money("1234.5"), Ok(123_450));
        assert_eq!(parse_money("1,234.50"), Ok(123_450));
        assert_eq!(parse_money("１２３４.５０"), Ok(123_450));
        assert_eq!(parse_money("１，２３４．５０"), Ok(123_450));
        assert_eq!(parse_money("1234"), Ok(123_400));
        assert_eq!(parse_money("0.05"), Ok(5));
        assert_eq!(parse_money("0"), Ok(0));
        assert_eq!(parse_money("¥1234.5"), Ok(123_450));
        assert_eq!(parse_money("￥1,234.56"), Ok(123_456));
        assert_eq!(parse_money("1234.5元"), Ok(123_450));
        assert_eq!(parse_money("¥ 1234.50 元"), Ok(123_450));
        assert_eq!(parse_money("￥\u{3000}１２３４元"), Ok(123_400));
        assert_eq!(parse_money("1,234,567.89"), Ok(123_456_789));
        assert_eq!(parse_money("10000000000000"), Ok(1_000_000_000_000_000));
        assert_eq!(
            parse_money("10,000,000,000,000.00"),
            Ok(1_000_000_000_000_000)
        );
    }

    #[test]
    fn money_rejections_name_the_problem() {
        let e = |s: &str| parse_money(s).unwrap_err();
        assert_eq!(
            e("-5"),
            "a negative amount: amounts are yuan of zero or more, such as 1234.50"
        );
        assert_eq!(e("－5.00"), e("-5"));
        assert_eq!(e("-¥5"), e("-5"));
        assert_eq!(e("¥-5"), e("-5"));
        assert_eq!(e("−1,234元"), e("-5"));
        assert_eq!(
            e("1.005"),
            "3 decimals: amounts are yuan with at most two decimals (fen), such as 1234.50"
        );
        assert!(e("1.0000").starts_with("4 decimals"));
        assert_eq!(
            e("10000000000000.01"),
            "amount is too large: at most 10,000,000,000,000 yuan (10^13)"
        );
        assert_eq!(e("10000000000001"), e("10000000000000.01"));
        assert_eq!(e("99999999999999999999999"), e("10000000000000.01"));
        assert_eq!(e("¥"), format!("no amount: {MONEY_FORMS}"));
        assert_eq!(e("元"), e("¥"));
        let point = format!("a decimal point needs a digit on each side: {MONEY_FORMS}");
        assert_eq!(e("1234."), point);
        assert_eq!(e(".5"), point);
        assert_eq!(e("¥.50元"), point);
        assert_eq!(e("¥ 元"), e("¥"));
        assert_eq!(e(""), e("¥"));
        for bad in [
            "约2万",
            "2万",
            "2万元",
            "1.2.3",
            "1,23.00",
            "12,34",
            ",123",
            "1.5元整",
            "¥¥5",
            "5元元",
            "+5",
            "1 234",
            "RMB 5",
            "N/A",
            "--5",
            "-¥-",
            "1e3",
        ] {
            assert_eq!(e(bad), MONEY_FORMS, "{bad}");
        }
    }

    #[test]
    fn trimming_and_lists() {
        assert_eq!(trim("\u{3000} 人社局 \t"), "人社局");
        assert_eq!(trim("\u{feff}编号"), "编号");
        assert_eq!(trim("abc"), "abc");
        assert_eq!(normalise_header(" Review_ID\u{3000}"), "review_id");
        let v: Vec<&str> = split_list("a,b，c、d;e；f/g").collect();
        assert_eq!(v, ["a", "b", "c", "d", "e", "f", "g"]);
        assert_eq!(split_list(" ， ").count(), 0);
    }

    /// The ISO fast path gives what the general parser gives, or leaves the
    /// value to it: every ASCII byte in every position of a date and of a
    /// date-time, and every date of four years (with invalid days).
    #[test]
    fn fast_iso_agrees_with_the_general_parser() {
        let general = |s: &str| parse_normalised(s.as_bytes());
        let check = |s: &str| {
            // The messages may differ: the fast path names the bad part.
            if let Some(v) = fast_iso(s.as_bytes()) {
                assert_eq!(v.ok(), general(s).ok(), "{s:?}");
            }
        };
        for base in ["2023-06-15", "2023-06-15 12:34:56", "2024-02-29T23:59:59"] {
            for at in 0..base.len() {
                for c in 0u8..0x80 {
                    let mut b = base.as_bytes().to_vec();
                    b[at] = c;
                    check(std::str::from_utf8(&b).expect("ASCII"));
                }
            }
            assert!(
                fast_iso(base.as_bytes()).is_some_and(|v| v.is_ok()),
                "{base}"
            );
        }
        for y in [1900, 2000, 2023, 2024, 9999, 0] {
            for m in 0..=13 {
                for d in 0..=32 {
                    check(&format!("{y:04}-{m:02}-{d:02}"));
                    check(&format!(
                        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
                        d,
                        m * 5,
                        d + 28
                    ));
                }
            }
        }
    }

    /// Every padding character at either end, around text whose edge bytes
    /// look like padding's (U+3001 starts with 0xE3, U+4E00 ends in 0x80,
    /// U+00BF ends in 0xBF, U+4000 in 80 80, U+FEC0 starts with EF BB) but
    /// is not.
    #[test]
    fn trim_takes_exactly_the_padding() {
        let pads = [
            " ", "\t", "\n", "\r", "\x0c", "\u{3000}", "\u{feff}", "\u{a0}", "",
        ];
        let inner = [
            "人社局",
            "abc",
            "a",
            "",
            "\u{3001}x",
            "x\u{4e00}",
            "\u{bf}",
            "\u{c2}",
            "\u{4000}",
            "\u{fec0}",
            "访",
            "12345热线",
        ];
        for p in pads {
            for q in pads {
                for i in inner {
                    let s = format!("{p}{i}{q}");
                    assert_eq!(trim(&s), i, "{s:?}");
                }
            }
        }
    }
}
