//! Per-dataset integration tests through the public Rust API.
//!
//! Every expected figure below is worked out by hand from the fixture next
//! to it (the arithmetic is in the comments), never pasted from a run.

use govtally::{
    BadRowPolicy, Dataset, Encoding, Error, FileError, Options, Period, Problem, Report, Rounding,
    Tally,
};
use serde_json::Value;

// ───────────────────────────── helpers ─────────────────────────────

/// A CSV (or TSV) document from rows of fields. A field holding the
/// delimiter, a quote or a line break is quoted (RFC 4180); an empty row is
/// a blank line.
fn csv(rows: &[&[&str]], delim: char, eol: &str) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|f| {
                if f.contains(delim) || f.contains('"') || f.contains('\n') || f.contains('\r') {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.to_string()
                }
            })
            .collect();
        out.push_str(&fields.join(&delim.to_string()));
        out.push_str(eol);
    }
    out
}

fn lf(rows: &[&[&str]]) -> String {
    csv(rows, ',', "\n")
}

fn year(y: i32) -> Options {
    Options::default().year(y).expect("a valid year")
}

fn skip(mut o: Options) -> Options {
    o.on_bad_row = BadRowPolicy::Skip;
    o
}

/// Tallies `bytes` as one unnamed stream.
fn run(dataset: Dataset, options: &Options, bytes: &[u8]) -> Result<Report, Error> {
    let mut t = Tally::new(dataset, options)?;
    t.feed(bytes)?;
    t.finish()
}

/// Tallies `bytes` fed in chunks of `size` bytes.
fn run_chunked(dataset: Dataset, options: &Options, bytes: &[u8], size: usize) -> Report {
    let mut t = Tally::new(dataset, options).unwrap();
    for c in bytes.chunks(size) {
        t.feed(c).unwrap();
    }
    t.finish().unwrap()
}

fn ok(dataset: Dataset, options: &Options, text: &str) -> Report {
    match run(dataset, options, text.as_bytes()) {
        Ok(r) => r,
        Err(e) => panic!("tally failed: {e}\n--- input ---\n{text}"),
    }
}

fn rejected(dataset: Dataset, options: &Options, text: &str) -> (u64, u64, Vec<Problem>) {
    match run(dataset, options, text.as_bytes()) {
        Err(Error::Rejected {
            rows,
            total,
            problems,
        }) => (rows, total, problems),
        Err(e) => panic!("expected Error::Rejected, got {e}"),
        Ok(r) => panic!("expected Error::Rejected, got a report: {:?}", r.rows),
    }
}

fn file_error(dataset: Dataset, options: &Options, bytes: &[u8]) -> FileError {
    match run(dataset, options, bytes) {
        Err(Error::File { error, .. }) => error,
        Err(e) => panic!("expected Error::File, got {e}"),
        Ok(_) => panic!("expected Error::File, got a report"),
    }
}

fn fig(r: &Report, path: &str) -> Value {
    r.figure(path)
        .unwrap_or_else(|| panic!("no figure at `{path}` in {}", r.to_json_pretty()))
}

/// An integer figure.
fn int(r: &Report, path: &str, want: i64) {
    let v = fig(r, path);
    assert_eq!(v.as_i64(), Some(want), "`{path}` is {v}, expected {want}");
}

/// A two-decimal figure (serialised as a JSON number).
fn dec(r: &Report, path: &str, want: f64) {
    let v = fig(r, path);
    assert_eq!(v.as_f64(), Some(want), "`{path}` is {v}, expected {want}");
}

fn null(r: &Report, path: &str) {
    let v = fig(r, path);
    assert!(v.is_null(), "`{path}` is {v}, expected null");
}

fn text(r: &Report, path: &str, want: &str) {
    let v = fig(r, path);
    assert_eq!(v.as_str(), Some(want), "`{path}` is {v}, expected {want:?}");
}

/// `rows` = [read, counted, out_of_period, duplicates, blank, rejected], and
/// the invariant read = counted + out_of_period + duplicates + blank + rejected.
fn rows(r: &Report, want: [u64; 6]) {
    let x = r.rows;
    assert_eq!(
        [
            x.read,
            x.counted,
            x.out_of_period,
            x.duplicates,
            x.blank,
            x.rejected
        ],
        want,
        "rows [read, counted, out_of_period, duplicates, blank, rejected]"
    );
    assert_eq!(
        x.read,
        x.counted + x.out_of_period + x.duplicates + x.blank + x.rejected
    );
    for (k, n) in [
        ("read", x.read),
        ("counted", x.counted),
        ("out_of_period", x.out_of_period),
        ("duplicates", x.duplicates),
        ("blank", x.blank),
        ("rejected", x.rejected),
    ] {
        int(r, &format!("rows.{k}"), n as i64);
    }
}

/// The figures common to every report, for a fixture without problems.
fn common(r: &Report, dataset: &str, start: &str, end: &str) {
    int(r, "schema_version", 1);
    text(r, "dataset", dataset);
    text(r, "period.start", start);
    text(r, "period.end", end);
    int(r, "problems.total", 0);
    assert_eq!(fig(r, "problems.items"), Value::Array(vec![]));
}

/// A figure that may be left out of a map when zero.
fn int_or_absent(r: &Report, path: &str, want: i64) {
    match r.figure(path) {
        None => assert_eq!(want, 0, "`{path}` is absent, expected {want}"),
        Some(v) => assert_eq!(v.as_i64(), Some(want), "`{path}` is {v}, expected {want}"),
    }
}

/// The keys of an object figure, sorted.
fn keys(r: &Report, path: &str) -> Vec<String> {
    match fig(r, path) {
        Value::Object(m) => {
            let mut k: Vec<String> = m.keys().cloned().collect();
            k.sort();
            k
        }
        v => panic!("`{path}` is {v}, not an object"),
    }
}

/// The keys of an object figure are exactly `want` (in any order).
fn assert_keys(r: &Report, path: &str, want: &[&str]) {
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(keys(r, path), want, "keys of `{path}`");
}

fn utf8_bom(s: &str) -> Vec<u8> {
    let mut v = vec![0xEF, 0xBB, 0xBF];
    v.extend_from_slice(s.as_bytes());
    v
}

fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

fn utf16be(s: &str, bom: bool) -> Vec<u8> {
    let mut v = if bom { vec![0xFE, 0xFF] } else { vec![] };
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_be_bytes());
    }
    v
}

fn gb18030(s: &str) -> Vec<u8> {
    let (bytes, _, errors) = encoding_rs::GB18030.encode(s);
    assert!(!errors, "fixture not representable in GB18030");
    bytes.into_owned()
}

// ───────────────────────────── legality ─────────────────────────────

/// Shuffled columns, extra columns (序号, 备注), aliases other than the key,
/// every doc_type and conclusion spelling kind, date forms, full-width and
/// thousands-separated counts, a padded department, a duplicate with
/// another date, an out-of-period row, a blank line and a quoted
/// multi-line title with quotes and a comma.
const LEGALITY: &[&[&str]] = &[
    &[
        "序号",
        "名称",
        "审查编号",
        "送审科室",
        "类型",
        "受理日期",
        "办结日期",
        "意见条数",
        "审查结果",
        "备注",
    ],
    // line 2
    &[
        "1",
        "采购合同",
        "L1",
        "办公室",
        "行政合同",
        "2023-01-05",
        "2023-01-09",
        "2",
        "同意",
        "",
    ],
    // line 3
    &[
        "2",
        "租赁合同",
        "L2",
        "办公室",
        "合同",
        "2023/2/1",
        "2023/2/11",
        "1,234",
        "通过",
        "备注",
    ],
    // line 4
    &[
        "3",
        "管理办法",
        "L3",
        "法规科",
        "规范性文件",
        "2023年3月1日",
        "",
        "１２",
        "修改后同意",
        "审查中",
    ],
    // line 5
    &[
        "4",
        "实施细则",
        "L4",
        "",
        "行政规范性文件",
        "20230401",
        "2023.4.3",
        "",
        "原则同意",
        "",
    ],
    // line 6
    &[
        "5",
        "重大决策",
        "L5",
        "法规科",
        "重大行政决策",
        "2023-12-20 10:00",
        "2024-01-05",
        "3",
        "不同意",
        "",
    ],
    // line 7
    &[
        "6",
        "其他事项",
        "L6",
        " 办公室\u{3000}",
        "其他",
        "２０２３－０５－０１",
        "2023-05-01T09:30",
        "0",
        "",
        "",
    ],
    // line 8
    &[
        "7",
        "旧合同",
        "L7",
        "法规科",
        "administrative_contract",
        "2022-12-30",
        "2023-01-03",
        "5",
        "approved",
        "",
    ],
    // line 9: L1 again, another date — a duplicate
    &[
        "8",
        "采购合同",
        "L1",
        "办公室",
        "行政合同",
        "2023-06-01",
        "2023-06-02",
        "9",
        "同意",
        "重复",
    ],
    // line 10
    &[],
    // lines 11–12
    &[
        "9",
        "关于规范\"审查\"的\n通知,第一版",
        "L8",
        "法规科",
        "normative_document",
        "2023-06-10",
        "2023-06-20",
        "1",
        "approved_with_changes",
        "",
    ],
];

/// The figures of [`LEGALITY`] for 2023.
///
/// In period: L1 L2 L3 L4 L5 L6 L8 = 7 counted; L7 (2022-12-30) out of
/// period; L1 on line 9 a duplicate; line 10 blank. read = 10 = 7+1+1+1.
fn check_legality(r: &Report) {
    common(r, "legality", "2023-01-01", "2023-12-31");
    assert_eq!(fig(r, "period.inferred"), Value::Bool(false));
    rows(r, [10, 7, 1, 1, 1, 0]);
    // by type: contract L1 L2 = 2; normative L3 L4 L8 = 3; major L5 = 1;
    // other L6 = 1; total 7.
    int(r, "reviews.total", 7);
    int(r, "reviews.by_type.administrative_contract", 2);
    int(r, "reviews.by_type.normative_document", 3);
    int(r, "reviews.by_type.major_decision", 1);
    int(r, "reviews.by_type.other", 1);
    // completed by 2023-12-31: L1 L2 L4 L6 L8 = 5; pending: L3 (no date),
    // L5 (completed 2024-01-05, after the period) = 2.
    int(r, "reviews.completed", 5);
    int(r, "reviews.pending", 2);
    // opinions: L1 2, L2 1234, L3 12, L4 0 (empty), L5 3, L6 0, L8 1
    // contract 2+1234 = 1236; normative 12+0+1 = 13; major 3; other 0;
    // total 1252.
    int(r, "opinions.total", 1252);
    int(r, "opinions.by_type.administrative_contract", 1236);
    int(r, "opinions.by_type.normative_document", 13);
    int(r, "opinions.by_type.major_decision", 3);
    int(r, "opinions.by_type.other", 0);
    // approved L1 L2; with changes L3 L4 L8; rejected L5; unrecorded L6.
    int(r, "conclusions.approved", 2);
    int(r, "conclusions.approved_with_changes", 3);
    int(r, "conclusions.rejected", 1);
    int(r, "conclusions.unrecorded", 1);
    // 办公室: L1 L2 L6 → 3 reviews, 2+1234+0 = 1236 opinions;
    // 法规科: L3 L5 L8 → 3, 12+3+1 = 16; 未填写: L4 → 1, 0.
    assert_keys(r, "departments", &["办公室", "未填写", "法规科"]);
    int(r, "departments.办公室.reviews", 3);
    int(r, "departments.办公室.opinions", 1236);
    int(r, "departments.法规科.reviews", 3);
    int(r, "departments.法规科.opinions", 16);
    int(r, "departments.未填写.reviews", 1);
    int(r, "departments.未填写.opinions", 0);
    // days: L1 4, L2 10, L4 2, L6 0, L8 10 → sorted 0 2 4 10 10:
    // count 5, mean 26/5 = 5.2, median 4, max 10.
    int(r, "review_days.count", 5);
    dec(r, "review_days.mean", 5.2);
    dec(r, "review_days.median", 4.0);
    int(r, "review_days.max", 10);
}

