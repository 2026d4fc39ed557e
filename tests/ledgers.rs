//! The five ledgers of spec 2.5–2.9 through the public Rust API, and what
//! every ledger shares: recognition of its header among all eight, masking
//! of personal numbers, periods inferred from several dates.
//!
//! Every expected figure is worked out by hand from the fixture beside it
//! (the arithmetic is in the comments), never pasted from a run.

use std::path::PathBuf;

use govtally::{BadRowPolicy, Dataset, Error, FileError, Options, Report, Tally};
use serde_json::{Value, json};

fn lf(rows: &[&str]) -> String {
    let mut s = rows.join("\n");
    s.push('\n');
    s
}

fn year(y: i32) -> Options {
    Options::default().year(y).unwrap()
}

fn tally(dataset: Dataset, options: &Options, text: &str) -> Result<Report, Error> {
    let mut t = Tally::new(dataset, options)?;
    t.feed(text.as_bytes())?;
    t.finish()
}

fn ok(dataset: Dataset, options: &Options, text: &str) -> Report {
    tally(dataset, options, text).unwrap_or_else(|e| panic!("{dataset}: {e}"))
}

/// Asserts every leaf of `want` at the same place in the report's JSON.
fn assert_figures(r: &Report, want: Value) {
    fn walk(path: &str, want: &Value, got: &Value) {
        match want {
            Value::Object(m) => {
                for (k, w) in m {
                    let g = got
                        .get(k)
                        .unwrap_or_else(|| panic!("{path}.{k} missing in {got}"));
                    walk(&format!("{path}.{k}"), w, g);
                }
            }
            _ => assert_eq!(want, got, "{path}"),
        }
    }
    walk("", &want, &r.to_json_value());
}

fn rows(r: &Report) -> [u64; 6] {
    let x = r.rows;
    [
        x.read,
        x.counted,
        x.out_of_period,
        x.duplicates,
        x.blank,
        x.rejected,
    ]
}

// ─────────────────────────── enforcement ───────────────────────────

const ENFORCEMENT: &[&str] = &[
    "文书编号,决定日期,执法类型,对象类型,证件号码,当事人,金额",
    // handling decision, enterprise, by id 91A, 1234.50
    "E1,2023-01-05,行政处理决定,企业,91A,甲公司,\"¥1,234.50\"",
    // handling decision, enterprise, no id: by name 甲公司 (not the id 91A's
    // target), 123.00 in full-width digits with 元
    "E2,2023/1/20,处理决定,企业,,甲公司,１２３元",
    // penalty, enterprise 91A again, 500
    "E3,2023-02-03,罚款,企业,91A,甲公司,￥500",
    // penalties on one person, 2000 and 1000.50
    "E4,2023-02-10,行政处罚,个人,330110199001011234,张三,\"2,000\"",
    "E5,2023年3月1日,处罚,自然人,330110199001011234,张三,1000.5",
    // an interview with no target at all: an action, not a target
    "E6,2023-03-15,约谈,,,,",
    // out of period
    "E7,2022-12-31,扣分,企业,91B,乙公司,",
    // E3 again: a duplicate, whatever it says
    "E3,2023-04-01,罚款,企业,91C,丙公司,999",
    // police transfer of a person known by name only
    "E8,2023-12-31,移送公安,个人,,李四,",
    // out of period
    "E9,2024-01-01,欠薪隐患化解,企业,91D,,",
];

