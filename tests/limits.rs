//! Every limit gives a clear error quickly and in bounded memory (issue #5):
//! a 50 MB line, a 100,000-column header, a 200 MB unterminated quoted
//! field fed 1 MiB at a time, NUL bytes, a UTF-16 file of odd length, a lone
//! surrogate, a GB18030 file cut inside a four-byte sequence — and the
//! limits in `Options::limits` change the outcome.
//!
//! Memory is measured with a counting global allocator. The tests of this
//! file take one lock each, so the peak one of them measures is its own
//! (plus the test harness's few bytes, well inside the constant).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use govtally::{BadRowPolicy, Dataset, Encoding, Error, FileError, Limits, Options, Report, Tally};

/// Wraps the system allocator and counts the bytes live now and at the peak.
///
/// Soundness: every method forwards its arguments unchanged to `System`,
/// which upholds the `GlobalAlloc` contract, and returns `System`'s result
/// unchanged; the only extra work is arithmetic on atomics, which neither
/// allocates (no recursion into the allocator) nor panics (wrapping
/// arithmetic, `fetch_max`). Layouts are never changed, so `dealloc` always
/// receives what `alloc` was given.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

impl Counting {
    fn grew(by: usize) {
        let now = CURRENT.fetch_add(by, Ordering::Relaxed).wrapping_add(by);
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
    fn shrank(by: usize) {
        CURRENT.fetch_sub(by, Ordering::Relaxed);
    }
}

// SAFETY: see the type's documentation: pure forwarding to `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            Counting::grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            Counting::grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` and `layout` come from our `alloc`, i.e. `System`'s.
        unsafe { System.dealloc(ptr, layout) };
        Counting::shrank(layout.size());
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and `new_size` as the caller gave it.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // The old block is gone and the new one is live.
            Counting::shrank(layout.size());
            Counting::grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One test at a time, so each measures its own peak.
static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `f` and returns its result with the peak of bytes allocated while
/// it ran, above what was live when it started.
fn measured<T>(f: impl FnOnce() -> T) -> (T, usize, Duration) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    (out, peak, took)
}

const MIB: usize = 1 << 20;

/// The bound the issue asks for: 8 × `max_record_bytes` plus a constant.
fn bound(limits: &Limits) -> usize {
    8 * limits.max_record_bytes + 4 * MIB
}

fn opts() -> Options {
    Options::default()
        .year(2023)
        .unwrap()
        .on_bad_row(BadRowPolicy::Skip)
        .threads(2)
}

const HEADER: &[u8] = "登记编号,登记日期,问题类别\n".as_bytes();

/// Feeds `HEADER`, then the bytes `body` generates chunk by chunk, then
/// `tail`; never holds more than one chunk of input.
fn stream(
    options: &Options,
    header: &[u8],
    total: usize,
    chunk: usize,
    fill: u8,
    head: &[u8],
    tail: &[u8],
) -> Result<Report, Error> {
    let mut t = Tally::new(Dataset::Complaints, options)?;
    t.begin_file("big.csv")?;
    t.feed(header)?;
    t.feed(head)?;
    let buf = vec![fill; chunk];
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk);
        t.feed(&buf[..n])?;
        left -= n;
    }
    t.feed(tail)?;
    t.finish()
}

fn rows(r: &Report) -> (u64, u64, u64, u64, u64, u64) {
    let c = &r.rows;
    (
        c.read,
        c.counted,
        c.out_of_period,
        c.duplicates,
        c.blank,
        c.rejected,
    )
}

const TOO_LONG: &str = "the row is longer than the record size limit (Limits::max_record_bytes)";
const UNCLOSED: &str = "a quoted field opened on this line is never closed";

#[test]
fn a_50_mb_line_is_one_rejected_row() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let o = opts();
    // A row whose category is 50 MB of `a` (no byte a piece could be cut
    // after), then a good row.
    let (r, peak, took) = measured(|| {
        stream(
            &o,
            HEADER,
            50 * 1000 * 1000,
            MIB,
            b'a',
            b"A1,2023-01-01,",
            "\nA2,2023-01-02,欠薪\n".as_bytes(),
        )
    });
    let r = r.unwrap();
    assert!(r.rows.balanced());
    assert_eq!(rows(&r), (2, 1, 0, 0, 0, 1));
    let p = &r.problems.items[0];
    assert_eq!(
        (p.line, p.column.as_str(), p.reason.as_str()),
        (2, "", TOO_LONG)
    );
    // The value shown is a bounded prefix, not 50 MB.
    assert!(p.value.chars().count() <= 80, "{}", p.value.len());
    assert!(p.value.starts_with("A1"), "{}", p.value);
    assert!(peak < bound(&o.limits), "peak {peak} bytes");
    assert!(took < Duration::from_secs(30), "{took:?}");
}

