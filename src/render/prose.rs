//! The report's figure paragraphs in Chinese (`--format prose`): a
//! [minijinja] template filled in from finished reports.
//!
//! The built-in template ([`BUILTIN_TEMPLATE`], `templates/report.zh.jinja`
//! in the repository) follows the seed report's sentences; a user template
//! in the same syntax replaces it. `docs/templates.md` documents the
//! context, the filters and the errors.
//!
//! A template names figures by their JSON paths (`complaints.total.change_pct`)
//! and every lookup is strict: a path no report has, or a template that
//! does not parse, is a [`TemplateError`] naming the template's line and
//! column — never an empty hole in a sentence.
//!
//! The output is paragraphs: the template's lines are trimmed and the
//! non-empty lines of a run are joined without a separator (Chinese puts no
//! space between words, so a sentence may be written over several template
//! lines); blank lines separate paragraphs.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use minijinja::value::{Kwargs, Serde, ValueKind};
use minijinja::{Environment, Error as JinjaError, ErrorKind, UndefinedBehavior, Value};
use serde::Serialize;

use crate::registry::Dataset;
use crate::report::Report;

/// The built-in template: the seed report's sentences on legality review,
/// normative documents, inspections, enforcement, labour disputes,
/// reconsideration and litigation, suggestions and proposals, and the
/// petition volume, in the seed report's order.
pub const BUILTIN_TEMPLATE: &str = include_str!("../../templates/report.zh.jinja");

/// The built-in template's name in errors.
pub const BUILTIN_NAME: &str = "report.zh.jinja";

/// A template that does not parse or cannot be filled in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {name}, line {line}, column {column}: {message}")]
pub struct TemplateError {
    /// The template's name (its file name, for a user template).
    pub name: String,
    /// 1-based line of the failing part of the template.
    pub line: usize,
    /// 1-based column (in characters) of the failing part.
    pub column: usize,
    /// What is wrong, with the failing expression where there is one.
    pub message: String,
}

impl TemplateError {
    fn from_jinja(name: &str, source: &str, e: &JinjaError) -> TemplateError {
        let range = e.range().filter(|r| r.start <= source.len());
        let line = e
            .line()
            .or_else(|| range.as_ref().map(|r| line_of(source, r.start)))
            .unwrap_or(1);
        let column = range.as_ref().map_or(1, |r| column_of(source, r.start));
        let mut message = e.kind().to_string();
        if let Some(d) = e.detail() {
            message.push_str(": ");
            message.push_str(d);
        }
        if let Some(expr) = range
            .as_ref()
            .and_then(|r| source.get(r.clone()))
            .filter(|s| !s.is_empty())
        {
            message.push_str(&format!(" (in `{expr}`)"));
        }
        TemplateError {
            name: name.to_string(),
            line,
            column,
            message,
        }
    }
}