#[test]
fn legality_every_figure() {
    let r = ok(Dataset::Legality, &year(2023), &lf(LEGALITY));
    check_legality(&r);
}

#[test]
fn legality_same_report_in_every_encoding_and_line_end() {
    let text_lf = lf(LEGALITY);
    let text_crlf = csv(LEGALITY, ',', "\r\n");
    let tabs_crlf = csv(LEGALITY, '\t', "\r\n");
    let o = year(2023);
    let base = ok(Dataset::Legality, &o, &text_lf);
    check_legality(&base);
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("utf-8 crlf", text_crlf.clone().into_bytes()),
        ("utf-8 bom", utf8_bom(&text_lf)),
        ("utf-8 bom crlf", utf8_bom(&text_crlf)),
        ("gb18030", gb18030(&text_crlf)),
        ("gb18030 lf", gb18030(&text_lf)),
        ("utf-16le bom tabs", utf16le(&tabs_crlf, true)),
        ("utf-16be bom tabs", utf16be(&tabs_crlf, true)),
        ("utf-16le bom commas", utf16le(&text_lf, true)),
        ("utf-16be bom commas", utf16be(&text_crlf, true)),
        ("utf-8 tabs", tabs_crlf.clone().into_bytes()),
    ];
    for (name, bytes) in &variants {
        let r = run(Dataset::Legality, &o, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_legality(&r);
        assert_eq!(r.to_json_value(), base.to_json_value(), "{name}");
        // Chunks may end mid-field and mid-character.
        for size in [1, 3, 7] {
            let c = run_chunked(Dataset::Legality, &o, bytes, size);
            assert_eq!(c.to_json_value(), base.to_json_value(), "{name} / {size}");
        }
    }
}

#[test]
fn explicit_encodings() {
    let text = csv(LEGALITY, ',', "\r\n");
    let tabs = csv(LEGALITY, '\t', "\r\n");
    let cases: Vec<(Encoding, Vec<u8>)> = vec![
        (Encoding::Utf8, text.clone().into_bytes()),
        (Encoding::Utf8, utf8_bom(&text)),
        (Encoding::Gb18030, gb18030(&text)),
        (Encoding::Utf16Le, utf16le(&tabs, false)),
        (Encoding::Utf16Le, utf16le(&tabs, true)),
        (Encoding::Utf16Be, utf16be(&text, false)),
        (Encoding::Utf16Be, utf16be(&text, true)),
    ];
    for (enc, bytes) in cases {
        let mut o = year(2023);
        o.encoding = enc;
        let r = run(Dataset::Legality, &o, &bytes).unwrap_or_else(|e| panic!("{enc:?}: {e}"));
        check_legality(&r);
    }
    // The same names the CLI accepts.
    assert_eq!("gbk".parse::<Encoding>().unwrap(), Encoding::Gb18030);
    assert_eq!("utf-16le".parse::<Encoding>().unwrap(), Encoding::Utf16Le);
    assert!("latin1".parse::<Encoding>().is_err());
}

#[test]
fn gb18030_read_as_utf8_is_a_row_error_not_replacement() {
    // The header is ASCII, the data row GB18030: with utf-8 chosen, the
    // department cell does not decode and the row is rejected.
    let text = "review_id,doc_type,department,received_date\n\
                X1,administrative_contract,办公室,2023-01-01\n";
    let mut o = skip(year(2023));
    o.encoding = Encoding::Utf8;
    let r = run(Dataset::Legality, &o, &gb18030(text)).unwrap();
    rows(&r, [1, 0, 0, 0, 0, 1]);
    let p = &r.problems.items[0];
    assert_eq!((p.line, p.column.as_str()), (2, "department"));
    assert!(p.value.contains("\\x"), "{p}");
    assert!(!p.value.contains('\u{fffd}'), "{p}");
}

#[test]
fn legality_review_days_even_count_and_rounding_of_the_mean() {
    // days 1, 2, 2 → mean 5/3 = 1.666… → 1.67; median 2; max 2.
    let r = ok(
        Dataset::Legality,
        &year(2023),
        &lf(&[
            &["review_id", "doc_type", "received_date", "completed_date"],
            &["A", "合同", "2023-01-01", "2023-01-02"],
            &["B", "合同", "2023-01-01", "2023-01-03"],
            &["C", "合同", "2023-01-01", "2023-01-03"],
        ]),
    );
    int(&r, "review_days.count", 3);
    dec(&r, "review_days.mean", 1.67);
    dec(&r, "review_days.median", 2.0);
    int(&r, "review_days.max", 2);
    // days 1, 4 → mean 2.5, median (1+4)/2 = 2.5, max 4.
    let r = ok(
        Dataset::Legality,
        &year(2023),
        &lf(&[
            &["review_id", "doc_type", "received_date", "completed_date"],
            &["A", "合同", "2023-01-01", "2023-01-02"],
            &["B", "合同", "2023-01-01", "2023-01-05"],
        ]),
    );
    dec(&r, "review_days.mean", 2.5);
    dec(&r, "review_days.median", 2.5);
    int(&r, "review_days.max", 4);
    // Eight reviews, seven of 0 days and one of 1: mean 1/8 = 0.125 → 0.13
    // half away from zero, 0.12 half even; median 0.
    let mut doc: Vec<Vec<String>> = vec![vec![
        "review_id".into(),
        "doc_type".into(),
        "received_date".into(),
        "completed_date".into(),
    ]];
    for i in 0..8 {
        let done = if i == 0 { "2023-03-02" } else { "2023-03-01" };
        doc.push(vec![
            format!("R{i}"),
            "合同".into(),
            "2023-03-01".into(),
            done.into(),
        ]);
    }
    let doc = owned_csv(&doc);
    let r = ok(Dataset::Legality, &year(2023), &doc);
    dec(&r, "review_days.mean", 0.13);
    dec(&r, "review_days.median", 0.0);
    let mut o = year(2023);
    o.rounding = Rounding::HalfEven;
    let r = ok(Dataset::Legality, &o, &doc);
    dec(&r, "review_days.mean", 0.12);
}

fn owned_csv(rows: &[Vec<String>]) -> String {
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    lf(&rows)
}

#[test]
fn legality_no_reviews_gives_zero_and_null() {
    // The only row is out of period: every type present and 0, days null.
    let r = ok(
        Dataset::Legality,
        &year(2023),
        &lf(&[
            &["review_id", "doc_type", "received_date"],
            &["A", "合同", "2022-01-01"],
        ]),
    );
    rows(&r, [1, 0, 1, 0, 0, 0]);
    for t in [
        "administrative_contract",
        "normative_document",
        "major_decision",
        "other",
    ] {
        int(&r, &format!("reviews.by_type.{t}"), 0);
        int(&r, &format!("opinions.by_type.{t}"), 0);
    }
    for c in [
        "approved",
        "approved_with_changes",
        "rejected",
        "unrecorded",
    ] {
        int(&r, &format!("conclusions.{c}"), 0);
    }
    int(&r, "review_days.count", 0);
    null(&r, "review_days.mean");
    null(&r, "review_days.median");
    null(&r, "review_days.max");
}

#[test]
fn legality_period_inferred_from_latest_date() {
    // Latest received date 2023-03-01 → period 2023; the 2022 row is out
    // of period.
    let r = ok(
        Dataset::Legality,
        &Options::default(),
        &lf(&[
            &["review_id", "doc_type", "received_date", "opinion_count"],
            &["A", "合同", "2022-12-31", "4"],
            &["B", "合同", "2023-03-01", "1"],
            &["C", "其他", "2023-01-01", "2"],
        ]),
    );
    text(&r, "period.start", "2023-01-01");
    text(&r, "period.end", "2023-12-31");
    assert_eq!(fig(&r, "period.inferred"), Value::Bool(true));
    rows(&r, [3, 2, 1, 0, 0, 0]);
    int(&r, "reviews.total", 2);
    int(&r, "opinions.total", 3);
    int(&r, "reviews.pending", 2);
}

#[test]
fn legality_from_to_period() {
    // 2023-02-01..2023-02-28: B and C in, A and D out.
    let o = Options {
        period: Some(Period::parse("2023-02-01", "2023-02-28").unwrap()),
        ..Options::default()
    };
    let r = ok(
        Dataset::Legality,
        &o,
        &lf(&[
            &["review_id", "doc_type", "received_date", "completed_date"],
            &["A", "合同", "2023-01-31", "2023-02-01"],
            &["B", "合同", "2023-02-01", "2023-02-28"],
            &["C", "其他", "2023-02-28", "2023-03-01"],
            &["D", "其他", "2023-03-01", ""],
        ]),
    );
    text(&r, "period.start", "2023-02-01");
    text(&r, "period.end", "2023-02-28");
    rows(&r, [4, 2, 2, 0, 0, 0]);
    // B completed in period (27 days); C completed after the end → pending.
    int(&r, "reviews.completed", 1);
    int(&r, "reviews.pending", 1);
    int(&r, "review_days.max", 27);
}

// ───────────────────────────── inspections ─────────────────────────────

