//! End-to-end tallies of each dataset through `govtally::Tally` with
//! `Options::default().year(2023)`, from generated in-memory exports
//! (benches/common). Each iteration builds a tally, feeds the whole buffer
//! in one `feed` call and finishes the report.
//!
//! ```sh
//! cargo bench --bench datasets
//! GOVTALLY_BENCH_MB=8 cargo bench --bench datasets   # smaller inputs
//! ```
//!
//! Throughput is input bytes (criterion prints MiB/s).

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use govtally::Dataset;

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sampling_mode(SamplingMode::Flat);
    g
}

fn bench_one(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: &str,
    dataset: Dataset,
    threads: Option<usize>,
    data: &[u8],
) {
    let options = common::options(threads);
    common::check(&common::tally(dataset, &options, data, None));
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function(id, |b| {
        b.iter(|| black_box(common::tally(dataset, &options, black_box(data), None)))
    });
}

fn datasets(c: &mut Criterion) {
    let n = common::bench_bytes();
    let mut g = group(c, "dataset");

    let legality = common::legality(n, 1);
    bench_one(
        &mut g,
        "legality",
        Dataset::Legality,
        None,
        legality.as_bytes(),
    );
    drop(legality);

    let inspections = common::inspections(n, 2);
    bench_one(
        &mut g,
        "inspections",
        Dataset::Inspections,
        None,
        inspections.as_bytes(),
    );
    drop(inspections);

    type Generator = fn(usize, u64) -> String;
    let newer: [(&str, Dataset, Generator); 5] = [
        ("enforcement", Dataset::Enforcement, common::enforcement),
        ("normative", Dataset::Normative, common::normative),
        ("disputes", Dataset::Disputes, common::disputes),
        (
            "reconsideration",
            Dataset::Reconsideration,
            common::reconsideration,
        ),
        ("proposals", Dataset::Proposals, common::proposals),
    ];
    for (i, (name, dataset, generate)) in newer.into_iter().enumerate() {
        let data = generate(n, 10 + i as u64);
        bench_one(&mut g, name, dataset, None, data.as_bytes());
    }

    let complaints = common::complaints(n, 3);
    let data = complaints.as_bytes();
    bench_one(
        &mut g,
        "complaints/threads=default",
        Dataset::Complaints,
        None,
        data,
    );
    bench_one(
        &mut g,
        "complaints/threads=1",
        Dataset::Complaints,
        Some(1),
        data,
    );
    bench_one(
        &mut g,
        "complaints/threads=2",
        Dataset::Complaints,
        Some(2),
        data,
    );
    g.finish();
}

criterion_group!(benches, datasets);
criterion_main!(benches);
