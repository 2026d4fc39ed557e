//! The C ABI: `include/govtally.h`, generated from this module by cbindgen.
//!
//! Opaque handles (`govtally_options`, `govtally_tally`, `govtally_report`),
//! status codes, a per-thread last-error message and caller-owned buffers.
//! Every entry point checks its pointers, validates enum values that come
//! from C, and catches panics, so no panic ever crosses the boundary.
//!
//! See `docs/c-api.md` in the repository for ownership, errors, thread
//! safety and complete C and Java examples. The header is regenerated with
//! `GOVTALLY_UPDATE_HEADER=1 cargo test --test header`.

#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use std::cell::RefCell;
use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;

use crate::render::prose::{Template, TemplateError};
use crate::{BadRowPolicy, Dataset, Encoding, Error, Options, Period, Report, Rounding, Tally};

/// The major version of the library this header belongs to.
pub const GOVTALLY_VERSION_MAJOR: u32 = 0;
/// The minor version of the library this header belongs to.
pub const GOVTALLY_VERSION_MINOR: u32 = 1;
/// The patch version of the library this header belongs to.
pub const GOVTALLY_VERSION_PATCH: u32 = 0;
/// The version of the C ABI this header describes. It changes only when a
/// change breaks callers compiled against an older header; compare it with
/// `govtally_abi_version()` at start-up.
pub const GOVTALLY_ABI_VERSION: u32 = 1;

// The version constants above must follow Cargo.toml: a version bump that
// forgets them does not compile.
const fn parse_u32(s: &str) -> u32 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n: u32 = 0;
    while i < b.len() {
        assert!(b[i].is_ascii_digit());
        n = n * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    n
}
const _: () = assert!(GOVTALLY_VERSION_MAJOR == parse_u32(env!("CARGO_PKG_VERSION_MAJOR")));
const _: () = assert!(GOVTALLY_VERSION_MINOR == parse_u32(env!("CARGO_PKG_VERSION_MINOR")));
const _: () = assert!(GOVTALLY_VERSION_PATCH == parse_u32(env!("CARGO_PKG_VERSION_PATCH")));

/// The result of a call. Values are fixed and never reused: new statuses
/// are only ever added after the last one. `govtally_status_str()` names
/// each; `govtally_last_error()` gives the full message of the last failure.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum govtally_status {
    /// Success.
    GOVTALLY_OK = 0,
    /// A required pointer argument was NULL.
    GOVTALLY_NULL_ARGUMENT = 1,
    /// An argument is not acceptable: an unknown dataset, encoding or
    /// rounding rule, a bad period, year or delimiter, a string that is not
    /// UTF-8, an alias naming no column, or a figure of the wrong type.
    GOVTALLY_INVALID_ARGUMENT = 2,
    /// The handle is in the wrong state: the tally was already finished.
    GOVTALLY_WRONG_STATE = 3,
    /// A file could not be opened or read.
    GOVTALLY_IO_ERROR = 4,
    /// A file cannot be read as the dataset: no header, missing or
    /// ambiguous columns, an undecodable header, a conflicting byte-order
    /// mark.
    GOVTALLY_FILE_ERROR = 5,
    /// Rows were rejected under the `fail` bad-row policy; the last error
    /// lists every problem (file:line: column, value, reason).
    GOVTALLY_REJECTED_ROWS = 6,
    /// The caller's buffer is too small; `*needed` holds the size required.
    GOVTALLY_BUFFER_TOO_SMALL = 7,
    /// The figure exists but is null (for instance a percentage of zero).
    GOVTALLY_VALUE_IS_NULL = 8,
    /// The report has no figure at that path.
    GOVTALLY_NO_SUCH_FIGURE = 9,
    /// An internal error (a Rust panic) was caught; the handle involved
    /// should be freed and not used again.
    GOVTALLY_PANIC = 10,
    /// No period was set and no row has a date to take the year from.
    GOVTALLY_NO_PERIOD = 11,
    /// A report template does not parse or cannot be filled in (a syntax
    /// error, an unknown filter, a figure no report has, a filter given
    /// what it cannot phrase); the last error names the line and column:
    /// `template <template>, line 2, column 7: …`.
    GOVTALLY_TEMPLATE_ERROR = 12,
    /// Bytes given as a state are not one this tally can take: empty,
    /// not a state, truncated, damaged, of another version or ledger, or
    /// tallied with another period, rounding or aliases (docs/state.md).
    GOVTALLY_BAD_STATE = 13,
}

use govtally_status::*;

/// A `govtally_status` as it comes from C: any `int32_t`, validated before
/// use (the header names it `govtally_status`).
pub type govtally_status_arg = i32;

/// A `govtally_dataset` as it comes from C: any `int32_t`, validated before
/// use (the header names it `govtally_dataset`).
pub type govtally_dataset_arg = i32;

/// A kind of ledger export. Functions take datasets as `int32_t`
/// (`govtally_dataset`) and reject values that are not listed here.
///
/// The values are the registry's (`Dataset::code`); a new ledger is
/// appended with the next value and no value is ever reused, so a program
/// compiled against an older header keeps working. A test checks that
/// this list and the registry agree.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum govtally_dataset {
    /// 合法性审查台账 (`legality`).
    GOVTALLY_DATASET_LEGALITY = 0,
    /// 双随机一公开抽查记录 (`inspections`).
    GOVTALLY_DATASET_INSPECTIONS = 1,
    /// 信访咨询件登记 (`complaints`).
    GOVTALLY_DATASET_COMPLAINTS = 2,
    /// 劳动保障监察执法台账 (`enforcement`).
    GOVTALLY_DATASET_ENFORCEMENT = 3,
    /// 行政规范性文件管理台账 (`normative`).
    GOVTALLY_DATASET_NORMATIVE = 4,
    /// 劳动人事争议案件台账 (`disputes`).
    GOVTALLY_DATASET_DISPUTES = 5,
    /// 行政复议与行政诉讼案件台账 (`reconsideration`).
    GOVTALLY_DATASET_RECONSIDERATION = 6,
    /// 建议提案办理台账 (`proposals`).
    GOVTALLY_DATASET_PROPOSALS = 7,
}

impl govtally_dataset {
    fn from_raw(v: i32) -> Option<Dataset> {
        Dataset::from_code(v)
    }
}

/// Options for a tally (opaque). Create with `govtally_options_new()`,
/// free with `govtally_options_free()`.
pub struct govtally_options {
    inner: Options,
}

/// A tally of one dataset over one or more inputs (opaque). Create with
/// `govtally_tally_new()`, free with `govtally_tally_free()`.
pub struct govtally_tally {
    /// None once finished, or once a call on it panicked.
    inner: Option<Tally>,
    /// A call on this handle panicked: its state is not to be trusted.
    poisoned: bool,
    /// The state last made by `govtally_tally_save_state()`, kept until
    /// the tally changes (a caller asks for the size, then for the bytes).
    saved: Option<Vec<u8>>,
}

/// A finished report (opaque). Create with `govtally_tally_finish()`, free
/// with `govtally_report_free()`.
pub struct govtally_report {
    json: Value,
    /// The report as pretty-printed JSON.
    text: String,
    /// The report as Chinese text, made on first request.
    chinese: std::sync::OnceLock<String>,
    report: Report,
}

