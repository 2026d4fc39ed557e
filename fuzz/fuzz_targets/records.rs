//! The record splitter and header mapping. Records must not depend on the
//! chunking (except the stored prefix of a record that broke a limit).
#![no_main]
use govtally::Dataset;
use govtally::input::header::HeaderMap;
use govtally::input::records::{RecordLimits, Splitter};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

type Rec = (u64, bool, bool, Option<String>, Vec<Vec<u8>>);

fn split(delim: Option<u8>, limits: RecordLimits, parts: &[&[u8]]) -> Vec<Rec> {
    let mut s = Splitter::new(delim, limits);
    let mut out: Vec<Rec> = Vec::new();
    let mut cb = |r: &govtally::input::records::Record<'_>| {
        let fields = (0..r.len())
            .map(|i| r.field(i).unwrap_or(&[]).to_vec())
            .collect();
        out.push((
            r.line,
            r.blank,
            r.blank_candidate,
            r.overflow.map(|o| format!("{o:?}")),
            fields,
        ));
    };
    for p in parts {
        s.feed(p, &mut cb);
    }
    s.finish(&mut cb);
    out
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let c = common::byte(&mut data);
    let seed = common::byte(&mut data);
    let delim = match c & 3 {
        0 => None,
        1 => Some(b','),
        2 => Some(b'\t'),
        _ => Some(common::byte(&mut data)),
    };
    let limits = RecordLimits {
        max_record_bytes: if c & 4 != 0 {
            1 + (c >> 3) as usize * 4
        } else {
            1 << 20
        },
        max_fields: if c & 0x80 != 0 {
            1 + (c & 7) as usize
        } else {
            1024
        },
    };
    let whole = split(delim, limits, &[data]);
    let chunked = split(delim, limits, &common::chunks(data, seed));
    assert_eq!(
        whole.len(),
        chunked.len(),
        "record count depends on the chunking"
    );
    for (a, b) in whole.iter().zip(&chunked) {
        assert_eq!(
            (a.0, &a.3),
            (b.0, &b.3),
            "line/overflow depend on the chunking"
        );
        if a.3.is_none() {
            assert_eq!(a, b, "a record depends on the chunking");
        }
    }
    // Header mapping of the first record against every dataset.
    if let Some((_, _, _, _, fields)) = whole.first() {
        let names: Vec<String> = fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        for d in Dataset::ALL {
            let _ = HeaderMap::new(d.columns(), &names, &[]);
            let _ = HeaderMap::new(
                d.columns(),
                &names,
                &[(
                    names.last().cloned().unwrap_or_default(),
                    d.columns()[0].key.into(),
                )],
            );
        }
    }
});