#[test]
fn enforcement_by_hand() {
    let r = ok(Dataset::Enforcement, &year(2023), &lf(ENFORCEMENT));
    // 10 rows: E1–E6 and E8 counted (7), E7 and E9 out of period, E3 repeated.
    assert_eq!(rows(&r), [10, 7, 2, 1, 0, 0]);
    assert_figures(
        &r,
        json!({
            "actions": {"total": 7},
            "by_type": {
                // 1234.50 + 123.00; ids and names are separate targets
                "handling_decision": {"actions": 2, "amount": 1357.5, "by_kind": {
                    "enterprise": {"actions": 2, "targets": 2},
                    "person": {"actions": 0, "targets": 0},
                    "unrecorded": {"actions": 0, "targets": 0}}},
                // 500 + 2000 + 1000.50
                "penalty": {"actions": 3, "amount": 3500.5, "by_kind": {
                    "enterprise": {"actions": 1, "targets": 1},
                    "person": {"actions": 2, "targets": 1},
                    "unrecorded": {"actions": 0, "targets": 0}}},
                "credit_deduction": {"actions": 0, "amount": 0.0},
                "interview": {"actions": 1, "amount": 0.0, "by_kind": {
                    "unrecorded": {"actions": 1, "targets": 0}}},
                "police_transfer": {"actions": 1, "by_kind": {
                    "person": {"actions": 1, "targets": 1}}},
                "risk_resolved": {"actions": 0},
                "other": {"actions": 0},
            },
            // id 91A, name 甲公司, the identity number, name 李四
            "targets": {"distinct": 4},
            // 1357.50 + 3500.50
            "amount": {"total": 4858.0},
            "by_month": {"2023-01": 2, "2023-02": 2, "2023-03": 2, "2023-04": 0,
                         "2023-11": 0, "2023-12": 1},
        }),
    );
    assert_eq!(r.to_json_value()["by_month"].as_object().unwrap().len(), 12);
}

#[test]
fn enforcement_money_errors_name_the_cell() {
    for (cell, reason_part) in [
        ("-5", "negative"),
        ("1.234", "decimals"),
        ("约2万", ""),
        ("12.3.4", ""),
    ] {
        let text = lf(&[
            "文书编号,决定日期,执法类型,金额",
            &format!("E1,2023-01-05,罚款,\"{cell}\""),
        ]);
        match tally(Dataset::Enforcement, &year(2023), &text) {
            Err(Error::Rejected { problems, .. }) => {
                let p = &problems[0];
                assert_eq!(
                    (p.line, p.column.as_str(), p.value.as_str()),
                    (2, "金额", cell)
                );
                assert!(p.reason.contains(reason_part), "{cell}: {}", p.reason);
            }
            other => panic!("{cell}: expected a rejected row, got {other:?}"),
        }
    }
}

// ──────────────────────────── personal data ────────────────────────────

#[test]
fn identity_and_mobile_numbers_are_never_written_in_full() {
    let id = "330110199001011234";
    let mobile = "13812345678";
    let text = lf(&[
        "文书编号,决定日期,执法类型,对象类型,证件号码,当事人,金额",
        // the mobile number where a date belongs
        &format!("E1,{mobile},罚款,个人,{id},张三,100"),
        // the identity number where an amount belongs (too large)
        &format!("E2,2023-02-01,罚款,个人,{id},张三,{id}元"),
        // embedded in a longer value
        &format!("E3,2023-02-02,罚款,个人,{id},张三,联系电话{mobile}"),
        "E4,2023-02-03,罚款,个人,,李四,50",
    ]);
    let err = tally(Dataset::Enforcement, &year(2023), &text).unwrap_err();
    let message = err.to_string();
    let mut o = year(2023);
    o.on_bad_row = BadRowPolicy::Skip;
    let r = ok(Dataset::Enforcement, &o, &text);
    assert_eq!(r.problems.total, 3);
    let json = r.to_json_pretty();
    let shown = r.to_text();
    for out in [&message, &json, &shown] {
        assert!(!out.contains(id), "{out}");
        assert!(!out.contains(mobile), "{out}");
    }
    let p = &r.problems.items;
    assert_eq!(p[0].value, "138****5678");
    assert_eq!(p[1].value, "330110********1234元");
    assert_eq!(p[2].value, "联系电话138****5678");
    assert!(message.contains("138****5678"), "{message}");
    // Figures still count the exact id: E4's target is a name, the three
    // rejected rows feed nothing.
    assert_eq!(r.figure("targets.distinct"), Some(1.into()));
}

#[test]
fn personal_numbers_in_group_names_are_masked() {
    let text = lf(&[
        "审查编号,文件类型,收文日期,送审科室",
        "H1,合同,2023-01-05,联系人13812345678",
        "H2,合同,2023-01-06,联系人13812345678",
        "H3,合同,2023-01-07,办公室",
    ]);
    let r = ok(Dataset::Legality, &year(2023), &text);
    let json = r.to_json_pretty();
    assert!(!json.contains("13812345678"), "{json}");
    assert_eq!(
        r.figure("departments.联系人138****5678.reviews"),
        Some(2.into())
    );
}

