//! The C ABI driven by the input: a little program of operations on one
//! options handle, one tally and its report — setters with arbitrary
//! strings (or NULL), feeds, finishes in any state, JSON and getters with
//! arbitrary paths and buffer sizes, prose from the built-in template or
//! arbitrary template bytes, last-error with any buffer size. No
//! call may panic or fail to return a status; buffers must never be
//! overrun (checked by a guard byte) and a written string is NUL-terminated.
#![no_main]
use std::ffi::{CString, c_char};
use std::ptr;

use govtally::ffi::*;
use libfuzzer_sys::fuzz_target;

struct Prog<'a>(&'a [u8]);

impl Prog<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn bytes(&mut self) -> &[u8] {
        let n = (self.byte().unwrap_or(0) as usize).min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
    /// A C string, or None for NULL (length byte 255).
    fn cstr(&mut self) -> Option<CString> {
        if self.0.first() == Some(&255) {
            self.byte();
            return None;
        }
        let b: Vec<u8> = self.bytes().iter().copied().filter(|&b| b != 0).collect();
        Some(CString::new(b).unwrap())
    }
}

fn p(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

/// Calls a buffer-filling function with `cap` bytes and a guard after.
fn buffered(cap: usize, null_buf: bool, f: impl FnOnce(*mut u8, u64, *mut u64) -> govtally_status) {
    let mut buf = vec![0xA5u8; cap + 1];
    let mut needed = 0u64;
    let bp = if null_buf {
        ptr::null_mut()
    } else {
        buf.as_mut_ptr()
    };
    let s = f(bp, cap as u64, &mut needed);
    assert_eq!(buf[cap], 0xA5, "buffer overrun");
    if s == govtally_status::GOVTALLY_OK && !null_buf && cap > 0 {
        assert!(
            needed as usize <= cap,
            "needed {needed} > cap {cap} on success"
        );
        assert!(needed >= 1);
        assert_eq!(buf[needed as usize - 1], 0, "not NUL-terminated");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut prog = Prog(data);
    let mut options: *mut govtally_options = ptr::null_mut();
    let mut tally: *mut govtally_tally = ptr::null_mut();
    let mut report: *mut govtally_report = ptr::null_mut();
    // SAFETY (all calls below): handles are NULL or live ones made here and
    // freed once at the end; strings are NUL-terminated CStrings or NULL;
    // buffers are writable for the capacity passed.
    unsafe {
        let _ = govtally_options_new(&mut options);
        let mut steps = 0;
        while let Some(op) = prog.byte() {
            steps += 1;
            if steps > 64 {
                break;
            }
            let _ = match op % 20 {
                0 => {
                    let (a, b) = (prog.cstr(), prog.cstr());
                    govtally_options_set_period(options, p(&a), p(&b))
                }
                1 => {
                    let y =
                        i16::from_le_bytes([prog.byte().unwrap_or(0), prog.byte().unwrap_or(0)]);
                    govtally_options_set_year(options, y as i32)
                }
                2 => govtally_options_set_encoding(options, p(&prog.cstr())),
                3 => govtally_options_set_delimiter(options, prog.byte().unwrap_or(0)),
                4 => govtally_options_set_skip_bad_rows(options, prog.byte().unwrap_or(0) & 1 == 1),
                5 => {
                    let v = prog.byte().unwrap_or(0);
                    // Small limits, 0 included (an invalid argument for two).
                    match (op >> 5) & 3 {
                        0 => govtally_options_set_threads(options, (v % 4) as u32),
                        1 => govtally_options_set_max_record_bytes(options, u64::from(v) * 4),
                        2 => govtally_options_set_max_columns(options, u64::from(v % 16)),
                        _ => govtally_options_set_max_problems(options, u64::from(v % 8)),
                    }
                }
                6 => govtally_options_set_rounding(options, p(&prog.cstr())),
                7 => {
                    let (a, b) = (prog.cstr(), prog.cstr());
                    govtally_options_add_alias(options, p(&a), p(&b))
                }
                8 => {
                    if tally.is_null() {
                        let d = prog.byte().unwrap_or(0) as i8 as i32;
                        let o = if d & 8 != 0 {
                            ptr::null()
                        } else {
                            options as *const _
                        };
                        govtally_tally_new(d % 4, o, &mut tally)
                    } else {
                        govtally_status::GOVTALLY_OK
                    }
                }
                9 | 10 | 11 => {
                    let b = prog.bytes().to_vec();
                    if b.is_empty() && op & 32 != 0 {
                        govtally_tally_feed(tally, ptr::null(), 0)
                    } else {
                        govtally_tally_feed(tally, b.as_ptr(), b.len() as u64)
                    }
                }
                12 => govtally_tally_begin_input(tally, p(&prog.cstr())),
                13 => {
                    if report.is_null() {
                        govtally_tally_finish(tally, &mut report)
                    } else {
                        let mut r2: *mut govtally_report = ptr::null_mut();
                        let s = govtally_tally_finish(tally, &mut r2);
                        govtally_report_free(r2);
                        s
                    }
                }
                14 if op & 64 != 0 => {
                    // The report's prose: the built-in template (bit 128) or
                    // arbitrary template bytes (often not UTF-8, or not a
                    // template), the report handle possibly NULL.
                    let cap = prog.byte().unwrap_or(0) as usize * 17;
                    let null_buf = op & 32 != 0;
                    let tpl = prog.bytes().to_vec();
                    let reports = [report as *const govtally_report];
                    // A template is a program: loops, repetition and
                    // recursion can run as long as they are written to
                    // (docs/c-api.md#prose). Those are left to the built-in.
                    let runs_long = |w: &[u8]| tpl.windows(w.len()).any(|x| x == w);
                    let unbounded = runs_long(b"for") || runs_long(b"*") || runs_long(b"macro");
                    let (t, len) = if op & 128 != 0 || unbounded {
                        (ptr::null(), 0)
                    } else {
                        (tpl.as_ptr(), tpl.len() as u64)
                    };
                    buffered(cap, null_buf, |b, c, n| {
                        govtally_report_prose(reports.as_ptr(), 1, t, len, b, c, n)
                    });
                    govtally_status::GOVTALLY_OK
                }
                14 => {
                    let cap = prog.byte().unwrap_or(0) as usize * 17;
                    let null_buf = op & 32 != 0;
                    buffered(cap, null_buf, |b, c, n| {
                        govtally_report_json(report, b, c, n)
                    });
                    govtally_status::GOVTALLY_OK
                }
                15 => {
                    let mut v = 0i64;
                    govtally_report_get_i64(report, p(&prog.cstr()), &mut v)
                }
                16 => {
                    let mut v = 0f64;
                    govtally_report_get_f64(report, p(&prog.cstr()), &mut v)
                }
                17 => {
                    let cap = prog.byte().unwrap_or(0) as usize;
                    buffered(cap, op & 32 != 0, |b, c, n| govtally_last_error(b, c, n));
                    govtally_status::GOVTALLY_OK
                }
                18 => {
                    let mut d = govtally_dataset::GOVTALLY_DATASET_LEGALITY;
                    govtally_dataset_from_name(p(&prog.cstr()), &mut d)
                }
                _ => {
                    let s = i32::from(prog.byte().unwrap_or(0) as i8);
                    assert!(!govtally_status_str(s).is_null());
                    govtally_status::GOVTALLY_OK
                }
            };
        }
        govtally_report_free(report);
        govtally_tally_free(tally);
        govtally_options_free(options);
    }
});