const INSPECTIONS: &[&[&str]] = &[
    &[
        "任务名称",
        "抽查日期",
        "任务编号",
        "检查对象",
        "统一社会信用代码",
        "是否联合抽查",
        "联合部门",
        "检查结果",
        "检查人员",
    ],
    // line 2
    &[
        "欠薪抽查",
        "2023-03-10",
        "T1",
        "甲公司",
        "O1",
        "否",
        "市场监管局、司法局",
        "正常",
        "张三",
    ],
    // line 3
    &[
        "欠薪抽查",
        "2023-03-11",
        "T1",
        "乙公司",
        "O2",
        "是",
        "市场监管局",
        "责令整改",
        "张三",
    ],
    // line 4: (T1, O1) again — a duplicate; its partner must not count
    &[
        "欠薪抽查",
        "2023-03-12",
        "T1",
        "甲公司",
        "O1",
        "是",
        "教育局",
        "立案",
        "李四",
    ],
    // line 5
    &[
        "社保抽查",
        "2023-05-31",
        "T2",
        "丙公司",
        "O3",
        "",
        "",
        "",
        "",
    ],
    // line 6
    &[
        "社保抽查",
        "2023-06-01",
        "T2",
        "甲公司",
        "O1",
        "N",
        "",
        "立案",
        "",
    ],
    // line 7: out of period, the only T3 row that says joint
    &[
        "年末抽查",
        "2022-12-28",
        "T3",
        "丁公司",
        "O4",
        "Y",
        "税务局；公安分局",
        "合格",
        "",
    ],
    // line 8
    &[
        "年末抽查",
        "2023-01-05",
        "T3",
        "戊公司",
        "O5",
        "0",
        "税务局 / 住建局",
        "查无下落",
        "",
    ],
    // line 9
    &[
        "联合抽查",
        "2023-12-31",
        "T4",
        "乙公司",
        "O2",
        "√",
        "公安分局,住建局；司法局",
        "no_issue",
        "",
    ],
    // line 10: out of period
    &[
        "联合抽查",
        "2024-01-02",
        "T4",
        "己公司",
        "O6",
        "√",
        "公安分局",
        "issue_found",
        "",
    ],
    // line 11: out of period
    &[
        "旧任务",
        "2022-11-01",
        "T5",
        "庚公司",
        "O7",
        "是",
        "税务局",
        "正常",
        "",
    ],
    // line 12
    &[],
    // line 13
    &[
        "专项抽查",
        "2023-03-20",
        "T6",
        "丙公司",
        "O3",
        "yes",
        "司法局，市场监管局/司法局",
        "发现问题已整改",
        "",
    ],
];

/// The figures of [`INSPECTIONS`] for 2023.
fn check_inspections(r: &Report) {
    common(r, "inspections", "2023-01-01", "2023-12-31");
    // counted: lines 2 3 5 6 8 9 13 = 7; out of period: 7 10 11 = 3;
    // duplicate: 4; blank: 12. read 12 = 7+3+1+1.
    rows(r, [12, 7, 3, 1, 1, 0]);
    // tasks with an in-period row: T1 T2 T3 T4 T6 = 5.
    int(r, "tasks.total", 5);
    // joint: T1 (line 3 是), T4 (√), T6 (yes) = 3. T2 (empty, N) and T3
    // (in period only 0; its Y row is out of period) are not.
    int(r, "tasks.joint", 3);
    // first in-period row: T1 03-10, T2 05-31, T3 01-05 (not 2022-12),
    // T4 12-31, T6 03-20.
    let by_month = [
        ("2023-01", 1),
        ("2023-02", 0),
        ("2023-03", 2),
        ("2023-04", 0),
        ("2023-05", 1),
        ("2023-06", 0),
        ("2023-07", 0),
        ("2023-08", 0),
        ("2023-09", 0),
        ("2023-10", 0),
        ("2023-11", 0),
        ("2023-12", 1),
    ];
    for (m, n) in by_month {
        int_or_absent(r, &format!("tasks.by_month.{m}"), n);
    }
    assert!(r.figure("tasks.by_month.2022-12").is_none());
    assert!(r.figure("tasks.by_month.2024-01").is_none());
    // inspections = 7 counted rows; distinct objects O1 O2 O3 O5 = 4.
    int(r, "objects.inspections", 7);
    int(r, "objects.distinct", 4);
    // partners per task (in-period rows only):
    // T1 市场监管局 司法局; T3 税务局 住建局; T4 公安分局 住建局 司法局;
    // T6 司法局 市场监管局 (司法局 twice in one cell counts once).
    assert_keys(
        r,
        "partners",
        &["住建局", "公安分局", "市场监管局", "司法局", "税务局"],
    );
    int(r, "partners.市场监管局", 2);
    int(r, "partners.司法局", 3);
    int(r, "partners.税务局", 1);
    int(r, "partners.住建局", 2);
    int(r, "partners.公安分局", 1);
    // results: no_issue lines 2 9; issue_found 3 13; case_filed 6;
    // not_located 8; unrecorded 5.
    int(r, "results.no_issue", 2);
    int(r, "results.issue_found", 2);
    int(r, "results.case_filed", 1);
    int(r, "results.not_located", 1);
    int(r, "results.unrecorded", 1);
    // issue rate (2 + 1) / 7 × 100 = 42.857… → 42.86.
    dec(r, "issue_rate_pct", 42.86);
}

#[test]
fn inspections_every_figure() {
    let r = ok(Dataset::Inspections, &year(2023), &lf(INSPECTIONS));
    check_inspections(&r);
}

