//! A catalogue of the broken exports a clerk can produce, fed through the
//! Rust API, each with its exact outcome: the error variant, or the
//! problem's line, column (header as written), value and reason, and the
//! row accounting (read = counted + out_of_period + duplicates + blank +
//! rejected) under `skip`.
//!
//! Every expected value here was worked out by hand from the fixture and
//! docs/rules.md / the spec (sections 3–4), not copied from program output.
//! Groundwork for issue #5.

use govtally::{
    BadRowPolicy, Dataset, Encoding, Error, FileError, Options, Problem, Report, Tally,
};

const FILE: &str = "台账.csv";

const DATE_FORMS: &str = "expected a date such as 2023-06-01, 2023/6/1, 2023.6.1, 2023年6月1日 or 20230601, optionally followed by a time such as 14:22, 14:22:10, 14:22:10.123, 14时22分, 下午2:22 or 2:22 PM, itself optionally followed by a UTC offset such as Z, +08:00 or +0800";
const COUNT_REASON: &str = "expected a non-negative whole number such as 12, 1,234 or 3.0";
const FRACTION_REASON: &str =
    "not a whole number: a count may have a decimal point only with zeros after it, such as 3.0";
const BOOL_REASON: &str = "expected 是/否, Y/N, yes/no, true/false, 1/0 or √/×";

fn opts(policy: BadRowPolicy) -> Options {
    Options::default().year(2023).unwrap().on_bad_row(policy)
}

fn run_with(dataset: Dataset, options: &Options, bytes: &[u8]) -> Result<Report, Error> {
    let mut t = govtally::Tally::new(dataset, options)?;
    t.begin_file(FILE)?;
    t.feed(bytes)?;
    t.finish()
}

/// The report under `skip` for 2023; the row invariant is always checked.
fn skip(dataset: Dataset, bytes: &[u8]) -> Report {
    let r = run_with(dataset, &opts(BadRowPolicy::Skip), bytes)
        .unwrap_or_else(|e| panic!("expected a report under skip, got {e}"));
    assert!(r.rows.balanced(), "{:?}", r.rows);
    r
}

/// The `Rejected` error under the default `fail` policy.
fn fail(dataset: Dataset, bytes: &[u8]) -> (u64, u64, Vec<Problem>) {
    match run_with(dataset, &opts(BadRowPolicy::Fail), bytes) {
        Err(Error::Rejected {
            rows,
            total,
            problems,
        }) => (rows, total, problems),
        Err(e) => panic!("expected Error::Rejected, got {e:?}"),
        Ok(r) => panic!("expected Error::Rejected, got a report {:?}", r.rows),
    }
}

/// The file error, checking that it names the file.
fn file_error(dataset: Dataset, options: &Options, bytes: &[u8]) -> FileError {
    match run_with(dataset, options, bytes) {
        Err(Error::File { file, error }) => {
            assert_eq!(file, FILE);
            error
        }
        Err(e) => panic!("expected Error::File, got {e:?}"),
        Ok(r) => panic!("expected Error::File, got a report {:?}", r.rows),
    }
}

/// (read, counted, out_of_period, duplicates, blank, rejected)
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