// ───────────────────────────── normative ─────────────────────────────

const NORMATIVE: &[&str] = &[
    "文号,文件名称,发文日期,是否经合法性审查,是否公布,清理日期,清理结果",
    "N1,a,2023-03-01,是,是,,",
    "N2,b,2023-07-01,否,是,,",
    "N3,c,2015-05-01,,,2023-06-01,继续有效",
    "N4,d,2019-12-31,,,2023-09-09,废止",
    // cleaned up in 2022: feeds no 2023 figure
    "N5,e,2020-02-02,,,2022-11-11,失效",
    "N6,f,2021-08-08,,,2023-10-10,宣布失效",
    // issued and cleaned up in 2023: one row, counted once
    "N7,g,2023-04-04,Y,N,2023-12-01,修改",
    // N3 again: a duplicate, though its clean-up is in another year
    "N3,c,2015-05-01,,,2022-01-01,废止",
    "N8,h,2022-12-12,,,,",
    // cleaned up in 2024
    "N9,i,2022-06-01,,,2024-01-02,废止",
];

#[test]
fn normative_by_hand() {
    let r = ok(Dataset::Normative, &year(2023), &lf(NORMATIVE));
    // counted: N1 N2 N7 (issued) and N3 N4 N6 N7 (cleaned) = 6 rows;
    // N5 N8 N9 out of period; the second N3 a duplicate.
    assert_eq!(rows(&r), [10, 6, 3, 1, 0, 0]);
    assert_figures(
        &r,
        json!({
            "issued": {"total": 3, "reviewed": 2, "published": 2},
            "cleanup": {
                "total": 4,
                "by_result": {"valid": 1, "amended": 1, "repealed": 1, "expired": 1,
                              "unrecorded": 0},
                "repealed_or_expired": 2,
                // the latest issue date among N3 N4 N6 N7 is 2023-04-04
                "issued_before": "2023-04-05",
            },
        }),
    );
}

#[test]
fn normative_period_inferred_from_its_latest_date_of_any_column() {
    // The latest date is N9's clean-up, 2024-01-02: the period is 2024, in
    // which nothing is issued and N9 is cleaned up.
    let r = ok(Dataset::Normative, &Options::default(), &lf(NORMATIVE));
    assert!(r.period.inferred);
    assert_eq!(r.period.start.to_string(), "2024-01-01");
    assert_eq!(rows(&r), [10, 1, 8, 1, 0, 0]);
    assert_figures(
        &r,
        json!({"issued": {"total": 0}, "cleanup": {"total": 1, "by_result": {"repealed": 1},
               "issued_before": "2022-06-02"}}),
    );
}

#[test]
fn normative_row_errors() {
    let text = lf(&[
        "文号,发文日期,清理日期,清理结果",
        "N1,2023-03-01,2023-02-01,废止",
        "N2,2023-03-01,,废止",
        "N3,2023-03-01,,",
    ]);
    let Err(Error::Rejected { rows, problems, .. }) = tally(Dataset::Normative, &year(2023), &text)
    else {
        panic!("expected rejected rows");
    };
    assert_eq!(rows, 2);
    assert_eq!(
        (problems[0].line, problems[0].column.as_str()),
        (2, "清理日期")
    );
    assert!(
        problems[0]
            .reason
            .contains("before the issue date 2023-03-01")
    );
    assert_eq!(
        (problems[1].line, problems[1].column.as_str()),
        (3, "清理结果")
    );
    assert!(problems[1].reason.contains("needs a clean-up date"));
}

// ────────────────────────────── disputes ──────────────────────────────

