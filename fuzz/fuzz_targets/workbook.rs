#![no_main]
//! Workbook bytes (issue 15): any bytes fed as a workbook end in a report
//! whose rows balance or in an error — never a panic, an abort or unbounded
//! memory. The first byte picks the dataset, the sheet choice and the
//! policy; the rest is the workbook.
use govtally::{BadRowPolicy, Dataset, Limits, Options, Tally};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(
    init: {
        // A panic inside calamine on malformed bytes is caught by govtally
        // and reported as a malformed workbook (tests/workbook_limits.rs);
        // any other panic is a crash, as libFuzzer's hook makes it.
        let fuzzer = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.location().is_some_and(|l| l.file().contains("/calamine-")) {
                return;
            }
            fuzzer(info)
        }));
    },
    |data: &[u8]| {
    let mut data = data;
    let c = common::byte(&mut data);
    let d = Dataset::ALL[c as usize % Dataset::ALL.len()];
    let mut o = Options {
        limits: Limits {
            max_sheet_bytes: 8 << 20,
            max_sheet_cells: 200_000,
            ..Limits::default()
        },
        ..Options::default()
    };
    if c & 0x40 != 0 {
        o.on_bad_row = BadRowPolicy::Skip;
    }
    let sheet = if c & 0x80 != 0 { Some("Sheet1") } else { None };
    let run = || -> govtally::Result<govtally::Report> {
        let mut t = Tally::new(d, &o)?;
        t.feed_workbook("fuzz.xlsx", data, sheet)?;
        t.finish()
    };
    if let Ok(r) = run() {
        assert!(r.rows.balanced(), "{:?}", r.rows);
        let _ = r.to_json_pretty();
    }
    }
);