fn problem(line: u64, column: &str, value: &str, reason: &str) -> Problem {
    Problem {
        file: FILE.to_string(),
        sheet: None,
        line,
        cell: None,
        column: column.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn fig(r: &Report, path: &str) -> serde_json::Value {
    r.figure(path)
        .unwrap_or_else(|| panic!("no figure at {path}"))
}

const LEGALITY_HEADER: &str = "审查编号,文件类型,收文日期,审结日期,审查意见数\n";
const COMPLAINTS_HEADER: &str = "登记编号,登记日期,问题类别\n";

// ---------------------------------------------------------------------------
// Truncated files

#[test]
fn truncated_mid_field() {
    // Line 3 is cut inside the received date: 4 fields of 5.
    let csv = format!(
        "{LEGALITY_HEADER}H1,行政合同,2023-01-05,2023-01-09,2\nH2,行政合同,2023-01-06,2023-0"
    );
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (2, 1, 0, 0, 0, 1));
    assert_eq!(
        r.problems.items,
        vec![problem(
            3,
            "审查意见数",
            "",
            "the row has 4 fields but the header has 5"
        )]
    );
    assert_eq!(r.problems.total, 1);
    assert_eq!(fig(&r, "reviews.total"), 1);

    let (rej, total, problems) = fail(Dataset::Legality, csv.as_bytes());
    assert_eq!((rej, total), (1, 1));
    assert_eq!(problems, r.problems.items);
}

#[test]
fn truncated_inside_the_last_field() {
    // Cut inside the completed date with the opinion count never written:
    // 4 fields of 5, so the shape is the (only) problem.
    let csv = format!("{LEGALITY_HEADER}H1,行政合同,2023-01-05,2023-01-0");
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (1, 0, 0, 0, 0, 1));
    assert_eq!(
        r.problems.items,
        vec![problem(
            2,
            "审查意见数",
            "",
            "the row has 4 fields but the header has 5"
        )]
    );

    // Cut inside the last field with every field present: a count cut from
    // `12` to `1` is still a count (nothing tells a cut value from a short
    // one) — the row is counted.
    let csv = format!("{LEGALITY_HEADER}H1,行政合同,2023-01-05,2023-01-09,1");
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (1, 1, 0, 0, 0, 0));
    assert_eq!(fig(&r, "opinions.total"), 1);

    // A date cut to `2023-01-` is no date.
    let csv = format!("{LEGALITY_HEADER}H2,行政合同,2023-01-06,,3\nH3,行政合同,2023-01-");
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (2, 1, 0, 0, 0, 1));
    assert_eq!(
        r.problems.items,
        // 3 fields: the first header cell without one is the 4th, 审结日期.
        vec![problem(
            3,
            "审结日期",
            "",
            "the row has 3 fields but the header has 5"
        )]
    );
    let csv = format!("{LEGALITY_HEADER}H2,行政合同,2023-01-06,2023-01-,3");
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (1, 0, 0, 0, 0, 1));
    assert_eq!(
        r.problems.items,
        vec![problem(2, "审结日期", "2023-01-", DATE_FORMS)]
    );
}

#[test]
fn truncated_mid_quoted_field() {
    // The export stops inside a quoted field: the record is never closed.
    let csv = format!("{LEGALITY_HEADER}H1,行政合同,2023-01-05,2023-01-09,2\nH2,\"行政合");
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (2, 1, 0, 0, 0, 1));
    assert_eq!(r.problems.total, 1);
    let p = &r.problems.items[0];
    assert_eq!((p.file.as_str(), p.line), (FILE, 3));
    assert_eq!(p.column, "");
    assert_eq!(
        p.reason,
        "a quoted field opened on this line is never closed"
    );
    assert!(
        p.value.contains("H2") && p.value.contains("行政合"),
        "{p:?}"
    );

    // A quote opened mid-file swallows the rest of the file into one row;
    // the row is reported on the line it starts on, and nothing after it
    // is counted.
    let csv = format!(
        "{LEGALITY_HEADER}H1,\"行政合同,2023-01-05,2023-01-09,2\nH2,行政合同,2023-01-06,2023-01-09,2\n"
    );
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (1, 0, 0, 0, 0, 1));
    assert_eq!(r.problems.items[0].line, 2);
    assert_eq!(
        r.problems.items[0].reason,
        "a quoted field opened on this line is never closed"
    );
}

// ---------------------------------------------------------------------------
// Wrong encoding chosen explicitly

/// 审查编号 in GB18030: 审 C9F3, 查 B2E9, 编 B1E0, 号 BAC5.
const GB_REVIEW_ID: &[u8] = b"\xC9\xF3\xB2\xE9\xB1\xE0\xBA\xC5";
/// 行政合同 in GB18030: 行 D0D0, 政 D5FE, 合 BACF, 同 CDAC.
const GB_CONTRACT: &[u8] = b"\xD0\xD0\xD5\xFE\xBA\xCF\xCD\xAC";