// Handles may move between threads (used by one thread at a time).
const _: () = {
    const fn send<T: Send>() {}
    send::<govtally_options>();
    send::<govtally_tally>();
    send::<govtally_report>();
};

// ---------------------------------------------------------------------------
// Failures, the last error, panics.

/// A failed call: its status and the message kept for `govtally_last_error`.
struct Fail {
    status: govtally_status,
    message: String,
}

impl Fail {
    fn new(status: govtally_status, message: impl Into<String>) -> Fail {
        Fail {
            status,
            message: message.into(),
        }
    }

    fn null(what: &str) -> Fail {
        Fail::new(GOVTALLY_NULL_ARGUMENT, format!("`{what}` is NULL"))
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        let status = match &e {
            Error::Io { .. } => GOVTALLY_IO_ERROR,
            Error::File { .. } => GOVTALLY_FILE_ERROR,
            Error::Rejected { .. } => GOVTALLY_REJECTED_ROWS,
            Error::InvalidOption(_) | Error::InvalidPeriod(_) => GOVTALLY_INVALID_ARGUMENT,
            Error::NoPeriod => GOVTALLY_NO_PERIOD,
            Error::State { .. } => GOVTALLY_BAD_STATE,
        };
        Fail::new(status, e.to_string())
    }
}

impl From<TemplateError> for Fail {
    fn from(e: TemplateError) -> Fail {
        Fail::new(GOVTALLY_TEMPLATE_ERROR, e.to_string())
    }
}

type Outcome = Result<(), Fail>;

thread_local! {
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn set_last_error(message: String) {
    // A C string ends at the first NUL: show NULs from the data escaped.
    let message = if message.contains('\0') {
        message.replace('\0', "\\x00")
    } else {
        message
    };
    // During thread teardown the slot may be gone: then there is nowhere
    // to keep the message, and the status alone must do.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some(message);
        }
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// Runs `f`, turning its failure into a status (and the last error), and a
/// panic into `GOVTALLY_PANIC`.
fn guard(f: impl FnOnce() -> Outcome) -> govtally_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => GOVTALLY_OK,
        Ok(Err(fail)) => {
            set_last_error(fail.message);
            fail.status
        }
        Err(payload) => {
            let message = catch_unwind(AssertUnwindSafe(|| panic_message(&*payload)))
                .unwrap_or_else(|_| "unknown panic payload".to_string());
            set_last_error(format!("internal error (panic): {message}"));
            // Dropping the payload may itself panic: then leak it.
            if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
                std::mem::forget(again);
            }
            GOVTALLY_PANIC
        }
    }
}

/// Runs `f` for a function without a status, swallowing any panic.
fn quietly(f: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
        std::mem::forget(payload);
    }
}

// ---------------------------------------------------------------------------
// Arguments.

/// A NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that stays valid and
/// unchanged for `'a`.
unsafe fn str_arg<'a>(p: *const c_char, what: &str) -> Result<&'a str, Fail> {
    if p.is_null() {
        return Err(Fail::null(what));
    }
    // SAFETY: not NULL, and the caller promises a NUL-terminated string
    // valid for 'a.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|e| {
        Fail::new(
            GOVTALLY_INVALID_ARGUMENT,
            format!("`{what}` is not valid UTF-8 ({e})"),
        )
    })
}

/// A mutable reference to a handle.
///
/// # Safety
/// `p` is NULL or a live handle of type `T` used by no other thread.
unsafe fn handle_mut<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, Fail> {
    // SAFETY: the caller promises a live, unshared handle or NULL.
    unsafe { p.as_mut() }.ok_or_else(|| Fail::null(what))
}

/// A shared reference to a handle.
///
/// # Safety
/// `p` is NULL or a live handle of type `T` not being changed meanwhile.
unsafe fn handle_ref<'a, T>(p: *const T, what: &str) -> Result<&'a T, Fail> {
    // SAFETY: the caller promises a live handle or NULL.
    unsafe { p.as_ref() }.ok_or_else(|| Fail::null(what))
}

/// Checks an output pointer.
fn out_arg<T>(p: *mut T, what: &str) -> Result<*mut T, Fail> {
    if p.is_null() {
        Err(Fail::null(what))
    } else {
        Ok(p)
    }
}

/// Copies `text` and a NUL into the caller's buffer, after setting
/// `*needed`. Writes nothing into `buf` unless it is large enough.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes; `needed` is NULL or writable.
unsafe fn write_text(text: &str, buf: *mut u8, cap: u64, needed: *mut u64) -> Outcome {
    let need = text.len() as u64 + 1;
    if !needed.is_null() {
        // SAFETY: not NULL; the caller promises it is writable.
        unsafe { needed.write_unaligned(need) };
    }
    if buf.is_null() && cap > 0 {
        return Err(Fail::null("buf"));
    }
    if cap < need {
        return Err(Fail::new(
            GOVTALLY_BUFFER_TOO_SMALL,
            format!(
                "buffer too small: {need} bytes are needed (with the NUL), the capacity is {cap}"
            ),
        ));
    }
    // SAFETY: cap >= need > 0, so buf is not NULL and, as the caller
    // promises, writable for at least text.len() + 1 bytes; the source is a
    // distinct Rust string, so the ranges do not overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf, text.len());
        buf.add(text.len()).write(0);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Versions and statuses.

static VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("the package version holds a NUL"),
    };

/// The library's version, `"MAJOR.MINOR.PATCH"`, as a static string (never
/// freed). It equals the `GOVTALLY_VERSION_*` macros of the header the
/// library was built with.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn govtally_version() -> *const c_char {
    VERSION.as_ptr()
}

/// The C ABI version of the library; equals `GOVTALLY_ABI_VERSION` when
/// the header and the library agree:
/// `assert(govtally_abi_version() == GOVTALLY_ABI_VERSION);`
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn govtally_abi_version() -> u32 {
    GOVTALLY_ABI_VERSION
}

fn status_name(status: i32) -> &'static CStr {
    match status {
        0 => c"ok",
        1 => c"null argument",
        2 => c"invalid argument",
        3 => c"wrong state",
        4 => c"I/O error",
        5 => c"file error (header or encoding)",
        6 => c"rows rejected",
        7 => c"buffer too small",
        8 => c"value is null",
        9 => c"no such figure",
        10 => c"internal error (panic)",
        11 => c"no period",
        12 => c"template error",
        13 => c"bad state",
        _ => c"unknown status",
    }
}

/// A short English description of a status, as a static string (never
/// freed); `"unknown status"` for a value that is no status.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn govtally_status_str(status: govtally_status_arg) -> *const c_char {
    let mut name = c"unknown status";
    quietly(|| name = status_name(status));
    name.as_ptr()
}

/// The name of a dataset (`"legality"`, …, as `govtally_dataset_from_name()`
/// reads it), as a static string (never freed); NULL for a value that is
/// no dataset of this library. Counting up from 0 until NULL lists every
/// ledger the library knows, whatever header the caller was compiled with.
///
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn govtally_dataset_name(dataset: govtally_dataset_arg) -> *const c_char {
    static NAMES: std::sync::OnceLock<Vec<std::ffi::CString>> = std::sync::OnceLock::new();
    let mut name = std::ptr::null();
    quietly(|| {
        let names = NAMES.get_or_init(|| {
            Dataset::ALL
                .iter()
                .map(|d| std::ffi::CString::new(d.name()).expect("dataset names hold no NUL"))
                .collect()
        });
        if let Some(d) = Dataset::from_code(dataset) {
            name = names[d.code() as usize].as_ptr();
        }
    });
    name
}