/// 1-based line of byte offset `at`.
fn line_of(source: &str, at: usize) -> usize {
    source.as_bytes()[..at]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// 1-based column, in characters, of byte offset `at`.
fn column_of(source: &str, at: usize) -> usize {
    let at = (0..=at)
        .rev()
        .find(|i| source.is_char_boundary(*i))
        .unwrap_or(0);
    let start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    source[start..at].chars().count() + 1
}

/// A parsed template, ready to fill in from reports.
///
/// ```
/// use govtally::{Dataset, Options, Tally};
/// use govtally::render::prose::Template;
///
/// let mut t = Tally::new(Dataset::Legality, &Options::default().year(2023)?)?;
/// t.feed("审查编号,文件类型,收文日期,审查意见数\nH1,合同,2023-05-04,2\nH2,合同,2023-06-04,1\n".as_bytes())?;
/// let report = t.finish()?;
/// let tpl = Template::new(
///     "mine.jinja",
///     "{% if legality %}{{ period.label }}审查行政合同\
///      {{ legality.reviews.by_type.administrative_contract }}份。{% endif %}",
/// )?;
/// assert_eq!(tpl.render(&[report])?, "2023年审查行政合同2份。\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Template {
    env: Environment<'static>,
    name: String,
    source: String,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Template {
    /// Parses `source`, named `name` in errors. A syntax error is a
    /// [`TemplateError`] with its line and column.
    pub fn new(name: &str, source: &str) -> Result<Template, TemplateError> {
        let mut env = environment();
        env.add_template_owned(name.to_string(), source.to_string())
            .map_err(|e| TemplateError::from_jinja(name, source, &e))?;
        Ok(Template {
            env,
            name: name.to_string(),
            source: source.to_string(),
        })
    }

    /// The built-in template.
    pub fn builtin() -> Template {
        Template::new(BUILTIN_NAME, BUILTIN_TEMPLATE).expect("the built-in template parses")
    }

    /// The paragraphs for `reports` (one report per ledger; for a ledger
    /// given twice, the last).
    pub fn render(&self, reports: &[Report]) -> Result<String, TemplateError> {
        self.render_refs(&reports.iter().collect::<Vec<_>>())
    }

    /// [`Template::render`] for reports held elsewhere (the C ABI's
    /// handles), without copying them.
    pub(crate) fn render_refs(&self, reports: &[&Report]) -> Result<String, TemplateError> {
        let err = |e: JinjaError| TemplateError::from_jinja(&self.name, &self.source, &e);
        let tpl = self.env.get_template(&self.name).map_err(err)?;
        let text = tpl.render(context(reports)).map_err(err)?;
        Ok(paragraphs(&text))
    }
}

/// The built-in template's paragraphs for `reports`.
///
/// ```
/// use govtally::{Dataset, Options, Tally};
///
/// let mut t = Tally::new(Dataset::Inspections, &Options::default().year(2023)?)?;
/// t.feed("任务编号,抽查日期,统一社会信用代码,是否联合抽查,联合部门\n\
///         T1,2023-03-01,91330110A,是,区市场监管局\n\
///         T1,2023-03-01,91330110B,是,区市场监管局\n\
///         T2,2023-04-01,91330110A,否,\n".as_bytes())?;
/// let prose = govtally::render::prose::render(&[t.finish()?])?;
/// assert_eq!(
///     prose,
///     "开展“双随机、一公开”检查2次，联动市场监管等部门开展跨部门联合抽查1次，涉及抽查对象3个。\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(reports: &[Report]) -> Result<String, TemplateError> {
    Template::builtin().render(reports)
}

/// The template context: `period`, and one entry per ledger — its report's
/// JSON, or none when the ledger is absent.
#[derive(Serialize)]
struct PeriodContext {
    start: NaiveDate,
    end: NaiveDate,
    inferred: bool,
    /// The period is one whole calendar year.
    calendar_year: bool,
    /// The start's year.
    year: i32,
    /// `2023年`, or `2023年3月1日至2023年8月31日`.
    label: String,
}

fn context(reports: &[&Report]) -> Value {
    let mut entries: BTreeMap<&str, Value> = Dataset::ALL
        .iter()
        .map(|d| (d.name(), Value::from(())))
        .collect();
    for r in reports {
        entries.insert(r.dataset.name(), Value::from(Serde(*r)));
    }
    let period = reports.first().map_or(Value::from(()), |r| {
        let (start, end) = (r.period.start, r.period.end);
        let calendar_year = start.month() == 1
            && start.day() == 1
            && end.month() == 12
            && end.day() == 31
            && start.year() == end.year();
        Value::from(Serde(PeriodContext {
            start,
            end,
            inferred: r.period.inferred,
            calendar_year,
            year: start.year(),
            label: if calendar_year {
                format!("{}年", start.year())
            } else {
                format!("{}至{}", cn_date(start), cn_date(end))
            },
        }))
    });
    entries.insert("period", period);
    Value::from(entries)
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // A path no report has is an error, never an empty hole; `if` on an
    // undefined value is one too, so a misspelt condition is caught.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Spans for the errors' columns.
    env.set_debug(true);
    // Prose, not HTML.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    // Block tags on lines of their own leave no blank line behind.
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters build"),
    );
    env.add_filter("change", change);
    env.add_filter("pct", pct);
    env.add_filter("floor_pct", floor_pct);
    env.add_filter("dec", dec);
    env.add_filter("date", date);
    env.add_filter("month", month);
    env.add_filter("ranked", ranked);
    env.add_filter("short_dept", short_dept);
    env
}

/// A value named in an error: what kind it is, not its whole text (a
/// grouping's is every entry).
fn shown(v: &Value) -> String {
    match v.kind() {
        ValueKind::Map => "an object".to_string(),
        ValueKind::Seq | ValueKind::Iterable => "a list".to_string(),
        ValueKind::String => {
            let s = v.as_str().unwrap_or_default();
            let mut t: String = s.chars().take(40).collect();
            if t.len() < s.len() {
                t.push('…');
            }
            format!("`{t}`")
        }
        ValueKind::Undefined => "an undefined value".to_string(),
        ValueKind::None => "none".to_string(),
        _ => v.to_string(),
    }
}

