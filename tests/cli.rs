//! The `govtally` command-line tool, run as a process.
//!
//! Fixtures are written to a fresh folder under the system temp dir; every
//! expected figure is worked out by hand from them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

// ───────────────────────────── helpers ─────────────────────────────

/// A fresh, empty folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "govtally-cli-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn govtally<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_govtally"))
        .args(args)
        .output()
        .expect("the govtally binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

/// Exit 0 and the JSON on stdout.
fn json(o: &Output) -> Value {
    assert_eq!(code(o), 0, "stderr: {}", stderr(o));
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// The value at a dotted path (keys hold no dots here).
fn at<'v>(v: &'v Value, path: &str) -> &'v Value {
    let mut cur = v;
    for k in path.split('.') {
        cur = match cur {
            Value::Array(a) => &a[k.parse::<usize>().unwrap()],
            _ => cur
                .get(k)
                .unwrap_or_else(|| panic!("no `{k}` on the way to `{path}` in {v}")),
        };
    }
    cur
}

fn int(v: &Value, path: &str, want: i64) {
    assert_eq!(at(v, path).as_i64(), Some(want), "`{path}`");
}

fn dec(v: &Value, path: &str, want: f64) {
    assert_eq!(at(v, path).as_f64(), Some(want), "`{path}`");
}

fn text(v: &Value, path: &str, want: &str) {
    assert_eq!(at(v, path).as_str(), Some(want), "`{path}`");
}

/// `rows` = [read, counted, out_of_period, duplicates, blank, rejected].
fn rows(v: &Value, want: [i64; 6]) {
    let names = [
        "read",
        "counted",
        "out_of_period",
        "duplicates",
        "blank",
        "rejected",
    ];
    for (n, w) in names.iter().zip(want) {
        int(v, &format!("rows.{n}"), w);
    }
    assert_eq!(want[0], want[1..].iter().sum::<i64>());
}