#[test]
fn gb18030_constants_are_what_gb18030_says() {
    let (enc, _, bad) = encoding_rs::GB18030.encode("审查编号");
    assert!(!bad);
    assert_eq!(&enc[..], GB_REVIEW_ID);
    let (enc, _, bad) = encoding_rs::GB18030.encode("行政合同");
    assert!(!bad);
    assert_eq!(&enc[..], GB_CONTRACT);
}

#[test]
fn gb18030_header_read_as_utf8_is_a_file_error() {
    let mut csv = GB_REVIEW_ID.to_vec();
    csv.extend_from_slice(b",doc_type,received_date\nH1,administrative_contract,2023-01-05\n");
    let o = Options {
        encoding: Encoding::Utf8,
        ..opts(BadRowPolicy::Skip)
    };
    let e = file_error(Dataset::Legality, &o, &csv);
    assert_eq!(
        e,
        FileError::HeaderEncoding {
            column: 1,
            value: "\\xC9\\xF3\\xB2\\xE9\\xB1\\xE0\\xBA\\xC5".into(),
            reason: "bytes that are not valid utf-8".into(),
        }
    );
    // Under auto the same bytes are GB18030 and read fine.
    let r = run_with(Dataset::Legality, &opts(BadRowPolicy::Skip), &csv).unwrap();
    assert_eq!(rows(&r), (1, 1, 0, 0, 0, 0));
}

#[test]
fn gb18030_values_read_as_utf8_are_row_errors() {
    // An ASCII header (the keys) and one GB18030 value: each row holding it
    // is rejected with the bytes shown as \xNN, never replaced.
    let mut csv = b"review_id,doc_type,received_date\nH1,".to_vec();
    csv.extend_from_slice(GB_CONTRACT);
    csv.extend_from_slice(b",2023-01-05\nH2,administrative_contract,2023-01-06\n");
    let o = Options {
        encoding: Encoding::Utf8,
        ..opts(BadRowPolicy::Skip)
    };
    let r = run_with(Dataset::Legality, &o, &csv).unwrap();
    assert!(r.rows.balanced());
    assert_eq!(rows(&r), (2, 1, 0, 0, 0, 1));
    assert_eq!(
        r.problems.items,
        vec![problem(
            2,
            "doc_type",
            // D0 D0, D5 FE and BA CF are no UTF-8; CD AC is, by accident
            // (U+036C, a combining letter), so it is shown as that text.
            "\\xD0\\xD0\\xD5\\xFE\\xBA\\xCF\u{36c}",
            "bytes that are not valid utf-8"
        )]
    );
}

#[test]
fn utf8_read_as_utf16le_is_a_file_error_naming_what_it_found() {
    // 40 bytes of ASCII: as UTF-16LE, 20 code units, none a line break or a
    // comma (each pairs two ASCII bytes into U+2xxx..U+7xxx), so the whole
    // file is one header cell and no required column is found.
    let csv = b"complaint_id,received_at\nA10,2023-01-01\n";
    assert_eq!(csv.len(), 40);
    let o = Options {
        encoding: Encoding::Utf16Le,
        ..opts(BadRowPolicy::Skip)
    };
    let e = file_error(Dataset::Complaints, &o, csv);
    // The reference decoding, pair by pair.
    let cell: String = csv
        .chunks(2)
        .map(|p| char::from_u32(p[0] as u32 | (p[1] as u32) << 8).unwrap())
        .collect();
    match e {
        FileError::MissingColumns { missing, found } => {
            let keys: Vec<&str> = missing.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, ["complaint_id", "received_at"]);
            assert_eq!(
                missing[0].1,
                strings(&["complaint_id", "编号", "件号", "信访编号", "登记编号"])
            );
            assert_eq!(found, vec![cell]);
        }
        other => panic!("expected MissingColumns, got {other:?}"),
    }
}

#[test]
fn utf8_bom_with_utf16_chosen_is_a_bom_conflict() {
    let csv = "\u{feff}登记编号,登记日期\nA1,2023-01-01\n";
    let o = Options {
        encoding: Encoding::Utf16Le,
        ..opts(BadRowPolicy::Skip)
    };
    let e = file_error(Dataset::Complaints, &o, csv.as_bytes());
    assert!(matches!(e, FileError::BomConflict { .. }), "{e:?}");
}

// ---------------------------------------------------------------------------
// Ragged rows

