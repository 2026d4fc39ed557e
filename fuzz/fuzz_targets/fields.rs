//! Every field parser on arbitrary text; an accepted date, count or
//! amount reads back the same from its plain form; masking is idempotent.
#![no_main]
use govtally::fields;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let t = fields::trim(&s);
    assert_eq!(fields::trim(t), t);
    if let Ok(v) = fields::parse_date_time(t) {
        let iso = v.date.format("%Y-%m-%d").to_string();
        let again = fields::parse_date_time(&iso).expect("an ISO date reads back");
        assert_eq!(again.date, v.date);
    }
    let _ = fields::parse_date_time(&s);
    let _ = fields::parse_bool(t);
    if let Ok(n) = fields::parse_count(t) {
        assert_eq!(fields::parse_count(&n.to_string()), Ok(n));
    }
    if let Ok(fen) = fields::parse_money(t) {
        let yuan = format!("{}.{:02}", fen / 100, fen % 100);
        assert_eq!(fields::parse_money(&yuan), Ok(fen));
    }
    // A masked value has no run of digits left to mask.
    let masked = govtally::input::mask::mask_personal(&s);
    assert_eq!(govtally::input::mask::mask_personal(&masked), masked);
    let _ = fields::split_list(&s).count();
    let _ = fields::normalise_header(&s);
    let (a, b) = s.split_at(
        s.char_indices()
            .nth(s.chars().count() / 2)
            .map_or(0, |(i, _)| i),
    );
    let _ = govtally::Period::parse(a, b);
    let _ = a.parse::<govtally::Encoding>();
    let _ = a.parse::<govtally::Rounding>();
    let _ = a.parse::<govtally::Dataset>();
});