fn utf16le_bom(s: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

fn gb18030(s: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(s).0.into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

// ───────────────────────────── fixtures ─────────────────────────────

/// Legality: A (contract, 3 opinions, 4 days), B (normative, 2 opinions,
/// pending), C (contract, 2022: out of period), A again (duplicate).
const LEGALITY: &str = "审查编号,文件类型,送审科室,收文日期,审结日期,审查意见数,审查结论\n\
A,行政合同,办公室,2023-03-01,2023-03-05,3,同意\n\
B,规范性文件,法规科,2023年5月6日,,2,\n\
C,合同,办公室,2022-12-30,2023-01-04,9,同意\n\
A,行政合同,办公室,2023-03-01,2023-03-05,3,同意\n";

/// Inspections: T1 (joint on one row) with O1, O2; T2 with O1 in June;
/// (T1, O2) repeated; T0 in 2022.
const INSPECTIONS: &str = "任务编号,抽查日期,统一社会信用代码,是否联合抽查,联合部门,检查结果\n\
T1,2023-04-01,O1,否,市场监管局,正常\n\
T1,2023-04-02,O2,是,司法局、市场监管局,责令整改\n\
T1,2023-04-03,O2,是,,\n\
T2,2023-06-01,O1,N,,立案\n\
T0,2022-06-01,O9,Y,税务局,正常\n";

/// Complaints 2022 (UTF-16LE, tabs): P1 P2 P3 in 2022, Z1 in 2021.
const COMPLAINTS_2022: &str = "登记编号\t登记时间\t问题类别\t件类型\r\n\
P1\t2022/3/4 9:15\t欠薪\t信访件\r\n\
P2\t2022-05-01\t社保\t咨询件\r\n\
P3\t2022-12-31 23:59\t欠薪\t咨询件\r\n\
Z1\t2021-12-01\t欠薪\t信访件\r\n";

/// Complaints 2023 (UTF-8, other column order): P3 again (duplicate), N1 N2.
const COMPLAINTS_2023: &str = "件类型,问题类别,登记编号,登记时间\n\
咨询件,欠薪,P3,2022-12-31 23:59\n\
信访件,欠薪,N1,2023-03-04T09:15:00\n\
咨询件,社保,N2,2023-05-01\n";

// ───────────────────────────── one dataset ─────────────────────────────

#[test]
fn legality_json() {
    let dir = temp_dir("legality");
    let f = write(&dir, "合法性审查.csv", gb18030(LEGALITY));
    let v = json(&govtally([
        "legality",
        p(&f),
        "--year",
        "2023",
        "--format",
        "json",
    ]));
    int(&v, "schema_version", 1);
    text(&v, "dataset", "legality");
    text(&v, "period.start", "2023-01-01");
    text(&v, "period.end", "2023-12-31");
    // A B counted; C out of period; A again a duplicate.
    rows(&v, [4, 2, 1, 1, 0, 0]);
    int(&v, "reviews.total", 2);
    int(&v, "reviews.by_type.administrative_contract", 1);
    int(&v, "reviews.by_type.normative_document", 1);
    int(&v, "reviews.by_type.major_decision", 0);
    int(&v, "reviews.by_type.other", 0);
    int(&v, "reviews.completed", 1);
    int(&v, "reviews.pending", 1);
    int(&v, "opinions.total", 5);
    int(&v, "opinions.by_type.administrative_contract", 3);
    int(&v, "opinions.by_type.normative_document", 2);
    int(&v, "conclusions.approved", 1);
    int(&v, "conclusions.unrecorded", 1);
    int(&v, "departments.办公室.reviews", 1);
    int(&v, "departments.法规科.opinions", 2);
    int(&v, "review_days.count", 1);
    dec(&v, "review_days.mean", 4.0);
    dec(&v, "review_days.median", 4.0);
    int(&v, "review_days.max", 4);
    int(&v, "problems.total", 0);
}

#[test]
fn inspections_json() {
    let dir = temp_dir("inspections");
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(INSPECTIONS.replace('\n', "\r\n").as_bytes());
    let f = write(&dir, "抽查.csv", bom);
    let v = json(&govtally([
        "inspections",
        p(&f),
        "--year",
        "2023",
        "--format",
        "json",
    ]));
    // counted T1/O1 T1/O2 T2/O1; duplicate T1/O2; T0 out of period.
    rows(&v, [5, 3, 1, 1, 0, 0]);
    int(&v, "tasks.total", 2);
    int(&v, "tasks.joint", 1);
    int(&v, "tasks.by_month.2023-04", 1);
    int(&v, "tasks.by_month.2023-06", 1);
    int(&v, "objects.inspections", 3);
    int(&v, "objects.distinct", 2);
    // T1: 市场监管局 (twice, once per task), 司法局.
    int(&v, "partners.市场监管局", 1);
    int(&v, "partners.司法局", 1);
    assert!(at(&v, "partners").get("税务局").is_none());
    int(&v, "results.no_issue", 1);
    int(&v, "results.issue_found", 1);
    int(&v, "results.case_filed", 1);
    int(&v, "results.not_located", 0);
    int(&v, "results.unrecorded", 0);
    // (1 + 1) / 3 = 66.666… → 66.67
    dec(&v, "issue_rate_pct", 66.67);
}

#[test]
fn several_files_tallied_together() {
    let dir = temp_dir("several");
    let a = write(&dir, "c2022.csv", utf16le_bom(COMPLAINTS_2022));
    let b = write(&dir, "c2023.csv", COMPLAINTS_2023);
    let v = json(&govtally([
        "complaints",
        p(&a),
        p(&b),
        "--year",
        "2023",
        "--format",
        "json",
    ]));
    // read 4 + 3 = 7: P1 P2 P3 previous, N1 N2 current → counted 5;
    // Z1 out of period; P3 again a duplicate.
    rows(&v, [7, 5, 1, 1, 0, 0]);
    text(&v, "previous_period.start", "2022-01-01");
    text(&v, "previous_period.end", "2022-12-31");
    // total 2 vs 3: −1/3 = −33.333… → −33.33
    int(&v, "total.current", 2);
    int(&v, "total.previous", 3);
    int(&v, "total.change", -1);
    dec(&v, "total.change_pct", -33.33);
    // 欠薪: N1 vs P1 P3 → −50%; 社保: N2 vs P2 → 0%.
    dec(&v, "by_category.欠薪.change_pct", -50.0);
    dec(&v, "by_category.社保.change_pct", 0.0);
    // petition N1 vs P1 → 0%; consultation N2 vs P2 P3 → −50%.
    dec(&v, "by_kind.petition.change_pct", 0.0);
    dec(&v, "by_kind.consultation.change_pct", -50.0);
    int(&v, "by_kind.unrecorded.current", 0);
    // no channel column: everything 未填写.
    int(&v, "by_channel.未填写.current", 2);
    int(&v, "by_channel.未填写.previous", 3);
    // months: Mar 1 vs 1 → 0%; May 1 vs 1 → 0%; Jan 0 vs 0, mom vs Dec-22
    // 1 (P3) → −100%.
    dec(&v, "by_month.2023-03.change_pct", 0.0);
    dec(&v, "by_month.2023-05.change_pct", 0.0);
    dec(&v, "by_month.2023-01.mom_pct", -100.0);
    dec(&v, "by_month.2023-04.mom_pct", -100.0);
    dec(&v, "by_month.2023-06.mom_pct", -100.0);
    // Jul 0, mom vs Jun 0 → null.
    assert!(at(&v, "by_month.2023-07.mom_pct").is_null());
}

#[test]
fn from_to_period_and_rounding_option() {
    let dir = temp_dir("fromto");
    // 2022-03: 32 items, 2023-03: 33 → +3.125% → 3.13 / 3.12.
    let mut s = String::from("编号,登记日期\n");
    for i in 0..32 {
        s.push_str(&format!("P{i},2022-03-05\n"));
    }
    for i in 0..33 {
        s.push_str(&format!("C{i},2023-03-05\n"));
    }
    let f = write(&dir, "c.csv", s);
    let args = [
        "complaints",
        p(&f),
        "--from",
        "2023-03-01",
        "--to",
        "2023/3/31",
        "--format",
        "json",
    ];
    let v = json(&govtally(args));
    text(&v, "period.start", "2023-03-01");
    text(&v, "period.end", "2023-03-31");
    text(&v, "previous_period.start", "2022-03-01");
    dec(&v, "total.change_pct", 3.13);
    let v = json(&govtally(args.iter().chain(&["--rounding", "half_even"])));
    dec(&v, "total.change_pct", 3.12);
}

#[test]
fn map_option_adds_an_alias() {
    let dir = temp_dir("map");
    let f = write(&dir, "c.csv", "单号,收到时间\nA,2023-02-01\n");
    let v = json(&govtally([
        "complaints",
        p(&f),
        "--year",
        "2023",
        "--map",
        "单号=complaint_id",
        "--map",
        "收到时间=received_at",
        "--format",
        "json",
    ]));
    int(&v, "total.current", 1);
}

#[test]
fn encoding_and_delimiter_options() {
    let dir = temp_dir("enc");
    let f = write(
        &dir,
        "c.csv",
        gb18030("编号;登记日期;问题类别\nA;2023-02-01;欠薪,社保\n"),
    );
    let v = json(&govtally([
        "complaints",
        p(&f),
        "--year",
        "2023",
        "--encoding",
        "gbk",
        "--delimiter",
        ";",
        "--format",
        "json",
    ]));
    int(&v, "by_category.欠薪,社保.current", 1);
}

#[test]
fn text_format_has_chinese_labels() {
    let dir = temp_dir("text");
    let f = write(&dir, "l.csv", LEGALITY);
    let o = govtally(["legality", p(&f), "--year", "2023", "--format", "text"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("合法性审查"), "{out}");
    assert!(out.contains("审查意见"), "{out}");
    // Text is the default format.
    let o = govtally(["legality", p(&f), "--year", "2023"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), out);
}

// ───────────────────────────── report DIR ─────────────────────────────

#[test]
fn report_dir_json() {
    let dir = temp_dir("report");
    write(&dir, "legality.csv", gb18030(LEGALITY));
    write(&dir, "inspections.csv", INSPECTIONS);
    write(&dir, "complaints-2022.txt", utf16le_bom(COMPLAINTS_2022));
    write(&dir, "complaints-2023.csv", COMPLAINTS_2023);
    write(&dir, "notes.md", "not a ledger");
    let v = json(&govtally([
        "report",
        p(&dir),
        "--year",
        "2023",
        "--format",
        "json",
    ]));
    int(&v, "schema_version", 1);
    text(&v, "period.start", "2023-01-01");
    text(&v, "period.end", "2023-12-31");
    let names: Vec<&String> = at(&v, "datasets").as_object().unwrap().keys().collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let l = at(&v, "datasets.legality");
    text(l, "dataset", "legality");
    int(l, "schema_version", 1);
    int(l, "reviews.total", 2);
    int(l, "opinions.total", 5);
    let i = at(&v, "datasets.inspections");
    text(i, "dataset", "inspections");
    int(i, "tasks.total", 2);
    int(i, "objects.inspections", 3);
    // both complaint files, together.
    let c = at(&v, "datasets.complaints");
    rows(c, [7, 5, 1, 1, 0, 0]);
    dec(c, "total.change_pct", -33.33);
}

#[test]
fn report_dir_text() {
    let dir = temp_dir("report-text");
    write(&dir, "legality.csv", LEGALITY);
    write(&dir, "complaints.csv", COMPLAINTS_2023);
    let o = govtally(["report", p(&dir), "--year", "2023"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("合法性审查"), "{out}");
    assert!(out.contains("信访咨询件"), "{out}");
}

#[test]
fn seed_figures_from_examples() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let v = json(&govtally([
        "report",
        p(&data),
        "--year",
        "2023",
        "--format",
        "json",
    ]));
    int(&v, "schema_version", 1);
    let l = at(&v, "datasets.legality");
    int(l, "reviews.by_type.administrative_contract", 97);
    int(l, "reviews.by_type.normative_document", 3);
    int(l, "opinions.total", 110);
    let i = at(&v, "datasets.inspections");
    int(i, "tasks.total", 19);
    int(i, "tasks.joint", 17);
    int(i, "objects.inspections", 1027);
    let c = at(&v, "datasets.complaints");
    int(c, "total.current", 1270);
    int(c, "total.previous", 1900);
    dec(c, "total.change_pct", -33.16);
    // The seed table of spec section 1, the five newer ledgers.
    let e = at(&v, "datasets.enforcement");
    int(e, "by_type.handling_decision.actions", 92);
    int(e, "by_type.penalty.by_kind.enterprise.targets", 31);
    int(e, "by_type.credit_deduction.actions", 72);
    int(e, "by_type.interview.actions", 27);
    int(e, "by_type.penalty.by_kind.person.actions", 38);
    int(e, "by_type.police_transfer.actions", 4);
    int(e, "by_type.risk_resolved.actions", 14);
    let n = at(&v, "datasets.normative");
    int(n, "issued.total", 2);
    int(n, "issued.reviewed", 2);
    int(n, "issued.published", 2);
    int(n, "cleanup.total", 35);
    int(n, "cleanup.by_result.valid", 20);
    int(n, "cleanup.repealed_or_expired", 15);
    text(n, "cleanup.issued_before", "2023-06-01");
    let d = at(&v, "datasets.disputes");
    int(d, "registered.by_venue_type.station", 2630);
    int(d, "closed.by_venue_type.station", 1594);
    int(d, "arbitration.concluded", 421);
    int(d, "hearings.by_month.2023-12.weekend", 28);
    int(d, "hearings.digital_to_date", 1771);
    assert!(at(d, "mediation.success_rate_pct").as_f64().unwrap() >= 95.0);
    let r = at(&v, "datasets.reconsideration");
    for (path, want) in [
        ("by_type.reconsideration.new", 2),
        ("by_type.reconsideration.pending", 1),
        ("by_type.reconsideration.concluded", 1),
        ("by_type.reconsideration.mediated_before_filing", 1),
        ("by_type.litigation_first.new", 2),
        ("by_type.litigation_first.pending", 1),
        ("by_type.litigation_first.concluded", 1),
        ("by_type.litigation_first.mediated_before_filing", 2),
        ("lost", 0),
    ] {
        int(r, path, want);
    }
    for subject in ["工伤认定", "工龄认定", "社会保险"] {
        assert!(at(r, "by_subject").get(subject).is_some(), "{subject}");
    }
    dec(r, "head_appearance.rate_pct", 100.0);
    let pr = at(&v, "datasets.proposals");
    for (path, want) in [
        ("by_type.npc_suggestion.total", 15),
        ("by_type.npc_suggestion.lead", 2),
        ("by_type.npc_suggestion.assist", 13),
        ("by_type.npc_intersession.total", 1),
        ("by_type.npc_intersession.lead", 1),
        ("by_type.cppcc_proposal.total", 22),
        ("by_type.cppcc_proposal.lead", 2),
        ("by_type.cppcc_proposal.assist", 20),
    ] {
        int(pr, path, want);
    }
    dec(pr, "replied.on_time_pct", 100.0);
    dec(pr, "satisfaction.rate_pct", 100.0);
    // The README: no blank lines or rejected rows in the samples.
    for d in govtally::Dataset::ALL.map(|d| d.name()) {
        int(&v, &format!("datasets.{d}.rows.blank"), 0);
        int(&v, &format!("datasets.{d}.rows.rejected"), 0);
    }
}

// ───────────────────────────── failures ─────────────────────────────

#[test]
fn header_matching_no_dataset_exits_1() {
    let dir = temp_dir("unknown");
    write(&dir, "x.csv", "姓名,年龄\n张三,30\n");
    let o = govtally(["report", p(&dir), "--year", "2023"]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(e.contains("x.csv"), "{e}");
    assert!(e.contains("dataset"), "{e}");
    assert!(e.contains("姓名"), "{e}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn header_matching_two_datasets_exits_1() {
    // 编号, 受理日期, 类型 are review_id/received_date/doc_type of legality
    // and complaint_id/received_at/kind of complaints.
    let dir = temp_dir("ambiguous");
    write(&dir, "y.csv", "编号,受理日期,类型\nA,2023-01-01,合同\n");
    let o = govtally(["report", p(&dir), "--year", "2023", "--format", "json"]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(e.contains("y.csv"), "{e}");
    assert!(e.contains("legality") && e.contains("complaints"), "{e}");
}

#[test]
fn bad_rows_exit_1_with_line_and_column() {
    let dir = temp_dir("bad");
    let f = write(
        &dir,
        "bad.csv",
        "编号,登记日期,件类型\nA,2023-01-01,信访件\nB,2023-02-30,信访件\nC,2023-01-02,投诉\n",
    );
    let o = govtally(["complaints", p(&f), "--year", "2023", "--format", "json"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).is_empty());
    let e = stderr(&o);
    assert!(e.contains("bad.csv:3"), "{e}");
    assert!(e.contains("登记日期"), "{e}");
    assert!(e.contains("2023-02-30"), "{e}");
    assert!(e.contains("bad.csv:4"), "{e}");
    assert!(e.contains("件类型") && e.contains("咨询件"), "{e}");

    // --skip-bad-rows: exit 0, the rows listed in the report.
    let v = json(&govtally([
        "complaints",
        p(&f),
        "--year",
        "2023",
        "--format",
        "json",
        "--skip-bad-rows",
    ]));
    rows(&v, [3, 1, 0, 0, 0, 2]);
    int(&v, "problems.total", 2);
    int(&v, "problems.items.0.line", 3);
    text(&v, "problems.items.0.column", "登记日期");
    text(&v, "problems.items.0.value", "2023-02-30");
    int(&v, "problems.items.1.line", 4);
    text(&v, "problems.items.1.value", "投诉");
    assert!(
        at(&v, "problems.items.1.file")
            .as_str()
            .unwrap()
            .ends_with("bad.csv")
    );
    int(&v, "total.current", 1);
}

#[test]
fn missing_column_exits_1_naming_it() {
    let dir = temp_dir("missing");
    let f = write(&dir, "m.csv", "编号,类别\nA,x\n");
    let o = govtally(["complaints", p(&f), "--year", "2023"]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(e.contains("received_at") && e.contains("登记日期"), "{e}");
}

#[test]
fn missing_file_exits_1() {
    let dir = temp_dir("nofile");
    let o = govtally([
        "legality",
        p(&dir.join("no-such-file.csv")),
        "--year",
        "2023",
    ]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("no-such-file.csv"), "{}", stderr(&o));
    let o = govtally(["report", p(&dir.join("no-such-dir")), "--year", "2023"]);
    assert_eq!(code(&o), 1);
}

#[test]
fn usage_errors_exit_2() {
    let dir = temp_dir("usage");
    let f = write(&dir, "l.csv", LEGALITY);
    let f = p(&f);
    for args in [
        vec!["legality", f, "--bogus"],
        vec!["legality", f, "--year", "abc"],
        vec!["legality", f, "--year", "2023", "--encoding", "latin1"],
        vec!["legality", f, "--year", "2023", "--map", "编号"],
        vec!["legality", f, "--year", "2023", "--format", "xml"],
        vec!["legality", f, "--from", "2023-01-01"],
        vec![
            "legality",
            f,
            "--year",
            "2023",
            "--from",
            "2023-01-01",
            "--to",
            "2023-02-01",
        ],
        vec!["legality", f, "--from", "2023-03-01", "--to", "2023-02-01"],
        vec!["legality", f, "--year", "2023", "--rounding", "up"],
        vec!["nosuchdataset", f],
        vec!["legality"],
        vec![],
    ] {
        let o = govtally(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn thread_count_never_changes_the_output() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let run = |threads: &str| {
        let o = govtally([
            "report",
            p(&data),
            "--year",
            "2023",
            "--format",
            "json",
            "--threads",
            threads,
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
    };
    let one = run("1");
    assert_eq!(run("2"), one);
    assert_eq!(run("3"), one);
    assert_eq!(
        code(&govtally(["complaints", "x.csv", "--threads", "0"])),
        2
    );
}

// ───────────────────────────── safety ─────────────────────────────

/// A path that is not a readable file is a file error (exit 1) naming it,
/// never a panic or a hang.
#[test]
fn paths_that_are_not_readable_files_exit_1() {
    let dir = temp_dir("paths");
    let missing = dir.join("没有这个文件.csv");
    // /proc/self/mem opens but every read at offset 0 fails (EIO), even
    // for root: an I/O error in the middle of reading.
    let unreadable = Path::new("/proc/self/mem");
    for (path, reason) in [
        (dir.as_path(), "is a directory"),
        (missing.as_path(), "No such file or directory"),
        (unreadable, "Input/output error"),
    ] {
        let o = govtally(["complaints", p(path), "--year", "2023"]);
        let e = stderr(&o);
        assert_eq!(code(&o), 1, "{}: {e}", path.display());
        assert!(e.contains(p(path)) && e.contains(reason), "{e}");
        assert!(!e.contains("panicked"), "{e}");
        assert!(o.stdout.is_empty());
    }
}

/// A FIFO is read as a stream (`govtally complaints <(zcat …)` passes one).
#[cfg(unix)]
#[test]
fn a_fifo_is_read_as_a_stream() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("in.csv");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, COMPLAINTS_2023).unwrap())
    };
    let o = govtally(["complaints", p(&fifo), "--year", "2023", "--format", "json"]);
    writer.join().unwrap();
    let v = json(&o);
    // N1 and N2 in 2023; P3 (2022-12-31) in the previous period.
    int(&v, "total.current", 2);
    int(&v, "total.previous", 1);
    rows(&v, [3, 3, 0, 0, 0, 0]);
}

/// Output to a pipe whose reader is gone ends quietly: no panic message,
/// no error, exit 0 (the reader chose to stop).
#[test]
fn a_closed_pipe_ends_quietly() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    for format in ["text", "json"] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_govtally"))
            .args(["report", p(&data), "--year", "2023", "--format", format])
            .stdout(writer)
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(stderr(&o), "");
    }
}

/// The limits are options: a row past them is a bad row naming the limit.
#[test]
fn limits_are_options() {
    let dir = temp_dir("limits");
    // Field contents: the header's 63 bytes (4 × 12 + 15), line 2's 34
    // (1 + 12 + 10 + 10 + 1), line 3's 84 (51 + 12 + 10 + 10 + 1).
    let long_id = format!("B{}", "x".repeat(50));
    let f = write(
        &dir,
        "l.csv",
        format!(
            "审查编号,文件类型,收文日期,审结日期,审查意见数\n\
             A,行政合同,2023-03-01,2023-03-05,3\n\
             {long_id},行政合同,2023-03-01,2023-03-05,3\n"
        ),
    );
    let o = govtally([
        "legality",
        p(&f),
        "--year",
        "2023",
        "--max-record-bytes",
        "83",
    ]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(
        e.contains("l.csv:3") && e.contains("the row is longer than the record size limit"),
        "{e}"
    );
    let v = json(&govtally([
        "legality",
        p(&f),
        "--year",
        "2023",
        "--max-record-bytes",
        "84",
        "--format",
        "json",
    ]));
    rows(&v, [2, 2, 0, 0, 0, 0]);
    // A header of 5 columns past a limit of 4: a file error.
    let o = govtally(["legality", p(&f), "--year", "2023", "--max-columns", "4"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("more columns than the column limit"));
    // Problems kept in full: 0 lists none but counts them.
    let v = json(&govtally([
        "legality",
        p(&f),
        "--year",
        "2023",
        "--max-record-bytes",
        "83",
        "--skip-bad-rows",
        "--max-problems",
        "0",
        "--format",
        "json",
    ]));
    int(&v, "problems.total", 1);
    assert_eq!(at(&v, "problems.items").as_array().map(Vec::len), Some(0));
    for bad in ["--max-record-bytes", "--max-columns"] {
        let o = govtally(["legality", p(&f), "--year", "2023", bad, "0"]);
        assert_eq!(code(&o), 2, "{bad} 0: {}", stderr(&o));
    }
}

fn workbook_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workbooks")
        .join(name)
}

#[test]
fn workbooks_by_sheet_and_in_a_directory() {
    let xlsx = workbook_fixture("legality.xlsx");
    let o = govtally([
        "legality".as_ref(),
        xlsx.as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
        "--sheet".as_ref(),
        "2023年".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(json(&o)["rows"]["read"], 107);
    assert_eq!(json(&o)["reviews"]["total"], 100);
    // Without --sheet the notes sheet is left out, with a note.
    let o = govtally([
        "legality".as_ref(),
        xlsx.as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("[备注] not read: missing required column `review_id`"),
        "{}",
        stderr(&o)
    );
    let o = govtally([
        "legality".as_ref(),
        xlsx.as_os_str(),
        "--sheet".as_ref(),
        "2024年".as_ref(),
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("has no sheet named `2024年`; its sheets are: 2023年, 备注"),
        "{}",
        stderr(&o)
    );

    let dir = temp_dir("workbooks");
    std::fs::copy(&xlsx, dir.join("合法性审查.xlsx")).unwrap();
    std::fs::copy(workbook_fixture("complaints.xls"), dir.join("信访.xls")).unwrap();
    let o = govtally([
        "report".as_ref(),
        dir.as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["datasets"]["legality"]["reviews"]["total"], 100);
    assert_eq!(v["datasets"]["complaints"]["total"]["change_pct"], -33.16);
    let sheets: Vec<&str> = v["not_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sheet"].as_str().unwrap())
        .collect();
    assert_eq!(sheets, ["备注", "备注"]);
    let o = govtally([
        "report".as_ref(),
        dir.as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
    ]);
    assert!(stdout(&o).contains("【未读取的工作表】"), "{}", stdout(&o));
}

// ───────────────────────────── states ─────────────────────────────

const COMPLAINTS_HEADER: &str = "登记编号,登记日期,来源渠道,问题类别\n";

#[test]
fn save_resume_and_merge_from_the_command_line() {
    let dir = temp_dir("states");
    // January and February of one district; March of another, whose ids
    // repeat the first district's numbers.
    let jan = write(
        &dir,
        "1月.csv",
        format!("{COMPLAINTS_HEADER}A1,2023-01-05,来信,欠薪\nA2,2023-01-09,来访,社保\n"),
    );
    let feb = write(
        &dir,
        "2月.csv",
        format!("{COMPLAINTS_HEADER}A2,2023-02-01,来访,社保\nA3,2022-02-03,来信,欠薪\n"),
    );
    let other = write(
        &dir,
        "临平.csv",
        format!("{COMPLAINTS_HEADER}A1,2023-03-01,来信,欠薪\n"),
    );
    let s1 = dir.join("1月.state");
    let o = govtally([
        "complaints",
        p(&jan),
        "--year",
        "2023",
        "--format",
        "json",
        "--save-state",
        p(&s1),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    int(&json(&o), "total.current", 2);
    // Resumed without --year: the state's period is used.
    let s2 = dir.join("1-2月.state");
    let o = govtally([
        "complaints",
        p(&feb),
        "--resume",
        p(&s1),
        "--format",
        "json",
        "--save-state",
        p(&s2),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let resumed = json(&o);
    // A2 again (a duplicate), A3 a year earlier.
    int(&resumed, "total.current", 2);
    int(&resumed, "total.previous", 1);
    rows(&resumed, [4, 3, 0, 1, 0, 0]);
    text(&resumed, "files.0.file", p(&jan));
    int(&resumed, "files.1.rows.duplicates", 1);
    // The same as one run over both files.
    let o = govtally([
        "complaints",
        p(&jan),
        p(&feb),
        "--year",
        "2023",
        "--format",
        "json",
    ]);
    assert_eq!(json(&o), resumed);
    // Merged with another district: without prefixes A1 is a duplicate.
    let s3 = dir.join("临平.state");
    let o = govtally([
        "complaints",
        p(&other),
        "--year",
        "2023",
        "--save-state",
        p(&s3),
        "--id-prefix",
        "临平",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let merged_state = dir.join("杭州.state");
    let o = govtally([
        "merge",
        p(&s2),
        p(&s3),
        "--format",
        "json",
        "--save-state",
        p(&merged_state),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let merged = json(&o);
    // 临平's A1 is another id: 3 + 1 in 2023.
    int(&merged, "total.current", 3);
    rows(&merged, [5, 4, 0, 1, 0, 0]);
    assert_eq!(merged["files"].as_array().unwrap().len(), 3);
    // The merged state reads back to the same report.
    let o = govtally(["merge", p(&merged_state), "--format", "json"]);
    assert_eq!(json(&o), merged);
}

#[test]
fn the_command_line_refuses_a_state_twice_and_damaged_states() {
    let dir = temp_dir("bad-states");
    let jan = write(
        &dir,
        "1月.csv",
        format!("{COMPLAINTS_HEADER}A1,2023-01-05,来信,欠薪\n"),
    );
    let s1 = dir.join("1月.state");
    let o = govtally([
        "complaints",
        p(&jan),
        "--year",
        "2023",
        "--save-state",
        p(&s1),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The same state twice.
    let o = govtally(["merge", p(&s1), p(&s1)]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("holds the same bytes as"),
        "{}",
        stderr(&o)
    );
    // The same file again, renamed.
    let copy = write(&dir, "copy.csv", std::fs::read(&jan).unwrap());
    let o = govtally(["complaints", p(&copy), "--resume", p(&s1)]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains(&format!(
            "{}: holds the same bytes as {}",
            p(&copy),
            p(&jan)
        )),
        "{}",
        stderr(&o)
    );
    // A CSV given as a state, a truncated state, another ledger.
    let o = govtally(["merge", p(&jan)]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains(&format!("{}: is not a govtally state: it is text", p(&jan))),
        "{}",
        stderr(&o)
    );
    let bytes = std::fs::read(&s1).unwrap();
    let cut = write(&dir, "cut.state", &bytes[..bytes.len() - 3]);
    let o = govtally(["merge", p(&cut)]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("is truncated"), "{}", stderr(&o));
    let o = govtally(["legality", "--resume", p(&s1)]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("is a state of the complaints ledger; this tally is of legality"),
        "{}",
        stderr(&o)
    );
    // Another period given on the command line.
    let o = govtally(["complaints", "--resume", p(&s1), "--year", "2022"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("was tallied with period 2023-01-01 to 2023-12-31, this tally with 2022-01-01 to 2022-12-31"), "{}", stderr(&o));
    // A failed run leaves the state it was to replace as it was.
    let before = std::fs::read(&s1).unwrap();
    let bad = write(&dir, "bad.csv", "no,header\n1,2\n");
    let o = govtally(["complaints", p(&bad), "--save-state", p(&s1)]);
    assert_eq!(code(&o), 1);
    assert_eq!(std::fs::read(&s1).unwrap(), before);
}