const DISPUTES: &[&str] = &[
    "案件编号,登记日期,受理机构,机构类型,处理方式,处理结果,结案日期,开庭时间,庭审方式",
    // registered in 2022, closed in 2023 (16 days): feeds `closed` only
    "D1,2022-12-20,A站,驿站,调解,调解成功,2023-01-05,,",
    // registered in 2023, closed in 2024: feeds `registered` only
    "D2,2023-12-28,A站,驿站,调解,调解不成,2024-01-03,,",
    // 40 days; heard on Saturday 2023-03-25 at 19:30, digitally
    "D3,2023-03-01,仲裁院,仲裁院,仲裁,裁决,2023-04-10,2023-03-25 19:30,数字庭",
    // all in 2021, but a digital hearing: counted to date
    "D4,2021-05-05,仲裁院,仲裁院,仲裁,裁决,2021-06-30,2021-06-01 10:00,数字仲裁庭",
    // pending (no outcome, no closed date)
    "D5,2023-06-01,B中心,调解中心,调解,,,,",
    // closed without an outcome: unrecorded; 17 days; heard Monday
    // 2023-07-10 with no time: never evening
    "D6,2023-07-03,仲裁院,仲裁院,仲裁,,2023-07-20,2023-07-10,线上",
    // no venue type; 10 days
    "D7,2023-02-02,,,调解,调解成功,2023-02-12,,",
    // all in 2024
    "D8,2024-01-10,仲裁院,仲裁院,仲裁,,,2024-01-15 19:00,数字庭",
    // D3 again: a duplicate
    "D3,2023-05-05,A站,驿站,调解,,,,",
    // all in 2022, not digital
    "D9,2022-03-03,A站,驿站,调解,撤回,2022-04-04,,",
    // heard Saturday 2023-12-02 at 18:00 sharp: evening
    "D10,2023-12-02,仲裁院,仲裁院,仲裁,,,2023-12-02 18:00,现场",
    // an arbitration case settled by mediation, registered 2022-10-10 and
    // closed 2023-02-20 (21+30+31+31+20 = 133 days); heard digitally in 2022
    "D11,2022-10-10,仲裁院,仲裁院,仲裁,调解成功,2023-02-20,2022-11-11 14:00,数字庭",
    // a failed mediation, 21 days
    "D12,2023-01-10,A站,驿站,调解,调解失败,2023-01-31,,",
];

#[test]
fn disputes_by_hand() {
    let r = ok(Dataset::Disputes, &year(2023), &lf(DISPUTES));
    // counted: D1 D2 D3 D4 D5 D6 D7 D10 D11 D12; D8 D9 out; D3 repeated.
    assert_eq!(rows(&r), [13, 10, 2, 1, 0, 0]);
    assert_figures(
        &r,
        json!({
            // D2 D12 station, D5 centre, D3 D6 D10 arbitration, D7 unrecorded
            "registered": {"total": 7, "by_venue_type": {
                "station": 2, "mediation_center": 1, "arbitration": 3, "unrecorded": 1}},
            // D1 D12 station, D3 D6 D11 arbitration, D7 unrecorded
            "closed": {"total": 6,
                "by_venue_type": {"station": 2, "mediation_center": 0, "arbitration": 3,
                                  "unrecorded": 1},
                "by_outcome": {"mediated": 3, "mediation_failed": 1, "award": 1,
                               "withdrawn": 0, "not_accepted": 0, "pending": 0,
                               "unrecorded": 1}},
            // mediation cases closed in 2023: D1 D7 mediated, D12 failed
            // (D11 is an arbitration case): 2/3
            "mediation": {"mediated": 2, "failed": 1, "success_rate_pct": 66.67},
            "arbitration": {"concluded": 3},
            // 10 16 17 21 40 133: sum 237 / 6 = 39.5; median (17+21)/2
            "cycle_days": {"count": 6, "mean": 39.5, "median": 19.0, "max": 133},
            "hearings": {
                "total": 3, "weekend": 2, "evening": 2,
                "by_month": {
                    "2023-03": {"total": 1, "weekend": 1, "evening": 1},
                    "2023-07": {"total": 1, "weekend": 0, "evening": 0},
                    "2023-12": {"total": 1, "weekend": 1, "evening": 1},
                    "2023-01": {"total": 0, "weekend": 0, "evening": 0},
                },
                "by_mode": {"digital": 1, "online": 1, "in_person": 1, "unrecorded": 0},
                // D3 (2023), D4 (2021), D11 (2022); not D8 (2024)
                "digital_to_date": 3,
            },
        }),
    );
}

