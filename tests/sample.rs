//! The bundled sample exports reproduce the seed report's 2023 figures, and
//! every other figure worked out independently when the samples were built
//! (tests/fixtures/sample_2023_expected.json).

use std::path::{Path, PathBuf};

use govtally::{Dataset, Options, Report, tally_files};
use serde_json::Value;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(name)
}

fn sample(dataset: Dataset) -> Report {
    let files: Vec<PathBuf> = match dataset {
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
    };
    tally_files(dataset, &files, &Options::default().year(2023).unwrap()).unwrap()
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

/// Every leaf of `want` equals the report's value at the same path; decimal
/// strings ("-33.16") compare as numbers.
fn assert_matches(path: &str, want: &Value, got: &Value) {
    match want {
        Value::Object(m) => {
            for (k, w) in m {
                if k.starts_with('_') {
                    continue;
                }
                let g = got.get(k).unwrap_or_else(|| panic!("{path}.{k} missing"));
                assert_matches(&format!("{path}.{k}"), w, g);
            }
        }
        Value::Null => assert!(got.is_null(), "{path}: {got} is not null"),
        Value::Number(_) | Value::String(_) if !matches!(got, Value::String(_)) => {
            assert_eq!(num(want), num(got), "{path}");
        }
        _ => assert_eq!(want, got, "{path}"),
    }
}

#[test]
fn seed_report_figures() {
    let l = sample(Dataset::Legality);
    assert_eq!(
        l.figure("reviews.by_type.administrative_contract"),
        Some(97.into())
    );
    assert_eq!(
        l.figure("reviews.by_type.normative_document"),
        Some(3.into())
    );
    assert_eq!(l.figure("opinions.total"), Some(110.into()));
    let i = sample(Dataset::Inspections);
    assert_eq!(i.figure("tasks.total"), Some(19.into()));
    assert_eq!(i.figure("tasks.joint"), Some(17.into()));
    assert_eq!(i.figure("objects.inspections"), Some(1027.into()));
    let c = sample(Dataset::Complaints);
    assert_eq!(c.figure("total.change_pct"), Some((-33.16).into()));
}

#[test]
fn every_sample_figure_matches_the_worked_expectations() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample_2023_expected.json"),
    )
    .unwrap();
    let want: Value = serde_json::from_str(&text).unwrap();
    for d in Dataset::ALL {
        let r = sample(d);
        assert!(r.rows.balanced(), "{d}: {:?}", r.rows);
        assert_eq!(r.problems.total, 0);
        let got = r.to_json_value();
        assert_matches(d.name(), &want[d.name()], &got);
        assert_matches("period", &want["period"], &got["period"]);
    }
}
