//! Workbooks (issue 15): every sample export of examples/data, written as
//! .xlsx, .xlsm, .xlsb, .xls and .ods by independent writers (tests/workbooks/
//! make_workbooks.py: openpyxl, xlsxwriter with a VBA project, the BIFF12
//! writer tests/workbooks/xlsb.py, xlwt, odfpy), gives exactly the CSV's
//! report — every figure, every `rows` count — though the workbooks add a
//! title row, date cells, number cells, merged task ids and a sheet of
//! notes.

use std::path::{Path, PathBuf};

use govtally::{Dataset, Options, Report, Tally, tally_files};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn csvs(dataset: Dataset) -> Vec<PathBuf> {
    let data = |n: &str| root().join("examples/data").join(n);
    match dataset {
        Dataset::Legality => vec![data("合法性审查台账2023.csv")],
        Dataset::Inspections => vec![data("双随机抽查记录2023.csv")],
        Dataset::Complaints => vec![
            data("信访咨询件登记2022.csv"),
            data("信访咨询件登记2023.csv"),
        ],
        Dataset::Enforcement => vec![data("劳动保障监察执法台账2023.csv")],
        Dataset::Normative => vec![data("行政规范性文件管理台账.csv")],
        Dataset::Disputes => vec![data("劳动人事争议案件台账2021-2023.csv")],
        Dataset::Reconsideration => vec![data("行政复议与行政诉讼案件台账2022-2023.csv")],
        Dataset::Proposals => vec![data("建议提案办理台账2022-2023.csv")],
    }
}

fn workbook(name: &str) -> PathBuf {
    root().join("tests/fixtures/workbooks").join(name)
}

fn options() -> Options {
    Options::default().year(2023).unwrap()
}

/// The report as JSON, less what names the input.
fn json(r: &Report) -> Value {
    let mut v = r.to_json_value();
    if let Some(items) = v["problems"]["items"].as_array_mut() {
        for p in items {
            p["file"] = Value::Null;
            p["sheet"] = Value::Null;
            p["cell"] = Value::Null;
        }
    }
    // Each sheet is an input as each CSV file is: their rows must agree,
    // not their names.
    if let Some(files) = v["files"].as_array_mut() {
        for f in files {
            f["file"] = Value::Null;
            f["sheet"] = Value::Null;
        }
    }
    v
}

/// Every workbook format the samples are written in.
const FORMATS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

#[test]
fn every_sample_in_every_workbook_format_gives_the_csv_report() {
    for d in Dataset::ALL {
        let want = tally_files(d, &csvs(d), &options()).unwrap();
        for ext in FORMATS {
            let path = workbook(&format!("{}.{ext}", d.name()));
            let mut t = Tally::new(d, &options()).unwrap();
            t.feed_file(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // The notes sheet is left out, and says why.
            let skipped: Vec<&str> = t
                .sheets_not_read()
                .iter()
                .map(|s| s.sheet.as_str())
                .collect();
            assert_eq!(skipped, ["备注"], "{}", path.display());
            let got = t.finish().unwrap();
            assert_eq!(
                json(&got),
                json(&want),
                "{} against the CSV",
                path.display()
            );
        }
    }
}

#[test]
fn the_1904_date_system_gives_the_same_dates() {
    let want = tally_files(Dataset::Legality, &csvs(Dataset::Legality), &options()).unwrap();
    let got = tally_files(
        Dataset::Legality,
        &[workbook("legality-1904.xlsx")],
        &options(),
    )
    .unwrap();
    assert_eq!(json(&got), json(&want));
}

#[test]
fn the_1904_date_system_in_xlsb() {
    let want = tally_files(Dataset::Legality, &csvs(Dataset::Legality), &options()).unwrap();
    let got = tally_files(
        Dataset::Legality,
        &[workbook("legality-1904.xlsb")],
        &options(),
    )
    .unwrap();
    assert_eq!(json(&got), json(&want));
}

/// The names of a zip workbook's parts, and one part's text.
fn zip_part(path: &Path, part: &str) -> (Vec<String>, String) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let names = z.file_names().map(|n| n.unwrap().into_owned()).collect();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut z.by_name(part).unwrap(), &mut text).unwrap();
    (names, text)
}