/// Copies the message of the last failed call on the calling thread into
/// `buf` (NUL-terminated UTF-8). When rows were rejected it lists every
/// problem kept, one per line (`file:line: column `…`, value `…`: reason`).
///
/// `*needed` (when `needed` is not NULL) is set to the message's size in
/// bytes including the NUL, also when `buf` is too small; call with
/// `buf = NULL, cap = 0` to learn the size. Returns `GOVTALLY_OK` (with an
/// empty string when no call has failed yet on this thread),
/// `GOVTALLY_BUFFER_TOO_SMALL` (nothing written to `buf`) or
/// `GOVTALLY_NULL_ARGUMENT` (`buf` NULL with `cap` > 0). It never changes
/// the stored message itself, and successful calls do not clear it.
///
/// Thread safety: safe from any thread; each thread has its own message.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes; `needed` is NULL or a
/// writable `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_last_error(
    buf: *mut u8,
    cap: u64,
    needed: *mut u64,
) -> govtally_status {
    let run = || -> govtally_status {
        let message = LAST_ERROR
            .try_with(|slot| slot.try_borrow().ok().and_then(|m| m.clone()))
            .ok()
            .flatten()
            .unwrap_or_default();
        // SAFETY: the caller's promises on buf, cap and needed.
        match unsafe { write_text(&message, buf, cap, needed) } {
            Ok(()) => GOVTALLY_OK,
            Err(fail) => fail.status,
        }
    };
    catch_unwind(AssertUnwindSafe(run)).unwrap_or(GOVTALLY_PANIC)
}

/// Finds a dataset by name — `legality`, `inspections`, `complaints`,
/// `enforcement`, `normative`, `disputes`, `reconsideration`, `proposals`
/// (any case) — or by its Chinese title (`合法性审查台账`, …, the titles of
/// `govtally_dataset`). Writes `*out` on success only.
///
/// Thread safety: safe from any thread.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_dataset_from_name(
    name: *const c_char,
    out: *mut govtally_dataset,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let name = unsafe { str_arg(name, "name") }?;
        let out = out_arg(out, "out")?;
        let d: Dataset = name.parse()?;
        // SAFETY: out is not NULL and the caller promises it is writable;
        // C reads the enum as the int32_t it is declared with.
        unsafe { out.cast::<i32>().write_unaligned(d.code()) };
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Options.

/// Creates options with the defaults: automatic encoding and delimiter,
/// the period taken from the data (the calendar year of the latest date),
/// the `fail` bad-row policy, half-away-from-zero rounding, no extra
/// aliases. On success `*out` receives a handle to free with
/// `govtally_options_free()`.
///
/// Thread safety: safe from any thread.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_new(out: *mut *mut govtally_options) -> govtally_status {
    guard(|| {
        let out = out_arg(out, "out")?;
        let handle = Box::into_raw(Box::new(govtally_options {
            inner: Options::default(),
        }));
        // SAFETY: out is not NULL and the caller promises it is writable.
        unsafe { out.write_unaligned(handle) };
        Ok(())
    })
}

/// Frees options; NULL is accepted and does nothing. Tallies created from
/// them keep their own copy.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a handle from `govtally_options_new()` not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_free(options: *mut govtally_options) {
    if options.is_null() {
        return;
    }
    // SAFETY: a live handle made by Box::into_raw, freed once.
    quietly(|| drop(unsafe { Box::from_raw(options) }));
}

/// The options behind a handle.
///
/// # Safety
/// `options` is NULL or a live handle used by no other thread.
unsafe fn options_mut<'a>(options: *mut govtally_options) -> Result<&'a mut Options, Fail> {
    // SAFETY: the caller's promise.
    Ok(&mut unsafe { handle_mut(options, "options") }?.inner)
}

/// Sets the reporting period from `from` to `to`, inclusive, in any date
/// form the ledgers use (`2023-01-01`, `2023/1/1`, `2023年1月1日`). An
/// unreadable date or an end before the start is `GOVTALLY_INVALID_ARGUMENT`.
/// The options are unchanged on failure.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle; `from` and `to` are NULL or
/// NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_period(
    options: *mut govtally_options,
    from: *const c_char,
    to: *const c_char,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        // SAFETY: the caller promises NUL-terminated strings or NULL.
        let (from, to) = unsafe { (str_arg(from, "from")?, str_arg(to, "to")?) };
        o.period = Some(Period::parse(from, to)?);
        Ok(())
    })
}

/// Sets the reporting period to the calendar year `year` (1 to 9999 are
/// usable); the previous period of complaints is then the year before.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_year(
    options: *mut govtally_options,
    year: i32,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.period = Some(Period::year(year)?);
        Ok(())
    })
}

/// Sets the input encoding: `auto` (the default), `utf-8`, `gb18030` (also
/// `gbk`, `gb2312`, `cp936`), `utf-16le` or `utf-16be`.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle; `name` is NULL or a NUL-terminated
/// string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_encoding(
    options: *mut govtally_options,
    name: *const c_char,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let name = unsafe { str_arg(name, "name") }?;
        o.encoding = name.parse::<Encoding>()?;
        Ok(())
    })
}

/// Sets the field delimiter: an ASCII byte other than `"`, CR and LF (for
/// instance `','`, `'\t'`, `';'`), or 0 to choose tab or comma from each
/// file's header line (the default).
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_delimiter(
    options: *mut govtally_options,
    delimiter: u8,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.delimiter = match delimiter {
            0 => None,
            b'"' | b'\r' | b'\n' => {
                return Err(Fail::new(
                    GOVTALLY_INVALID_ARGUMENT,
                    format!(
                        "invalid delimiter {delimiter:#04x}: a quote, CR or LF cannot separate fields"
                    ),
                ));
            }
            d if d.is_ascii() => Some(d),
            d => {
                return Err(Fail::new(
                    GOVTALLY_INVALID_ARGUMENT,
                    format!("invalid delimiter {d:#04x}: give an ASCII byte, or 0 for automatic"),
                ));
            }
        };
        Ok(())
    })
}

/// Chooses the bad-row policy: `false` is `fail` (the default: any rejected
/// row makes `govtally_tally_finish()` fail with `GOVTALLY_REJECTED_ROWS`),
/// `true` is `skip` (rejected rows are left out of the figures and listed
/// under `problems` in the report).
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_skip_bad_rows(
    options: *mut govtally_options,
    skip: bool,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.on_bad_row = if skip {
            BadRowPolicy::Skip
        } else {
            BadRowPolicy::Fail
        };
        Ok(())
    })
}

/// Sets the number of worker threads a tally uses for large inputs; 0
/// means every available core, at most 64 (the default). A value past 64
/// is `GOVTALLY_INVALID_ARGUMENT` and leaves the options as they were:
/// threads past the cores only add memory. Figures never depend on it.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_threads(
    options: *mut govtally_options,
    threads: u32,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.threads = match threads {
            0 => None,
            n if n as usize <= crate::options::MAX_THREADS => Some(n as usize),
            n => {
                return Err(Fail::new(
                    GOVTALLY_INVALID_ARGUMENT,
                    format!(
                        "`threads` must be 0 (every core) or from 1 to {}, not {n}",
                        crate::options::MAX_THREADS
                    ),
                ));
            }
        };
        Ok(())
    })
}

