//! `inspections` — 双随机一公开抽查记录, one row per inspected object within
//! a task (spec 2.2).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::text::{key_label, label, line, name, pairs, pct, word};
use super::{
    Cells, DatasetSpec, PerVariant, Strings, Text, masked_groups, month_key, owned, vocab,
};
use crate::input::fields::split_list;
use crate::input::header::ColumnSpec;
use crate::options::{Period, Rounding};
use crate::state::kept;
use crate::stats::change::Decimal2;
use crate::stats::distinct::{IdKey, KeySet};

vocab! {
    /// What an inspection found (检查结果); `unrecorded` when empty.
    InspectionResult {
        /// 未发现问题
        NoIssue = "no_issue" ["未发现问题", "无问题", "正常", "合格"],
        /// 发现问题
        IssueFound = "issue_found" ["发现问题", "责令整改", "限期整改", "发现问题已整改"],
        /// 立案查处
        CaseFiled = "case_filed" ["立案查处", "立案"],
        /// 无法联系
        NotLocated = "not_located" ["无法联系", "查无下落", "未找到"],
        /// empty cell
        Unrecorded = "unrecorded" [],
    }
}

/// The inspections dataset.
pub struct Inspections;

const TASK_ID: usize = 0;
const INSPECT_DATE: usize = 2;
const JOINT: usize = 3;
const PARTNERS: usize = 4;
const OBJECT_ID: usize = 5;
const RESULT: usize = 7;

/// A validated inspection row.
pub struct Row<'r> {
    task: Text<'r>,
    date: NaiveDate,
    joint: bool,
    partners: Option<Text<'r>>,
    object: Text<'r>,
    result: InspectionResult,
}

/// A inspections row as a saved state keeps it.
#[derive(Serialize, Deserialize)]
pub struct Kept {
    task: u32,
    date: i32,
    joint: bool,
    partners: u32,
    object: u32,
    result: u8,
}

struct Task {
    /// The ordinal and date of the task's first in-period row.
    first_ordinal: u64,
    first: NaiveDate,
    joint: bool,
    partners: BTreeSet<String>,
}

/// Inspection figures being accumulated.
pub struct Acc {
    period: Period,
    tasks: HashMap<String, Task>,
    inspections: u64,
    objects: KeySet,
    results: PerVariant<InspectionResult, u64>,
}