#[test]
fn the_new_fixtures_are_what_they_claim() {
    // .xlsm: the macro-enabled workbook type, and a VBA project.
    let (names, types) = zip_part(&workbook("legality.xlsm"), "[Content_Types].xml");
    assert!(
        types.contains(
            r#"PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml""#
        ),
        "{types}"
    );
    assert!(names.iter().any(|n| n == "xl/vbaProject.bin"), "{names:?}");
    // .xlsb: binary parts only, the sheets found through the relationships.
    let (names, rels) = zip_part(&workbook("departments.xlsb"), "xl/_rels/workbook.bin.rels");
    assert!(rels.contains(r#"Target="worksheets/sheet1.bin""#), "{rels}");
    for part in [
        "xl/workbook.bin",
        "xl/styles.bin",
        "xl/sharedStrings.bin",
        "xl/worksheets/sheet1.bin",
    ] {
        assert!(names.iter().any(|n| n == part), "{part}: {names:?}");
    }
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".xml") && n.starts_with("xl/"))
    );
}

#[test]
fn an_xlsb_department_merged_down_its_rows() {
    // tests/workbooks/make_workbooks.py write_xlsb_departments: a title
    // merged over A1:F1, the header on row 2, then
    //   row  审查编号 文件类型   送审科室         收文日期          审结日期    审查意见数
    //   3    H1      合同       法规科 (C3:C5)   2023-03-01        2023-03-05  2
    //   4    H2      合同       ↑                2023-04-01                    3
    //   5    H3      规范性文件  ↑                2023-05-02 09:30  2023-05-10  1
    //   6    H4      合同       办公室           2023-06-01        2023-06-03  4
    //   7    H5      合同       (empty)          2023-07-01
    //   8    H6      合同       执法科 (C8:C9)   2022-12-31        2023-01-04  5
    //   9    H7      合同       ↑                2023-08-01        2023-08-02  1.0
    let path = workbook("departments.xlsb");
    let r = tally_files(Dataset::Legality, &[&path], &options()).unwrap();
    // Rows 3-9 read; H6 was received in 2022.
    assert_eq!(rows(&r), [7, 6, 1, 0, 0, 0]);
    let f = |p: &str| r.figure(p);
    assert_eq!(f("reviews.total"), Some(6.into()));
    assert_eq!(f("reviews.by_type.administrative_contract"), Some(5.into()));
    assert_eq!(f("reviews.by_type.normative_document"), Some(1.into()));
    // H1, H3, H4, H7 completed; H2 and H5 pending.
    assert_eq!(f("reviews.completed"), Some(4.into()));
    assert_eq!(f("reviews.pending"), Some(2.into()));
    // 2 + 3 + 1 + 4 + 0 + 1
    assert_eq!(f("opinions.total"), Some(11.into()));
    assert_eq!(f("opinions.by_type.normative_document"), Some(1.into()));
    // The merged department counts for every row it covers: 法规科 for
    // H1-H3 (2 + 3 + 1 opinions), 执法科 for H7 (H6 is out of the period);
    // H5's empty cell, under no merged range, is 未填写.
    let json = r.to_json_value();
    assert_eq!(
        json["departments"],
        serde_json::json!({
            "办公室": {"reviews": 1, "opinions": 4},
            "执法科": {"reviews": 1, "opinions": 1},
            "未填写": {"reviews": 1, "opinions": 0},
            "法规科": {"reviews": 3, "opinions": 6},
        })
    );
    // Days from received to completed: H1 4, H3 8, H4 2, H7 1.
    assert_eq!(f("review_days.count"), Some(4.into()));
    assert_eq!(f("review_days.max"), Some(8.into()));
}

