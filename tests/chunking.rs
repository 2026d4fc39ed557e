//! Feeding the same export in 1-byte, 7-byte and whole-file chunks gives
//! identical reports, for every sample (GB18030, UTF-8 with BOM, UTF-16LE,
//! UTF-8) and for UTF-16BE and GB18030 re-encodings.

use std::path::Path;

use govtally::{Dataset, Options, Report, Tally};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/data")
            .join(name),
    )
    .unwrap()
}

fn tally(dataset: Dataset, files: &[&[u8]], chunk: usize) -> Report {
    let mut t = Tally::new(dataset, &Options::default().year(2023).unwrap()).unwrap();
    for (i, f) in files.iter().enumerate() {
        t.begin_file(&format!("file{i}")).unwrap();
        for c in f.chunks(chunk) {
            t.feed(c).unwrap();
        }
    }
    t.finish().unwrap()
}

fn assert_chunking_invariant(dataset: Dataset, files: &[&[u8]]) -> Report {
    let whole = tally(dataset, files, usize::MAX);
    for chunk in [1, 7, 4096] {
        assert_eq!(
            tally(dataset, files, chunk),
            whole,
            "{dataset}, chunks of {chunk}"
        );
    }
    whole
}

fn utf16be(text: &str) -> Vec<u8> {
    let mut v = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        v.extend_from_slice(&u.to_be_bytes());
    }
    v
}

#[test]
fn legality_gb18030() {
    let r = assert_chunking_invariant(Dataset::Legality, &[&read("合法性审查台账2023.csv")]);
    assert_eq!(r.figure("reviews.total"), Some(100.into()));
}

#[test]
fn inspections_utf8_bom() {
    let r = assert_chunking_invariant(Dataset::Inspections, &[&read("双随机抽查记录2023.csv")]);
    assert_eq!(r.figure("objects.inspections"), Some(1027.into()));
}

#[test]
fn complaints_utf16le_and_utf8() {
    let a = read("信访咨询件登记2022.csv");
    let b = read("信访咨询件登记2023.csv");
    let r = assert_chunking_invariant(Dataset::Complaints, &[&a, &b]);
    assert_eq!(r.figure("total.current"), Some(1270.into()));
    assert_eq!(r.figure("total.previous"), Some(1900.into()));
}

#[test]
fn re_encodings_give_the_same_report() {
    // The 2023 complaints file, as UTF-16BE and as GB18030.
    let utf8 = read("信访咨询件登记2023.csv");
    let text = std::str::from_utf8(&utf8).unwrap();
    let be = utf16be(text);
    let gb = encoding_rs::GB18030.encode(text).0.into_owned();
    let base = tally(Dataset::Complaints, &[&utf8], usize::MAX);
    assert_eq!(assert_chunking_invariant(Dataset::Complaints, &[&be]), base);
    assert_eq!(assert_chunking_invariant(Dataset::Complaints, &[&gb]), base);
}

#[test]
fn the_five_newer_ledgers() {
    let cases: [(Dataset, &str, &str, i64); 5] = [
        (
            Dataset::Enforcement,
            "劳动保障监察执法台账2023.csv",
            "by_type.handling_decision.actions",
            92,
        ),
        (
            Dataset::Normative,
            "行政规范性文件管理台账.csv",
            "cleanup.total",
            35,
        ),
        (
            Dataset::Disputes,
            "劳动人事争议案件台账2021-2023.csv",
            "hearings.digital_to_date",
            1771,
        ),
        (
            Dataset::Reconsideration,
            "行政复议与行政诉讼案件台账2022-2023.csv",
            "by_type.litigation_first.mediated_before_filing",
            2,
        ),
        (
            Dataset::Proposals,
            "建议提案办理台账2022-2023.csv",
            "by_type.cppcc_proposal.assist",
            20,
        ),
    ];
    for (dataset, file, path, want) in cases {
        let r = assert_chunking_invariant(dataset, &[&read(file)]);
        assert_eq!(r.figure(path), Some(want.into()), "{dataset}");
    }
}