#[test]
fn inspections_same_report_in_every_encoding() {
    let o = year(2023);
    let base = ok(Dataset::Inspections, &o, &lf(INSPECTIONS));
    let crlf = csv(INSPECTIONS, ',', "\r\n");
    let tabs = csv(INSPECTIONS, '\t', "\r\n");
    for (name, bytes) in [
        ("bom", utf8_bom(&crlf)),
        ("gb18030", gb18030(&crlf)),
        ("utf-16le", utf16le(&tabs, true)),
        ("utf-16be", utf16be(&tabs, true)),
    ] {
        let r = run(Dataset::Inspections, &o, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_inspections(&r);
        assert_eq!(r.to_json_value(), base.to_json_value(), "{name}");
    }
}

#[test]
fn inspections_issue_rate_rounding() {
    // 1 issue in 8 inspections = 12.5% — exact, no rounding. 1 of 16 =
    // 6.25%; 1 in 32 = 3.125% → 3.13 / 3.12 (half even).
    let mut doc = vec![vec![
        "task_id".to_string(),
        "inspect_date".into(),
        "object_id".into(),
        "result".into(),
    ]];
    for i in 0..32 {
        let res = if i == 0 { "发现问题" } else { "合格" };
        doc.push(vec![
            "T".into(),
            "2023-07-01".into(),
            format!("O{i}"),
            res.into(),
        ]);
    }
    let doc = owned_csv(&doc);
    let r = ok(Dataset::Inspections, &year(2023), &doc);
    int(&r, "objects.inspections", 32);
    dec(&r, "issue_rate_pct", 3.13);
    let mut o = year(2023);
    o.rounding = Rounding::HalfEven;
    let r = ok(Dataset::Inspections, &o, &doc);
    dec(&r, "issue_rate_pct", 3.12);
}

#[test]
fn inspections_no_rows_in_period_gives_null_rate() {
    let r = ok(
        Dataset::Inspections,
        &year(2023),
        &lf(&[
            &["task_id", "inspect_date", "object_id"],
            &["T", "2024-07-01", "O"],
        ]),
    );
    rows(&r, [1, 0, 1, 0, 0, 0]);
    int(&r, "tasks.total", 0);
    int(&r, "objects.inspections", 0);
    null(&r, "issue_rate_pct");
    for k in [
        "no_issue",
        "issue_found",
        "case_filed",
        "not_located",
        "unrecorded",
    ] {
        int(&r, &format!("results.{k}"), 0);
    }
}

#[test]
fn inspections_booleans() {
    // One task per row; joint counts the rows whose flag is true.
    let truthy = [
        "是", "Y", "y", "yes", "YES", "Yes", "true", "TRUE", "True", "1", "√",
    ];
    let falsy = [
        "否", "N", "n", "no", "NO", "No", "false", "FALSE", "False", "0", "×", "",
    ];
    for (v, want) in truthy
        .iter()
        .map(|v| (v, 1))
        .chain(falsy.iter().map(|v| (v, 0)))
    {
        let r = ok(
            Dataset::Inspections,
            &year(2023),
            &lf(&[
                &["task_id", "inspect_date", "object_id", "joint"],
                &["T", "2023-02-02", "O", v],
            ]),
        );
        int(&r, "tasks.total", 1);
        assert_eq!(
            fig(&r, "tasks.joint").as_i64(),
            Some(want),
            "joint flag {v:?}"
        );
    }
}

#[test]
fn inspections_partner_separators() {
    // Every separator of spec 2.2 once: , ， 、 ; ； /
    let r = ok(
        Dataset::Inspections,
        &year(2023),
        &lf(&[
            &["task_id", "inspect_date", "object_id", "partners"],
            &["T", "2023-02-02", "O", "a,b，c、d;e；f/g"],
        ]),
    );
    assert_keys(&r, "partners", &["a", "b", "c", "d", "e", "f", "g"]);
    for p in ["a", "b", "c", "d", "e", "f", "g"] {
        int(&r, &format!("partners.{p}"), 1);
    }
}

// ───────────────────────────── complaints ─────────────────────────────

const COMPLAINTS: &[&[&str]] = &[
    &["信访形式", "登记编号", "备注", "类别", "登记时间", "件类型"],
    // line 2
    &["来信", "C01", "", "欠薪", "2022-01-10", "信访件"],
    // line 3
    &["来访", "C02", "", "社保", "2022-12-05 09:00", "咨询件"],
    // line 4
    &["\u{3000}来信 ", "C03", "", "欠薪", "2022/12/20", "信访件"],
    // line 5
    &["来信", "C04", "", "欠薪", "2023-01-03T08:00:00", "信访件"],
    // line 6
    &[
        "网络",
        "C05",
        "",
        "社保",
        "2023年1月15日 14:22",
        "consultation",
    ],
    // line 7
    &["", "C06", "", "", "2023-02-01", ""],
    // line 8
    &["来访", "C07", "", " 欠薪", "20230301", "petition"],
    // line 9: C04 again with another date — a duplicate
    &["网络", "C04", "重复登记", "社保", "2023-06-01", "咨询件"],
    // line 10
    &["", "", "", "", "", ""],
    // line 11
    &["来信", "C08", "", "欠薪", "2021-12-31", "信访件"],
    // line 12
    &["来信", "C09", "", "欠薪", "2024-01-01", "信访件"],
    // line 13
    &["来信", "C10", "", "社保", "2022.3.15", "咨询件"],
    // line 14
    &["来信", "C11", "", "社保", "2022-03-16 08:05:59", "咨询件"],
];

/// The figures of [`COMPLAINTS`] for 2023 (previous period 2022).
fn check_complaints(r: &Report) {
    common(r, "complaints", "2023-01-01", "2023-12-31");
    text(r, "previous_period.start", "2022-01-01");
    text(r, "previous_period.end", "2022-12-31");
    // current: C04 C05 C06 C07 = 4; previous: C01 C02 C03 C10 C11 = 5;
    // counted 9; out of period C08 (2021) C09 (2024) = 2; duplicate line 9;
    // blank line 10 (delimiters only). read 13 = 9+2+1+1.
    rows(r, [13, 9, 2, 1, 1, 0]);
    change(r, "total", 4, 5, Some(-20.0)); // −1/5 = −20%
    // category: 欠薪 cur C04 C07 = 2, prev C01 C03 = 2 → 0%;
    // 社保 cur C05 = 1, prev C02 C10 C11 = 3 → −2/3 = −66.666… → −66.67;
    // 未填写 cur C06 = 1, prev 0 → null.
    assert_keys(r, "by_category", &["未填写", "欠薪", "社保"]);
    change(r, "by_category.欠薪", 2, 2, Some(0.0));
    change(r, "by_category.社保", 1, 3, Some(-66.67));
    change(r, "by_category.未填写", 1, 0, None);
    // channel: 来信 cur C04 = 1, prev C01 C03 C10 C11 = 4 → −75%;
    // 来访 cur C07, prev C02 → 0%; 网络 cur C05 → null; 未填写 cur C06 → null.
    assert_keys(r, "by_channel", &["未填写", "来信", "来访", "网络"]);
    change(r, "by_channel.来信", 1, 4, Some(-75.0));
    change(r, "by_channel.来访", 1, 1, Some(0.0));
    change(r, "by_channel.网络", 1, 0, None);
    change(r, "by_channel.未填写", 1, 0, None);
    // kind: petition cur C04 C07 = 2, prev C01 C03 = 2; consultation cur
    // C05 = 1, prev C02 C10 C11 = 3; unrecorded cur C06 = 1, prev 0.
    change(r, "by_kind.petition", 2, 2, Some(0.0));
    change(r, "by_kind.consultation", 1, 3, Some(-66.67));
    change(r, "by_kind.unrecorded", 1, 0, None);
    // months of 2023 (同比 vs 2022 month; 环比 vs preceding month):
    // Jan 2 (C04 C05) vs Jan-22 1 (C01) → +100%; mom vs Dec-22 2 (C02 C03) → 0%
    month(r, "2023-01", 2, 1, Some(100.0), Some(0.0));
    // Feb 1 (C06) vs 0 → null; mom vs Jan 2 → −50%
    month(r, "2023-02", 1, 0, None, Some(-50.0));
    // Mar 1 (C07) vs Mar-22 2 (C10 C11) → −50%; mom vs Feb 1 → 0%
    month(r, "2023-03", 1, 2, Some(-50.0), Some(0.0));
    // Apr 0 vs 0 → null; mom vs Mar 1 → −100%
    month(r, "2023-04", 0, 0, None, Some(-100.0));
    // May..Nov 0 vs 0, mom vs 0 → null
    for m in 5..=11 {
        month(r, &format!("2023-{m:02}"), 0, 0, None, None);
    }
    // Dec 0 vs Dec-22 2 → −100%; mom vs Nov 0 → null
    month(r, "2023-12", 0, 2, Some(-100.0), None);
    assert_eq!(keys(r, "by_month").len(), 12);
}

/// `{current, previous, change, change_pct}` at `path`.
fn change(r: &Report, path: &str, current: i64, previous: i64, pct: Option<f64>) {
    int(r, &format!("{path}.current"), current);
    int(r, &format!("{path}.previous"), previous);
    int(r, &format!("{path}.change"), current - previous);
    match pct {
        Some(p) => dec(r, &format!("{path}.change_pct"), p),
        None => null(r, &format!("{path}.change_pct")),
    }
}

fn month(r: &Report, m: &str, current: i64, previous: i64, pct: Option<f64>, mom: Option<f64>) {
    let path = format!("by_month.{m}");
    change(r, &path, current, previous, pct);
    match mom {
        Some(p) => dec(r, &format!("{path}.mom_pct"), p),
        None => null(r, &format!("{path}.mom_pct")),
    }
}

#[test]
fn complaints_every_figure() {
    let r = ok(Dataset::Complaints, &year(2023), &lf(COMPLAINTS));
    check_complaints(&r);
}

#[test]
fn complaints_same_report_in_every_encoding_and_chunking() {
    let o = year(2023);
    let base = ok(Dataset::Complaints, &o, &lf(COMPLAINTS));
    let crlf = csv(COMPLAINTS, ',', "\r\n");
    let tabs = csv(COMPLAINTS, '\t', "\r\n");
    for (name, bytes) in [
        ("lf", lf(COMPLAINTS).into_bytes()),
        ("crlf", crlf.clone().into_bytes()),
        ("bom", utf8_bom(&crlf)),
        ("gb18030", gb18030(&crlf)),
        ("utf-16le", utf16le(&tabs, true)),
        ("utf-16be", utf16be(&tabs, true)),
    ] {
        for size in [1, 2, 5, 4096] {
            let r = run_chunked(Dataset::Complaints, &o, &bytes, size);
            check_complaints(&r);
            assert_eq!(r.to_json_value(), base.to_json_value(), "{name} / {size}");
        }
    }
}

#[test]
fn complaints_period_inferred_compares_previous_year() {
    // No period: latest date 2023-01-03 → 2023, inferred; 2022 rows are the
    // previous period and counted; the 2021 row feeds nothing.
    let r = ok(
        Dataset::Complaints,
        &Options::default(),
        &lf(&[
            &["编号", "登记日期"],
            &["A", "2021-06-01"],
            &["B", "2022-06-01"],
            &["C", "2022-07-01"],
            &["D", "2023-01-03"],
        ]),
    );
    text(&r, "period.start", "2023-01-01");
    text(&r, "period.end", "2023-12-31");
    assert_eq!(fig(&r, "period.inferred"), Value::Bool(true));
    text(&r, "previous_period.start", "2022-01-01");
    rows(&r, [4, 3, 1, 0, 0, 0]);
    change(&r, "total", 1, 2, Some(-50.0));
}

fn repeat_rows(header: &[&str], rows: &mut Vec<Vec<String>>, n: usize, prefix: &str, date: &str) {
    if rows.is_empty() {
        rows.push(header.iter().map(|s| s.to_string()).collect());
    }
    for i in 0..n {
        rows.push(vec![format!("{prefix}{i}"), date.to_string()]);
    }
}

#[test]
fn complaints_rounding_half_away_from_zero_and_half_even() {
    // 2022: 32 items in February. 2023: 32 in January, 33 in February.
    // total 65 vs 32: +33/32 = +103.125% → 103.13 / 103.12.
    // Feb 33 vs 32: +3.125% → 3.13 / 3.12; mom Feb 33 vs Jan 32 → same.
    // Jan 32 vs 0 → null; mom vs Dec-22 0 → null.
    let mut doc = Vec::new();
    let h = ["件号", "收件日期"];
    repeat_rows(&h, &mut doc, 32, "P", "2022-02-10");
    repeat_rows(&h, &mut doc, 32, "J", "2023-01-10");
    repeat_rows(&h, &mut doc, 33, "F", "2023-02-10");
    let doc = owned_csv(&doc);
    let r = ok(Dataset::Complaints, &year(2023), &doc);
    rows(&r, [97, 97, 0, 0, 0, 0]);
    change(&r, "total", 65, 32, Some(103.13));
    month(&r, "2023-01", 32, 0, None, None);
    month(&r, "2023-02", 33, 32, Some(3.13), Some(3.13));
    change(&r, "by_kind.unrecorded", 65, 32, Some(103.13));
    change(&r, "by_kind.petition", 0, 0, None);
    change(&r, "by_category.未填写", 65, 32, Some(103.13));
    change(&r, "by_channel.未填写", 65, 32, Some(103.13));
    let mut o = year(2023);
    o.rounding = Rounding::HalfEven;
    let r = ok(Dataset::Complaints, &o, &doc);
    change(&r, "total", 65, 32, Some(103.12));
    month(&r, "2023-02", 33, 32, Some(3.12), Some(3.12));

    // Downwards: 32 → 31 = −3.125% → −3.13 / −3.12.
    let mut doc = Vec::new();
    repeat_rows(&h, &mut doc, 32, "P", "2022-05-10");
    repeat_rows(&h, &mut doc, 31, "C", "2023-05-10");
    let doc = owned_csv(&doc);
    let r = ok(Dataset::Complaints, &year(2023), &doc);
    change(&r, "total", 31, 32, Some(-3.13));
    let r = ok(Dataset::Complaints, &o, &doc);
    change(&r, "total", 31, 32, Some(-3.12));
}

#[test]
fn complaints_seed_ratio_is_exact() {
    // 1900 → 1270: −630/1900 = −33.1578… → −33.16.
    let mut doc = Vec::new();
    let h = ["complaint_id", "received_at"];
    repeat_rows(&h, &mut doc, 1900, "P", "2022-08-08");
    repeat_rows(&h, &mut doc, 1270, "C", "2023-08-08 08:08");
    let r = ok(Dataset::Complaints, &year(2023), &owned_csv(&doc));
    change(&r, "total", 1270, 1900, Some(-33.16));
    month(&r, "2023-08", 1270, 1900, Some(-33.16), None);
}

#[test]
fn complaints_from_to_period_and_leap_day() {
    // 2024-02-01..2024-02-29 → previous 2023-02-01..2023-02-28 (29 Feb → 28).
    let o = Options {
        period: Some(Period::parse("2024-02-01", "2024-02-29").unwrap()),
        ..Options::default()
    };
    let r = ok(
        Dataset::Complaints,
        &o,
        &lf(&[
            &["complaint_id", "received_at"],
            &["A", "2024-02-29 23:59"], // current
            &["B", "2024-02-01"],       // current
            &["C", "2023-02-28"],       // previous (end of previous period)
            &["D", "2023-02-01"],       // previous
            &["E", "2023-03-01"],       // neither
            &["F", "2024-03-01"],       // neither
            &["G", "2024-01-31"],       // neither
            &["H", "2023-01-31"],       // neither
        ]),
    );
    text(&r, "period.start", "2024-02-01");
    text(&r, "period.end", "2024-02-29");
    text(&r, "previous_period.start", "2023-02-01");
    text(&r, "previous_period.end", "2023-02-28");
    rows(&r, [8, 4, 4, 0, 0, 0]);
    change(&r, "total", 2, 2, Some(0.0));
    assert_keys(&r, "by_month", &["2024-02"]);
    // 2024-01 lies in neither period: no 环比.
    month(&r, "2024-02", 2, 2, Some(0.0), None);

    // A period starting on 29 February: previous starts on 2023-02-28.
    let o = Options {
        period: Some(Period::parse("2024-02-29", "2024-03-31").unwrap()),
        ..Options::default()
    };
    let r = ok(
        Dataset::Complaints,
        &o,
        &lf(&[
            &["complaint_id", "received_at"],
            &["A", "2024-02-29"], // current
            &["B", "2024-03-15"], // current
            &["C", "2024-02-28"], // neither
            &["D", "2023-02-28"], // previous
            &["E", "2023-02-27"], // neither
            &["F", "2023-03-31"], // previous
        ]),
    );
    text(&r, "previous_period.start", "2023-02-28");
    text(&r, "previous_period.end", "2023-03-31");
    rows(&r, [6, 4, 2, 0, 0, 0]);
    change(&r, "total", 2, 2, Some(0.0));
    // Feb-24 1 vs Feb-23 1; Mar-24 1 vs Mar-23 1, mom vs Feb-24 1 → 0%.
    month(&r, "2024-02", 1, 1, Some(0.0), None);
    month(&r, "2024-03", 1, 1, Some(0.0), Some(0.0));
}

#[test]
fn complaints_duplicate_first_occurrence_counts_even_across_periods() {
    // X is first seen in 2022 (previous), again in 2023: the 2022 row is
    // the one counted; Y first in 2023 then in 2024 (out of period).
    let r = ok(
        Dataset::Complaints,
        &year(2023),
        &lf(&[
            &["complaint_id", "received_at", "category"],
            &["X", "2022-04-01", "甲"],
            &["X", "2023-04-01", "乙"],
            &["Y", "2023-05-01", "乙"],
            &["Y", "2024-05-01", "甲"],
        ]),
    );
    rows(&r, [4, 2, 0, 2, 0, 0]);
    change(&r, "total", 1, 1, Some(0.0));
    change(&r, "by_category.甲", 0, 1, Some(-100.0));
    change(&r, "by_category.乙", 1, 0, None);
}

// ─────────────── date, integer and header forms (table-driven) ───────────────

/// Every date form of spec section 3, each meaning 2023-06-01.
const DATE_FORMS: &[&str] = &[
    "2023-06-01",
    "2023/6/1",
    "2023/06/01",
    "2023.6.1",
    "2023.06.01",
    "2023年6月1日",
    "2023年06月01日",
    "20230601",
    "2023-06-01 14:22",
    "2023-06-01 14:22:10",
    "2023-06-01T14:22",
    "2023-06-01T14:22:10",
    "2023/6/1 14:22",
    "2023/6/1T14:22:10",
    "2023.6.1 14:22",
    "2023.6.1T14:22:10",
    "2023年6月1日 14:22",
    "2023年6月1日 14:22:10",
    "20230601 14:22",
    "20230601T14:22:10",
    "２０２３－０６－０１",
    "２０２３/６/１",
    "２０２３.６.１",
    "２０２３年６月１日",
    "２０２３０６０１",
    "２０２３－０６－０１ １４:２２",
    "２０２３年６月１日 １４：２２：１０",
    " 2023-06-01\u{3000}",
];

#[test]
fn every_date_form() {
    for form in DATE_FORMS {
        // Received on the form, completed 2023-06-11: 10 days only if the
        // form was read as 2023-06-01.
        let r = ok(
            Dataset::Legality,
            &year(2023),
            &lf(&[
                &["review_id", "doc_type", "received_date", "completed_date"],
                &["A", "合同", form, "2023-06-11"],
            ]),
        );
        assert_eq!(fig(&r, "review_days.max").as_i64(), Some(10), "{form:?}");
        // The same form as a completed date.
        let r = ok(
            Dataset::Legality,
            &year(2023),
            &lf(&[
                &["review_id", "doc_type", "received_date", "completed_date"],
                &["A", "合同", "2023-05-30", form],
            ]),
        );
        assert_eq!(fig(&r, "review_days.max").as_i64(), Some(2), "{form:?}");
        // And as a complaints date-time: June 2023.
        let r = ok(
            Dataset::Complaints,
            &year(2023),
            &lf(&[&["complaint_id", "received_at"], &["A", form]]),
        );
        assert_eq!(
            fig(&r, "by_month.2023-06.current").as_i64(),
            Some(1),
            "{form:?}"
        );
    }
}

#[test]
fn chinese_date_with_t_time() {
    let r = ok(
        Dataset::Complaints,
        &year(2023),
        &lf(&[
            &["complaint_id", "received_at"],
            &["A", "2023年6月1日T14:22"],
        ]),
    );
    int(&r, "by_month.2023-06.current", 1);
}

#[test]
fn impossible_and_malformed_dates_are_row_errors() {
    for bad in [
        "2023-02-30",
        "2023-02-29",
        "2023-13-01",
        "2023/6/31",
        "2023年2月30日",
        "20230230",
        "2023-06-01 25:00",
        "2023-06-01 14:61",
        "2023-06",
        "06/01/2023",
        "明天",
    ] {
        let (rows, total, problems) = rejected(
            Dataset::Complaints,
            &Options::default(),
            &lf(&[
                &["complaint_id", "received_at"],
                &["A", "2023-01-01"],
                &["B", bad],
            ]),
        );
        assert_eq!((rows, total), (1, 1), "{bad}");
        let p = &problems[0];
        assert_eq!(
            (p.line, p.column.as_str(), p.value.as_str()),
            (3, "received_at", bad),
            "{bad}"
        );
    }
}

#[test]
fn integers_with_separators_and_full_width_digits() {
    for (cell, want) in [
        ("0", 0),
        ("7", 7),
        ("１２", 12),
        ("1,234", 1234),
        ("12,345,678", 12_345_678),
        ("１,２３４", 1234),
        ("1，234", 1234),
        (" 42\u{3000}", 42),
    ] {
        let r = ok(
            Dataset::Legality,
            &year(2023),
            &lf(&[
                &["review_id", "doc_type", "received_date", "opinion_count"],
                &["A", "合同", "2023-01-01", cell],
            ]),
        );
        assert_eq!(fig(&r, "opinions.total").as_i64(), Some(want), "{cell:?}");
    }
    for bad in ["-1", "1.5", "12条", "1,23", "abc", "+3"] {
        let (_, total, problems) = rejected(
            Dataset::Legality,
            &year(2023),
            &lf(&[
                &["review_id", "doc_type", "received_date", "opinion_count"],
                &["A", "合同", "2023-01-01", bad],
            ]),
        );
        assert_eq!(total, 1, "{bad}");
        assert_eq!(problems[0].column, "opinion_count");
        assert_eq!(problems[0].value, bad);
    }
}

#[test]
fn enum_words_and_english_keys() {
    let doc_types = [
        ("行政合同", "administrative_contract"),
        ("合同", "administrative_contract"),
        ("administrative_contract", "administrative_contract"),
        ("Administrative_Contract", "administrative_contract"),
        ("规范性文件", "normative_document"),
        ("行政规范性文件", "normative_document"),
        ("normative_document", "normative_document"),
        ("重大行政决策", "major_decision"),
        ("major_decision", "major_decision"),
        ("其他", "other"),
        ("other", "other"),
    ];
    for (word, key) in doc_types {
        let r = ok(
            Dataset::Legality,
            &year(2023),
            &lf(&[
                &["review_id", "doc_type", "received_date"],
                &["A", word, "2023-01-01"],
            ]),
        );
        int(&r, &format!("reviews.by_type.{key}"), 1);
        int(&r, "reviews.total", 1);
    }
    let conclusions = [
        ("同意", "approved"),
        ("通过", "approved"),
        ("合法", "approved"),
        ("approved", "approved"),
        ("修改后同意", "approved_with_changes"),
        ("原则同意", "approved_with_changes"),
        ("修改后通过", "approved_with_changes"),
        ("approved_with_changes", "approved_with_changes"),
        ("不同意", "rejected"),
        ("不予通过", "rejected"),
        ("不合法", "rejected"),
        ("rejected", "rejected"),
        ("", "unrecorded"),
    ];
    for (word, key) in conclusions {
        let r = ok(
            Dataset::Legality,
            &year(2023),
            &lf(&[
                &["review_id", "doc_type", "received_date", "conclusion"],
                &["A", "其他", "2023-01-01", word],
            ]),
        );
        int(&r, &format!("conclusions.{key}"), 1);
    }
    let results = [
        ("未发现问题", "no_issue"),
        ("无问题", "no_issue"),
        ("正常", "no_issue"),
        ("合格", "no_issue"),
        ("no_issue", "no_issue"),
        ("发现问题", "issue_found"),
        ("责令整改", "issue_found"),
        ("限期整改", "issue_found"),
        ("发现问题已整改", "issue_found"),
        ("issue_found", "issue_found"),
        ("立案查处", "case_filed"),
        ("立案", "case_filed"),
        ("case_filed", "case_filed"),
        ("无法联系", "not_located"),
        ("查无下落", "not_located"),
        ("未找到", "not_located"),
        ("NOT_LOCATED", "not_located"),
        ("", "unrecorded"),
    ];
    for (word, key) in results {
        let r = ok(
            Dataset::Inspections,
            &year(2023),
            &lf(&[
                &["task_id", "inspect_date", "object_id", "result"],
                &["T", "2023-01-01", "O", word],
            ]),
        );
        int(&r, &format!("results.{key}"), 1);
    }
    let kinds = [
        ("信访件", "petition"),
        ("petition", "petition"),
        ("咨询件", "consultation"),
        ("Consultation", "consultation"),
        ("", "unrecorded"),
    ];
    for (word, key) in kinds {
        let r = ok(
            Dataset::Complaints,
            &year(2023),
            &lf(&[
                &["complaint_id", "received_at", "kind"],
                &["A", "2023-01-01", word],
            ]),
        );
        int(&r, &format!("by_kind.{key}.current"), 1);
    }
    // `unrecorded` is what an empty cell gives; it is not a word to write.
    let (_, total, _) = rejected(
        Dataset::Complaints,
        &year(2023),
        &lf(&[
            &["complaint_id", "received_at", "kind"],
            &["A", "2023-01-01", "unrecorded"],
        ]),
    );
    assert_eq!(total, 1);
}

/// The columns of each dataset with their aliases (spec section 2).
const LEGALITY_COLUMNS: &[(&str, &[&str])] = &[
    ("review_id", &["审查编号", "编号"]),
    ("title", &["文件名称", "合同名称", "名称"]),
    ("doc_type", &["文件类型", "审查类型", "类型"]),
    ("department", &["送审科室", "承办科室", "送审单位"]),
    ("received_date", &["受理日期", "送审日期", "收文日期"]),
    ("completed_date", &["审结日期", "办结日期", "完成日期"]),
    ("opinion_count", &["审查意见数", "意见条数", "提出意见数"]),
    ("conclusion", &["审查结论", "审查结果"]),
];

const INSPECTION_COLUMNS: &[(&str, &[&str])] = &[
    ("task_id", &["任务编号", "抽查任务编号"]),
    ("task_name", &["任务名称", "抽查事项"]),
    ("inspect_date", &["抽查日期", "检查日期"]),
    ("joint", &["是否联合抽查", "联合抽查", "跨部门联合"]),
    ("partners", &["联合部门", "配合部门"]),
    ("object_id", &["统一社会信用代码", "信用代码", "对象代码"]),
    ("object_name", &["检查对象", "对象名称", "单位名称"]),
    ("result", &["检查结果", "抽查结果"]),
];

const COMPLAINT_COLUMNS: &[(&str, &[&str])] = &[
    ("complaint_id", &["编号", "件号", "信访编号", "登记编号"]),
    (
        "received_at",
        &["登记日期", "登记时间", "来件日期", "受理日期", "收件日期"],
    ),
    ("channel", &["来源渠道", "渠道", "来源", "信访形式"]),
    ("category", &["问题类别", "问题分类", "内容分类", "类别"]),
    ("kind", &["件类型", "类型"]),
];

/// A table-driven dataset: its columns, data rows by column key, and a
/// check of every figure those rows give.
struct AliasCase {
    dataset: Dataset,
    columns: &'static [(&'static str, &'static [&'static str])],
    rows: &'static [&'static [&'static str]],
    check: fn(&Report),
}

