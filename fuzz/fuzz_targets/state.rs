//! State bytes from the input: taken as a state to resume, and merged into
//! a tally that already holds rows, in both cases to the end of a report.
//! No call may panic; a state that is taken must give a report whose rows
//! add up, file by file, and a state saved from it must read back to the
//! same report.
#![no_main]
use govtally::{BadRowPolicy, Dataset, Options, Tally};
use libfuzzer_sys::fuzz_target;

fn options() -> Options {
    Options {
        on_bad_row: BadRowPolicy::Skip,
        keep_state: true,
        threads: Some(1),
        ..Options::default()
    }
}

fn check(r: &govtally::Report) {
    assert!(r.rows.balanced(), "{:?}", r.rows);
    assert!(r.files.iter().all(|f| f.rows.balanced()), "{:?}", r.files);
}

fuzz_target!(|data: &[u8]| {
    // Resumed as it is, then saved and resumed again: the same report.
    if let Ok(mut t) = Tally::resume("fuzz.state", data, &options()) {
        let again = t.save_state();
        if let Ok(r) = t.finish() {
            check(&r);
            let again = again.expect("a resumed tally saves");
            let r2 = Tally::resume("again", &again, &options())
                .expect("a saved state resumes")
                .finish()
                .expect("and finishes");
            assert_eq!(r, r2);
        }
    }
    // Merged after rows of every ledger.
    for d in Dataset::ALL {
        let Ok(mut t) = Tally::new(d, &options()) else {
            continue;
        };
        let _ = t.merge_state("fuzz.state", data);
        if let Ok(r) = t.finish() {
            check(&r);
        }
    }
});