const BLANK_BUG: &str = "BUG: a record whose stored bytes are empty because its first field alone \
    passed max_record_bytes is taken for a blank line (records.rs Splitter::end_record ignores \
    `overflow` when it sets blank/blank_candidate): a header line is skipped (NoHeader, or the \
    next line becomes the header), a data row is counted as blank even under `fail`";

#[test]
fn a_50_mb_header_line_is_a_file_error() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let o = opts();
    let (r, peak, _) = measured(|| stream(&o, b"", 50 * 1000 * 1000, MIB, b'a', b"", b"\n"));
    match r {
        Err(Error::File { file, error }) => {
            assert_eq!(file, "big.csv");
            assert_eq!(
                error,
                FileError::HeaderTooLarge("is longer than the record size limit".into())
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(peak < bound(&o.limits), "peak {peak} bytes");
}

/// The same bug, small: one field longer than the limit, as header and as
/// row, in any chunking.
#[test]
fn an_over_long_single_field_record_is_never_blank() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let _ = BLANK_BUG;
    let small = with_limits(Limits {
        max_record_bytes: 64,
        ..Limits::default()
    });
    let a = [b'a'; 200];
    // As the header: a file error, not "no header" nor the next line taken
    // as the header.
    for tail in [&b"\n"[..], b"\nA1,2023-01-01\n"] {
        let mut t = Tally::new(Dataset::Complaints, &small).unwrap();
        t.feed(&a).unwrap_or(());
        let r = t.feed(tail).and_then(|_| t.finish());
        match r {
            Err(Error::File { error, .. }) => assert_eq!(
                error,
                FileError::HeaderTooLarge("is longer than the record size limit".into())
            ),
            other => panic!("{other:?}"),
        }
    }
    // As a row: rejected (line 3), whatever the chunking — the first 50
    // bytes fitting in one chunk must not change the outcome.
    for split in [0, 50, 100] {
        let mut t = Tally::new(Dataset::Complaints, &small).unwrap();
        t.feed(b"complaint_id,received_at\nA1,2023-01-01\n")
            .unwrap();
        t.feed(&a[..split]).unwrap();
        t.feed(&a[split..]).unwrap();
        t.feed(b"\nA2,2023-01-02\n").unwrap();
        let r = t.finish().unwrap();
        assert_eq!(rows(&r), (3, 2, 0, 0, 0, 1), "split at {split}");
        assert_eq!(r.problems.items[0].line, 3);
        assert_eq!(r.problems.items[0].reason, TOO_LONG);
    }
}

#[test]
fn a_header_of_100_000_columns_is_a_file_error() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let o = opts();
    let mut header = String::from("登记编号,登记日期");
    for i in 2..100_000 {
        header.push_str(&format!(",c{i}"));
    }
    header.push('\n');
    assert!(
        header.len() < MIB,
        "below the size limit: the column limit is what trips"
    );
    let (r, peak, _) = measured(|| {
        let mut t = Tally::new(Dataset::Complaints, &o)?;
        t.feed(header.as_bytes())?;
        t.feed(b"A1,2023-01-01\n")?;
        t.finish()
    });
    match r {
        Err(Error::File { error, .. }) => assert_eq!(
            error,
            FileError::HeaderTooLarge("has more columns than the column limit".into())
        ),
        other => panic!("{other:?}"),
    }
    assert!(peak < bound(&o.limits), "peak {peak} bytes");
}

fn unterminated_quote(total: usize) {
    let o = opts();
    let (r, peak, took) =
        measured(|| stream(&o, HEADER, total, MIB, b'x', b"A1,2023-01-01,\"", b""));
    let r = r.unwrap();
    assert!(r.rows.balanced());
    assert_eq!(rows(&r), (1, 0, 0, 0, 0, 1));
    let p = &r.problems.items[0];
    assert_eq!((p.line, p.column.as_str()), (2, ""));
    // Both reasons are true of this row; the first limit hit is the size.
    assert!(p.reason == TOO_LONG || p.reason == UNCLOSED, "{}", p.reason);
    assert!(p.value.chars().count() <= 80);
    assert!(peak < bound(&o.limits), "peak {peak} bytes");
    eprintln!("{total} bytes of unterminated quote: {took:?}, peak {peak} bytes");
}