const ALIAS_CASES: &[AliasCase] = &[
    AliasCase {
        dataset: Dataset::Legality,
        columns: LEGALITY_COLUMNS,
        // 2 rows, the second a duplicate of the first.
        rows: &[
            &[
                "A1",
                "题目",
                "规范性文件",
                "科室X",
                "2023-05-01",
                "2023-05-04",
                "7",
                "不同意",
            ],
            &["A1", "题目", "其他", "科室Y", "2023-05-02", "", "1", "同意"],
        ],
        check: |r| {
            rows(r, [2, 1, 0, 1, 0, 0]);
            int(r, "reviews.total", 1);
            int(r, "reviews.by_type.normative_document", 1);
            int(r, "departments.科室X.reviews", 1);
            int(r, "departments.科室X.opinions", 7);
            int(r, "reviews.completed", 1);
            int(r, "review_days.max", 3);
            int(r, "opinions.total", 7);
            int(r, "conclusions.rejected", 1);
        },
    },
    AliasCase {
        dataset: Dataset::Inspections,
        columns: INSPECTION_COLUMNS,
        rows: &[
            &[
                "K1",
                "事项",
                "2023-04-02",
                "是",
                "甲局、乙局",
                "OBJ1",
                "某公司",
                "立案",
            ],
            &[
                "K1",
                "事项",
                "2023-04-03",
                "否",
                "丙局",
                "OBJ1",
                "某公司",
                "",
            ],
        ],
        check: |r| {
            rows(r, [2, 1, 0, 1, 0, 0]);
            int(r, "tasks.total", 1);
            int(r, "tasks.joint", 1);
            int(r, "tasks.by_month.2023-04", 1);
            int(r, "objects.inspections", 1);
            int(r, "objects.distinct", 1);
            int(r, "partners.甲局", 1);
            int(r, "partners.乙局", 1);
            assert!(r.figure("partners.丙局").is_none());
            int(r, "results.case_filed", 1);
            dec(r, "issue_rate_pct", 100.0);
        },
    },
    AliasCase {
        dataset: Dataset::Complaints,
        columns: COMPLAINT_COLUMNS,
        rows: &[
            &["Q1", "2023-07-08 10:00", "来电", "欠薪", "咨询件"],
            &["Q2", "2022-07-01", "来电", "欠薪", "信访件"],
            &["Q1", "2023-08-01", "来信", "社保", "信访件"],
        ],
        check: |r| {
            rows(r, [3, 2, 0, 1, 0, 0]);
            change(r, "total", 1, 1, Some(0.0));
            change(r, "by_channel.来电", 1, 1, Some(0.0));
            change(r, "by_category.欠薪", 1, 1, Some(0.0));
            change(r, "by_kind.consultation", 1, 0, None);
            change(r, "by_kind.petition", 0, 1, Some(-100.0));
            // Jul-23 1 vs Jul-22 1 → 0%; mom vs Jun-23 0 → null.
            month(r, "2023-07", 1, 1, Some(0.0), None);
            int(r, "by_month.2023-08.current", 0);
        },
    },
];

