//! Figures, row accounting and problems are identical to the single-threaded
//! result whatever the thread count, block size and chunk size — including
//! when quoted fields with line breaks cross the places where the input is
//! cut between threads, and when duplicates sit in different blocks.

use std::path::Path;

use govtally::{BadRowPolicy, Dataset, Options, Report, Tally};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/data")
            .join(name),
    )
    .unwrap()
}

fn run(
    dataset: Dataset,
    files: &[&[u8]],
    threads: usize,
    block: usize,
    chunk: usize,
    skip: bool,
) -> Report {
    let mut o = Options::default().year(2023).unwrap().threads(threads);
    o.block_bytes = block;
    if skip {
        o.on_bad_row = BadRowPolicy::Skip;
    }
    let mut t = Tally::new(dataset, &o).unwrap();
    for (i, f) in files.iter().enumerate() {
        t.begin_file(&format!("f{i}.csv")).unwrap();
        for c in f.chunks(chunk) {
            t.feed(c).unwrap();
        }
    }
    t.finish().unwrap()
}

fn assert_same_everywhere(dataset: Dataset, files: &[&[u8]], skip: bool) -> Report {
    let base = run(dataset, files, 1, 1 << 20, usize::MAX, skip);
    for threads in [2, 3, 4] {
        for block in [64, 1000, 16 * 1024] {
            for chunk in [usize::MAX, 4099] {
                let got = run(dataset, files, threads, block, chunk, skip);
                assert_eq!(
                    got, base,
                    "{dataset}: {threads} threads, blocks of {block}, chunks of {chunk}"
                );
            }
        }
    }
    base
}

#[test]
fn sample_exports() {
    let r = assert_same_everywhere(Dataset::Legality, &[&read("合法性审查台账2023.csv")], false);
    assert_eq!(r.figure("opinions.total"), Some(110.into()));
    let r = assert_same_everywhere(
        Dataset::Inspections,
        &[&read("双随机抽查记录2023.csv")],
        false,
    );
    assert_eq!(r.figure("objects.inspections"), Some(1027.into()));
    let a = read("信访咨询件登记2022.csv");
    let b = read("信访咨询件登记2023.csv");
    let r = assert_same_everywhere(Dataset::Complaints, &[&a, &b], false);
    assert_eq!(r.figure("total.change_pct"), Some((-33.16).into()));
    let newer = [
        (
            Dataset::Enforcement,
            "劳动保障监察执法台账2023.csv",
            "targets.distinct",
            170,
        ),
        (
            Dataset::Normative,
            "行政规范性文件管理台账.csv",
            "issued.total",
            2,
        ),
        (
            Dataset::Disputes,
            "劳动人事争议案件台账2021-2023.csv",
            "registered.by_venue_type.station",
            2630,
        ),
        (
            Dataset::Reconsideration,
            "行政复议与行政诉讼案件台账2022-2023.csv",
            "lost",
            0,
        ),
        (
            Dataset::Proposals,
            "建议提案办理台账2022-2023.csv",
            "replied.on_time",
            36,
        ),
    ];
    for (dataset, file, path, want) in newer {
        let r = assert_same_everywhere(dataset, &[&read(file)], false);
        assert_eq!(r.figure(path), Some(want.into()), "{dataset}");
    }
}

/// 3000 complaints where every 7th has a quoted multi-line category, every
/// 5th (i % 5 == 4, from row 100) repeats the id of row i − 99 (with another
/// date), every 11th
/// has an impossible date, and every 13th is blank.
fn awkward_complaints() -> (Vec<u8>, u64, u64, u64, u64) {
    let mut s = String::from("编号,登记时间,问题类别,件类型\r\n");
    let (mut dups, mut bad, mut blank, mut rows) = (0, 0, 0, 0);
    for i in 0..3000u32 {
        rows += 1;
        if i % 13 == 0 {
            s.push_str(",,,\r\n");
            blank += 1;
            continue;
        }
        let id = if i % 5 == 4 && i >= 100 { i - 99 } else { i };
        let month = 1 + i % 12;
        let date = if i % 11 == 0 {
            "2023-02-30".to_string()
        } else {
            format!("2023-{month:02}-0{}", 1 + i % 9)
        };
        let category = if i % 7 == 0 {
            "\"欠薪,\r\n多行\n\"\"说明\"\"\"".to_string()
        } else {
            format!("类别{}", i % 4)
        };
        s.push_str(&format!(
            "XF{id},{date},{category},{}\r\n",
            if i % 2 == 0 { "信访件" } else { "咨询件" }
        ));
        if i % 11 == 0 {
            bad += 1;
        } else if id != i && (i - 99) % 11 != 0 && (i - 99) % 13 != 0 {
            dups += 1; // row i − 99 kept its own id and was valid
        }
    }
    (s.into_bytes(), rows, dups, bad, blank)
}

#[test]
fn quoted_line_breaks_across_cuts_duplicates_and_problems() {
    let (data, rows, dups, bad, blank) = awkward_complaints();
    let r = assert_same_everywhere(Dataset::Complaints, &[&data], true);
    assert_eq!(r.rows.read, rows);
    assert_eq!(r.rows.blank, blank);
    assert_eq!(r.rows.rejected, bad);
    assert_eq!(r.rows.duplicates, dups);
    assert_eq!(r.rows.counted, rows - blank - bad - dups);
    assert_eq!(r.problems.total, bad);
    // The first bad row is i = 11: the header is line 1, rows 0..=10 take
    // one line each except the multi-line ones (i = 0 is blank; i = 7 spans
    // three lines), so i = 11 starts on line 2 + 11 + 2 = 15.
    assert_eq!(r.problems.items[0].line, 15);
    assert_eq!(r.problems.items[0].value, "2023-02-30");
}

#[test]
fn gb18030_blocks_are_transcoded_on_their_own_with_the_same_result() {
    let (data, ..) = awkward_complaints();
    let utf8 = run(Dataset::Complaints, &[&data], 1, 1 << 20, usize::MAX, true);
    let gb = encoding_rs::GB18030
        .encode(std::str::from_utf8(&data).unwrap())
        .0
        .into_owned();
    assert_eq!(
        assert_same_everywhere(Dataset::Complaints, &[&gb], true),
        utf8
    );
}

/// A first feed that holds the header and more than a batch of an
/// unfinished row leaves that much in the pending buffer; the next,
/// larger feed must go on from it (this once overflowed the arithmetic of
/// topping the pending bytes up to a batch).
#[test]
fn a_long_unfinished_row_after_the_header_then_a_large_feed() {
    let category = "劳动关系".repeat(40);
    let mut text = String::from("编号,登记时间,问题类别,件类型\n");
    for i in 0..200 {
        text.push_str(&format!(
            "XF{i:04},2023-03-0{} 10:00,{category},信访件\n",
            1 + i % 9
        ));
    }
    let data = text.as_bytes();
    // The header, then 300 bytes into the first row (no line break yet).
    let first = "编号,登记时间,问题类别,件类型\n".len() + 300;
    let whole = run(Dataset::Complaints, &[data], 1, 1 << 20, usize::MAX, false);
    assert_eq!(whole.rows.counted, 200);
    for threads in [2, 3] {
        let mut o = Options::default().year(2023).unwrap().threads(threads);
        o.block_bytes = 64;
        let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
        t.begin_file("f0.csv").unwrap();
        t.feed(&data[..first]).unwrap();
        t.feed(&data[first..]).unwrap();
        assert_eq!(t.finish().unwrap(), whole, "{threads} threads");
    }
}