#[test]
fn ragged_rows() {
    let csv = format!(
        "{COMPLAINTS_HEADER}\
         A1,2023-01-01,欠薪\n\
         A2,2023-01-02\n\
         A3,2023-01-03,欠薪,多出来\n\
         A4,2023-01-04,欠薪,\n\
         A5,2023-01-05,欠薪,,,\n\
         A6\n"
    );
    let r = skip(Dataset::Complaints, csv.as_bytes());
    // A1, A4, A5 counted (empty trailing fields are accepted); A2, A3, A6
    // rejected.
    assert_eq!(rows(&r), (6, 3, 0, 0, 0, 3));
    assert_eq!(
        r.problems.items,
        vec![
            problem(
                3,
                "问题类别",
                "",
                "the row has 2 fields but the header has 3"
            ),
            problem(
                4,
                "(field 4 past the header)",
                "多出来",
                "the row has 4 fields but the header has 3"
            ),
            problem(
                7,
                "登记日期",
                "",
                "the row has 1 fields but the header has 3"
            ),
        ]
    );
    assert_eq!(fig(&r, "total.current"), 3);
}

// ---------------------------------------------------------------------------
// Header only, empty file

#[test]
fn header_only() {
    let r = skip(Dataset::Complaints, COMPLAINTS_HEADER.as_bytes());
    assert_eq!(rows(&r), (0, 0, 0, 0, 0, 0));
    assert_eq!(fig(&r, "total.current"), 0);
    assert_eq!(fig(&r, "total.change_pct"), serde_json::Value::Null);
    // Without a period there is no date to take the year from.
    let e = run_with(
        Dataset::Complaints,
        &Options::default(),
        COMPLAINTS_HEADER.as_bytes(),
    )
    .unwrap_err();
    assert!(matches!(e, Error::NoPeriod), "{e:?}");
    // No final line break.
    let r = skip(Dataset::Legality, LEGALITY_HEADER.trim_end().as_bytes());
    assert_eq!(rows(&r), (0, 0, 0, 0, 0, 0));
}