/// Runs `case` with header `headers` (in column order), with the columns
/// written in reverse order to exercise shuffling.
fn run_alias_case(case: &AliasCase, headers: &[String], label: &str) {
    let mut doc: Vec<Vec<String>> = Vec::new();
    // Reverse the columns and put an unknown column in the middle.
    let n = headers.len();
    let order: Vec<usize> = (0..n).rev().collect();
    let mut h: Vec<String> = order.iter().map(|&i| headers[i].clone()).collect();
    h.insert(n / 2, "无关列".to_string());
    doc.push(h);
    for row in case.rows {
        let mut v: Vec<String> = order.iter().map(|&i| row[i].to_string()).collect();
        v.insert(n / 2, "x".to_string());
        doc.push(v);
    }
    let text = owned_csv(&doc);
    let r = run(case.dataset, &year(2023), text.as_bytes())
        .unwrap_or_else(|e| panic!("{label}: {e}\n{text}"));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (case.check)(&r)));
    if outcome.is_err() {
        panic!("{label}: figures differ\n{text}");
    }
}

#[test]
fn every_alias_of_every_column() {
    for case in ALIAS_CASES {
        // The declared columns are the spec's, in the spec's order.
        let declared: Vec<(&str, Vec<&str>)> = case
            .dataset
            .columns()
            .iter()
            .map(|c| (c.key, c.aliases.to_vec()))
            .collect();
        let spec: Vec<(&str, Vec<&str>)> =
            case.columns.iter().map(|(k, a)| (*k, a.to_vec())).collect();
        assert_eq!(declared, spec, "{}", case.dataset);
        let keys: Vec<String> = case.columns.iter().map(|(k, _)| k.to_string()).collect();
        run_alias_case(case, &keys, &format!("{} keys", case.dataset));
        for (c, (key, aliases)) in case.columns.iter().enumerate() {
            let variants = aliases
                .iter()
                .map(|a| a.to_string())
                .chain([
                    key.to_ascii_uppercase(),
                    format!("\u{3000} {key}\u{3000}"),
                    format!("\u{feff}{}", aliases[0]),
                ])
                .chain(aliases.iter().map(|a| format!("\u{3000}{a} ")));
            for name in variants {
                let mut headers = keys.clone();
                headers[c] = name.clone();
                run_alias_case(
                    case,
                    &headers,
                    &format!("{} {key} as {name:?}", case.dataset),
                );
            }
        }
        // Every column under an alias at once.
        let all: Vec<String> = case
            .columns
            .iter()
            .map(|(_, a)| a[a.len() - 1].to_string())
            .collect();
        run_alias_case(case, &all, &format!("{} last aliases", case.dataset));
    }
}

#[test]
fn mixed_case_keys_in_headers() {
    let r = ok(
        Dataset::Inspections,
        &year(2023),
        &lf(&[
            &[" Task_ID", "INSPECT_DATE\u{3000}", "Object_Id", "RESULT"],
            &["T", "2023-01-01", "O", "立案"],
        ]),
    );
    int(&r, "results.case_filed", 1);
}