#[test]
fn a_200_mb_unterminated_quoted_field_in_1_mib_chunks() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    unterminated_quote(200 * MIB);
}

/// The case: 1 GB. Slow in a debug build; run with
/// `cargo test --release --test limits -- --ignored`.
#[test]
#[ignore = "1 GB stream: run with --release -- --ignored"]
fn a_1_gb_unterminated_quoted_field_in_1_mib_chunks() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    unterminated_quote(1 << 30);
}

#[test]
fn a_file_of_nul_bytes_is_a_file_error() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for o in [
        opts(),
        Options {
            encoding: Encoding::Utf8,
            ..opts()
        },
    ] {
        let (r, peak, _) = measured(|| stream(&o, b"", 4 * MIB, MIB, 0, b"", b""));
        match r {
            Err(Error::File { error, .. }) => {
                // Whatever the kind, the message must stay readable.
                let msg = error.to_string();
                assert!(msg.len() < 4096, "{} bytes of message", msg.len());
                assert!(
                    matches!(error, FileError::HeaderTooLarge(_)),
                    "{:?}",
                    msg.chars().take(200).collect::<String>()
                );
            }
            Err(e) => panic!("{e}"),
            Ok(r) => panic!("a report from NUL bytes: {:?}", r.rows),
        }
        assert!(peak < bound(&o.limits), "peak {peak} bytes");
    }
    // A few NUL bytes after a good header: a row error, not a crash.
    let mut csv = HEADER.to_vec();
    csv.extend_from_slice(b"A1,2023-01-01,\0\0\0\n");
    let mut t = Tally::new(Dataset::Complaints, &opts()).unwrap();
    t.feed(&csv).unwrap();
    let r = t.finish().unwrap();
    assert!(r.rows.balanced());
    assert_eq!(r.rows.read, 1);
}

fn utf16le(s: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

#[test]
fn a_utf16_file_of_odd_length() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Excel's "Unicode text", its last byte lost.
    let mut bytes = utf16le("登记编号\t登记日期\r\nA1\t2023-01-01\r\nA2\t2023-01-02");
    bytes.push(b'x');
    let mut t = Tally::new(Dataset::Complaints, &opts()).unwrap();
    t.feed(&bytes).unwrap();
    let r = t.finish().unwrap();
    assert!(r.rows.balanced());
    assert_eq!(rows(&r), (2, 1, 0, 0, 0, 1));
    let p = &r.problems.items[0];
    assert_eq!(
        (
            p.line,
            p.column.as_str(),
            p.value.as_str(),
            p.reason.as_str()
        ),
        (
            3,
            "登记日期",
            "2023-01-02\\xFF",
            "bytes that are not valid utf-16le"
        )
    );
}

#[test]
fn lone_surrogates() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut bytes = utf16le("登记编号\t登记日期\r\nA");
    bytes.extend_from_slice(&0xD800u16.to_le_bytes()); // high, unpaired
    bytes.extend_from_slice(&utf16le("\t2023-01-01\r\nB")[2..]);
    bytes.extend_from_slice(&0xDC00u16.to_le_bytes()); // low, alone
    bytes.extend_from_slice(&utf16le("\t2023-01-02\r\nC1\t2023-01-03\r\n")[2..]);
    let mut t = Tally::new(Dataset::Complaints, &opts()).unwrap();
    t.feed(&bytes).unwrap();
    let r = t.finish().unwrap();
    assert!(r.rows.balanced());
    assert_eq!(rows(&r), (3, 1, 0, 0, 0, 2));
    let got: Vec<(u64, &str, &str, &str)> = r
        .problems
        .items
        .iter()
        .map(|p| {
            (
                p.line,
                p.column.as_str(),
                p.value.as_str(),
                p.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2, "登记编号", "A\\xFF", "bytes that are not valid utf-16le"),
            (3, "登记编号", "B\\xFF", "bytes that are not valid utf-16le"),
        ]
    );
    // Big endian too.
    let mut be = vec![0xFE, 0xFF];
    for u in "登记编号\t登记日期\nA".encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    be.extend_from_slice(&0xDBFFu16.to_be_bytes());
    for u in "\t2023-01-01\n".encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    let mut t = Tally::new(Dataset::Complaints, &opts()).unwrap();
    t.feed(&be).unwrap();
    let r = t.finish().unwrap();
    assert_eq!(rows(&r), (1, 0, 0, 0, 0, 1));
    assert_eq!(r.problems.items[0].value, "A\\xFF");
    assert_eq!(
        r.problems.items[0].reason,
        "bytes that are not valid utf-16be"
    );
}

