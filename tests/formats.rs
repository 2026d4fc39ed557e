//! The report as a clerk hands it in: Chinese paragraphs (`--format
//! prose`), the CSV figure table (`--format csv`) and the workbook
//! (`--format xlsx`), each compared with the JSON report it comes from.
//!
//! Expected sentences are the seed report's, copied here verbatim (the
//! tests never read the spec folder); every other expected value is either
//! worked out by hand or read from the JSON report itself, through
//! `serde_json` rather than the renderers' own walk of it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use calamine::{Data, Reader, Xlsx};
use govtally::render::prose::{self, Template};
use govtally::render::{table, xlsx};
use govtally::report::lookup;
use govtally::{BadRowPolicy, Dataset, Options, Report, Tally, tally_files};
use serde_json::Value;

// ───────────────────────────── helpers ─────────────────────────────

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(name)
}

fn sample_files(dataset: Dataset) -> Vec<PathBuf> {
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

fn sample(dataset: Dataset) -> Report {
    tally_files(
        dataset,
        &sample_files(dataset),
        &Options::default().year(2023).unwrap(),
    )
    .unwrap()
}

/// Every sample report, in the registry's order (as `report DIR` has them).
fn samples() -> Vec<Report> {
    Dataset::ALL.into_iter().map(sample).collect()
}

fn tally(dataset: Dataset, csv: &str, options: &Options) -> Report {
    let mut t = Tally::new(dataset, options).unwrap();
    t.feed(csv.as_bytes()).unwrap();
    t.finish().unwrap()
}

/// A complaints export with `previous` items in 2022 and `current` in 2023.
fn complaints(previous: usize, current: usize) -> Report {
    let mut csv = String::from("编号,登记日期,来源渠道,问题类别,件类型\n");
    for i in 0..previous {
        csv.push_str(&format!(
            "P{i},2022-03-{:02},来信,欠薪,信访件\n",
            i % 28 + 1
        ));
    }
    for i in 0..current {
        csv.push_str(&format!(
            "C{i},2023-05-{:02},来访,社会保险,咨询件\n",
            i % 28 + 1
        ));
    }
    tally(
        Dataset::Complaints,
        &csv,
        &Options::default().year(2023).unwrap(),
    )
}

/// A fresh, empty folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "govtally-formats-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every leaf of a JSON value as (dotted path, value), read with serde_json.
fn json_leaves(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                json_leaves(x, &p, out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                json_leaves(x, &format!("{path}.{i}"), out);
            }
        }
        leaf => out.push((path.to_string(), leaf.clone())),
    }
}

/// The figures of a report, from its JSON: every leaf but the problems.
fn json_figures(r: &Report) -> BTreeMap<String, Value> {
    let mut leaves = Vec::new();
    json_leaves(&r.to_json_value(), "", &mut leaves);
    leaves
        .into_iter()
        .filter(|(p, _)| !p.starts_with("problems.") && !p.starts_with("files."))
        .collect()
}

/// A JSON leaf as the text a table writes for it: null as empty, and a
/// fractional number with its two decimals.
fn as_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_f64() => format!("{:.2}", n.as_f64().unwrap()),
        other => other.to_string(),
    }
}

// ───────────────────────────── prose ─────────────────────────────