/// A limit value from C: at least `min`, and one this machine can hold.
fn limit_arg(value: u64, min: u64, what: &str) -> Result<usize, Fail> {
    if value < min {
        return Err(Fail::new(
            GOVTALLY_INVALID_ARGUMENT,
            format!("`{what}` must be at least {min}, not {value}"),
        ));
    }
    // Past usize::MAX no input could reach the limit anyway.
    Ok(usize::try_from(value).unwrap_or(usize::MAX))
}

/// Sets the longest record a tally accepts, as the decoded UTF-8 bytes of
/// its fields' contents (delimiters and quotes not counted); default 1048576 (1 MiB), at least 1. A longer
/// row is a bad row, a longer header a file error; bytes past the limit
/// are scanned, never stored, so this bounds the memory a broken input can
/// take.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_max_record_bytes(
    options: *mut govtally_options,
    bytes: u64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.limits.max_record_bytes = limit_arg(bytes, 1, "bytes")?;
        Ok(())
    })
}

/// Sets the most columns a header or row may have; default 1024, at
/// least 1. A wider row is a bad row, a wider header a file error.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_max_columns(
    options: *mut govtally_options,
    columns: u64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.limits.max_columns = limit_arg(columns, 1, "columns")?;
        Ok(())
    })
}

/// Sets how many bad rows are kept in full (file, line, column, value,
/// reason) in the report and in the message of `GOVTALLY_REJECTED_ROWS`;
/// default 100. 0 keeps none; every bad row is counted whatever the limit.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_max_problems(
    options: *mut govtally_options,
    problems: u64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.limits.max_problems = limit_arg(problems, 0, "problems")?;
        Ok(())
    })
}

/// Sets the largest workbook (`.xlsx`, `.xls`, …) a tally reads, in bytes;
/// default 268435456 (256 MiB), at least 1. A larger one is
/// `GOVTALLY_FILE_ERROR`.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_max_workbook_bytes(
    options: *mut govtally_options,
    bytes: u64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.limits.max_workbook_bytes = limit_arg(bytes, 1, "bytes")? as u64;
        Ok(())
    })
}

/// Sets the largest uncompressed part of a zip workbook (a sheet; parts
/// read whole, such as shared strings, may have a sixteenth of it), in
/// bytes; default 536870912 (512 MiB), at least 1. A larger part — a zip
/// bomb — is `GOVTALLY_FILE_ERROR` before anything is decompressed.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_max_sheet_bytes(
    options: *mut govtally_options,
    bytes: u64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.limits.max_sheet_bytes = limit_arg(bytes, 1, "bytes")? as u64;
        Ok(())
    })
}

/// Sets the most cells of a sheet read whole (`.xls`, `.ods`: the
/// rectangle from the first to the last used cell); default 4000000, at
/// least 1. A larger sheet is `GOVTALLY_FILE_ERROR`.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_max_sheet_cells(
    options: *mut govtally_options,
    cells: u64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.limits.max_sheet_cells = limit_arg(cells, 1, "cells")? as u64;
        Ok(())
    })
}

/// Sets the rounding of percentages and means to two decimals:
/// `half_away_from_zero` (四舍五入, the default, as Excel's ROUND) or
/// `half_even` (GB/T 8170).
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle; `rule` is NULL or a NUL-terminated
/// string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_rounding(
    options: *mut govtally_options,
    rule: *const c_char,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let rule = unsafe { str_arg(rule, "rule") }?;
        o.rounding = rule.parse::<Rounding>()?;
        Ok(())
    })
}

/// Adds a header alias: a column headed `header` in a file is read as the
/// dataset's column `key` (see docs/columns). A key the dataset does not
/// have is reported by `govtally_tally_new()` as `GOVTALLY_INVALID_ARGUMENT`.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle; `header` and `key` are NULL or
/// NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_add_alias(
    options: *mut govtally_options,
    header: *const c_char,
    key: *const c_char,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        // SAFETY: the caller promises NUL-terminated strings or NULL.
        let (header, key) = unsafe { (str_arg(header, "header")?, str_arg(key, "key")?) };
        if header.trim().is_empty() || key.trim().is_empty() {
            return Err(Fail::new(
                GOVTALLY_INVALID_ARGUMENT,
                "an alias needs a non-empty header and key",
            ));
        }
        o.aliases.push((header.to_string(), key.to_string()));
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Tallies.

/// Creates a tally of `dataset` (a `GOVTALLY_DATASET_*` value; anything else
/// is `GOVTALLY_INVALID_ARGUMENT`) with a copy of `options` (NULL: the
/// defaults). On success `*out` receives a handle to free with
/// `govtally_tally_free()`.
///
/// Thread safety: safe from any thread; `options` must not be changed on
/// another thread meanwhile.
///
/// # Safety
/// `options` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_new(
    dataset: govtally_dataset_arg,
    options: *const govtally_options,
    out: *mut *mut govtally_tally,
) -> govtally_status {
    guard(|| {
        let out = out_arg(out, "out")?;
        let dataset = govtally_dataset::from_raw(dataset).ok_or_else(|| {
            Fail::new(
                GOVTALLY_INVALID_ARGUMENT,
                format!(
                    "unknown dataset {dataset}: expected a GOVTALLY_DATASET_* value, 0 ({}) to {} ({})",
                    Dataset::ALL[0],
                    Dataset::ALL.len() - 1,
                    Dataset::ALL[Dataset::ALL.len() - 1]
                ),
            )
        })?;
        let defaults;
        let options = if options.is_null() {
            defaults = Options::default();
            &defaults
        } else {
            // SAFETY: not NULL; the caller promises a live handle.
            &unsafe { handle_ref(options, "options") }?.inner
        };
        let tally = Tally::new(dataset, options)?;
        let handle = Box::into_raw(Box::new(govtally_tally {
            inner: Some(tally),
            poisoned: false,
            saved: None,
        }));
        // SAFETY: out is not NULL and the caller promises it is writable.
        unsafe { out.write_unaligned(handle) };
        Ok(())
    })
}

/// The tally of a handle that is not finished. Every call that reaches it
/// may change it, so a state kept from `govtally_tally_save_state()` is
/// dropped.
fn live(t: &mut govtally_tally) -> Result<&mut Tally, Fail> {
    t.saved = None;
    let poisoned = t.poisoned;
    t.inner.as_mut().ok_or_else(|| {
        Fail::new(
            GOVTALLY_WRONG_STATE,
            if poisoned {
                "an earlier call on this tally failed with an internal error (panic); \
                 free it and create a new one"
            } else {
                "the tally was already finished; create a new one"
            },
        )
    })
}