#[test]
fn workbooks_held_in_memory_and_named_sheets() {
    let bytes = std::fs::read(workbook("complaints.xlsx")).unwrap();
    let want = tally_files(Dataset::Complaints, &csvs(Dataset::Complaints), &options()).unwrap();
    let mut t = Tally::new(Dataset::Complaints, &options()).unwrap();
    t.feed_workbook("信访.xlsx", &bytes, Some("2022年"))
        .unwrap();
    t.feed_workbook("信访.xlsx", &bytes, Some("2023年"))
        .unwrap();
    assert!(t.sheets_not_read().is_empty());
    assert_eq!(json(&t.finish().unwrap()), json(&want));

    let mut t = Tally::new(Dataset::Complaints, &options()).unwrap();
    let e = t
        .feed_workbook("信访.xlsx", &bytes, Some("2024年"))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "信访.xlsx: has no sheet named `2024年`; its sheets are: 2022年, 2023年, 备注"
    );
}

#[test]
fn detection_per_sheet() {
    let o = options();
    for d in Dataset::ALL {
        for ext in FORMATS {
            let path = workbook(&format!("{}.{ext}", d.name()));
            assert_eq!(
                govtally::detect_dataset(&path, &o).unwrap(),
                d,
                "{}",
                path.display()
            );
            let sheets = govtally::detect_sheets(&path, &o).unwrap();
            let notes = sheets.last().unwrap();
            assert_eq!(notes.sheet, "备注");
            assert!(notes.dataset.is_err());
        }
    }
}

fn skip_options() -> Options {
    options().on_bad_row(govtally::BadRowPolicy::Skip)
}

/// (read, counted, out_of_period, duplicates, blank, rejected)
fn rows(r: &Report) -> [u64; 6] {
    let c = &r.rows;
    [
        c.read,
        c.counted,
        c.out_of_period,
        c.duplicates,
        c.blank,
        c.rejected,
    ]
}

#[test]
fn cells_as_excel_holds_them() {
    // tests/workbooks/make_workbooks.py write_cases (xlsxwriter): a merged
    // title, a blank row, the header on row 3, then date cells, numbers as
    // text, an id as a number, a formula with its cached value, 2.5 in a
    // count column, #N/A, a date column holding a plain number, #VALUE!.
    let path = workbook("cases.xlsx");
    let r = tally_files(Dataset::Legality, &[&path], &skip_options()).unwrap();
    // Rows 4-10: the title and the blank row above the header are not rows.
    assert_eq!(rows(&r), [7, 3, 0, 0, 0, 4]);
    assert_eq!(r.figure("reviews.total"), Some(3.into()));
    assert_eq!(
        r.figure("reviews.by_type.normative_document"),
        Some(1.into())
    );
    // 3 (the number cell 3.0) + 2 (the text "2") + 2 (=1+1, cached)
    assert_eq!(r.figure("opinions.total"), Some(7.into()));
    assert_eq!(r.figure("reviews.completed"), Some(1.into()));
    let shown: Vec<String> = r.problems.items.iter().map(|p| p.to_string()).collect();
    let file = path.display().to_string();
    assert_eq!(
        shown,
        [
            format!(
                "{file} [2023年] E7: column `审查意见数`, value `2.5`: not a whole number: a count may have a decimal point only with zeros after it, such as 3.0"
            ),
            format!(
                "{file} [2023年] C8: column `收文日期`, value `#N/A`: the cell holds the error value #N/A (a formula that could not be computed, or an error typed in): correct it or clear the cell"
            ),
            format!(
                "{file} [2023年] C9: column `收文日期`, value `45078`: {}",
                r.problems.items[2].reason
            ),
            format!(
                "{file} [2023年] B10: column `文件类型`, value `#VALUE!`: the cell holds the error value #VALUE! (a formula that could not be computed, or an error typed in): correct it or clear the cell"
            ),
        ]
    );
    assert!(
        r.problems.items[2].reason.contains("2023-06-01"),
        "{}",
        r.problems.items[2].reason
    );
    let p = &r.problems.items[0];
    assert_eq!(
        (p.sheet.as_deref(), p.line, p.cell.as_deref()),
        (Some("2023年"), 7, Some("E7"))
    );
    let json = r.to_json_value();
    assert_eq!(json["problems"]["items"][1]["cell"], "C8");
    assert_eq!(json["problems"]["items"][1]["sheet"], "2023年");
}

