//! Fault injection for tests (cargo feature `test-hooks`, never in a
//! shipped library): a panic forced deep inside the engine shows that the
//! C boundary turns it into `GOVTALLY_PANIC` and leaves the process usable,
//! which no input can show, since no input makes govtally panic.

use std::sync::atomic::{AtomicI64, Ordering};

/// Rows still to parse before the forced panic; negative when disarmed.
static PANIC_COUNTDOWN: AtomicI64 = AtomicI64::new(-1);

/// Makes the engine panic when it parses its `rows`-th next row (0: the
/// next one), on whichever thread parses it; a negative value disarms. The
/// countdown is process-wide and fires once.
pub fn panic_after_rows(rows: i64) {
    PANIC_COUNTDOWN.store(rows, Ordering::SeqCst);
}

/// Called for every row parsed.
pub(crate) fn row_parsed() {
    let fired = PANIC_COUNTDOWN
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n >= 0).then_some(n - 1)
        })
        .is_ok_and(|before| before == 0);
    if fired {
        panic!("forced by the test hook govtally_test_panic_after_rows");
    }
}