/// Letters and digits only: the seed's ASCII punctuation and the prose's
/// full-width punctuation compare equal.
fn normalise(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The prose split into sentences (at 。), normalised.
fn sentences(prose: &str) -> Vec<String> {
    prose
        .split(['。', '\n'])
        .map(normalise)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The seed report's figure sentences, verbatim (its punctuation is
/// ASCII), in its order, each with the parts the built-in template leaves
/// out: a document's title and figures no ledger records (1 enhanced and
/// 2 standard digital courts, a 6-month shorter cycle, 15 stations, the
/// consultation, training and publicity counts, the SMS campaign).
const SEED: &[(&str, &[&str])] = &[
    (
        "今年我局重新梳理、制定行政合法性审查工作指引,细化分类,规范流程,共对97份行政合同、3份规范性文件进行合法性审查,提出合法性审查意见110条,有效提升行政合法性审查质量,推进行政合法性审查全覆盖。",
        &[],
    ),
    (
        "今年我局共制定出台《关于印发<余杭区大学生实训(社会实践)实施办法>的通知》等规范性文件2件,均按规定完成合法性审查并在网站上公布。",
        &["《关于印发<余杭区大学生实训(社会实践)实施办法>的通知》等"],
    ),
    (
        "今年,我局已对2023年6月1日前局制定的35件行政规范性文件进行了全面清理,其中继续有效的局行政规范性文件20件,废止、失效15件。",
        &[],
    ),
    (
        "开展“双随机、一公开”检查19次,联动市场监管、司法、住建等部门开展跨部门联合抽查17次,涉及抽查对象1027个。",
        &[],
    ),
    (
        "2023年,梳理并化解重大欠薪隐患案件14件,约谈重点欠薪项目27次,信用扣分72家次,下达行政处理决定92起,已处罚企业31家,违法讨薪人员行政处罚38起,移送公安案件4起。",
        &[],
    ),
    (
        "坚持把非诉讼纠纷解决机制挺在前面,设立全省首批符合“浙江省劳动人事争议数字仲裁庭建设标准”的1个增强型、2个标准型的数字仲裁庭与调解室,建成至今累计完成数字化案件庭审1771件。",
        &["1个增强型、2个标准型的"],
    ),
    (
        "推进“夜间庭审”“周末庭审”“24小时缺席速裁”机制,全年审结案件421件,12月单月“周末庭审”28件。",
        &[],
    ),
    (
        "劳动者维权周期平均缩短6个月以上,纠纷调解成功率达95%以上。",
        &["劳动者维权周期平均缩短6个月以上,"],
    ),
    (
        "今年全区累计建成15个镇街劳动保障驿站并投入使用,累计登记劳动争议2630件,调处劳动争议案件1594件,劳动法律咨询3706人次,就业咨询指导5037人次,开展用工合规培训14场、服务企业1200家次,组织在建工程项目普法宣传活动2场、服务项目122个。",
        &[
            "15个",
            ",劳动法律咨询3706人次,就业咨询指导5037人次,开展用工合规培训14场、服务企业1200家次,组织在建工程项目普法宣传活动2场、服务项目122个",
        ],
    ),
    (
        "2023年,我局新增行政复议案件2件,其中1件正在审理,1件已审结,另有1件于立案前调解成功;新增一审行政诉讼案件2件,其中1件正在审理,1件已审结,另有2件于立案前调解成功。",
        &[],
    ),
    ("内容以工伤认定、工龄认定、社会保险为主。", &[]),
    ("目前未发生败诉案件。", &[]),
    (
        "把人大代表建议和政协委员提案办理作为接受民主监督的重要工作,今年共承办人大代表建议15件(其中主办2件、协办13件)、人大闭会期间代表建议1件(主办),政协委员提案22件(其中主办2件、协办20件),均按时办结,代表、委员满意度100%。",
        &[],
    ),
    (
        "人力社保领域政策调整易引起社会较高关注,为回应企业、群众关切,我局主动作为,靠前服务,推出短信告知提醒服务以及智能语音外呼服务,相关政策调整前提前发送手机短信、机器人语音外呼进行告知,今年已累计发送短信近15万条、外呼电话10472个,内容涵盖养老金增资、建筑工地政策法规宣传、扩岗补贴等,为群众提供“全时全域”政策咨询,2023年全区人社领域信访咨询件总量同比下降33.16%。",
        &[
            "人力社保领域政策调整易引起社会较高关注,为回应企业、群众关切,我局主动作为,靠前服务,推出短信告知提醒服务以及智能语音外呼服务,相关政策调整前提前发送手机短信、机器人语音外呼进行告知,今年已累计发送短信近15万条、外呼电话10472个,内容涵盖养老金增资、建筑工地政策法规宣传、扩岗补贴等,为群众提供“全时全域”政策咨询,",
        ],
    ),
];

#[test]
fn prose_of_the_samples_is_the_seed_report_sentence_by_sentence() {
    let prose = prose::render(&samples()).unwrap();
    let want: Vec<String> = SEED
        .iter()
        .map(|(sentence, omitted)| {
            let mut s = sentence.to_string();
            for o in *omitted {
                assert!(s.contains(o), "{o} not in {s}");
                s = s.replacen(o, "", 1);
            }
            normalise(&s)
        })
        .collect();
    assert_eq!(sentences(&prose), want, "{prose}");
    // One paragraph per ledger, in the seed's order.
    let paragraphs: Vec<&str> = prose.trim_end().split("\n\n").collect();
    assert_eq!(paragraphs.len(), 8, "{prose}");
    let firsts = [
        "今年我局重新梳理",
        "今年我局共制定出台",
        "开展“双随机、一公开”检查19次",
        "2023年，梳理并化解",
        "坚持把非诉讼纠纷",
        "2023年，我局新增行政复议案件",
        "把人大代表建议",
        "2023年全区人社领域",
    ];
    for (p, f) in paragraphs.iter().zip(firsts) {
        assert!(p.starts_with(f), "{p}");
    }
    // The sentences' own punctuation is full-width.
    assert!(
        prose.contains("共对97份行政合同、3份规范性文件进行合法性审查，提出合法性审查意见110条")
    );
    assert!(prose.contains("纠纷调解成功率达95%以上。"));
}

#[test]
fn an_absent_ledger_leaves_its_paragraph_out() {
    let prose = prose::render(&[sample(Dataset::Legality), sample(Dataset::Complaints)]).unwrap();
    let paragraphs: Vec<&str> = prose.trim_end().split("\n\n").collect();
    assert_eq!(paragraphs.len(), 2, "{prose}");
    assert!(paragraphs[0].starts_with("今年我局重新梳理"));
    assert_eq!(
        paragraphs[1],
        "2023年全区人社领域信访咨询件总量同比下降33.16%。"
    );
    // No report at all: no paragraph.
    assert_eq!(prose::render(&[]).unwrap(), "");
}

#[test]
fn changes_read_as_a_person_writes_them() {
    let sentence = |r: Report| prose::render(&[r]).unwrap();
    // 250 → 263: +13 / 250 = +5.20%.
    assert_eq!(
        sentence(complaints(250, 263)),
        "2023年全区人社领域信访咨询件总量同比增长5.20%。\n"
    );
    // 9 → 6: −3 / 9 = −33.333…% → −33.33%.
    assert_eq!(
        sentence(complaints(9, 6)),
        "2023年全区人社领域信访咨询件总量同比下降33.33%。\n"
    );
    assert_eq!(
        sentence(complaints(7, 7)),
        "2023年全区人社领域信访咨询件总量与上年持平。\n"
    );
    // Nothing a year earlier: no percentage to give.
    assert_eq!(
        sentence(complaints(0, 3)),
        "2023年全区人社领域信访咨询件总量同比新增3件（上年同期为0）。\n"
    );
    assert_eq!(
        sentence(complaints(0, 0)),
        "2023年全区人社领域信访咨询件总量与上年持平。\n"
    );
}

#[test]
fn zero_counts_and_rates_read_as_written() {
    // Two suggestions, both led, both answered on time, one satisfied and
    // one dissatisfied: 50%; no proposal at all.
    let csv = "建议编号,类型,承办方式,交办日期,办理期限,答复日期,满意度\n\
               J1,人大代表建议,主办,2023-03-01,2023-05-01,2023-04-01,满意\n\
               J2,人大代表建议,主办,2023-03-02,2023-05-02,2023-04-02,不满意\n";
    let r = tally(
        Dataset::Proposals,
        csv,
        &Options::default().year(2023).unwrap(),
    );
    assert_eq!(
        prose::render(&[r]).unwrap(),
        "把人大代表建议和政协委员提案办理作为接受民主监督的重要工作，\
         今年共承办人大代表建议2件（主办），均按时办结，代表、委员满意度50%。\n"
    );
    // An inspection year without joint inspections names no partner.
    let csv = "任务编号,抽查日期,统一社会信用代码\nT1,2023-02-01,A\nT1,2023-02-01,B\n";
    let r = tally(
        Dataset::Inspections,
        csv,
        &Options::default().year(2023).unwrap(),
    );
    assert_eq!(
        prose::render(&[r]).unwrap(),
        "开展“双随机、一公开”检查1次，涉及抽查对象2个。\n"
    );
}

#[test]
fn a_period_that_is_not_a_calendar_year_is_named_by_its_dates() {
    let mut csv = String::from("编号,登记日期\n");
    for i in 0..4 {
        csv.push_str(&format!("P{i},2022-02-{:02}\n", i + 1));
    }
    csv.push_str("C1,2023-02-01\n");
    let o = Options {
        period: Some(govtally::Period::parse("2023-01-01", "2023-06-30").unwrap()),
        ..Options::default()
    };
    assert_eq!(
        prose::render(&[tally(Dataset::Complaints, &csv, &o)]).unwrap(),
        "2023年1月1日至2023年6月30日全区人社领域信访咨询件总量同比下降75.00%。\n"
    );
}

#[test]
fn a_user_template_with_a_condition_and_filters() {
    let tpl = Template::new(
        "mine.jinja",
        "{% if enforcement %}执法{{ enforcement.actions.total }}起。{% endif %}\n\
         {% if complaints and complaints.total.current > 0 %}\n\
         {{ period.year }}年信访件{{ complaints.total.current }}件，\n\
         {{ complaints.total | change }}。\n\
         {% endif %}\n\
         \n\
         {% if disputes is not none %}调解成功率{{ disputes.mediation.success_rate_pct | pct }}，\
         负责人出庭率{{ 100 | pct }}。{% endif %}\n",
    )
    .unwrap();
    let text = tpl
        .render(&[sample(Dataset::Complaints), sample(Dataset::Disputes)])
        .unwrap();
    assert_eq!(
        text,
        "2023年信访件1270件，同比下降33.16%。\n\n调解成功率95.26%，负责人出庭率100%。\n"
    );
    // The condition leaves out what is absent.
    let text = tpl.render(&[complaints(0, 0)]).unwrap();
    assert_eq!(text, "");
}

#[test]
fn template_errors_name_their_line_and_column() {
    let report = [sample(Dataset::Complaints)];
    // A path no report has.
    let e = Template::new("a.jinja", "第一行\n信访件{{ complaints.total.nope }}件\n")
        .unwrap()
        .render(&report)
        .unwrap_err();
    assert_eq!(
        (e.name.as_str(), e.line, e.column),
        ("a.jinja", 2, 7),
        "{e}"
    );
    assert!(e.message.contains("undefined"), "{e}");
    assert!(e.message.contains("complaints.total.nope"), "{e}");
    // A ledger absent from the report, named without a condition.
    let e = Template::new("b.jinja", "{{ legality.reviews.total }}")
        .unwrap()
        .render(&report)
        .unwrap_err();
    // Column 12: the lookup that fails, `.reviews` on a ledger that is none.
    assert_eq!((e.line, e.column), (1, 12), "{e}");
    // A misspelt condition is caught too, not taken as false.
    let e = Template::new("c.jinja", "x\n  {% if complaints.totl %}y{% endif %}")
        .unwrap()
        .render(&report)
        .unwrap_err();
    assert_eq!(e.line, 2, "{e}");
    assert_eq!(e.column, 9, "{e}");
    // A template that does not parse fails before any report is read.
    let e = Template::new("d.jinja", "一\n二{% if complaints %}三\n").unwrap_err();
    assert_eq!(e.name, "d.jinja");
    assert!(e.line >= 2, "{e}");
    assert!(e.message.contains("syntax"), "{e}");
    let e = Template::new("e.jinja", "一{{ complaints.total | change( }}").unwrap_err();
    assert_eq!((e.line, e.column), (1, 32), "{e}");
    // A filter given what it cannot phrase.
    let e = Template::new("f.jinja", "\n\n   {{ complaints.by_month | pct }}")
        .unwrap()
        .render(&report)
        .unwrap_err();
    // Column 29: the filter.
    assert_eq!((e.line, e.column), (3, 29), "{e}");
    assert!(
        e.message.contains("pct: expects a number, got an object"),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("template f.jinja, line 3, column 29: "),
        "{e}"
    );
}

#[test]
fn the_builtin_template_is_the_documented_example() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md"))
            .unwrap();
    assert!(
        doc.contains(prose::BUILTIN_TEMPLATE.trim_end()),
        "docs/templates.md must hold templates/report.zh.jinja as it is"
    );
}

#[test]
fn cli_prose_and_template_errors() {
    let o = govtally([
        "report",
        "examples/data",
        "--year",
        "2023",
        "--format",
        "prose",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let cli = String::from_utf8(o.stdout).unwrap();
    assert_eq!(cli, prose::render(&samples()).unwrap());
    // The C and Java tests' expected paragraphs (tests/c/test_prose.c,
    // examples/java) are the CLI's bytes.
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prose/sample_2023.txt");
    assert_eq!(
        std::fs::read_to_string(&fixture).unwrap(),
        cli,
        "{} is stale: regenerate it with `govtally report examples/data --year 2023 --format prose`",
        fixture.display()
    );
    // A ledger's own command.
    let files = sample_files(Dataset::Complaints);
    let o = govtally(
        [
            "complaints".as_ref(),
            files[0].as_os_str(),
            files[1].as_os_str(),
        ]
        .into_iter()
        .chain(["--year", "2023", "--format", "prose"].map(std::ffi::OsStr::new)),
    );
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "2023年全区人社领域信访咨询件总量同比下降33.16%。\n"
    );
    // A broken template fails before any data is read, naming its place.
    let dir = temp_dir("template");
    let tpl = dir.join("bad.jinja");
    std::fs::write(&tpl, "好\n{{ complaints.total.current }\n").unwrap();
    let o = govtally(
        [
            "report".as_ref(),
            "no-such-dir".as_ref(),
            "--year".as_ref(),
            "2023".as_ref(),
        ]
        .into_iter()
        .chain([
            "--format".as_ref(),
            "prose".as_ref(),
            "--template".as_ref(),
            tpl.as_os_str(),
        ]),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("bad.jinja, line 2, column"), "{e}");
    // --template belongs to prose.
    let o = govtally(
        [
            "report".as_ref(),
            "examples/data".as_ref(),
            "--year".as_ref(),
            "2023".as_ref(),
        ]
        .into_iter()
        .chain(["--template".as_ref(), tpl.as_os_str()]),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

// ───────────────────────────── the figure table ─────────────────────────────

/// A CSV file read back: RFC 4180 quoting, CRLF.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "a CR not before LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => panic!("a bare LF line end"),
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last line has no CRLF"
    );
    rows
}

#[test]
fn the_csv_table_reads_back_as_the_json() {
    let reports = samples();
    let csv = table::to_csv(&reports);
    let body = csv
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte-order mark");
    let rows = parse_csv(body);
    assert_eq!(rows[0], ["dataset", "path", "label", "value"]);
    let mut got: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for r in &rows[1..] {
        assert_eq!(r.len(), 4, "{r:?}");
        let prev = got.insert((r[0].clone(), r[1].clone()), (r[2].clone(), r[3].clone()));
        assert!(prev.is_none(), "{r:?} twice");
    }
    let mut want = 0;
    for r in &reports {
        for (path, v) in json_figures(r) {
            want += 1;
            let (label, value) = got
                .get(&(r.dataset.name().to_string(), path.clone()))
                .unwrap_or_else(|| panic!("{} {path} missing from the CSV", r.dataset));
            assert_eq!(value, &as_text(&v), "{} {path}", r.dataset);
            assert!(!label.is_empty(), "{path}");
            // The value also reads back through the report's own lookup.
            assert_eq!(r.figure(&path), Some(v));
        }
    }
    assert_eq!(rows.len() - 1, want, "rows besides the JSON's figures");
    // Figures worked out by hand in the fixture, spot-checked by label.
    let find = |d: &str, p: &str| got[&(d.to_string(), p.to_string())].clone();
    assert_eq!(
        find("complaints", "total.change_pct"),
        ("信访咨询件总量·同比（%）".to_string(), "-33.16".to_string())
    );
    assert_eq!(
        find("legality", "reviews.by_type.administrative_contract"),
        ("合法性审查件数·行政合同".to_string(), "97".to_string())
    );
    assert_eq!(
        find("disputes", "cycle_days.median"),
        ("办案周期（天）·中位数".to_string(), "17.00".to_string())
    );
    assert_eq!(
        find("enforcement", "by_type.penalty.amount"),
        (
            "按执法类型·行政处罚·金额（元）".to_string(),
            "756000.00".to_string()
        )
    );
    assert_eq!(
        find("normative", "cleanup.issued_before"),
        (
            "清理规范性文件·清理此日前制定的文件".to_string(),
            "2023-06-01".to_string()
        )
    );
    assert_eq!(
        find("complaints", "by_month.2023-01.previous_month").1,
        "191"
    );
}

/// Reports with nothing in them: every grouping empty, every rate null.
fn empty_reports() -> Vec<Report> {
    Dataset::ALL
        .into_iter()
        .map(|d| {
            let header: Vec<&str> = d
                .columns()
                .iter()
                .filter(|c| c.required)
                .map(|c| c.aliases[0])
                .collect();
            tally(
                d,
                &format!("{}\n", header.join(",")),
                &Options::default().year(2023).unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_figure_of_every_ledger_has_a_label() {
    for r in samples().iter().chain(&empty_reports()) {
        for f in table::figures(r) {
            for i in 1..=f.segments.len() {
                let prefix: Vec<&str> = f.segments[..i].iter().map(String::as_str).collect();
                assert!(
                    table::segment_label(r.dataset, &prefix).is_some(),
                    "{} {}: no word for `{}`",
                    r.dataset,
                    f.path,
                    prefix.join(".")
                );
            }
            assert!(!f.label.is_empty());
        }
        // The headlines are figures the report has.
        let heads = table::headlines(r);
        assert_eq!(heads.len(), r.dataset.headlines().len(), "{}", r.dataset);
    }
}

#[test]
fn the_builtin_template_fills_in_reports_with_nothing_in_them() {
    let prose = prose::render(&empty_reports()).unwrap();
    assert!(prose.contains("今年我局未受理合法性审查。"), "{prose}");
    assert!(
        prose.contains("2023年全区人社领域信访咨询件总量与上年持平。"),
        "{prose}"
    );
}

#[test]
fn cli_csv_is_the_library_table() {
    let o = govtally([
        "report",
        "examples/data",
        "--year",
        "2023",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        table::to_csv(&samples())
    );
}

// ───────────────────────────── the workbook ─────────────────────────────

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("calamine opens the workbook")
}

/// A sheet as rows of cells from A1 (calamine's range starts at the first
/// used cell).
fn grid(wb: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = wb.worksheet_range(sheet).unwrap();
    let Some((r1, c1)) = range.end() else {
        return Vec::new();
    };
    (0..=r1)
        .map(|r| {
            (0..=c1)
                .map(|c| range.get_value((r, c)).cloned().unwrap_or(Data::Empty))
                .collect()
        })
        .collect()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

fn blank(row: &[Data]) -> bool {
    row.iter().all(|c| *c == Data::Empty)
}

fn is_iso_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// A cell holds the JSON value: numbers as numbers (a percentage as the
/// number it stands for, −33.16 as −0.3316), dates as dates, null as an
/// empty cell. The fixture's decimal strings ("-33.16") are numbers.
fn assert_cell(cell: &Data, want: &Value, path: &str) {
    let last = path.rsplit('.').next().unwrap_or(path);
    let want = match want {
        Value::String(s) if !is_iso_date(s) && s.parse::<f64>().is_ok() => {
            Value::from(s.parse::<f64>().unwrap())
        }
        w => w.clone(),
    };
    match &want {
        Value::Null => assert_eq!(cell, &Data::Empty, "{path}"),
        Value::Bool(b) => assert_eq!(cell, &Data::Bool(*b), "{path}"),
        Value::Number(n) => {
            let x = match cell {
                Data::Float(f) => *f,
                Data::Int(i) => *i as f64,
                other => panic!("{path}: {other:?} is not a number"),
            };
            let w = n.as_f64().unwrap();
            if last.ends_with("_pct") {
                // The f64 nearest the percentage's fraction.
                let hundredths = (w * 100.0).round();
                assert_eq!(x, hundredths / 10_000.0, "{path}: {x} is not {w}%");
            } else {
                assert_eq!(x, w, "{path}");
            }
        }
        Value::String(s) if is_iso_date(s) => match cell {
            Data::DateTime(d) => {
                assert_eq!(d.as_datetime().unwrap().date().to_string(), *s, "{path}")
            }
            other => panic!("{path}: {other:?} is not a date"),
        },
        Value::String(s) => assert_eq!(cell, &Data::String(s.clone()), "{path}"),
        other => panic!("{path}: {other} is not a leaf"),
    }
}

/// The label of `rel` below the entry at `entry`: its segments' words.
fn words(d: Dataset, entry: &[&str], rel: &[&str]) -> String {
    let mut path: Vec<&str> = entry.to_vec();
    let mut out = Vec::new();
    for seg in rel {
        path.push(seg);
        let w = table::segment_label(d, &path).unwrap_or_else(|| panic!("{path:?}"));
        if !w.is_empty() {
            out.push(w.into_owned());
        }
    }
    out.join("·")
}

/// Reads a ledger's sheet back: the first table (label, value, path) and
/// each grouping table (an entry per row, its JSON path last, a figure per
/// column named by the header). Every value is compared with the JSON;
/// returns the paths of the figures found.
fn check_ledger_sheet(rows: &[Vec<Data>], r: &Report) -> BTreeSet<String> {
    let d = r.dataset;
    let json = r.to_json_value();
    let title = text(&rows[0][0]);
    assert!(title.starts_with(d.title()), "{title}");
    assert!(title.contains("2023-01-01 至 2023-12-31"), "{title}");
    assert_eq!(
        &rows[1][..3],
        [
            Data::from("项目"),
            Data::from("数值"),
            Data::from("JSON 路径")
        ]
    );
    let mut covered = BTreeSet::new();
    let mut i = 2;
    while i < rows.len() && !blank(&rows[i]) {
        let path = text(&rows[i][2]);
        let want = lookup(&json, &path).unwrap_or_else(|| panic!("{d} {path}"));
        assert_cell(&rows[i][1], want, &path);
        let segs: Vec<&str> = path.split('.').collect();
        assert_eq!(text(&rows[i][0]), table::figure_label(d, &segs), "{path}");
        assert!(covered.insert(path));
        i += 1;
    }
    while i < rows.len() {
        if blank(&rows[i]) {
            i += 1;
            continue;
        }
        let header: Vec<String> = rows[i].iter().map(text).collect();
        let path_col = header
            .iter()
            .position(|h| h == "JSON 路径")
            .expect("a path column");
        i += 1;
        while i < rows.len() && !blank(&rows[i]) {
            let row = &rows[i];
            let p = text(&row[path_col]);
            let entry: Vec<&str> = p.split('.').collect();
            let node = lookup(&json, &p).unwrap_or_else(|| panic!("{d} {p}"));
            let shown = table::segment_label(d, &entry).unwrap().into_owned();
            assert_eq!(text(&row[0]), shown, "{p}");
            let mut leaves = Vec::new();
            json_leaves(node, "", &mut leaves);
            let mut filled = 0;
            for (rel, v) in &leaves {
                let (col, full) = if rel.is_empty() {
                    (1, p.clone())
                } else {
                    let rel: Vec<&str> = rel.split('.').collect();
                    let label = words(d, &entry, &rel);
                    let col = header
                        .iter()
                        .position(|h| *h == label)
                        .unwrap_or_else(|| panic!("{d} {p}: no column {label}"));
                    (col, format!("{p}.{}", rel.join(".")))
                };
                assert_cell(&row[col], v, &full);
                if !v.is_null() {
                    filled += 1;
                }
                assert!(covered.insert(full.clone()), "{full} twice");
            }
            let cells = row[1..path_col]
                .iter()
                .filter(|c| **c != Data::Empty)
                .count();
            assert_eq!(cells, filled, "{p}: cells that are no figure");
            i += 1;
        }
    }
    covered
}

#[test]
fn the_workbook_reads_back_as_the_json() {
    let reports = samples();
    let bytes = xlsx::workbook(&reports).unwrap();
    let mut wb = open(&bytes);
    let mut names = vec!["总览"];
    names.extend(reports.iter().map(|r| r.dataset.title()));
    names.extend(["问题", "行数"]);
    assert_eq!(wb.sheet_names(), names);

    // 总览: the seed's figures, compared with the fixture worked out by hand.
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample_2023_expected.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let overview = grid(&mut wb, "总览");
    assert_eq!(
        overview[0],
        ["台账", "项目", "数值", "JSON 路径"].map(Data::from)
    );
    let mut seen = Vec::new();
    for row in &overview[1..] {
        let d = reports
            .iter()
            .find(|r| r.dataset.title() == text(&row[0]))
            .unwrap()
            .dataset;
        let path = text(&row[3]);
        let want = lookup(&fixture[d.name()], &path).unwrap_or_else(|| panic!("{d} {path}"));
        assert_cell(&row[2], want, &path);
        let segs: Vec<&str> = path.split('.').collect();
        assert_eq!(text(&row[1]), table::figure_label(d, &segs));
        seen.push(format!("{d}.{path}"));
    }
    // Every figure of the seed's table (spec section 1) is there.
    for want in [
        "legality.reviews.by_type.administrative_contract",
        "legality.reviews.by_type.normative_document",
        "legality.opinions.total",
        "normative.issued.total",
        "normative.cleanup.issued_before",
        "normative.cleanup.by_result.valid",
        "normative.cleanup.repealed_or_expired",
        "inspections.tasks.total",
        "inspections.tasks.joint",
        "inspections.objects.inspections",
        "enforcement.by_type.handling_decision.actions",
        "enforcement.by_type.penalty.by_kind.enterprise.targets",
        "enforcement.by_type.credit_deduction.actions",
        "enforcement.by_type.interview.actions",
        "enforcement.by_type.penalty.by_kind.person.actions",
        "enforcement.by_type.police_transfer.actions",
        "enforcement.by_type.risk_resolved.actions",
        "complaints.total.change_pct",
        "disputes.registered.by_venue_type.station",
        "disputes.closed.by_venue_type.station",
        "disputes.arbitration.concluded",
        "disputes.hearings.by_month.2023-12.weekend",
        "disputes.mediation.success_rate_pct",
        "disputes.hearings.digital_to_date",
        "reconsideration.by_type.reconsideration.new",
        "reconsideration.by_type.litigation_first.mediated_before_filing",
        "reconsideration.lost",
        "proposals.by_type.npc_suggestion.lead",
        "proposals.by_type.cppcc_proposal.assist",
        "proposals.replied.on_time_pct",
        "proposals.satisfaction.rate_pct",
    ] {
        assert!(seen.iter().any(|s| s == want), "总览 lacks {want}");
    }
    // The values a clerk reads there, by hand.
    let at = |path: &str| overview.iter().find(|r| text(&r[3]) == path).unwrap()[2].clone();
    assert_eq!(at("total.change_pct"), Data::Float(-0.3316));
    assert_eq!(at("mediation.success_rate_pct"), Data::Float(0.9526));
    assert_eq!(at("opinions.total"), Data::Float(110.0));

    // Each ledger's sheet holds every figure of its JSON once.
    for r in &reports {
        let rows = grid(&mut wb, r.dataset.title());
        let covered = check_ledger_sheet(&rows, r);
        let want: BTreeSet<String> = json_figures(r)
            .into_keys()
            .filter(|p| {
                !["schema_version", "dataset"].contains(&p.as_str())
                    && !p.starts_with("period.")
                    && !p.starts_with("rows.")
            })
            .collect();
        assert_eq!(covered, want, "{}", r.dataset);
    }

    // 行数: the row accounting of every file, then each ledger's total.
    let rows = grid(&mut wb, "行数");
    assert_eq!(
        rows[0],
        [
            "台账",
            "文件",
            "工作表",
            "读取",
            "计入",
            "期外",
            "重复",
            "空行",
            "拒收"
        ]
        .map(Data::from)
    );
    let keys = [
        "read",
        "counted",
        "out_of_period",
        "duplicates",
        "blank",
        "rejected",
    ];
    let mut at = 1;
    for r in &reports {
        let json = r.to_json_value();
        let files = json["files"].as_array().unwrap();
        for (i, file) in files.iter().enumerate() {
            let row = &rows[at + i];
            assert_eq!(text(&row[0]), r.dataset.title());
            assert_eq!(Value::String(text(&row[1])), file["file"]);
            for (j, k) in keys.iter().enumerate() {
                assert_cell(&row[j + 3], &file["rows"][k], k);
            }
        }
        let total = &rows[at + files.len()];
        assert_eq!(text(&total[1]), "合计");
        for (j, k) in keys.iter().enumerate() {
            assert_cell(&total[j + 3], &json["rows"][k], k);
            assert_cell(&total[j + 3], &fixture[r.dataset.name()]["rows"][k], k);
        }
        at += files.len() + 1;
    }
    // Complaints are two files (2022 and 2023) whose rows add up to its
    // total; every other sample is one file.
    let complaints = reports
        .iter()
        .find(|r| r.dataset == Dataset::Complaints)
        .unwrap();
    assert_eq!(complaints.files.len(), 2);
    assert_eq!(
        complaints.files.iter().map(|f| f.rows.read).sum::<u64>(),
        complaints.rows.read
    );
    assert_eq!(rows.len(), at);
    // No problem in the samples.
    assert_eq!(grid(&mut wb, "问题").len(), 1);
}

/// The XML of a zip member.
fn member(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name)
        .unwrap_or_else(|_| panic!("{name} missing"))
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// Every `Target` of a relationships part.
fn targets(rels: &str) -> Vec<String> {
    rels.split("Target=\"")
        .skip(1)
        .map(|t| t.split('"').next().unwrap().to_string())
        .collect()
}

fn a1(row: usize, col: usize) -> String {
    format!("${}${}", (b'A' + col as u8) as char, row + 1)
}

/// The chart on `sheet`: found through the sheet's drawing, its series
/// ranges equal to the table of `header` (`按月`) and the columns `series`.
fn check_chart(bytes: &[u8], names: &[String], sheet: &str, header: &str, series: &[&str]) {
    let n = names.iter().position(|s| s == sheet).unwrap() + 1;
    let drawing = targets(&member(
        bytes,
        &format!("xl/worksheets/_rels/sheet{n}.xml.rels"),
    ))
    .into_iter()
    .find(|t| t.contains("drawings/"))
    .unwrap_or_else(|| panic!("{sheet} has no drawing"));
    let drawing = drawing.rsplit('/').next().unwrap();
    let chart = targets(&member(bytes, &format!("xl/drawings/_rels/{drawing}.rels")))
        .into_iter()
        .find(|t| t.contains("charts/"))
        .unwrap_or_else(|| panic!("{sheet}'s drawing has no chart"));
    let xml = member(
        bytes,
        &format!("xl/charts/{}", chart.rsplit('/').next().unwrap()),
    );
    assert!(
        xml.contains("<c:barChart>") && xml.contains("<c:barDir val=\"col\"/>"),
        "{xml}"
    );
    let refs: Vec<String> = xml
        .split("<c:f>")
        .skip(1)
        .map(|f| f.split("</c:f>").next().unwrap().replace('\'', ""))
        .collect();
    // Where the table is, read with calamine.
    let rows = grid(&mut open(bytes), sheet);
    let h = rows.iter().position(|r| text(&r[0]) == header).unwrap();
    let last = (h + 1..rows.len())
        .take_while(|i| !blank(&rows[*i]))
        .last()
        .unwrap();
    let mut want = Vec::new();
    for s in series {
        let c = rows[h].iter().position(|x| text(x) == *s).unwrap();
        want.push(format!("{sheet}!{}", a1(h, c)));
        want.push(format!("{sheet}!{}:{}", a1(h + 1, 0), a1(last, 0)));
        want.push(format!("{sheet}!{}:{}", a1(h + 1, c), a1(last, c)));
    }
    assert_eq!(refs, want);
    // Twelve months.
    assert_eq!(last - h, 12);
}

#[test]
fn the_charts_plot_the_month_tables() {
    let bytes = xlsx::workbook(&samples()).unwrap();
    let names = open(&bytes).sheet_names();
    check_chart(
        &bytes,
        &names,
        "信访咨询件登记",
        "按月",
        &["本期", "上年同期"],
    );
    check_chart(
        &bytes,
        &names,
        "劳动人事争议案件台账",
        "庭审·按月",
        &["庭审（次）", "周末庭审（次）", "夜间庭审（次）"],
    );
}

#[test]
fn the_problems_sheet_is_the_problem_list_masked() {
    let csv = "编号,登记日期,来源渠道,问题类别,件类型\n\
               C1,2023-02-30,来信,欠薪,信访件\n\
               C2,2023-03-01,来信,欠薪,咨询13812345678\n\
               C3,2023-03-02,来访,社会保险,咨询件\n";
    let o = Options {
        on_bad_row: BadRowPolicy::Skip,
        ..Options::default().year(2023).unwrap()
    };
    let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
    t.begin_file("信访登记.csv").unwrap();
    t.feed(csv.as_bytes()).unwrap();
    let r = t.finish().unwrap();
    let bytes = xlsx::workbook(std::slice::from_ref(&r)).unwrap();
    let rows = grid(&mut open(&bytes), "问题");
    assert_eq!(
        rows[0],
        ["台账", "文件", "行", "列", "值", "原因"].map(Data::from)
    );
    let items = r.to_json_value()["problems"]["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 2);
    assert_eq!(rows.len(), 3);
    for (row, p) in rows[1..].iter().zip(&items) {
        assert_eq!(text(&row[0]), "信访咨询件登记");
        assert_cell(&row[1], &p["file"], "file");
        assert_cell(&row[2], &p["line"], "line");
        assert_cell(&row[3], &p["column"], "column");
        assert_cell(&row[4], &p["value"], "value");
        assert_cell(&row[5], &p["reason"], "reason");
    }
    assert_eq!(text(&rows[1][1]), "信访登记.csv");
    assert_eq!(rows[1][2], Data::Float(2.0));
    assert_eq!(text(&rows[2][4]), "咨询138****5678");
    // The number is nowhere in the workbook.
    assert!(!member(&bytes, "xl/sharedStrings.xml").contains("13812345678"));
    // More problems than listed: the sheet says how many are left out.
    let o = Options {
        limits: govtally::Limits {
            max_problems: 1,
            ..Default::default()
        },
        ..o
    };
    let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
    t.feed(csv.as_bytes()).unwrap();
    let bytes = xlsx::workbook(&[t.finish().unwrap()]).unwrap();
    let rows = grid(&mut open(&bytes), "问题");
    assert_eq!(rows.len(), 3);
    assert!(
        text(&rows[2][5]).starts_with("另有 1 个问题未列出"),
        "{:?}",
        rows[2]
    );
}

#[test]
fn a_workbook_of_reports_with_nothing_in_them_reads_back() {
    let reports = empty_reports();
    let bytes = xlsx::workbook(&reports).unwrap();
    let mut wb = open(&bytes);
    for r in &reports {
        let rows = grid(&mut wb, r.dataset.title());
        check_ledger_sheet(&rows, r);
    }
}

#[test]
fn cli_xlsx_needs_output_and_replaces_it_atomically() {
    // Never to standard output.
    let o = govtally([
        "report",
        "examples/data",
        "--year",
        "2023",
        "--format",
        "xlsx",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("--output"), "{}", stderr(&o));

    let dir = temp_dir("xlsx");
    let out = dir.join("报告.xlsx");
    std::fs::write(&out, b"the old workbook").unwrap();
    // A failed run leaves the old file as it was, and nothing beside it.
    let bad = dir.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("x.csv"),
        "审查编号,文件类型,收文日期\nH1,合同,2023-02-30\n",
    )
    .unwrap();
    let run = |input: &Path| {
        govtally(
            [
                "report".as_ref(),
                input.as_os_str(),
                "--year".as_ref(),
                "2023".as_ref(),
            ]
            .into_iter()
            .chain([
                "--format".as_ref(),
                "xlsx".as_ref(),
                "--output".as_ref(),
                out.as_os_str(),
            ]),
        )
    };
    let o = run(&bad);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), b"the old workbook");
    let o = run(Path::new("examples/data"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&out).unwrap();
    let mut wb = open(&bytes);
    assert_eq!(wb.sheet_names().len(), 11);
    let rows = grid(&mut wb, "信访咨询件登记");
    let complaints = sample(Dataset::Complaints);
    let figures = json_figures(&complaints)
        .into_keys()
        .filter(|p| p.starts_with("total.") || p.starts_with("by_") || p.starts_with("previous_"))
        .count();
    assert_eq!(check_ledger_sheet(&rows, &complaints).len(), figures);
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}"); // 报告.xlsx and bad/
    // A new file takes the usual permissions, not a temporary file's.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_ne!(mode & 0o044, 0, "{mode:o}");
    }
}

// ───────────────────────────── unusual exports ─────────────────────────────

/// A complaints export no one has seen: categories with commas, quotes, a
/// line break, a formula's `=`, a dot, digits, a 200-character name;
/// channels empty; months with nothing.
fn unusual() -> Report {
    let long = "很长的类别".repeat(40);
    let csv = format!(
        "编号,登记日期,来源渠道,问题类别,件类型\n\
         A1,2022-01-05,,\"欠薪,工资\",信访件\n\
         A2,2022-02-05,来信,\"说\"\"明\"\"\",咨询件\n\
         A3,2023-01-05,来信,\"两\n行\",咨询件\n\
         A4,2023-03-05,=1+1,=SUM(A1),咨询件\n\
         A5,2023-03-06,来访,a.b,\n\
         A6,2023-04-01,来访,12345,信访件\n\
         A7,2023-04-02,来访,{long},信访件\n\
         A8,2023-04-03,来访,{long},信访件\n"
    );
    tally(
        Dataset::Complaints,
        &csv,
        &Options::default().year(2023).unwrap(),
    )
}

#[test]
fn unusual_exports_in_every_format_agree_with_their_json() {
    let r = unusual();
    // CSV: every figure reads back, quoting and all.
    let csv = table::to_csv(std::slice::from_ref(&r));
    let rows = parse_csv(csv.strip_prefix('\u{feff}').unwrap());
    let figures = json_figures(&r);
    assert_eq!(rows.len() - 1, figures.len());
    for row in &rows[1..] {
        let want = &figures[&row[1]];
        assert_eq!(row[3], as_text(want), "{}", row[1]);
    }
    assert!(rows.iter().any(|r| r[1] == "by_category.两\n行.current"));
    assert!(rows.iter().any(|r| r[1] == "by_category.a.b.current"));
    // Prose: a rise from 2 to 6.
    assert_eq!(
        prose::render(std::slice::from_ref(&r)).unwrap(),
        "2023年全区人社领域信访咨询件总量同比增长200.00%。\n"
    );
    // The workbook opens and its groupings hold the JSON's values.
    let bytes = xlsx::workbook(std::slice::from_ref(&r)).unwrap();
    let mut wb = open(&bytes);
    let rows = grid(&mut wb, "信访咨询件登记");
    let json = r.to_json_value();
    let mut seen = 0;
    for row in &rows {
        let Some(Data::String(p)) = row.get(5) else {
            continue;
        };
        if let Some(v) = lookup(&json, p).filter(|v| v.is_object()) {
            assert_cell(&row[1], &v["current"], p);
            assert_cell(&row[2], &v["previous"], p);
            assert_cell(&row[4], &v["change_pct"], &format!("{p}.change_pct"));
            seen += 1;
        }
    }
    // 3 kinds, 7 categories, 4 channels (未填写, 来信, =1+1, 来访).
    assert_eq!(seen, 3 + 7 + 4);
}

/// The code block after `marker` in docs/templates.md.
fn doc_block(doc: &str, marker: &str, fence: &str) -> String {
    let at = doc
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in the docs"));
    let open = format!("```{fence}\n");
    let start = doc[at..].find(&open).unwrap() + at + open.len();
    let end = doc[start..].find("```").unwrap() + start;
    doc[start..end].to_string()
}

#[test]
fn the_documented_example_template_gives_the_documented_text() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md"))
            .unwrap();
    let source = doc_block(&doc, "## A template of your own", "jinja");
    let want = doc_block(&doc, "On `examples/data` it gives:", "text");
    let got = Template::new("example.jinja", &source)
        .unwrap()
        .render(&samples())
        .unwrap();
    assert_eq!(got, want);
}