#[test]
fn empty_file() {
    for bytes in [
        &b""[..],
        b"\n\n",
        b",,,\r\n,,\r\n",
        b"   \t \n",
        b"\xEF\xBB\xBF",
    ] {
        let e = file_error(Dataset::Legality, &opts(BadRowPolicy::Skip), bytes);
        assert_eq!(e, FileError::NoHeader, "{bytes:?}");
    }
    // Nothing fed at all: the unnamed input has no header.
    let t = govtally::Tally::new(Dataset::Complaints, &opts(BadRowPolicy::Skip)).unwrap();
    match t.finish() {
        Err(Error::File { file, error }) => {
            assert_eq!(file, govtally::UNNAMED);
            assert_eq!(error, FileError::NoHeader);
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Headers

#[test]
fn duplicated_header_keys_are_ambiguous() {
    // 编号 and 登记编号 both name complaint_id.
    let csv = "编号,登记编号,登记日期\nA1,B1,2023-01-01\n";
    let e = file_error(
        Dataset::Complaints,
        &opts(BadRowPolicy::Skip),
        csv.as_bytes(),
    );
    assert_eq!(
        e,
        FileError::AmbiguousColumn {
            key: "complaint_id".into(),
            aliases: strings(&["complaint_id", "编号", "件号", "信访编号", "登记编号"]),
            columns: strings(&["编号", "登记编号"]),
            found: strings(&["编号", "登记编号", "登记日期"]),
        }
    );
    // The same header twice, differing only in case and padding.
    let csv = "Review_ID,doc_type,received_date, review_id　\nH1,合同,2023-01-01,H1\n";
    let e = file_error(Dataset::Legality, &opts(BadRowPolicy::Skip), csv.as_bytes());
    match e {
        FileError::AmbiguousColumn { key, columns, .. } => {
            assert_eq!(key, "review_id");
            assert_eq!(columns, strings(&["Review_ID", "review_id"]));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn header_of_another_dataset() {
    // The complaints register's header given to legality.
    let csv = "登记编号,件类型,登记时间,来源渠道,问题类别\nA1,信访件,2023-01-01,来信,欠薪\n";
    let e = file_error(Dataset::Legality, &opts(BadRowPolicy::Fail), csv.as_bytes());
    assert_eq!(
        e,
        FileError::MissingColumns {
            missing: vec![
                (
                    "review_id".into(),
                    strings(&["review_id", "审查编号", "编号"])
                ),
                (
                    "doc_type".into(),
                    strings(&["doc_type", "文件类型", "审查类型", "类型"])
                ),
                (
                    "received_date".into(),
                    strings(&["received_date", "受理日期", "送审日期", "收文日期"])
                ),
            ],
            found: strings(&["登记编号", "件类型", "登记时间", "来源渠道", "问题类别"]),
        }
    );
    let msg = Error::File {
        file: FILE.into(),
        error: e,
    }
    .to_string();
    assert!(msg.contains("missing required column `review_id`"), "{msg}");
    assert!(msg.contains("the header has: 登记编号, 件类型"), "{msg}");
}

#[test]
fn bom_in_the_middle_two_exports_concatenated() {
    // The second export's BOM and header land on line 3 as a data row: its
    // date cell reads 登记日期, which is no date.
    let one = "\u{feff}登记编号,登记日期,问题类别\nA1,2023-01-01,欠薪\n";
    let two = "\u{feff}登记编号,登记日期,问题类别\nA2,2023-01-02,欠薪\n";
    let csv = format!("{one}{two}");
    let r = skip(Dataset::Complaints, csv.as_bytes());
    assert_eq!(rows(&r), (3, 2, 0, 0, 0, 1));
    assert_eq!(
        r.problems.items,
        vec![problem(3, "登记日期", "登记日期", DATE_FORMS)]
    );
    assert_eq!(fig(&r, "total.current"), 2);
}

// ---------------------------------------------------------------------------
// Values

#[test]
fn mixed_date_formats_in_one_column_are_all_accepted() {
    let dates = [
        "2023-06-01",
        "2023/6/2",
        "2023.6.3",
        "2023年6月4日",
        "20230605",
        "2023-06-06 14:22",
        "2023-06-07T14:22:10",
        "2023/6/8 9:05",
        "２０２３－０６－０９",
        "２０２３年６月１０日",
        "2023年6月11日 14时22分",
        "2023年06月12日14:22",
        "20230613 08:00:00",
        "\u{3000}2023.06.14\u{3000}",
    ];
    let mut csv = COMPLAINTS_HEADER.to_string();
    for (i, d) in dates.iter().enumerate() {
        csv.push_str(&format!("C{i},{d},欠薪\n"));
    }
    let r = skip(Dataset::Complaints, csv.as_bytes());
    assert_eq!(rows(&r), (14, 14, 0, 0, 0, 0));
    assert_eq!(fig(&r, "by_month.2023-06.current"), 14);
    assert_eq!(fig(&r, "total.current"), 14);
}

#[test]
fn impossible_dates_are_rejected() {
    let csv = format!(
        "{LEGALITY_HEADER}\
         H1,行政合同,2023-02-29,,\n\
         H2,行政合同,0000-00-00,,\n\
         H3,行政合同,2023-01-05,2023-13-01,\n\
         H4,行政合同,2024-02-29,2024-03-01,\n"
    );
    let r = skip(Dataset::Legality, csv.as_bytes());
    // H4 is valid but in 2024: out of period.
    assert_eq!(rows(&r), (4, 0, 1, 0, 0, 3));
    assert_eq!(
        r.problems.items,
        vec![
            problem(
                2,
                "收文日期",
                "2023-02-29",
                "2023-02-29 is not a calendar date"
            ),
            problem(
                3,
                "收文日期",
                "0000-00-00",
                "0000-00-00 is not a calendar date"
            ),
            problem(
                4,
                "审结日期",
                "2023-13-01",
                "2023-13-01 is not a calendar date"
            ),
        ]
    );
}

#[test]
fn malformed_numbers_are_rejected() {
    let csv = format!(
        "{LEGALITY_HEADER}\
         H1,行政合同,2023-01-05,,\"1,2,3\"\n\
         H2,行政合同,2023-01-05,,12 条\n\
         H3,行政合同,2023-01-05,,-1\n\
         H4,行政合同,2023-01-05,,1.5\n\
         H5,行政合同,2023-01-05,,\"1,234\"\n\
         H6,行政合同,2023-01-05,,１２\n"
    );
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (6, 2, 0, 0, 0, 4));
    assert_eq!(
        r.problems.items,
        vec![
            problem(2, "审查意见数", "1,2,3", COUNT_REASON),
            problem(3, "审查意见数", "12 条", COUNT_REASON),
            problem(4, "审查意见数", "-1", COUNT_REASON),
            problem(5, "审查意见数", "1.5", FRACTION_REASON),
        ]
    );
    assert_eq!(fig(&r, "opinions.total"), 1234 + 12);
}

#[test]
fn undecided_flags_are_rejected() {
    let csv = "任务编号,抽查日期,是否联合抽查,统一社会信用代码\n\
               T1,2023-03-01,待定,O1\n\
               T2,2023-03-02,是,O2\n\
               T3,2023-03-03,是否,O3\n\
               T4,2023-03-04,Ｙ,O4\n";
    let r = skip(Dataset::Inspections, csv.as_bytes());
    assert_eq!(rows(&r), (4, 2, 0, 0, 0, 2));
    assert_eq!(
        r.problems.items,
        vec![
            problem(2, "是否联合抽查", "待定", BOOL_REASON),
            problem(4, "是否联合抽查", "是否", BOOL_REASON),
        ]
    );
    // The reason lists the accepted forms.
    for form in ["是/否", "Y/N", "yes/no", "true/false", "1/0", "√/×"] {
        assert!(BOOL_REASON.contains(form));
    }
    assert_eq!(fig(&r, "tasks.total"), 2);
    assert_eq!(fig(&r, "tasks.joint"), 2);
}

#[test]
fn excel_error_and_formula_cells_are_rejected() {
    let csv = format!(
        "{LEGALITY_HEADER}\
         H1,行政合同,#N/A,,\n\
         H2,行政合同,2023-01-05,,=SUM(A1:A3)\n\
         H3,行政合同,=SUM(A1:A3),,#N/A\n\
         H4,行政合同,2023-01-05,#VALUE!,#DIV/0!\n"
    );
    let r = skip(Dataset::Legality, csv.as_bytes());
    // Every bad value is its own problem; rows are counted once.
    assert_eq!(rows(&r), (4, 0, 0, 0, 0, 4));
    assert_eq!(r.problems.total, 6);
    assert_eq!(
        r.problems.items,
        vec![
            problem(2, "收文日期", "#N/A", DATE_FORMS),
            problem(3, "审查意见数", "=SUM(A1:A3)", COUNT_REASON),
            problem(4, "收文日期", "=SUM(A1:A3)", DATE_FORMS),
            problem(4, "审查意见数", "#N/A", COUNT_REASON),
            problem(5, "审结日期", "#VALUE!", DATE_FORMS),
            problem(5, "审查意见数", "#DIV/0!", COUNT_REASON),
        ]
    );
    let (rej, total, problems) = fail(Dataset::Legality, csv.as_bytes());
    assert_eq!((rej, total), (4, 6));
    assert_eq!(problems, r.problems.items);
}

#[test]
fn enum_reason_lists_accepted_values() {
    let csv = format!("{LEGALITY_HEADER}H1,合同审查,2023-01-05,,\n");
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (1, 0, 0, 0, 0, 1));
    let p = &r.problems.items[0];
    assert_eq!(
        (p.line, p.column.as_str(), p.value.as_str()),
        (2, "文件类型", "合同审查")
    );
    assert!(
        p.reason.starts_with(
            "not an accepted value; expected one of: 行政合同, 合同, administrative_contract"
        ),
        "{}",
        p.reason
    );
}

// ---------------------------------------------------------------------------
// Ids

#[test]
fn repeated_ids_first_occurrence_counts_whatever_the_content() {
    let csv = format!(
        "{COMPLAINTS_HEADER}\
         A1,2023-01-01,欠薪\n\
         A1,2022-05-01,社会保险\n\
         A1,2023-02-01,工伤\n\
         B1,坏日期,欠薪\n\
         B1,2023-03-01,欠薪\n\
         C1,2021-01-01,欠薪\n\
         C1,2023-04-01,欠薪\n\
         \n"
    );
    let r = skip(Dataset::Complaints, csv.as_bytes());
    // A1 counted (current), its two later rows duplicates whatever their
    // date or category; B1's first row is rejected and claims nothing, so
    // its second counts; C1's first row is out of both periods, its second
    // is still a duplicate. The final empty line is a blank record.
    assert_eq!(rows(&r), (8, 2, 1, 3, 1, 1));
    assert_eq!(fig(&r, "total.current"), 2);
    assert_eq!(fig(&r, "total.previous"), 0);
    assert_eq!(fig(&r, "by_category.欠薪.current"), 2);
    assert!(r.figure("by_category.工伤").is_none());
    assert_eq!(
        r.problems.items,
        vec![problem(5, "登记日期", "坏日期", DATE_FORMS)]
    );

    // Across files: an id of the first file repeated in the second.
    let o = opts(BadRowPolicy::Skip);
    let mut t = govtally::Tally::new(Dataset::Complaints, &o).unwrap();
    t.begin_file("一月.csv").unwrap();
    t.feed(format!("{COMPLAINTS_HEADER}A1,2023-01-01,欠薪\n").as_bytes())
        .unwrap();
    t.begin_file("二月.csv").unwrap();
    t.feed(format!("{COMPLAINTS_HEADER}A1,2023-02-01,工伤\nA2,2023-02-02,工伤\n").as_bytes())
        .unwrap();
    let r = t.finish().unwrap();
    assert_eq!(rows(&r), (3, 2, 0, 1, 0, 0));
    assert_eq!(fig(&r, "by_category.欠薪.current"), 1);
    assert_eq!(fig(&r, "by_category.工伤.current"), 1);
}

#[test]
fn inspections_id_is_the_pair() {
    let csv = "任务编号,抽查日期,统一社会信用代码\n\
               T1,2023-03-01,O1\n\
               T1,2023-03-01,O2\n\
               T2,2023-03-02,O1\n\
               T1,2023-05-01,O1\n";
    let r = skip(Dataset::Inspections, csv.as_bytes());
    assert_eq!(rows(&r), (4, 3, 0, 1, 0, 0));
    assert_eq!(fig(&r, "objects.inspections"), 3);
    assert_eq!(fig(&r, "objects.distinct"), 2);
    assert_eq!(fig(&r, "tasks.total"), 2);
}

#[test]
fn max_problems_keeps_the_first_and_counts_all() {
    let mut csv = LEGALITY_HEADER.to_string();
    for i in 0..150 {
        csv.push_str(&format!("H{i},行政合同,#N/A,,\n"));
    }
    let r = skip(Dataset::Legality, csv.as_bytes());
    assert_eq!(rows(&r), (150, 0, 0, 0, 0, 150));
    assert_eq!(r.problems.total, 150);
    assert_eq!(r.problems.items.len(), 100);
    assert_eq!(r.problems.items[99].line, 101);
    let (rej, total, problems) = fail(Dataset::Legality, csv.as_bytes());
    assert_eq!((rej, total, problems.len()), (150, 150, 100));
}

/// A delimiter the CSV grammar cannot use is an invalid option, in the
/// Rust API as in the C API and the CLI.
#[test]
fn a_delimiter_outside_ascii_or_a_quote_is_an_invalid_option() {
    for d in [b'"', b'\r', b'\n', 0x80, 0xFF] {
        let o = Options {
            delimiter: Some(d),
            ..Options::default()
        };
        match Tally::new(Dataset::Complaints, &o) {
            Err(Error::InvalidOption(m)) => {
                assert!(m.contains(&format!("{d:#04x}")), "{m}")
            }
            other => panic!("{d:#04x}: {:?}", other.err()),
        }
    }
    for d in [b',', b'\t', b';', b'|'] {
        let o = Options {
            delimiter: Some(d),
            ..Options::default()
        };
        assert!(Tally::new(Dataset::Complaints, &o).is_ok());
    }
}