#[test]
fn caller_aliases() {
    // A header no built-in alias knows.
    let mut o = year(2023);
    o.aliases.push(("收到时间".into(), "received_at".into()));
    o.aliases.push(("Ticket No".into(), "complaint_id".into()));
    let r = ok(
        Dataset::Complaints,
        &o,
        &lf(&[
            &["ticket no", "收到时间", "问题类别"],
            &["A", "2023-02-03", "欠薪"],
            &["B", "2022-02-03", "欠薪"],
        ]),
    );
    change(&r, "total", 1, 1, Some(0.0));
    change(&r, "by_category.欠薪", 1, 1, Some(0.0));
    // The brief's own example (also a built-in alias) works as well.
    let mut o = year(2023);
    o.aliases.push(("来件日期".into(), "received_at".into()));
    let r = ok(
        Dataset::Complaints,
        &o,
        &lf(&[&["件号", "来件日期"], &["A", "2023-02-03"]]),
    );
    int(&r, "total.current", 1);
    // A caller alias to a column the dataset does not have is refused.
    let mut o = year(2023);
    o.aliases.push(("X".into(), "no_such_key".into()));
    match Tally::new(Dataset::Complaints, &o) {
        Err(Error::InvalidOption(m)) => assert!(m.contains("no_such_key"), "{m}"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("alias to an unknown key accepted"),
    }
}

#[test]
fn caller_alias_shows_in_missing_column_error() {
    let mut o = year(2023);
    o.aliases.push(("收到时间".into(), "received_at".into()));
    let e = file_error(
        Dataset::Complaints,
        &o,
        lf(&[&["件号", "类别"], &["A", "x"]]).as_bytes(),
    );
    match e {
        FileError::MissingColumns { missing, found } => {
            assert_eq!(found, ["件号", "类别"]);
            assert_eq!(missing.len(), 1);
            assert_eq!(missing[0].0, "received_at");
            assert!(missing[0].1.contains(&"收到时间".to_string()));
        }
        e => panic!("unexpected {e}"),
    }
}

// ───────────────────────────── blank lines, quoting ─────────────────────────────

#[test]
fn blank_lines_everywhere_and_quoted_line_breaks() {
    // Line 2 is blank; a quoted field spans lines 3–5; the next row is on
    // line 6; lines 7–9 are blank (spaces, delimiters only, a tab). A
    // trailing line break is not a blank line.
    let text = "complaint_id,received_at,category\n\
                \n\
                A,2023-01-01,\"多行\n类别\r\n第三行\"\n\
                B,2023-01-02,\"x\"\"y\"\n\
                \x20\x20\n\
                ,,\n\
                \t\n";
    let r = ok(Dataset::Complaints, &year(2023), text);
    // read: lines 2 A B 7 8 9 = 6; blank 4, counted 2.
    rows(&r, [6, 2, 0, 0, 4, 0]);
    int(&r, "by_category.多行\n类别\r\n第三行.current", 1);
    int(&r, "by_category.x\"y.current", 1);
}

#[test]
fn quoted_empty_field_is_not_a_blank_line() {
    // `""` alone on a line is a record with an empty id → rejected.
    let text = "complaint_id,received_at\nA,2023-01-01\n\"\"\n";
    let r = run(Dataset::Complaints, &skip(year(2023)), text.as_bytes()).unwrap();
    assert_eq!(r.rows.read, 2);
    assert_eq!(r.rows.blank + r.rows.rejected, 1);
}

#[test]
fn begin_file_names_problems_and_dedupes_across_files() {
    let o = skip(year(2023));
    let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
    t.begin_file("2022.csv").unwrap();
    // UTF-16LE, tabs, other column order.
    t.feed(&utf16le(
        "登记日期\t编号\r\n2022-03-01\tA\r\n2022-03-02\tB\r\n",
        true,
    ))
    .unwrap();
    t.begin_file("2023.csv").unwrap();
    t.feed("编号,登记日期\nB,2023-03-01\nC,2023-03-02\nD,2023-02-30\n".as_bytes())
        .unwrap();
    let r = t.finish().unwrap();
    // A B (2022) previous; B again duplicate; C current; D rejected.
    rows(&r, [5, 3, 0, 1, 0, 1]);
    change(&r, "total", 1, 2, Some(-50.0));
    assert_eq!(
        r.problems.items,
        [Problem {
            file: "2023.csv".into(),
            sheet: None,
            line: 4,
            cell: None,
            column: "登记日期".into(),
            value: "2023-02-30".into(),
            reason: r.problems.items[0].reason.clone(),
        }]
    );
    assert!(r.problems.items[0].reason.contains("2023-02-30"));
    assert_eq!(r.problems.total, 1);
}

// ───────────────────────────── bad rows ─────────────────────────────

/// Legality rows with every kind of problem. Problems by line:
/// 2 bad date; 3 unknown doc_type; 4 negative count; 5 empty id;
/// 6 completed before received; 7 ragged (2 fields); 8 unknown conclusion;
/// 9 good; 10 three problems; 11 a field past the header; 12 blank.
const BAD_LEGALITY: &str = "审查编号,文件类型,受理日期,审结日期,审查意见数,审查结论\n\
B1,行政合同,2023-02-30,,,\n\
B2,公文,2023-03-01,,,\n\
B3,合同,2023-03-01,,-1,\n\
,合同,2023-03-01,,,\n\
B5,合同,2023-03-05,2023-03-01,,\n\
B6,合同\n\
B7,合同,2023-03-01,,,待定\n\
B8,合同,2023-04-01,2023-04-02,1,同意\n\
B9,xx,bad,,abc,\n\
B10,合同,2023-04-01,,,,多余\n\
\n";

/// (line, column, value, reason fragment) of every problem, in file order.
const BAD_LEGALITY_PROBLEMS: &[(u64, &str, &str, &str)] = &[
    (2, "受理日期", "2023-02-30", "2023-02-30"),
    (3, "文件类型", "公文", "行政合同"),
    (4, "审查意见数", "-1", "number"),
    (5, "审查编号", "", "required"),
    (6, "审结日期", "2023-03-01", "before"),
    (7, "受理日期", "", "fields"),
    (8, "审查结论", "待定", "修改后同意"),
    (10, "文件类型", "xx", "normative_document"),
    (10, "受理日期", "bad", "2023-06-01"),
    (10, "审查意见数", "abc", "number"),
    (11, "", "多余", "fields"),
];

fn check_bad_legality_problems(problems: &[Problem], file: &str) {
    assert_eq!(problems.len(), BAD_LEGALITY_PROBLEMS.len(), "{problems:#?}");
    for (p, (line, column, value, reason)) in problems.iter().zip(BAD_LEGALITY_PROBLEMS) {
        assert_eq!(p.file, file);
        assert_eq!(p.line, *line, "{p}");
        if !column.is_empty() {
            assert_eq!(p.column, *column, "{p}");
        }
        assert_eq!(p.value, *value, "{p}");
        assert!(p.reason.contains(reason), "{p} lacks {reason:?}");
    }
    // An enum reason lists every accepted value, words and keys.
    let enum_reason = &problems[1].reason;
    for w in [
        "行政合同",
        "合同",
        "规范性文件",
        "行政规范性文件",
        "重大行政决策",
        "其他",
        "administrative_contract",
        "normative_document",
        "major_decision",
        "other",
    ] {
        assert!(enum_reason.contains(w), "{enum_reason} lacks {w}");
    }
}

#[test]
fn bad_rows_fail_lists_every_problem() {
    let (rows, total, problems) = rejected(Dataset::Legality, &year(2023), BAD_LEGALITY);
    // rejected rows: lines 2 3 4 5 6 7 8 10 11 = 9; problems 11.
    assert_eq!((rows, total), (9, 11));
    check_bad_legality_problems(&problems, "<input>");
    // The error message shows them too.
    let msg = run(Dataset::Legality, &year(2023), BAD_LEGALITY.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("9 rows rejected (11 problems)"), "{msg}");
    assert!(
        msg.contains("<input>:8: column `审查结论`, value `待定`"),
        "{msg}"
    );
}

#[test]
fn bad_rows_skip_reports_them() {
    let r = ok(Dataset::Legality, &skip(year(2023)), BAD_LEGALITY);
    // read: lines 2..=12 = 11; rejected 9, blank 1, counted 1 (B8).
    rows(&r, [11, 1, 0, 0, 1, 9]);
    int(&r, "problems.total", 11);
    check_bad_legality_problems(&r.problems.items, "<input>");
    int(&r, "problems.items.0.line", 2);
    text(&r, "problems.items.0.column", "受理日期");
    int(&r, "reviews.total", 1);
    int(&r, "reviews.by_type.administrative_contract", 1);
    int(&r, "opinions.total", 1);
    int(&r, "conclusions.approved", 1);
    int(&r, "review_days.max", 1);
}

#[test]
fn rejected_row_does_not_claim_its_id() {
    // A rejected row's id is not "seen": the later valid row with the same
    // id counts (spec 4: a duplicate repeats an earlier *valid* row).
    let r = ok(
        Dataset::Complaints,
        &skip(year(2023)),
        &lf(&[
            &["complaint_id", "received_at", "kind"],
            &["A", "2023-01-01", "bogus"],
            &["A", "2023-01-02", "信访件"],
        ]),
    );
    rows(&r, [2, 1, 0, 0, 0, 1]);
    int(&r, "by_kind.petition.current", 1);
}

#[test]
fn bad_rows_in_inspections_and_complaints() {
    let text = lf(&[
        &["task_id", "inspect_date", "object_id", "joint", "result"],
        &["T1", "2023-01-01", "O1", "待定", "正常"],
        &["T1", "2023-01-01", "", "是", "正常"],
        &["", "2023-01-01", "O3", "是", "正常"],
        &["T1", "2023-01-01", "O4", "是", "还行"],
        &["T1", "2023-01-01", "O5", "是", "正常"],
    ]);
    let (rows_, total, p) = rejected(Dataset::Inspections, &year(2023), &text);
    assert_eq!((rows_, total), (4, 4));
    let got: Vec<(u64, &str, &str)> = p
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "joint", "待定"),
            (3, "object_id", ""),
            (4, "task_id", ""),
            (5, "result", "还行"),
        ]
    );
    assert!(p[0].reason.contains("是/否"), "{}", p[0].reason);
    for w in [
        "未发现问题",
        "发现问题已整改",
        "立案查处",
        "未找到",
        "no_issue",
        "not_located",
    ] {
        assert!(p[3].reason.contains(w), "{} lacks {w}", p[3].reason);
    }
    let r = ok(Dataset::Inspections, &skip(year(2023)), &text);
    rows(&r, [5, 1, 0, 0, 0, 4]);
    int(&r, "objects.inspections", 1);
    int(&r, "tasks.joint", 1);

    let text = lf(&[
        &["complaint_id", "received_at", "kind"],
        &["A", "2023-01-01", "投诉件"],
        &["B", "", "信访件"],
        &["C", "2023-01-01", "信访件"],
    ]);
    let (rows_, total, p) = rejected(Dataset::Complaints, &year(2023), &text);
    assert_eq!((rows_, total), (2, 2));
    assert_eq!((p[0].line, p[0].column.as_str()), (2, "kind"));
    assert!(p[0].reason.contains("信访件") && p[0].reason.contains("consultation"));
    assert_eq!((p[1].line, p[1].column.as_str()), (3, "received_at"));
}

#[test]
fn more_than_100_problems() {
    // 150 rows with a bad date: the first 100 kept, the total is 150.
    let mut text = String::from("complaint_id,received_at\n");
    for i in 0..150 {
        text.push_str(&format!("X{i},not-a-date\n"));
    }
    let (rows_, total, p) = rejected(Dataset::Complaints, &year(2023), &text);
    assert_eq!((rows_, total, p.len()), (150, 150, 100));
    assert_eq!(p[0].line, 2);
    assert_eq!(p[99].line, 101);
    assert_eq!(p[99].value, "not-a-date");
    let msg = run(Dataset::Complaints, &year(2023), text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("… and 50 more"), "{msg}");

    let r = ok(Dataset::Complaints, &skip(year(2023)), &text);
    rows(&r, [150, 0, 0, 0, 0, 150]);
    int(&r, "problems.total", 150);
    assert_eq!(r.problems.items.len(), 100);
    int(&r, "problems.items.99.line", 101);
}

// ───────────────────────────── file errors ─────────────────────────────

#[test]
fn missing_required_column_names_key_aliases_and_headers() {
    let e = file_error(
        Dataset::Legality,
        &year(2023),
        "审查编号,文件类型,备注\nA,合同,x\n".as_bytes(),
    );
    let msg = e.to_string();
    match &e {
        FileError::MissingColumns { missing, found } => {
            assert_eq!(found, &["审查编号", "文件类型", "备注"]);
            assert_eq!(
                missing,
                &[(
                    "received_date".to_string(),
                    vec![
                        "received_date".to_string(),
                        "受理日期".into(),
                        "送审日期".into(),
                        "收文日期".into()
                    ]
                )]
            );
        }
        e => panic!("unexpected {e}"),
    }
    for s in [
        "received_date",
        "受理日期",
        "送审日期",
        "收文日期",
        "审查编号",
        "文件类型",
        "备注",
    ] {
        assert!(msg.contains(s), "{msg} lacks {s}");
    }
    // Several missing: each is named.
    let e = file_error(Dataset::Inspections, &year(2023), b"task_name\nx\n");
    match e {
        FileError::MissingColumns { missing, .. } => {
            let keys: Vec<&str> = missing.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, ["task_id", "inspect_date", "object_id"]);
        }
        e => panic!("unexpected {e}"),
    }
}

