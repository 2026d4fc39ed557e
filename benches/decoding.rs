//! Input decoding through the complaints tally: the same generated
//! complaints export (benches/common) as UTF-8, GB18030 and UTF-16LE (with
//! BOM, as Excel's "Unicode text"), each fed whole with the default
//! `Encoding::Auto`; and the UTF-8 bytes fed in 64 KiB chunks against one
//! whole buffer.
//!
//! ```sh
//! cargo bench --bench decoding
//! ```
//!
//! Throughput is the bytes of each encoded input, so MiB/s differ by
//! encoding for the same rows (GB18030 is ~13% smaller than UTF-8 here,
//! UTF-16 ~48% larger): compare the times for the per-row cost.

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use govtally::Dataset;

fn decoding(c: &mut Criterion) {
    let text = common::complaints(common::bench_bytes(), 3);
    let inputs: [(&str, Vec<u8>); 3] = [
        ("utf8", text.clone().into_bytes()),
        ("gb18030", common::to_gb18030(&text)),
        ("utf16le", common::to_utf16le(&text)),
    ];
    drop(text);
    let options = common::options(None);
    let expected = common::tally(Dataset::Complaints, &options, &inputs[0].1, None);
    common::check(&expected);

    let mut g = c.benchmark_group("decoding");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sampling_mode(SamplingMode::Flat);

    for (name, data) in &inputs {
        // Every encoding must give the same figures, or the comparison is void.
        let r = common::tally(Dataset::Complaints, &options, data, None);
        assert_eq!(r.figures, expected.figures, "{name}");
        assert_eq!(r.rows, expected.rows, "{name}");
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(format!("complaints/{name}"), |b| {
            b.iter(|| {
                black_box(common::tally(
                    Dataset::Complaints,
                    &options,
                    black_box(data),
                    None,
                ))
            })
        });
    }

    let utf8 = &inputs[0].1;
    g.throughput(Throughput::Bytes(utf8.len() as u64));
    for (name, chunk) in [("whole", None), ("chunks_64KiB", Some(64 << 10))] {
        let r = common::tally(Dataset::Complaints, &options, utf8, chunk);
        assert_eq!(r.figures, expected.figures, "{name}");
        g.bench_function(format!("feed/utf8/{name}"), |b| {
            b.iter(|| {
                black_box(common::tally(
                    Dataset::Complaints,
                    &options,
                    black_box(utf8),
                    chunk,
                ))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, decoding);
criterion_main!(benches);
