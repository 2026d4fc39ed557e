//! Whole reports of one dataset fed in arbitrary chunkings, on 1–3
//! threads, with and without skip. The outcome must be the one of the
//! whole buffer on one thread, and the row invariant must hold.
use govtally::{BadRowPolicy, Dataset, Limits, Options, Tally};

#[path = "common.rs"]
mod common;

fn outcome(d: Dataset, o: &Options, parts: &[&[u8]]) -> String {
    let run = || -> govtally::Result<govtally::Report> {
        let mut t = Tally::new(d, o)?;
        t.begin_file("fuzz.csv")?;
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

pub fn run(d: Dataset, data: &[u8]) {
    let mut data = data;
    let c = common::byte(&mut data);
    let seed = common::byte(&mut data);
    let mut base = Options::default();
    if c & 1 != 0 {
        base.on_bad_row = BadRowPolicy::Skip;
    }
    if c & 2 != 0 {
        base.period = Some(govtally::Period::year(2023).unwrap());
    }
    base.encoding = common::encoding(c >> 2);
    if c & 0x80 != 0 {
        base.limits = Limits {
            max_columns: 3 + (seed & 7) as usize,
            max_problems: (seed >> 4) as usize,
            ..Limits::default()
        };
    }
    base.rounding = if c & 0x40 != 0 {
        govtally::Rounding::HalfEven
    } else {
        govtally::Rounding::HalfAwayFromZero
    };
    let one = Options {
        threads: Some(1),
        ..base.clone()
    };
    let whole = outcome(d, &one, &[data]);
    let many = Options {
        threads: Some(1 + (seed as usize % 3)),
        block_bytes: 16 + (seed as usize % 7) * 40,
        ..base
    };
    let chunked = outcome(d, &many, &common::chunks(data, seed));
    assert_eq!(whole, chunked, "the outcome depends on chunking or threads");
}