impl DatasetSpec for Inspections {
    const NAME: &'static str = "inspections";
    const TITLE: &'static str = "双随机一公开抽查记录";
    const ABOUT: &'static str = "双随机一公开抽查记录: \"double random, one public\" inspections.";
    const COLUMNS: &'static [ColumnSpec] = &[
        ColumnSpec {
            key: "task_id",
            aliases: &["任务编号", "抽查任务编号"],
            required: true,
        },
        ColumnSpec {
            key: "task_name",
            aliases: &["任务名称", "抽查事项"],
            required: false,
        },
        ColumnSpec {
            key: "inspect_date",
            aliases: &["抽查日期", "检查日期"],
            required: true,
        },
        ColumnSpec {
            key: "joint",
            aliases: &["是否联合抽查", "联合抽查", "跨部门联合"],
            required: false,
        },
        ColumnSpec {
            key: "partners",
            aliases: &["联合部门", "配合部门"],
            required: false,
        },
        ColumnSpec {
            key: "object_id",
            aliases: &["统一社会信用代码", "信用代码", "对象代码"],
            required: true,
        },
        ColumnSpec {
            key: "object_name",
            aliases: &["检查对象", "对象名称", "单位名称"],
            required: false,
        },
        ColumnSpec {
            key: "result",
            aliases: &["检查结果", "抽查结果"],
            required: false,
        },
    ];
    type Row<'r> = Row<'r>;
    type Acc = Acc;
    type Figures = InspectionFigures;

    fn parse<'r>(c: &mut Cells<'r, '_>) -> Option<(IdKey, Row<'r>)> {
        let task = c.required_text(TASK_ID);
        let date = c.date(INSPECT_DATE, true);
        let joint = c.flag(JOINT).unwrap_or(false);
        let partners = c.text(PARTNERS);
        let object = c.required_text(OBJECT_ID);
        let result = c
            .vocab(RESULT, false)
            .unwrap_or(InspectionResult::Unrecorded);
        let (task, object) = (task?, object?);
        Some((
            IdKey::of_parts(&[&task, &object]),
            Row {
                task,
                date: date?.date,
                joint,
                partners,
                object,
                result,
            },
        ))
    }

    fn into_owned<'a, 'b>(row: Row<'a>) -> Row<'b> {
        Row {
            task: owned(row.task),
            date: row.date,
            joint: row.joint,
            partners: row.partners.map(owned),
            object: owned(row.object),
            result: row.result,
        }
    }

    type Kept = Kept;

    fn keep(row: &Row<'_>, strings: &mut Strings) -> Kept {
        Kept {
            task: strings.put(Some(&row.task)),
            date: kept::day(row.date),
            joint: row.joint,
            partners: strings.put(row.partners.as_deref()),
            object: strings.put(Some(&row.object)),
            result: kept::index(row.result),
        }
    }

    fn restore<'s>(k: &Kept, strings: &'s [String]) -> Option<Row<'s>> {
        Some(Row {
            task: kept::required_text(strings, k.task)?,
            date: kept::date(k.date)?,
            joint: k.joint,
            partners: kept::text(strings, k.partners)?,
            object: kept::required_text(strings, k.object)?,
            result: kept::vocab(k.result)?,
        })
    }

    fn date(row: &Row<'_>) -> NaiveDate {
        row.date
    }

    fn new_acc(period: Period) -> Acc {
        Acc {
            period,
            tasks: HashMap::new(),
            inspections: 0,
            objects: KeySet::default(),
            results: PerVariant::default(),
        }
    }

    fn add(acc: &mut Acc, row: &Row<'_>, ordinal: u64) -> bool {
        if !acc.period.contains(row.date) {
            return false;
        }
        let task = match acc.tasks.get_mut(row.task.as_ref()) {
            Some(t) => t,
            None => acc.tasks.entry(row.task.to_string()).or_insert(Task {
                first_ordinal: ordinal,
                first: row.date,
                joint: false,
                partners: BTreeSet::new(),
            }),
        };
        if ordinal < task.first_ordinal {
            task.first_ordinal = ordinal;
            task.first = row.date;
        }
        task.joint |= row.joint;
        if let Some(p) = &row.partners {
            for name in split_list(p) {
                if !task.partners.contains(name) {
                    task.partners.insert(name.to_string());
                }
            }
        }
        acc.inspections += 1;
        acc.objects.insert(IdKey::of(&row.object));
        *acc.results.get_mut(row.result) += 1;
        true
    }

    fn merge(acc: &mut Acc, other: Acc) {
        for (name, t) in other.tasks {
            match acc.tasks.get_mut(&name) {
                Some(mine) => {
                    if t.first_ordinal < mine.first_ordinal {
                        mine.first_ordinal = t.first_ordinal;
                        mine.first = t.first;
                    }
                    mine.joint |= t.joint;
                    mine.partners.extend(t.partners);
                }
                None => {
                    acc.tasks.insert(name, t);
                }
            }
        }
        acc.inspections += other.inspections;
        acc.objects.extend(other.objects);
        acc.results.merge(other.results, |a, b| *a += b);
    }

    fn figures(acc: Acc, rounding: Rounding) -> InspectionFigures {
        let mut by_month: BTreeMap<String, u64> = BTreeMap::new();
        let mut partners: BTreeMap<String, u64> = BTreeMap::new();
        let mut joint = 0;
        for t in acc.tasks.values() {
            *by_month.entry(month_key(t.first)).or_insert(0) += 1;
            joint += t.joint as u64;
            for p in &t.partners {
                *partners.entry(p.clone()).or_insert(0) += 1;
            }
        }
        let issues = *acc.results.get(InspectionResult::IssueFound)
            + *acc.results.get(InspectionResult::CaseFiled);
        InspectionFigures {
            tasks: Tasks {
                total: acc.tasks.len() as u64,
                joint,
                by_month,
            },
            objects: Objects {
                inspections: acc.inspections,
                distinct: acc.objects.len() as u64,
            },
            partners: masked_groups(partners, |a, b| *a += b),
            issue_rate_pct: Decimal2::percent(issues as i128, acc.inspections as i128, rounding),
            results: acc.results,
        }
    }

    const HEADLINES: &'static [&'static str] =
        &["tasks.total", "tasks.joint", "objects.inspections"];
    const GROUPINGS: &'static [&'static str] = &["tasks.by_month", "partners"];

    fn label(path: &[&str]) -> Option<Cow<'static, str>> {
        match path {
            ["tasks"] => word("“双随机、一公开”抽查"),
            ["tasks", "total"] => word("抽查任务（次）"),
            ["tasks", "joint"] => word("跨部门联合抽查（次）"),
            ["tasks", "by_month"] => word("按月抽查任务（次）"),
            ["tasks", "by_month", m] => name(m),
            ["objects"] => word("抽查对象"),
            ["objects", "inspections"] => word("抽查对象（个）"),
            ["objects", "distinct"] => word("去重后对象（家）"),
            ["partners"] => word("联合部门（任务数）"),
            ["partners", p] => name(p),
            ["results"] => word("检查结果（对象数）"),
            ["results", r] => key_label::<InspectionResult>(r),
            ["issue_rate_pct"] => word("问题发现率（%）"),
            _ => None,
        }
    }

    fn write_text(f: &InspectionFigures, out: &mut String) {
        line!(
            out,
            "“双随机、一公开”抽查：{} 次，其中跨部门联合抽查 {} 次",
            f.tasks.total,
            f.tasks.joint
        );
        line!(
            out,
            "抽查对象：{} 个（去重后 {} 家）",
            f.objects.inspections,
            f.objects.distinct
        );
        line!(out, "按月抽查任务：{}", pairs(&f.tasks.by_month));
        let results = f.results.iter().map(|(k, n)| (label(k), n));
        line!(out, "检查结果：{}", pairs(results));
        line!(out, "问题发现率：{}", pct(f.issue_rate_pct));
        line!(out, "联合部门（任务数）：");
        for (name, n) in &f.partners {
            line!(out, "  {name}：{n}");
        }
    }
}

/// The figures of an inspections report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectionFigures {
    /// Inspection tasks.
    pub tasks: Tasks,
    /// Objects inspected.
    pub objects: Objects,
    /// Tasks per partner department.
    pub partners: BTreeMap<String, u64>,
    /// Inspections by result; every result present.
    pub results: PerVariant<InspectionResult, u64>,
    /// (issue_found + case_filed) / inspections × 100; null with no
    /// inspections.
    pub issue_rate_pct: Option<Decimal2>,
}

/// `tasks.*`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tasks {
    /// Distinct tasks with a row in the period.
    pub total: u64,
    /// Tasks any of whose rows in the period says joint.
    pub joint: u64,
    /// Tasks by the month (`YYYY-MM`) of their first row in the period.
    pub by_month: BTreeMap<String, u64>,
}

/// `objects.*`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objects {
    /// Rows in the period after dropping repeated (task, object) pairs.
    pub inspections: u64,
    /// Distinct objects inspected.
    pub distinct: u64,
}