#[test]
fn two_columns_for_one_key_are_ambiguous() {
    let e = file_error(
        Dataset::Legality,
        &year(2023),
        "编号,审查编号,文件类型,受理日期\nA,A,合同,2023-01-01\n".as_bytes(),
    );
    let msg = e.to_string();
    match e {
        FileError::AmbiguousColumn {
            key,
            columns,
            found,
            aliases,
        } => {
            assert_eq!(key, "review_id");
            assert_eq!(columns, ["编号", "审查编号"]);
            assert_eq!(found, ["编号", "审查编号", "文件类型", "受理日期"]);
            assert_eq!(aliases, ["review_id", "审查编号", "编号"]);
        }
        e => panic!("unexpected {e}"),
    }
    assert!(msg.contains("review_id"), "{msg}");
    // Case and padding do not make two headers different.
    let e = file_error(
        Dataset::Complaints,
        &year(2023),
        "complaint_id,COMPLAINT_ID ,received_at\nA,A,2023-01-01\n".as_bytes(),
    );
    assert!(
        matches!(e, FileError::AmbiguousColumn { ref key, .. } if key == "complaint_id"),
        "{e}"
    );
    // Optional columns too.
    let e = file_error(
        Dataset::Complaints,
        &year(2023),
        "编号,登记日期,渠道,来源\nA,2023-01-01,x,y\n".as_bytes(),
    );
    assert!(
        matches!(e, FileError::AmbiguousColumn { ref key, .. } if key == "channel"),
        "{e}"
    );
}

#[test]
fn empty_input_has_no_header() {
    for bytes in [
        &b""[..],
        b"\n\n",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"  \r\n\t\r\n",
    ] {
        let e = file_error(Dataset::Complaints, &year(2023), bytes);
        assert_eq!(e, FileError::NoHeader, "{bytes:?}");
    }
    // Nothing fed at all.
    let t = Tally::new(Dataset::Legality, &year(2023)).unwrap();
    assert!(matches!(
        t.finish(),
        Err(Error::File {
            error: FileError::NoHeader,
            ..
        })
    ));
}

#[test]
fn header_only_gives_an_empty_report() {
    let r = ok(Dataset::Complaints, &year(2023), "编号,登记日期\n");
    rows(&r, [0, 0, 0, 0, 0, 0]);
    change(&r, "total", 0, 0, None);
    // No period and no rows: there is no year to take.
    assert!(
        run(
            Dataset::Complaints,
            &Options::default(),
            b"bh,received_at\n"
        )
        .is_err()
    );
}

// ───────────────────────────── more edges ─────────────────────────────

#[test]
fn duplicate_of_an_out_of_period_row_is_still_a_duplicate() {
    // A first seen 2022-12-31 (out of period) → its 2023 repeat is a
    // duplicate and feeds nothing (spec 4: wherever its date falls).
    let r = ok(
        Dataset::Legality,
        &year(2023),
        &lf(&[
            &["review_id", "doc_type", "received_date"],
            &["A", "合同", "2022-12-31"],
            &["A", "合同", "2023-01-02"],
            &["B", "其他", "2023-01-02"],
        ]),
    );
    rows(&r, [3, 1, 1, 1, 0, 0]);
    int(&r, "reviews.total", 1);
    int(&r, "reviews.by_type.other", 1);
    int(&r, "reviews.by_type.administrative_contract", 0);
}

#[test]
fn inspections_period_inferred() {
    // Latest 2023-02-01 → 2023; T0 (2022) out of period; (T1, O1) again a
    // duplicate even though it is dated 2022.
    let r = ok(
        Dataset::Inspections,
        &Options::default(),
        &lf(&[
            &["task_id", "inspect_date", "object_id", "joint"],
            &["T0", "2022-06-01", "O1", "是"],
            &["T1", "2023-01-10", "O1", "否"],
            &["T1", "2022-12-31", "O1", "是"],
            &["T1", "2023-02-01", "O2", "否"],
        ]),
    );
    assert_eq!(fig(&r, "period.inferred"), Value::Bool(true));
    text(&r, "period.start", "2023-01-01");
    rows(&r, [4, 2, 1, 1, 0, 0]);
    int(&r, "tasks.total", 1);
    int(&r, "tasks.joint", 0);
    int(&r, "tasks.by_month.2023-01", 1);
    int(&r, "objects.inspections", 2);
    int(&r, "objects.distinct", 2);
}

#[test]
fn complaints_inferred_period_from_a_january_date() {
    // Latest 2024-01-05 → period 2024, previous 2023: the January 2024 item
    // against one in January 2023; December 2023 is the 环比 base.
    let r = ok(
        Dataset::Complaints,
        &Options::default(),
        &lf(&[
            &["complaint_id", "received_at"],
            &["A", "2023-01-20"],
            &["B", "2023-12-20"],
            &["C", "2023-12-21"],
            &["D", "2024-01-05"],
        ]),
    );
    text(&r, "period.start", "2024-01-01");
    text(&r, "previous_period.end", "2023-12-31");
    rows(&r, [4, 4, 0, 0, 0, 0]);
    change(&r, "total", 1, 3, Some(-66.67));
    // Jan-24 1 vs Jan-23 1 → 0%; mom vs Dec-23 2 → −50%.
    month(&r, "2024-01", 1, 1, Some(0.0), Some(-50.0));
}

#[test]
fn bom_that_contradicts_the_chosen_encoding_is_a_file_error() {
    let mut o = year(2023);
    o.encoding = Encoding::Utf8;
    let e = file_error(
        Dataset::Complaints,
        &o,
        &utf16le("complaint_id\treceived_at\r\nA\t2023-01-01\r\n", true),
    );
    assert!(matches!(e, FileError::BomConflict { .. }), "{e}");
}

#[test]
fn explicit_delimiter() {
    let mut o = year(2023);
    o.delimiter = Some(b';');
    let r = ok(
        Dataset::Complaints,
        &o,
        "complaint_id;received_at;category\nA;2023-01-01;a,b\n",
    );
    int(&r, "by_category.a,b.current", 1);
}

#[test]
fn max_problems_limit() {
    let mut o = skip(year(2023));
    o.limits.max_problems = 2;
    let r = ok(
        Dataset::Complaints,
        &o,
        "complaint_id,received_at\nA,x\nB,y\nC,z\nD,2023-01-01",
    );
    // No trailing line break: the last row is read all the same.
    rows(&r, [4, 1, 0, 0, 0, 3]);
    int(&r, "problems.total", 3);
    assert_eq!(r.problems.items.len(), 2);
    assert_eq!(r.problems.items[1].value, "y");
}

#[test]
fn excel_padding_columns_and_quoted_headers() {
    // Excel pads the header and rows with empty columns; short rows that
    // only drop the padding are whole.
    let r = ok(
        Dataset::Complaints,
        &year(2023),
        "\"complaint_id\",\"received_at\",,\nA,2023-01-01,,\nB,2023-01-02\n",
    );
    rows(&r, [2, 2, 0, 0, 0, 0]);
    int(&r, "total.current", 2);
}

#[test]
fn invalid_periods() {
    assert!(matches!(
        Period::parse("2023-03-01", "2023-02-01"),
        Err(Error::InvalidPeriod(_))
    ));
    assert!(matches!(
        Period::parse("2023-02-30", "2023-03-01"),
        Err(Error::InvalidPeriod(_))
    ));
    assert_eq!(
        Period::parse("2023年1月1日", "２０２３/３/３１").unwrap(),
        Period::parse("2023-01-01", "2023-03-31").unwrap()
    );
}

#[test]
fn undecodable_bytes_are_row_errors_with_the_bytes_shown() {
    // GB18030 (detected: 人社局 is not UTF-8) with a lone 0xFF in line 3.
    let mut bytes = gb18030("complaint_id,received_at,channel\nA,2023-01-01,人社局\nB,2023-01-02,");
    bytes.extend_from_slice(b"x\xFFy\nC,2023-01-03,z\n");
    let r = run(Dataset::Complaints, &skip(year(2023)), &bytes).unwrap();
    rows(&r, [3, 2, 0, 0, 0, 1]);
    let p = &r.problems.items[0];
    assert_eq!((p.line, p.column.as_str()), (3, "channel"));
    assert_eq!(p.value, "x\\xFFy");
    int(&r, "by_channel.人社局.current", 1);
    // UTF-16LE with a lone surrogate in line 2.
    let mut bytes = utf16le(
        "complaint_id\treceived_at\tchannel\r\nA\t2023-01-01\t",
        true,
    );
    bytes.extend_from_slice(&[0x00, 0xD8]);
    bytes.extend_from_slice(&utf16le("\r\nB\t2023-01-02\tok\r\n", false));
    let r = run(Dataset::Complaints, &skip(year(2023)), &bytes).unwrap();
    rows(&r, [2, 1, 0, 0, 0, 1]);
    assert_eq!(
        (
            r.problems.items[0].line,
            r.problems.items[0].column.as_str()
        ),
        (2, "channel")
    );
    assert!(!r.problems.items[0].value.contains('\u{fffd}'));
}

#[test]
fn line_numbers_after_multi_line_fields() {
    // Row A spans lines 2–4 (CRLF inside quotes); B is on line 5.
    let text =
        "complaint_id,received_at,category\r\nA,2023-01-01,\"a\r\nb\r\nc\"\r\nB,2023-02-30,x\r\n";
    let (_, _, p) = rejected(Dataset::Complaints, &year(2023), text);
    assert_eq!(p[0].line, 5);
    assert_eq!(p[0].value, "2023-02-30");
}

#[test]
fn ids_are_trimmed_before_deduplication() {
    let r = ok(
        Dataset::Inspections,
        &year(2023),
        &lf(&[
            &["task_id", "inspect_date", "object_id"],
            &["T1", "2023-01-01", "O1"],
            &[" T1\u{3000}", "2023-01-02", "O1 "],
            &["T1 ", "2023-01-03", "O2"],
        ]),
    );
    rows(&r, [3, 2, 0, 1, 0, 0]);
    int(&r, "tasks.total", 1);
}

#[test]
fn oversized_record_is_a_row_error() {
    let mut o = skip(year(2023));
    o.limits.max_record_bytes = 64;
    let long = "x".repeat(100);
    let text = format!("complaint_id,received_at,category\nA,2023-01-01,{long}\nB,2023-01-02,y\n");
    let r = ok(Dataset::Complaints, &o, &text);
    rows(&r, [2, 1, 0, 0, 0, 1]);
    assert_eq!(r.problems.items[0].line, 2);
}

#[test]
fn full_width_white_space_line_is_blank() {
    // Spec 3: blank lines are skipped and counted; the spec's white space
    // is ASCII and full-width (U+3000) alike (header matching, trimming),
    // and RowCounts::blank is "nothing but white space and delimiters".
    // Line 3 is U+3000 alone; line 4 is U+3000, a comma, U+3000.
    let text =
        "complaint_id,received_at\nA,2023-01-01\n\u{3000}\n\u{3000},\u{3000}\nB,2023-01-02\n";
    let r = ok(Dataset::Complaints, &year(2023), text);
    rows(&r, [4, 2, 0, 0, 2, 0]);
}