/// `guard` for a call on a tally: a panic half-way through a feed or a
/// finish leaves the tally's state unknown, so the handle is retired — every
/// later call gives `GOVTALLY_WRONG_STATE` — and can only be freed.
fn guard_tally(tally: *mut govtally_tally, f: impl FnOnce() -> Outcome) -> govtally_status {
    let status = guard(f);
    if status == GOVTALLY_PANIC {
        // SAFETY: the caller of the exported function promises `tally` is
        // NULL or a live handle no other thread uses; the borrow taken by
        // `f` ended with it.
        if let Some(t) = unsafe { tally.as_mut() } {
            t.poisoned = true;
            let inner = t.inner.take();
            quietly(move || drop(inner));
        }
    }
    status
}

/// Feeds the next `len` bytes of the current input, which starts unnamed
/// (problems name it `<input>`) if none is open. Chunks may be of any size
/// and may end in the middle of a field or a character. `data` may be NULL
/// when `len` is 0. A header or encoding error is `GOVTALLY_FILE_ERROR`, and
/// the tally then keeps failing with it. After `govtally_tally_finish()`:
/// `GOVTALLY_WRONG_STATE`.
///
/// Thread safety: the handle must not be in use on another thread;
/// separate tallies may be fed on separate threads at the same time.
///
/// # Safety
/// `tally` is NULL or a live handle; `data` is NULL or readable for `len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_feed(
    tally: *mut govtally_tally,
    data: *const u8,
    len: u64,
) -> govtally_status {
    guard_tally(tally, || {
        // SAFETY: the caller's promise.
        let t = live(unsafe { handle_mut(tally, "tally") }?)?;
        // SAFETY: the caller promises `len` readable bytes at `data`.
        let bytes = unsafe { bytes_arg(data, len, "data") }?;
        t.feed(bytes)?;
        Ok(())
    })
}

/// Ends the current input, if any, and starts the next one, named `name`
/// (problems in it carry this name, as they carry a path for
/// `govtally_tally_feed_file()`). Each input has its own header and
/// encoding: call this between the exports of several files fed with
/// `govtally_tally_feed()` (a year exported month by month). Without it,
/// fed bytes form one input named `<input>`. Ending the previous input can
/// fail as feeding can (`GOVTALLY_FILE_ERROR` for an input without a
/// header). After `govtally_tally_finish()`: `GOVTALLY_WRONG_STATE`.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `tally` is NULL or a live handle; `name` is NULL or a NUL-terminated
/// string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_begin_input(
    tally: *mut govtally_tally,
    name: *const c_char,
) -> govtally_status {
    guard_tally(tally, || {
        // SAFETY: the caller's promise.
        let t = live(unsafe { handle_mut(tally, "tally") }?)?;
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let name = unsafe { str_arg(name, "name") }?;
        t.begin_file(name)?;
        Ok(())
    })
}

/// Reads a whole file as the next input of the tally (each file has its
/// own header and encoding; several files are tallied together). `path` is
/// a NUL-terminated path (bytes as the operating system takes them; UTF-8
/// on Linux in practice); problems name the file by it. A file that cannot
/// be read is `GOVTALLY_IO_ERROR`; a bad header or encoding is
/// `GOVTALLY_FILE_ERROR`. After `govtally_tally_finish()`:
/// `GOVTALLY_WRONG_STATE`.
///
/// Thread safety: the handle must not be in use on another thread;
/// separate tallies may read files on separate threads at the same time.
///
/// # Safety
/// `tally` is NULL or a live handle; `path` is NULL or a NUL-terminated
/// string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_feed_file(
    tally: *mut govtally_tally,
    path: *const c_char,
) -> govtally_status {
    guard_tally(tally, || {
        // SAFETY: the caller's promise.
        let t = live(unsafe { handle_mut(tally, "tally") }?)?;
        if path.is_null() {
            return Err(Fail::null("path"));
        }
        // SAFETY: not NULL; the caller promises a NUL-terminated string.
        let bytes = unsafe { CStr::from_ptr(path) }.to_bytes();
        #[cfg(unix)]
        let path = {
            use std::os::unix::ffi::OsStrExt;
            std::path::Path::new(std::ffi::OsStr::from_bytes(bytes))
        };
        #[cfg(not(unix))]
        let path = std::path::Path::new(std::str::from_utf8(bytes).map_err(|e| {
            Fail::new(
                GOVTALLY_INVALID_ARGUMENT,
                format!("`path` is not valid UTF-8 ({e})"),
            )
        })?);
        t.feed_file(path)?;
        Ok(())
    })
}

/// Reads a workbook held in memory (`.xlsx`, `.xlsm`, `.xlsb`, `.xls` or
/// `.ods`, recognised by its bytes) as the next input; `name` names it in
/// problems (with the sheet and cell: `台账.xlsx [2023年] C14`). `sheet` is
/// the sheet to read, or NULL for every sheet whose header is one of the
/// tally's ledger (a workbook with none is `GOVTALLY_FILE_ERROR`).
/// `govtally_tally_feed_file()` reads workbooks too, by their bytes, every
/// sheet of the ledger. A damaged, password-protected or oversized workbook
/// is `GOVTALLY_FILE_ERROR`, its message saying which. After
/// `govtally_tally_finish()`: `GOVTALLY_WRONG_STATE`.
///
/// Thread safety: the handle must not be in use on another thread;
/// separate tallies may be fed on separate threads at the same time.
///
/// # Safety
/// `tally` is NULL or a live handle; `name` is NULL or a NUL-terminated
/// string; `data` is NULL or readable for `len` bytes; `sheet` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_feed_workbook(
    tally: *mut govtally_tally,
    name: *const c_char,
    data: *const u8,
    len: u64,
    sheet: *const c_char,
) -> govtally_status {
    guard_tally(tally, || {
        // SAFETY: the caller's promise.
        let t = live(unsafe { handle_mut(tally, "tally") }?)?;
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let name = unsafe { str_arg(name, "name") }?;
        let sheet = if sheet.is_null() {
            None
        } else {
            // SAFETY: not NULL; the caller promises a NUL-terminated string.
            Some(unsafe { str_arg(sheet, "sheet") }?)
        };
        // A workbook is never empty: NULL data is refused whatever `len`.
        if data.is_null() {
            return Err(Fail::null("data"));
        }
        // SAFETY: the caller promises `len` readable bytes at `data`.
        let bytes = unsafe { bytes_arg(data, len, "data") }?;
        t.feed_workbook(name, bytes, sheet)?;
        Ok(())
    })
}

