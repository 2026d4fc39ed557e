//! Workbooks (issue 15): every sample export of examples/data, written as
//! .xlsx, .xls and .ods by independent writers (tests/workbooks/
//! make_workbooks.py: openpyxl, xlwt, odfpy), gives exactly the CSV's
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
    v
}

#[test]
fn every_sample_as_xlsx_xls_and_ods_gives_the_csv_report() {
    for d in Dataset::ALL {
        let want = tally_files(d, &csvs(d), &options()).unwrap();
        for ext in ["xlsx", "xls", "ods"] {
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
        for ext in ["xlsx", "xls", "ods"] {
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