#[test]
fn a_formula_without_a_saved_value_is_a_row_error() {
    let path = workbook("unsaved-formula.xlsx");
    let r = tally_files(Dataset::Legality, &[&path], &skip_options()).unwrap();
    assert_eq!(rows(&r), [1, 0, 0, 0, 0, 1]);
    let p = &r.problems.items[0];
    assert_eq!(p.cell.as_deref(), Some("D2"));
    assert_eq!(p.value, "(formula without a saved value)");
}

#[test]
fn the_1904_date_system_in_xls() {
    let want = tally_files(Dataset::Legality, &csvs(Dataset::Legality), &options()).unwrap();
    let got = tally_files(
        Dataset::Legality,
        &[workbook("legality-1904.xls")],
        &options(),
    )
    .unwrap();
    assert_eq!(json(&got), json(&want));
}

#[test]
fn csv_saved_from_a_sheet_with_title_rows() {
    let csv = "2023年合法性审查台账,,,\n\n制表：法规科,,,\n审查编号,文件类型,收文日期,审查意见数\nH1,合同,2023-03-01,2\n,,,\nH2,合同,2023-02-30,1\n";
    let mut t = Tally::new(Dataset::Legality, &skip_options()).unwrap();
    t.begin_file("台账.csv").unwrap();
    t.feed(csv.as_bytes()).unwrap();
    let r = t.finish().unwrap();
    // The title rows (and the blank line between them) are not rows; the
    // blank line after the header is.
    assert_eq!(rows(&r), [3, 1, 0, 0, 1, 1]);
    assert_eq!(
        r.problems.items[0].to_string(),
        "台账.csv:7: column `收文日期`, value `2023-02-30`: 2023-02-30 is not a calendar date"
    );
    assert_eq!(r.problems.items[0].sheet, None);
    assert_eq!(
        r.to_json_value()["problems"]["items"][0]["cell"],
        Value::Null
    );
}

#[test]
fn no_header_within_ten_rows_is_the_first_rows_error() {
    let mut csv = String::new();
    for i in 0..10 {
        csv.push_str(&format!("标题{i},x\n"));
    }
    csv.push_str("审查编号,文件类型,收文日期\nH1,合同,2023-03-01\n");
    let mut t = Tally::new(Dataset::Legality, &options()).unwrap();
    t.begin_file("台账.csv").unwrap();
    let e = t.feed(csv.as_bytes()).and_then(|_| t.finish().map(|_| ()));
    let e = e.unwrap_err().to_string();
    assert!(
        e.starts_with("台账.csv: missing required column `review_id`"),
        "{e}"
    );
    assert!(e.ends_with("the header has: 标题0, x"), "{e}");
}

#[test]
fn one_thread_or_two_give_the_same_report() {
    // With more than one thread, calamine reads a sheet while another
    // thread takes its rows.
    for (d, name) in [
        (Dataset::Legality, "cases.xlsx"),
        (Dataset::Inspections, "inspections.xlsx"),
        (Dataset::Complaints, "complaints.ods"),
    ] {
        let run = |threads: usize| {
            let o = skip_options().threads(threads);
            tally_files(d, &[workbook(name)], &o)
                .unwrap()
                .to_json_value()
        };
        assert_eq!(run(1), run(2), "{name}");
        assert_eq!(run(1), run(3), "{name}");
    }
}