/// Ends the input and computes the report. On success `*out` receives a
/// report handle to free with `govtally_report_free()`. Under the `fail`
/// policy any rejected row gives `GOVTALLY_REJECTED_ROWS`, and
/// `govtally_last_error()` lists the problems. Whatever the outcome (except
/// a NULL argument), the tally is finished: later feeds and finishes give
/// `GOVTALLY_WRONG_STATE`, and the handle must still be freed with
/// `govtally_tally_free()`.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `tally` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_finish(
    tally: *mut govtally_tally,
    out: *mut *mut govtally_report,
) -> govtally_status {
    guard_tally(tally, || {
        // SAFETY: the caller's promise.
        let t = unsafe { handle_mut(tally, "tally") }?;
        let out = out_arg(out, "out")?;
        live(t)?;
        let tally = t.inner.take().expect("checked live");
        let report = tally.finish()?;
        let json = report.to_json_value();
        // The document in the schema's order, as the CLI writes it (the value
        // behind the getters keeps its keys sorted).
        let text = serde_json::to_string_pretty(&report).expect("reports serialise to JSON");
        let handle = Box::into_raw(Box::new(govtally_report {
            report,
            json,
            text,
            chinese: std::sync::OnceLock::new(),
        }));
        // SAFETY: out is not NULL and the caller promises it is writable.
        unsafe { out.write_unaligned(handle) };
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// States (docs/state.md).

/// A byte-string argument: `data` may be NULL only when `len` is 0.
///
/// # Safety
/// `data` is NULL or readable for `len` bytes that stay unchanged for `'a`.
unsafe fn bytes_arg<'a>(data: *const u8, len: u64, what: &str) -> Result<&'a [u8], Fail> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(Fail::null(what));
    }
    let len = usize::try_from(len)
        .ok()
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or_else(|| {
            Fail::new(
                GOVTALLY_INVALID_ARGUMENT,
                format!("length {len} of `{what}` is too large"),
            )
        })?;
    // SAFETY: data is not NULL, len fits in isize, and the caller promises
    // len readable bytes that stay unchanged for 'a.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// An optional NUL-terminated UTF-8 argument: NULL gives `default`.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for `'a`.
unsafe fn name_arg<'a>(p: *const c_char, what: &str, default: &'a str) -> Result<&'a str, Fail> {
    if p.is_null() {
        Ok(default)
    } else {
        // SAFETY: not NULL; the caller promises a NUL-terminated string.
        unsafe { str_arg(p, what) }
    }
}

/// Whether tallies made with these options keep what a saved state needs
/// (`govtally_tally_save_state()`): every first occurrence, compactly, and
/// each input's identity, so that an input taken twice is refused with
/// `GOVTALLY_FILE_ERROR`. Off by default; `govtally_tally_resume()` turns
/// it on.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_keep_state(
    options: *mut govtally_options,
    keep: bool,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        o.keep_state = keep;
        Ok(())
    })
}

/// Prefixes every id of the inputs a tally with these options is fed with
/// `prefix` (UTF-8, e.g. `"余杭"`), for ledgers whose ids are unique only
/// within a district: the ids of inputs with different prefixes never
/// meet when their states are merged. NULL or `""` removes the prefix.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `options` is NULL or a live handle; `prefix` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_options_set_id_prefix(
    options: *mut govtally_options,
    prefix: *const c_char,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller promises a live, unshared handle or NULL.
        let o = unsafe { options_mut(options) }?;
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let p = unsafe { name_arg(prefix, "prefix", "") }?;
        o.id_prefix = (!p.is_empty()).then(|| p.to_string());
        Ok(())
    })
}

/// Copies the tally so far as a state — bytes to keep, to resume later
/// with `govtally_tally_resume()` or to merge with
/// `govtally_tally_merge_state()` — into `buf`. Ends the current input;
/// the tally goes on. `*needed` (when not NULL) is set to the state's size,
/// also when `buf` is too small, which gives `GOVTALLY_BUFFER_TOO_SMALL`
/// and writes nothing into `buf`: call with `buf = NULL, cap = 0` to learn
/// the size, then again with a buffer that large (the state is made once
/// and kept until the tally changes, so the second call only copies it).
/// The tally must keep state (`govtally_options_set_keep_state()`), else
/// `GOVTALLY_INVALID_ARGUMENT`. A state holds no NUL terminator: it is
/// binary.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `tally` is NULL or a live handle; `buf` is NULL or writable for `cap`
/// bytes; `needed` is NULL or a writable `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_save_state(
    tally: *mut govtally_tally,
    buf: *mut u8,
    cap: u64,
    needed: *mut u64,
) -> govtally_status {
    guard_tally(tally, || {
        // SAFETY: the caller's promise.
        let h = unsafe { handle_mut(tally, "tally") }?;
        let state = match h.saved.take() {
            Some(s) => s,
            None => live(h)?.save_state()?,
        };
        let need = state.len() as u64;
        if !needed.is_null() {
            // SAFETY: not NULL; the caller promises it is writable.
            unsafe { needed.write_unaligned(need) };
        }
        if buf.is_null() && cap > 0 {
            h.saved = Some(state);
            return Err(Fail::null("buf"));
        }
        if cap < need {
            h.saved = Some(state);
            return Err(Fail::new(
                GOVTALLY_BUFFER_TOO_SMALL,
                format!("buffer too small: the state is {need} bytes, the capacity is {cap}"),
            ));
        }
        // SAFETY: cap >= need; when need > 0, buf is not NULL (checked
        // above) and writable for cap bytes, as the caller promises; the
        // source is a distinct Rust vector, so the ranges do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(state.as_ptr(), buf, state.len()) };
        h.saved = Some(state);
        Ok(())
    })
}

/// Creates a tally resumed from a state of `len` bytes (`name` names it in
/// errors; NULL: `<state>`): its ledger is the state's. With `options`
/// NULL the state's period, rounding and aliases are used, with the
/// defaults for the rest, and the tally keeps state (it can be saved
/// again); with options, they must agree with the state on period,
/// rounding and aliases, and the tally keeps state only if they say so
/// (`govtally_options_set_keep_state()`). Feeding the tally more inputs then gives
/// the report of one run over the state's inputs and those. A state that
/// is empty, not a state, truncated, damaged, of another version, or
/// tallied with other settings is `GOVTALLY_BAD_STATE`. On success `*out`
/// receives a handle to free with `govtally_tally_free()`.
///
/// Thread safety: safe from any thread.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `state` is NULL or readable
/// for `len` bytes; `options` is NULL or a live handle; `out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_resume(
    name: *const c_char,
    state: *const u8,
    len: u64,
    options: *const govtally_options,
    out: *mut *mut govtally_tally,
) -> govtally_status {
    guard(|| {
        let out = out_arg(out, "out")?;
        // SAFETY: the caller's promises.
        let name = unsafe { name_arg(name, "name", "<state>") }?;
        // SAFETY: the caller's promise on state and len.
        let bytes = unsafe { bytes_arg(state, len, "state") }?;
        let options = if options.is_null() {
            crate::state::info(bytes)
                .map_err(|error| Error::State {
                    state: name.to_string(),
                    error,
                })?
                .options(&Options {
                    keep_state: true,
                    ..Options::default()
                })
        } else {
            // SAFETY: not NULL; the caller promises a live handle.
            unsafe { handle_ref(options, "options") }?.inner.clone()
        };
        let tally = Tally::resume(name, bytes, &options)?;
        let handle = Box::into_raw(Box::new(govtally_tally {
            inner: Some(tally),
            poisoned: false,
            saved: None,
        }));
        // SAFETY: out is not NULL and the caller promises it is writable.
        unsafe { out.write_unaligned(handle) };
        Ok(())
    })
}