#[test]
fn a_gb18030_file_cut_inside_a_four_byte_sequence() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // U+1F600 is a four-byte sequence in GB18030: 0x94 0x39 0xFC 0x36.
    let (emoji, _, bad) = encoding_rs::GB18030.encode("😀");
    assert!(!bad);
    assert_eq!(&emoji[..], b"\x94\x39\xFC\x36");
    let (body, _, _) = encoding_rs::GB18030
        .encode("登记编号,登记日期,问题类别\nA1,2023-01-01,欠薪\nA2,2023-01-02,欠薪");
    for cut in 1..4 {
        let mut bytes = body.to_vec();
        bytes.extend_from_slice(&emoji[..cut]);
        for encoding in [Encoding::Auto, Encoding::Gb18030] {
            let o = Options { encoding, ..opts() };
            for chunk in [1, 3, 7, bytes.len()] {
                let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
                for c in bytes.chunks(chunk) {
                    t.feed(c).unwrap();
                }
                let r = t.finish().unwrap();
                assert!(r.rows.balanced());
                assert_eq!(rows(&r), (2, 1, 0, 0, 0, 1), "cut {cut} chunk {chunk}");
                let p = &r.problems.items[0];
                assert_eq!((p.line, p.column.as_str()), (3, "问题类别"));
                assert_eq!(p.reason, "bytes that are not valid gb18030");
                assert!(p.value.starts_with("欠薪\\x"), "{}", p.value);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The limits are options

fn with_limits(limits: Limits) -> Options {
    Options { limits, ..opts() }
}

fn run(o: &Options, csv: &str) -> Result<Report, Error> {
    let mut t = Tally::new(Dataset::Complaints, o)?;
    t.feed(csv.as_bytes())?;
    t.finish()
}

#[test]
fn max_record_bytes_is_configurable() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let long = "欠".repeat(30); // 90 bytes
    let csv = format!("登记编号,登记日期,问题类别\nA1,2023-01-01,{long}\nA2,2023-01-02,短\n");
    let r = run(&opts(), &csv).unwrap();
    assert_eq!(rows(&r), (2, 2, 0, 0, 0, 0));
    let small = with_limits(Limits {
        max_record_bytes: 64,
        ..Limits::default()
    });
    let r = run(&small, &csv).unwrap();
    assert_eq!(rows(&r), (2, 1, 0, 0, 0, 1));
    assert_eq!(r.problems.items[0].reason, TOO_LONG);
    assert_eq!(r.problems.items[0].line, 2);
    // A header longer than the limit is a file error.
    let tiny = with_limits(Limits {
        max_record_bytes: 8,
        ..Limits::default()
    });
    match run(&tiny, &csv) {
        Err(Error::File { error, .. }) => assert_eq!(
            error,
            FileError::HeaderTooLarge("is longer than the record size limit".into())
        ),
        other => panic!("{other:?}"),
    }
    // The memory bound follows the limit.
    let (r, peak, _) = measured(|| {
        stream(
            &small,
            HEADER,
            20 * MIB,
            MIB, // small chunks are slow today: see a_long_record_in_small_chunks_is_linear
            b'a',
            b"A1,2023-01-01,",
            b"\n",
        )
    });
    assert_eq!(rows(&r.unwrap()), (1, 0, 0, 0, 0, 1));
    // Small limits still leave the block buffers (Options::block_bytes ×
    // threads, × 4 before a forced cut) as the largest holding.
    assert!(
        peak < bound(&small.limits) + 8 * small.block_bytes * 2,
        "peak {peak}"
    );
}

#[test]
fn max_columns_is_configurable() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let o = with_limits(Limits {
        max_columns: 4,
        ..Limits::default()
    });
    let csv = "登记编号,登记日期,问题类别\nA1,2023-01-01,欠薪,,\nA2,2023-01-02,欠薪,,,\n";
    // Default: trailing empty fields are fine.
    assert_eq!(rows(&run(&opts(), csv).unwrap()), (2, 2, 0, 0, 0, 0));
    let r = run(&o, csv).unwrap();
    // `A1,2023-01-01,欠薪,,` has 5 fields, A2 6: both past the limit of 4.
    assert_eq!(rows(&r), (2, 0, 0, 0, 0, 2));
    assert_eq!(
        r.problems.items[0].reason,
        "the row has more fields than the column limit (Limits::max_columns)"
    );
    let csv = "登记编号,登记日期,问题类别,来源渠道,备注\nA1,2023-01-01,欠薪,来信,\n";
    match run(&o, csv) {
        Err(Error::File { error, .. }) => assert_eq!(
            error,
            FileError::HeaderTooLarge("has more columns than the column limit".into())
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn max_problems_is_configurable() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let o = with_limits(Limits {
        max_problems: 3,
        ..Limits::default()
    });
    let mut csv = String::from("登记编号,登记日期\n");
    for i in 0..10 {
        csv.push_str(&format!("A{i},#N/A\n"));
    }
    let r = run(&o, &csv).unwrap();
    assert_eq!(rows(&r), (10, 0, 0, 0, 0, 10));
    assert_eq!((r.problems.total, r.problems.items.len()), (10, 3));
    let lines: Vec<u64> = r.problems.items.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 3, 4]);
    let o = Options {
        on_bad_row: BadRowPolicy::Fail,
        ..o
    };
    match run(&o, &csv) {
        Err(Error::Rejected {
            rows,
            total,
            problems,
        }) => {
            assert_eq!((rows, total, problems.len()), (10, 10, 3));
        }
        other => panic!("{other:?}"),
    }
    // Zero keeps none in full but still counts them.
    let o = with_limits(Limits {
        max_problems: 0,
        ..Limits::default()
    });
    let r = run(&o, &csv).unwrap();
    assert_eq!((r.problems.total, r.problems.items.len()), (10, 0));
}

#[test]
fn zero_limits_are_invalid_options() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for limits in [
        Limits {
            max_columns: 0,
            ..Limits::default()
        },
        Limits {
            max_record_bytes: 0,
            ..Limits::default()
        },
    ] {
        let e = Tally::new(Dataset::Complaints, &with_limits(limits)).err();
        assert!(matches!(e, Some(Error::InvalidOption(_))), "{e:?}");
    }
}