fn invalid(msg: impl Into<String>) -> JinjaError {
    JinjaError::new(ErrorKind::InvalidOperation, msg.into())
}

fn number(v: &Value, filter: &str) -> Result<f64, JinjaError> {
    match v.kind() {
        ValueKind::Number => f64::try_from(v.clone()).map_err(|_| invalid("not a number")),
        ValueKind::None => Err(invalid(format!(
            "{filter}: the figure is null (its denominator is 0); test it with `is none` first"
        ))),
        _ => Err(invalid(format!(
            "{filter}: expects a number, got {}",
            shown(v)
        ))),
    }
}

/// Two decimals of a figure that has at most two (percentages, means,
/// yuan are exact two-decimal values; the f64 nearest one prints back as
/// it).
fn two(x: f64) -> String {
    format!("{x:.2}")
}

/// `change`: 同比下降33.16% / 同比增长5.20% / 与上年持平, from a change
/// (`{current, previous, change, change_pct}`) or a percentage. A change
/// whose previous period is empty reads 同比新增N（上年同期为0）, `unit`
/// (kwarg) after N.
fn change(v: Value, kwargs: Kwargs) -> Result<String, JinjaError> {
    let unit: Option<String> = kwargs.get("unit")?;
    kwargs.assert_all_used()?;
    let unit = unit.unwrap_or_default();
    let direction = |sign: f64, pct: f64| {
        if sign < 0.0 {
            format!("同比下降{}%", two(pct.abs()))
        } else if sign > 0.0 {
            format!("同比增长{}%", two(pct.abs()))
        } else {
            "与上年持平".to_string()
        }
    };
    match v.kind() {
        ValueKind::Map => {
            let int = |k: &str| -> Result<i64, JinjaError> {
                v.get_attr(k)?
                    .as_i64()
                    .ok_or_else(|| invalid(format!("change: the change has no integer `{k}`")))
            };
            let (current, previous, delta) = (int("current")?, int("previous")?, int("change")?);
            if previous == 0 {
                return Ok(if current == 0 {
                    "与上年持平".to_string()
                } else {
                    format!("同比新增{current}{unit}（上年同期为0）")
                });
            }
            let pct = number(&v.get_attr("change_pct")?, "change")?;
            Ok(direction(delta as f64, pct))
        }
        ValueKind::Number => {
            let pct = number(&v, "change")?;
            Ok(direction(pct, pct))
        }
        ValueKind::None => Ok("上年同期为0，无可比数据".to_string()),
        _ => Err(invalid(format!(
            "change: expects a change ({{current, previous, change, change_pct}}) or a percentage, got {}",
            shown(&v)
        ))),
    }
}

/// `pct`: a rate as a person writes it: 100%, 0%, 95.26%.
fn pct(v: Value) -> Result<String, JinjaError> {
    let s = two(number(&v, "pct")?);
    Ok(format!("{}%", s.strip_suffix(".00").unwrap_or(&s)))
}

/// `floor_pct`: the whole percent at or below a rate: 95.26 → 95% (the
/// seed's 调解成功率达95%以上).
fn floor_pct(v: Value) -> Result<String, JinjaError> {
    Ok(format!("{}%", number(&v, "floor_pct")?.floor()))
}

/// `dec`: two decimals (yuan, means): 756000 → 756000.00.
fn dec(v: Value) -> Result<String, JinjaError> {
    Ok(two(number(&v, "dec")?))
}

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `date`: an ISO date as 2023年6月1日.
fn date(v: Value) -> Result<String, JinjaError> {
    let s = v
        .as_str()
        .ok_or_else(|| invalid(format!("date: expects an ISO date, got {}", shown(&v))))?;
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| invalid(format!("date: `{s}` is not an ISO date")))?;
    Ok(cn_date(d))
}

/// `month`: a month key (`2023-12`) or date as 12月.
fn month(v: Value) -> Result<String, JinjaError> {
    let s = v
        .as_str()
        .ok_or_else(|| invalid(format!("month: expects `YYYY-MM`, got {}", shown(&v))))?;
    let m = s
        .split('-')
        .nth(1)
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|m| (1..=12).contains(m))
        .ok_or_else(|| invalid(format!("month: `{s}` is not `YYYY-MM`")))?;
    Ok(format!("{m}月"))
}