#[test]
fn disputes_period_inferred_counts_earlier_digital_hearings_to_date() {
    // The latest date is D8's hearing, 2024-01-15: the period is 2024.
    // D8 registered and heard (Monday, 19:00, digital); D2 closed (failed).
    // Counted: D2 and D8, plus D3, D4, D11, whose dates are all before 2024
    // but whose digital hearings count to date: 5; out of period 12 − 5.
    let r = ok(Dataset::Disputes, &Options::default(), &lf(DISPUTES));
    assert!(r.period.inferred);
    assert_eq!(r.period.start.to_string(), "2024-01-01");
    assert_eq!(rows(&r), [13, 5, 7, 1, 0, 0]);
    assert_figures(
        &r,
        json!({
            "registered": {"total": 1, "by_venue_type": {"arbitration": 1}},
            "closed": {"total": 1, "by_outcome": {"mediation_failed": 1}},
            "mediation": {"mediated": 0, "failed": 1, "success_rate_pct": 0.0},
            "hearings": {"total": 1, "weekend": 0, "evening": 1, "digital_to_date": 4},
        }),
    );
    // The same with the period given: the inferred path is not a second
    // set of rules.
    let given = ok(Dataset::Disputes, &year(2024), &lf(DISPUTES));
    assert_eq!(given.rows, r.rows);
    assert_eq!(given.figures, r.figures);
}

#[test]
fn disputes_row_errors() {
    let text = lf(&[
        "案件编号,登记日期,处理方式,处理结果,结案日期",
        "D1,2023-03-01,调解,审理中,2023-03-05",
        "D2,2023-03-01,调解,调解成功,",
        "D3,2023-03-01,调解,调解成功,2023-02-01",
        "D4,2023-03-01,协商,,",
    ]);
    let Err(Error::Rejected { rows, problems, .. }) = tally(Dataset::Disputes, &year(2023), &text)
    else {
        panic!("expected rejected rows");
    };
    assert_eq!(rows, 4);
    let got: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "处理结果"),
            (3, "处理结果"),
            (4, "结案日期"),
            (5, "处理方式")
        ]
    );
    assert!(problems[0].reason.contains("still pending"));
    assert!(problems[1].reason.contains("needs a closed date"));
    assert!(
        problems[2]
            .reason
            .contains("before the registered date 2023-03-01")
    );
    assert!(
        problems[3]
            .reason
            .contains("调解, mediation, 仲裁, arbitration")
    );
}

// ─────────────────────────── reconsideration ───────────────────────────

#[test]
fn reconsideration_by_hand() {
    let text = lf(&[
        "案件编号,案件类型,收案日期,办理状态,审结日期,审理结果,案由,负责人出庭",
        "R1,行政复议,2023-02-01,审理中,,,工伤认定,",
        "R2,行政复议,2023-03-01,已审结,2023-05-01,维持,工伤认定,",
        "R3,行政复议,2023-04-01,立案前调解,,,社会保险,",
        // the status says pending, the date says concluded in 2023: lost
        "R4,一审行政诉讼,2023-05-01,在审,2023-09-15,撤销,工龄认定,是",
        // the status says concluded, the date is after the period: pending
        "R5,行政诉讼,2023-06-01,已审结,2024-01-09,驳回,工伤认定,否",
        "R6,行政诉讼一审,2023-07-01,诉前调解,,,,",
        // no date: the status decides
        "R7,上诉,2023-08-01,审结,,撤诉,社会保险,是",
        // received in 2022
        "R8,行政复议,2022-12-01,已审结,2023-01-10,撤销,工伤认定,",
        "R2,行政复议,2023-03-01,已审结,2023-05-01,维持,工伤认定,",
    ]);
    let r = ok(Dataset::Reconsideration, &year(2023), &text);
    assert_eq!(rows(&r), [9, 7, 1, 1, 0, 0]);
    assert_figures(
        &r,
        json!({
            "by_type": {
                "reconsideration": {"new": 2, "pending": 1, "concluded": 1,
                                    "mediated_before_filing": 1},
                "litigation_first": {"new": 2, "pending": 1, "concluded": 1,
                                     "mediated_before_filing": 1},
                "litigation_appeal": {"new": 1, "pending": 0, "concluded": 1,
                                      "mediated_before_filing": 0},
            },
            "lost": 1,
            "by_subject": {"工伤认定": 3, "社会保险": 2, "工龄认定": 1, "未填写": 1},
            // R4 yes, R5 no, R7 yes
            "head_appearance": {"cases": 3, "appeared": 2, "rate_pct": 66.67},
        }),
    );
    assert_eq!(
        r.to_json_value()["by_subject"].as_object().unwrap().len(),
        4
    );
}