/// Found by fuzzing (`fuzz/seeds/records/regression-delimiter-probe-chunking`):
/// with the delimiter left to detection, a first line longer than
/// `max_record_bytes` has its delimiter chosen from the whole line when the
/// line arrives in one piece, but from its first `max_record_bytes` bytes
/// when it arrives in pieces (`choose_delimiter` gives up waiting for the
/// line end once the probe holds `max` bytes). The records that follow then
/// split differently.
#[test]
fn delimiter_detection_does_not_depend_on_chunking() {
    use govtally::input::records::{RecordLimits, Splitter};
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limits = RecordLimits {
        max_record_bytes: 8,
        max_fields: 1024,
    };
    // A first line with a tab early and a comma only past byte 8.
    let data = b"a\tbcdefghij,k\nx,y\n";
    let split = |parts: &[&[u8]]| {
        let mut s = Splitter::new(None, limits);
        let mut out: Vec<usize> = Vec::new();
        for p in parts {
            s.feed(p, &mut |r| out.push(r.len()));
        }
        s.finish(&mut |r| out.push(r.len()));
        (s.delimiter(), out)
    };
    let whole = split(&[data]);
    let bytes: Vec<&[u8]> = data.chunks(1).collect();
    assert_eq!(whole, split(&bytes));
}

/// Found while timing these tests: a record with no line break and no byte
/// below 0x30 (an unterminated quoted field of text, a long single field)
/// fed in small chunks is rescanned whole on every feed
/// (`engine.rs` `FileEngine::feed` → `process` → `piece_end` scans all of
/// `pending` until it reaches 4 × block_bytes × threads): quadratic. In a
/// release build 50 MB take 0.45 s in 1 MiB chunks, 3.7 s in 64 KiB chunks
/// and 68 s in 4 KiB chunks; 1 GB in 4 KiB chunks would take ~25 minutes.
/// Run with `cargo test --release --test limits -- --ignored small_chunks`.
#[test]
fn a_long_record_in_small_chunks_is_linear() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let o = opts();
    let time = |chunk| {
        let (r, _, took) =
            measured(|| stream(&o, HEADER, 20 * MIB, chunk, b'x', b"A1,2023-01-01,\"", b""));
        assert_eq!(rows(&r.unwrap()), (1, 0, 0, 0, 0, 1));
        took
    };
    let big = time(MIB);
    let small = time(4096);
    // The same bytes: small chunks may cost more per call, not per byte.
    assert!(
        small < big * 10 + Duration::from_secs(1),
        "1 MiB chunks {big:?}, 4 KiB chunks {small:?}"
    );
}
