//! The cell parsers alone, over about a million generated cells each: the
//! ISO dates and date-times machine exports write (the fast path, which
//! every ledger row goes through), the other spec forms (the general path)
//! and counts.
//!
//! ```sh
//! cargo bench --bench fields
//! ```
//!
//! Throughput is cells, so criterion prints Melem/s.
//!
//! # Issue 18, before and after
//!
//! The new time forms (fractions, 时分秒, 上午/下午 and AM/PM, UTC offsets,
//! Excel serials) and `3.0` counts were added to the general paths only.
//! Measured in one sitting on the shared 2-core development machine, with
//! the bench binary of d12fc94 (before) and of the issue's last commit
//! (after) run alternately.
//!
//! Instructions per cell, from valgrind (exact and the same under any load:
//! the Ir of `--test --exact CASE`, minus the Ir of `--test --exact none`,
//! over 2^20 cells; generation and checks cancel out):
//!
//! ```sh
//! valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
//!     target/release/deps/fields-HASH --test --exact fields/date_time/iso_date
//! ```
//!
//! | case | before | after |
//! |---|---|---|
//! | `date_time/iso_date` | 193 | 181 |
//! | `date_time/iso_date_time` | 241 | 231 |
//! | `date_time/other_forms` | 666 | 714 |
//! | `count` | 140 | 139 |
//!
//! The ISO cells got cheaper because the general path is now out of line
//! (inlined, an ISO date cost 196). The general path does 7% more work for
//! its larger grammar.
//!
//! Wall time, criterion's median per 2^20 cells, three alternating rounds
//! of `CRITERION_HOME=… target/release/deps/fields-HASH --bench` (load
//! average 8.5 to 9 on 2 cores from other builds: differences below about a
//! third are noise here):
//!
//! | case | before | after |
//! |---|---|---|
//! | `date_time/iso_date` | 72.0, 54.1, 62.0 ms | 86.3, 54.1, 54.3 ms |
//! | `date_time/iso_date_time` | 61.4, 80.2, 57.3 ms | 102.3, 60.6, 61.0 ms |
//! | `date_time/other_forms` | 226.0, 211.9, 158.7 ms | 267.2, 184.0, 262.4 ms |
//! | `count` | 38.4, 26.3, 31.9 ms | 36.8, 44.2, 50.3 ms |

mod common;

use std::hint::black_box;
use std::time::Duration;

use chrono::Datelike;
use common::Rng;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use govtally::fields::{parse_count, parse_date_time};

/// Cells per case.
const CELLS: usize = 1 << 20;

/// `CELLS` values made by `cell`, in one buffer (so that the timing is the
/// parser's, not the allocator's or the cache misses of a million Strings).
struct Cells {
    text: String,
    ends: Vec<usize>,
}

impl Cells {
    fn new(seed: u64, mut cell: impl FnMut(&mut Rng, &mut String)) -> Cells {
        let mut rng = Rng::new(seed);
        let mut text = String::with_capacity(CELLS * 20);
        let mut ends = Vec::with_capacity(CELLS);
        for _ in 0..CELLS {
            cell(&mut rng, &mut text);
            ends.push(text.len());
        }
        Cells { text, ends }
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(self.ends.iter()).map(|(a, &b)| &self.text[a..b])
    }
}

/// A date of 2022 or 2023 (days 1-28: every one exists).
fn ymd(rng: &mut Rng) -> (u64, u64, u64) {
    (2022 + rng.below(2), 1 + rng.below(12), 1 + rng.below(28))
}

fn hms(rng: &mut Rng) -> (u64, u64, u64) {
    (rng.below(24), rng.below(60), rng.below(60))
}

fn fields(c: &mut Criterion) {
    use std::fmt::Write as _;
    let cases: [(&str, Cells); 4] = [
        (
            "date_time/iso_date",
            Cells::new(1, |r, s| {
                let (y, m, d) = ymd(r);
                write!(s, "{y:04}-{m:02}-{d:02}").unwrap();
            }),
        ),
        (
            "date_time/iso_date_time",
            Cells::new(2, |r, s| {
                let ((y, m, d), (h, mi, se)) = (ymd(r), hms(r));
                let t = if r.pct(20) { 'T' } else { ' ' };
                write!(s, "{y:04}-{m:02}-{d:02}{t}{h:02}:{mi:02}:{se:02}").unwrap();
            }),
        ),
        (
            "date_time/other_forms",
            Cells::new(3, |r, s| {
                let ((y, m, d), (h, mi, _)) = (ymd(r), hms(r));
                match r.below(3) {
                    0 => write!(s, "{y}/{m}/{d} {h}:{mi:02}"),
                    1 => write!(s, "{y}年{m}月{d}日"),
                    _ => write!(s, "{y}.{m}.{d}"),
                }
                .unwrap();
            }),
        ),
        (
            "count",
            Cells::new(4, |r, s| {
                let max = if r.pct(10) { 100_000 } else { 1000 };
                let n = r.below(max);
                if n >= 1000 {
                    write!(s, "{},{:03}", n / 1000, n % 1000)
                } else {
                    write!(s, "{n}")
                }
                .unwrap();
            }),
        ),
    ];

    let mut g = c.benchmark_group("fields");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Elements(CELLS as u64));
    for (name, cells) in &cases {
        if *name == "count" {
            assert!(cells.iter().all(|v| parse_count(v).is_ok()));
            g.bench_function(*name, |b| {
                b.iter(|| {
                    cells
                        .iter()
                        .map(|v| parse_count(black_box(v)).unwrap_or(0))
                        .fold(0u64, u64::wrapping_add)
                })
            });
            continue;
        }
        // Every cell must parse, or the case measures the error path.
        assert!(cells.iter().all(|v| parse_date_time(v).is_ok()), "{name}");
        g.bench_function(*name, |b| {
            b.iter(|| {
                cells
                    .iter()
                    .map(|v| match parse_date_time(black_box(v)) {
                        Ok(d) => d.date.num_days_from_ce() as u64,
                        Err(_) => 0,
                    })
                    .fold(0u64, u64::wrapping_add)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, fields);
criterion_main!(benches);