// ───────────────────────────── proposals ─────────────────────────────

#[test]
fn proposals_by_hand() {
    let text = lf(&[
        "编号,类别,承办方式,交办日期,答复期限,答复日期,满意度",
        "P1,人大代表建议,主办,2023-03-01,2023-06-01,2023-05-20,满意",
        // replied a day late
        "P2,代表建议,协办,2023-03-02,2023-06-01,2023-06-02,基本满意",
        // assigned in 2023, replied in 2024, on time
        "P3,闭会期间建议,主办,2023-12-08,2024-03-08,2024-01-05,",
        // no due date: replied, but not in the on-time rate
        "P4,政协提案,会办,2023-03-05,,2023-05-05,不满意",
        "P5,委员提案,主办,2023-04-01,2023-07-01,,满意",
        "P6,政协委员提案,协办,2022-03-01,2022-06-01,2022-05-01,满意",
        "P1,人大代表建议,主办,2023-03-01,2023-06-01,2023-05-20,满意",
    ]);
    let r = ok(Dataset::Proposals, &year(2023), &text);
    assert_eq!(rows(&r), [7, 5, 1, 1, 0, 0]);
    assert_figures(
        &r,
        json!({
            "by_type": {
                "npc_suggestion": {"total": 2, "lead": 1, "assist": 1},
                "npc_intersession": {"total": 1, "lead": 1, "assist": 0},
                "cppcc_proposal": {"total": 2, "lead": 1, "assist": 1},
            },
            // P1 P2 P3 P4 replied; P1 P2 P3 have both dates, P1 P3 on time
            "replied": {"total": 4, "on_time": 2, "on_time_pct": 66.67},
            // (2 + 1) / 4 recorded
            "satisfaction": {"satisfied": 2, "mostly_satisfied": 1, "dissatisfied": 1,
                             "unrecorded": 1, "rate_pct": 75.0},
        }),
    );
}

// ──────────────────────── recognising headers ────────────────────────

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govtally-ledgers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Every ledger's header, written with each of its columns' spellings in
/// turn (the key, then every alias, as docs/columns.md lists them), is
/// recognised as that ledger and no other.
#[test]
fn every_ledger_is_recognised_in_every_spelling() {
    let o = Options::default();
    for d in Dataset::ALL {
        let spellings: Vec<Vec<&str>> = d
            .columns()
            .iter()
            .map(|c| {
                std::iter::once(c.key)
                    .chain(c.aliases.iter().copied())
                    .collect()
            })
            .collect();
        let most = spellings.iter().map(Vec::len).max().unwrap();
        for k in 0..most {
            let header: Vec<&str> = spellings.iter().map(|s| s[k % s.len()]).collect();
            let path = temp_file(&format!("{d}-{k}.csv"), &format!("{}\n", header.join(",")));
            match govtally::detect_dataset(&path, &o) {
                Ok(found) => assert_eq!(found, d, "{header:?}"),
                Err(e) => panic!("{d}: {header:?}: {e}"),
            }
        }
        // Its required columns alone, in their first alias.
        let required: Vec<&str> = d
            .columns()
            .iter()
            .filter(|c| c.required)
            .map(|c| c.aliases[0])
            .collect();
        let path = temp_file(
            &format!("{d}-required.csv"),
            &format!("{}\n", required.join(",")),
        );
        assert_eq!(
            govtally::detect_dataset(&path, &o).unwrap(),
            d,
            "{required:?}"
        );
    }
}

#[test]
fn a_header_two_ledgers_read_equally_well_is_an_error_naming_both() {
    // 编号, 类型 and 受理日期 belong to several ledgers. With only these
    // and 日期, three ledgers find all their required columns and three
    // columns each: legality (review_id 编号, doc_type 类型, received_date
    // 受理日期), complaints (编号, received_at 受理日期, kind 类型) and
    // enforcement (编号, action_date 日期, action_type 类型).
    let path = temp_file("tie.csv", "编号,日期,受理日期,类型\n");
    match govtally::detect_dataset(&path, &Options::default()) {
        Err(Error::File {
            error: FileError::AmbiguousDataset { candidates, .. },
            ..
        }) => assert_eq!(candidates, ["legality", "complaints", "enforcement"]),
        other => panic!("expected an ambiguous header, got {other:?}"),
    }
    let path = temp_file("none.csv", "甲,乙\n");
    match govtally::detect_dataset(&path, &Options::default()) {
        Err(
            e @ Error::File {
                error: FileError::UnknownDataset { .. },
                ..
            },
        ) => {
            let m = e.to_string();
            for d in Dataset::ALL {
                assert!(m.contains(d.name()), "{m}");
            }
        }
        other => panic!("expected an unknown header, got {other:?}"),
    }
}