/// Takes a state of `len` bytes into the tally (`name` names it in
/// errors; NULL: `<state>`) as if its inputs were fed now, after those the
/// tally took: an id the tally has already seen is a duplicate in the
/// state's rows. Merging is associative: any tree of merges gives the
/// report of one run over the inputs in order. Ends the current input. A
/// state of another ledger or other settings is `GOVTALLY_BAD_STATE`; one
/// holding an input the tally already took is `GOVTALLY_FILE_ERROR`. A
/// refused state leaves the tally as it was.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `tally` is NULL or a live handle; `name` is NULL or a NUL-terminated
/// string; `state` is NULL or readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_merge_state(
    tally: *mut govtally_tally,
    name: *const c_char,
    state: *const u8,
    len: u64,
) -> govtally_status {
    guard_tally(tally, || {
        // SAFETY: the caller's promise.
        let t = live(unsafe { handle_mut(tally, "tally") }?)?;
        // SAFETY: the caller's promises.
        let name = unsafe { name_arg(name, "name", "<state>") }?;
        // SAFETY: the caller's promise on state and len.
        let bytes = unsafe { bytes_arg(state, len, "state") }?;
        t.merge_state(name, bytes)?;
        Ok(())
    })
}

/// Writes into `*out` the ledger (a `GOVTALLY_DATASET_*` value) of a state
/// of `len` bytes, its header and checksum checked; `GOVTALLY_BAD_STATE`
/// for bytes that are not a sound state.
///
/// Thread safety: safe from any thread.
///
/// # Safety
/// `state` is NULL or readable for `len` bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_state_dataset(
    state: *const u8,
    len: u64,
    out: *mut i32,
) -> govtally_status {
    guard(|| {
        let out = out_arg(out, "out")?;
        // SAFETY: the caller's promise on state and len.
        let bytes = unsafe { bytes_arg(state, len, "state") }?;
        let d = crate::state::dataset_of(bytes).map_err(|error| Error::State {
            state: "<state>".to_string(),
            error,
        })?;
        // SAFETY: out is not NULL and the caller promises it is writable.
        unsafe { out.write_unaligned(d.code()) };
        Ok(())
    })
}

/// Frees a tally, finished or not; NULL is accepted and does nothing.
///
/// Thread safety: the handle must not be in use on another thread.
///
/// # Safety
/// `tally` is NULL or a handle from `govtally_tally_new()` not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_tally_free(tally: *mut govtally_tally) {
    if tally.is_null() {
        return;
    }
    // SAFETY: a live handle made by Box::into_raw, freed once.
    quietly(|| drop(unsafe { Box::from_raw(tally) }));
}

// ---------------------------------------------------------------------------
// Reports.

/// Copies the report as pretty-printed JSON (the schema of
/// docs/json-schema.md, the same as the CLI's `--format json`) into `buf`,
/// NUL-terminated UTF-8. `*needed` (when not NULL) is set to the size
/// including the NUL, also when `buf` is too small, which gives
/// `GOVTALLY_BUFFER_TOO_SMALL` and writes nothing into `buf`; call with
/// `buf = NULL, cap = 0` to learn the size.
///
/// Thread safety: a report is not changed by reading it: several threads
/// may read the same report at once, as long as none frees it meanwhile.
///
/// # Safety
/// `report` is NULL or a live handle; `buf` is NULL or writable for `cap`
/// bytes; `needed` is NULL or a writable `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_report_json(
    report: *const govtally_report,
    buf: *mut u8,
    cap: u64,
    needed: *mut u64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let r = unsafe { handle_ref(report, "report") }?;
        // SAFETY: the caller's promises on buf, cap and needed.
        unsafe { write_text(&r.text, buf, cap, needed) }
    })
}

/// Copies the report as Chinese text — the figures labelled as the annual
/// report labels them, the row accounting and the problems, the same text
/// as the CLI's `--format text` — into `buf`, NUL-terminated UTF-8. The
/// `buf`/`cap`/`needed` contract is that of `govtally_report_json()`.
///
/// Thread safety: as `govtally_report_json()`.
///
/// # Safety
/// `report` is NULL or a live handle; `buf` is NULL or writable for `cap`
/// bytes; `needed` is NULL or a writable `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_report_text(
    report: *const govtally_report,
    buf: *mut u8,
    cap: u64,
    needed: *mut u64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller's promise.
        let r = unsafe { handle_ref(report, "report") }?;
        let text = r.chinese.get_or_init(|| r.report.to_text());
        // SAFETY: the caller's promises on buf, cap and needed.
        unsafe { write_text(text, buf, cap, needed) }
    })
}

/// The name a template given as bytes has in errors, as `<input>` names
/// bytes fed without a name.
const USER_TEMPLATE_NAME: &str = "<template>";

/// A length from C that a slice can have.
fn len_arg(len: u64, what: &str, item: usize) -> Result<usize, Fail> {
    usize::try_from(len)
        .ok()
        .filter(|&n| {
            n.checked_mul(item)
                .is_some_and(|b| b <= isize::MAX as usize)
        })
        .ok_or_else(|| {
            Fail::new(
                GOVTALLY_INVALID_ARGUMENT,
                format!("`{what}` {len} is too large"),
            )
        })
}

/// Copies the report's figure paragraphs in Chinese — the CLI's
/// `--format prose`, docs/templates.md — into `buf`, NUL-terminated UTF-8.
/// `reports` points to `count` report handles, one per ledger, as
/// `govtally report DIR` tallies them (a ledger given twice: the last;
/// the period is the first report's); pass `&report, 1` for one ledger.
/// `count` 0 (with `reports` NULL or not) fills the template with no
/// ledger.
///
/// `template_source` is NULL (and `template_len` 0) for the built-in
/// template, or `template_len` bytes of UTF-8 in minijinja's syntax (no
/// NUL needed; `template_len` 0 is the empty template). A template that
/// does not parse or cannot be filled in is `GOVTALLY_TEMPLATE_ERROR`,
/// and `govtally_last_error()` gives `template <template>, line L, column
/// C: what` (C counted in characters); a template that is not UTF-8 is
/// `GOVTALLY_INVALID_ARGUMENT`; a NULL `template_source` with a non-zero
/// `template_len` is `GOVTALLY_NULL_ARGUMENT`.
///
/// The `buf`/`cap`/`needed` contract is that of `govtally_report_json()`:
/// `*needed` is set once the paragraphs are made (not on a template
/// error), `buf = NULL, cap = 0` asks for the size. Each call fills the
/// template in afresh; the same arguments give the same bytes.
///
/// Thread safety: as `govtally_report_json()` for each report; several
/// threads may render the same reports at once.
///
/// # Safety
/// `reports` is NULL or readable for `count` pointers, each NULL or a live
/// report handle; `template_source` is NULL or readable for `template_len`
/// bytes; `buf` is NULL or writable for `cap` bytes; `needed` is NULL or a
/// writable `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_report_prose(
    reports: *const *const govtally_report,
    count: u64,
    template_source: *const u8,
    template_len: u64,
    buf: *mut u8,
    cap: u64,
    needed: *mut u64,
) -> govtally_status {
    guard(|| {
        let count = len_arg(
            count,
            "count",
            std::mem::size_of::<*const govtally_report>(),
        )?;
        let handles: &[*const govtally_report] = if count == 0 {
            &[]
        } else if reports.is_null() {
            return Err(Fail::null("reports"));
        } else {
            // SAFETY: not NULL, count pointers fit in isize, and the caller
            // promises `count` readable pointers unchanged during the call.
            unsafe { std::slice::from_raw_parts(reports, count) }
        };
        let mut list = Vec::with_capacity(count);
        for (i, &h) in handles.iter().enumerate() {
            // SAFETY: the caller promises each pointer is NULL or a live
            // report handle, which reading does not change.
            let r = unsafe { h.as_ref() }.ok_or_else(|| Fail::null(&format!("reports[{i}]")))?;
            list.push(&r.report);
        }
        let template = if template_source.is_null() {
            if template_len != 0 {
                return Err(Fail::new(
                    GOVTALLY_NULL_ARGUMENT,
                    format!(
                        "`template_source` is NULL with `template_len` {template_len}: \
                         pass NULL and 0 for the built-in template"
                    ),
                ));
            }
            Template::builtin()
        } else {
            let len = len_arg(template_len, "template_len", 1)?;
            // SAFETY: not NULL, len fits in isize, and the caller promises
            // len readable bytes unchanged during the call.
            let bytes = unsafe { std::slice::from_raw_parts(template_source, len) };
            let source = std::str::from_utf8(bytes).map_err(|e| {
                Fail::new(
                    GOVTALLY_INVALID_ARGUMENT,
                    format!("`template_source` is not valid UTF-8 ({e})"),
                )
            })?;
            Template::new(USER_TEMPLATE_NAME, source)?
        };
        let text = template.render_refs(&list)?;
        // SAFETY: the caller's promises on buf, cap and needed.
        unsafe { write_text(&text, buf, cap, needed) }
    })
}