/// `ranked`: a grouping's keys, largest value first (ties in the
/// grouping's order), leaving out zeros and the empty cell's group
/// (未填写 / unrecorded). `attr` ranks entries by one of their figures
/// (`hearings.by_month | ranked("weekend")`); a change (complaints) ranks
/// by its `current` unless told otherwise.
fn ranked(v: Value, attr: Option<String>) -> Result<Vec<String>, JinjaError> {
    if v.kind() != ValueKind::Map {
        return Err(invalid(format!(
            "ranked: expects a grouping, got {}",
            shown(&v)
        )));
    }
    let mut items = Vec::new();
    for key in v.try_iter()? {
        let mut value = v.get_item(&key)?;
        // A change ranks by its current count unless told otherwise.
        let by = attr.as_deref().or_else(|| {
            (value.kind() == ValueKind::Map && !value.get_attr("current").ok()?.is_undefined())
                .then_some("current")
        });
        if let Some(a) = by {
            value = value.get_attr(a)?;
            if value.is_undefined() {
                return Err(invalid(format!("ranked: `{key}` has no figure `{a}`")));
            }
        } else if value.kind() == ValueKind::Map {
            return Err(invalid(format!(
                "ranked: `{key}` holds several figures: name the one to rank by, ranked(\"…\")"
            )));
        }
        let n = number(&value, "ranked")?;
        let key = key.to_string();
        if n > 0.0 && key != crate::datasets::NOT_FILLED && key != "unrecorded" {
            items.push((key, n));
        }
    }
    // A stable sort keeps ties in the grouping's order.
    items.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(items.into_iter().map(|(k, _)| k).collect())
}

/// `short_dept`: a department's name as a list of partners names it:
/// 区市场监管局 → 市场监管, 区公安分局 → 公安.
fn short_dept(v: Value) -> Result<String, JinjaError> {
    let s = v
        .as_str()
        .ok_or_else(|| invalid(format!("short_dept: expects a name, got {}", shown(&v))))?;
    let mut t = s.trim();
    for p in ["区", "市", "县"] {
        if let Some(r) = t.strip_prefix(p).filter(|r| r.chars().count() >= 2) {
            t = r;
            break;
        }
    }
    for suffix in ["分局", "委员会", "办公室", "局", "委", "办"] {
        if let Some(r) = t.strip_suffix(suffix).filter(|r| r.chars().count() >= 2) {
            t = r;
            break;
        }
    }
    Ok(t.to_string())
}

/// The rendered template as paragraphs: lines trimmed, each run of
/// non-empty lines joined without a separator, runs separated by a blank
/// line; the text ends with a line break (empty when nothing was written).
fn paragraphs(text: &str) -> String {
    let mut out = String::new();
    let mut open = false;
    for line in text.lines() {
        let line = line.trim_matches(|c: char| c.is_whitespace());
        if line.is_empty() {
            if open {
                out.push('\n');
                open = false;
            }
            continue;
        }
        if !open && !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
        open = true;
    }
    if open {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_join_into_paragraphs() {
        assert_eq!(paragraphs("  甲\n乙 \n\n\n丙\n"), "甲乙\n\n丙\n");
        assert_eq!(paragraphs("\n \n"), "");
        assert_eq!(paragraphs("甲"), "甲\n");
    }

    #[test]
    fn columns_count_characters() {
        let s = "一二\n三四{{ x }}";
        let at = s.find("{{").unwrap();
        assert_eq!((line_of(s, at), column_of(s, at)), (2, 3));
    }

    #[test]
    fn phrasing_filters() {
        assert_eq!(pct(Value::from(100.0)).unwrap(), "100%");
        assert_eq!(pct(Value::from(95.26)).unwrap(), "95.26%");
        assert_eq!(pct(Value::from(14.7)).unwrap(), "14.70%");
        assert_eq!(pct(Value::from(0)).unwrap(), "0%");
        assert!(pct(Value::from(())).is_err());
        assert_eq!(floor_pct(Value::from(95.26)).unwrap(), "95%");
        assert_eq!(dec(Value::from(756000.0)).unwrap(), "756000.00");
        assert_eq!(date(Value::from("2023-06-01")).unwrap(), "2023年6月1日");
        assert_eq!(month(Value::from("2023-12")).unwrap(), "12月");
        assert_eq!(short_dept(Value::from("区市场监管局")).unwrap(), "市场监管");
        assert_eq!(short_dept(Value::from("区公安分局")).unwrap(), "公安");
        assert_eq!(short_dept(Value::from("区司法局")).unwrap(), "司法");
        assert_eq!(short_dept(Value::from("税务")).unwrap(), "税务");
    }
}