// ─────────────────────── every interface, every ledger ───────────────────────

#[test]
fn names_titles_and_text_for_every_ledger() {
    for d in Dataset::ALL {
        assert_eq!(d.name().parse::<Dataset>().unwrap(), d);
        assert_eq!(d.title().parse::<Dataset>().unwrap(), d);
    }
    let r = ok(
        Dataset::Proposals,
        &year(2023),
        &lf(&[
            "编号,类别,承办方式,交办日期",
            "P1,人大代表建议,主办,2023-03-01",
        ]),
    );
    let text = r.to_text();
    assert!(
        text.starts_with("【建议提案办理台账】2023-01-01 至 2023-12-31\n"),
        "{text}"
    );
    assert!(
        text.contains("人大代表建议：1 件（主办 1，协办 0）"),
        "{text}"
    );
}

/// docs/columns.md lists every ledger, and every key and alias of each, in
/// that ledger's section.
#[test]
fn the_columns_page_lists_every_key_and_alias() {
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/columns.md"),
    )
    .unwrap();
    for d in Dataset::ALL {
        let head = format!("## `{}` — {}", d.name(), d.title());
        let start = page
            .find(&head)
            .unwrap_or_else(|| panic!("docs/columns.md has no section `{head}`"));
        let section = &page[start..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
        for c in d.columns() {
            let row = section
                .lines()
                .find(|l| l.starts_with(&format!("| {} |", c.key)))
                .unwrap_or_else(|| panic!("{d}: no row for `{}`", c.key));
            for a in c.aliases {
                assert!(
                    row.contains(a),
                    "{d}.{}: alias {a} missing from `{row}`",
                    c.key
                );
            }
            let required = row.split('|').nth(4).unwrap_or("").trim();
            assert_eq!(
                required.starts_with("yes"),
                c.required,
                "{d}.{}: `{row}`",
                c.key
            );
        }
    }
}

/// Every numeric option out of its documented range is an error naming the
/// option and the range, before anything is allocated for it.
#[test]
fn numeric_options_out_of_range_are_errors() {
    use govtally::{MAX_BLOCK_BYTES, MAX_THREADS};
    let text = lf(&["编号,类别,承办方式,交办日期", "P1,代表建议,主办,2023-03-01"]);
    for (threads, ok_) in [
        (1, true),
        (MAX_THREADS, true),
        (MAX_THREADS + 1, false),
        (usize::MAX, false),
    ] {
        let o = year(2023).threads(threads);
        match tally(Dataset::Proposals, &o, &text) {
            Ok(r) => {
                assert!(ok_, "{threads}");
                assert_eq!(r.figure("by_type.npc_suggestion.lead"), Some(1.into()));
            }
            Err(Error::InvalidOption(m)) => {
                assert!(!ok_, "{threads}: {m}");
                assert!(
                    m.contains(&format!("threads must be from 1 to {MAX_THREADS}")),
                    "{m}"
                );
            }
            Err(e) => panic!("{threads}: {e}"),
        }
    }
    for (bytes, ok_) in [
        (0, false),
        (1, true),
        (MAX_BLOCK_BYTES, true),
        (MAX_BLOCK_BYTES + 1, false),
    ] {
        let mut o = year(2023).threads(2);
        o.block_bytes = bytes;
        assert_eq!(
            tally(Dataset::Proposals, &o, &text).is_ok(),
            ok_,
            "block_bytes {bytes}"
        );
    }
    let mut o = year(2023);
    o.limits.max_record_bytes = usize::MAX;
    o.limits.max_columns = usize::MAX;
    o.limits.max_problems = usize::MAX;
    assert!(tally(Dataset::Proposals, &o, &text).is_ok());
}