/// Finds a figure by its JSON path.
///
/// # Safety
/// `report` is NULL or a live handle; `path` is NULL or a NUL-terminated
/// string.
unsafe fn figure<'a>(
    report: *const govtally_report,
    path: *const c_char,
) -> Result<(&'a Value, &'a str), Fail> {
    // SAFETY: the caller's promises.
    let (r, path) = unsafe { (handle_ref(report, "report")?, str_arg(path, "path")?) };
    match crate::report::lookup(&r.json, path) {
        None => Err(Fail::new(
            GOVTALLY_NO_SUCH_FIGURE,
            format!(
                "the {} report has no figure `{path}`",
                r.report.dataset.name()
            ),
        )),
        Some(Value::Null) => Err(Fail::new(
            GOVTALLY_VALUE_IS_NULL,
            format!("the figure `{path}` is null"),
        )),
        Some(v) => Ok((v, path)),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a group of figures",
    }
}

/// Reads an integer figure (a count) at a dotted JSON path such as
/// `reviews.by_type.administrative_contract`, `total.current`,
/// `by_category.欠薪.current` or `problems.items.0.line` (keys may contain
/// dots; list items are addressed by index). Writes `*out` on success only.
/// A path with no figure is `GOVTALLY_NO_SUCH_FIGURE`; a null figure is
/// `GOVTALLY_VALUE_IS_NULL`; a figure that is not an integer (a percentage,
/// a string, a group) or does not fit in `int64_t` is
/// `GOVTALLY_INVALID_ARGUMENT` — never a truncation.
///
/// Thread safety: as `govtally_report_json()`.
///
/// # Safety
/// `report` is NULL or a live handle; `path` is NULL or a NUL-terminated
/// string; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_report_get_i64(
    report: *const govtally_report,
    path: *const c_char,
    out: *mut i64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (v, path) = unsafe { figure(report, path) }?;
        let out = out_arg(out, "out")?;
        let n = match v {
            Value::Number(n) if n.is_i64() || n.is_u64() => n.as_i64().ok_or_else(|| {
                Fail::new(
                    GOVTALLY_INVALID_ARGUMENT,
                    format!("the figure `{path}` ({n}) does not fit in int64_t"),
                )
            })?,
            Value::Number(n) => {
                return Err(Fail::new(
                    GOVTALLY_INVALID_ARGUMENT,
                    format!(
                        "the figure `{path}` ({n}) is not an integer figure; read it with govtally_report_get_f64"
                    ),
                ));
            }
            other => {
                return Err(Fail::new(
                    GOVTALLY_INVALID_ARGUMENT,
                    format!("the figure `{path}` is {}, not a number", kind(other)),
                ));
            }
        };
        // SAFETY: out is not NULL and the caller promises it is writable.
        unsafe { out.write_unaligned(n) };
        Ok(())
    })
}

/// Reads a numeric figure (a percentage, a mean, or a count) at a dotted
/// JSON path such as `total.change_pct` or `by_category.欠薪.change_pct`.
/// Writes `*out` on success only. Statuses as `govtally_report_get_i64()`;
/// integers are accepted.
///
/// Thread safety: as `govtally_report_json()`.
///
/// # Safety
/// `report` is NULL or a live handle; `path` is NULL or a NUL-terminated
/// string; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_report_get_f64(
    report: *const govtally_report,
    path: *const c_char,
    out: *mut f64,
) -> govtally_status {
    guard(|| {
        // SAFETY: the caller's promises.
        let (v, path) = unsafe { figure(report, path) }?;
        let out = out_arg(out, "out")?;
        let x = match v {
            Value::Number(n) => n.as_f64().ok_or_else(|| {
                Fail::new(
                    GOVTALLY_INVALID_ARGUMENT,
                    format!("the figure `{path}` ({n}) is not representable as a double"),
                )
            })?,
            other => {
                return Err(Fail::new(
                    GOVTALLY_INVALID_ARGUMENT,
                    format!("the figure `{path}` is {}, not a number", kind(other)),
                ));
            }
        };
        // SAFETY: out is not NULL and the caller promises it is writable.
        unsafe { out.write_unaligned(x) };
        Ok(())
    })
}

/// Frees a report; NULL is accepted and does nothing.
///
/// Thread safety: no other thread may be using the report.
///
/// # Safety
/// `report` is NULL or a handle from `govtally_tally_finish()` not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn govtally_report_free(report: *mut govtally_report) {
    if report.is_null() {
        return;
    }
    // SAFETY: a live handle made by Box::into_raw, freed once.
    quietly(|| drop(unsafe { Box::from_raw(report) }));
}

// ---------------------------------------------------------------------------
// Test hooks (feature `test-hooks`; left out of include/govtally.h).

/// Makes the library panic when it parses its `rows`-th next row (0: the
/// next one), on whichever thread that is; negative disarms. Process-wide,
/// fires once. Only in a library built with the `test-hooks` feature, for
/// the tests of the panic boundary (tests/c/hooks/).
#[cfg(feature = "test-hooks")]
#[unsafe(no_mangle)]
pub extern "C" fn govtally_test_panic_after_rows(rows: i64) {
    quietly(|| crate::test_hooks::panic_after_rows(rows));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_cover_every_status() {
        for s in 0..=13 {
            assert_ne!(status_name(s), c"unknown status", "{s}");
        }
        assert_eq!(status_name(14), c"unknown status");
        assert_eq!(status_name(-1), c"unknown status");
    }

    #[test]
    fn guard_catches_panics() {
        let s = guard(|| panic!("boom"));
        assert_eq!(s, GOVTALLY_PANIC);
        let mut buf = [0u8; 128];
        let mut need = 0u64;
        // SAFETY: a local buffer and counter.
        let st = unsafe { govtally_last_error(buf.as_mut_ptr(), buf.len() as u64, &mut need) };
        assert_eq!(st, GOVTALLY_OK);
        let msg = CStr::from_bytes_until_nul(&buf).unwrap().to_str().unwrap();
        assert_eq!(msg, "internal error (panic): boom");
        assert_eq!(need, msg.len() as u64 + 1);
    }
}
