//! `govtally`: the command-line tool. Argument parsing and printing only;
//! every figure comes from the library.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use govtally::datasets::Vocab;
use govtally::datasets::complaints::ComplaintFigures;
use govtally::datasets::inspections::InspectionFigures;
use govtally::datasets::legality::LegalityFigures;
use govtally::stats::change::{Change, Decimal2};
use govtally::{
    BadRowPolicy, Dataset, Encoding, Error, Figures, Options, Period, Report, Rounding,
};
use serde::Serialize;

/// Figures for the annual rule-of-law government report (法治政府建设年度报告)
/// from ledger CSV exports.
#[derive(Parser)]
#[command(name = "govtally", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 合法性审查台账: legality reviews of contracts and normative documents.
    Legality(DatasetArgs),
    /// 双随机一公开抽查记录: "double random, one public" inspections.
    Inspections(DatasetArgs),
    /// 信访咨询件登记: petitions and consultations, year on year.
    Complaints(DatasetArgs),
    /// Every CSV in DIR, each recognised by its header, in one report.
    Report(ReportArgs),
}

#[derive(Args)]
struct DatasetArgs {
    /// Ledger exports (several files of one dataset are tallied together).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct ReportArgs {
    /// A folder of ledger exports (*.csv, *.txt, *.tsv).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct Common {
    /// Reporting year (the calendar year).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    year: Option<i32>,
    /// First day of the period (with --to).
    #[arg(long, requires = "to", value_name = "DATE")]
    from: Option<String>,
    /// Last day of the period, inclusive (with --from).
    #[arg(long, requires = "from", value_name = "DATE")]
    to: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Input encoding: auto, utf-8, gb18030 (gbk), utf-16le, utf-16be.
    #[arg(long, default_value = "auto", value_name = "E")]
    encoding: String,
    /// Field delimiter: a single character, or `tab`, `comma`, `semicolon`.
    #[arg(long, value_name = "D")]
    delimiter: Option<String>,
    /// Leave rejected rows out of the figures and list them, instead of
    /// failing.
    #[arg(long)]
    skip_bad_rows: bool,
    /// Read the column headed HEADER as KEY (repeatable), e.g. 来件日期=received_at.
    #[arg(long = "map", value_name = "HEADER=KEY")]
    map: Vec<String>,
    /// Rounding of percentages and means: half_away_from_zero (四舍五入,
    /// default) or half_even (GB/T 8170).
    #[arg(long, default_value = "half_away_from_zero", value_name = "RULE")]
    rounding: String,
    /// Worker threads (default: every available core). Figures never depend
    /// on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Longest record: bytes of its fields' contents; a longer row is a
    /// bad row, a longer header a file error. Default 1048576 (1 MiB).
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    max_record_bytes: Option<u64>,
    /// Most columns in a header or row. Default 1024.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_columns: Option<u64>,
    /// Most bad rows listed in full (all are counted). Default 100.
    #[arg(long, value_name = "N")]
    max_problems: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// A usage error (exit 2) or a data/file error (exit 1).
enum Failure {
    Usage(String),
    Data(Error),
    Output(io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::InvalidOption(_) | Error::InvalidPeriod(_) => Failure::Usage(e.to_string()),
            e => Failure::Data(e),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Output(e)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("govtally: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Data(e)) => {
            eprintln!("govtally: {e}");
            ExitCode::from(1)
        }
        // A closed pipe (`govtally … | head -1`) is the reader's choice.
        Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(e)) => {
            eprintln!("govtally: writing output: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let out = &mut io::stdout().lock();
    match cli.command {
        Command::Legality(a) => one(Dataset::Legality, a, out),
        Command::Inspections(a) => one(Dataset::Inspections, a, out),
        Command::Complaints(a) => one(Dataset::Complaints, a, out),
        Command::Report(a) => report(a, out),
    }
}

fn options(c: &Common) -> Result<Options, Failure> {
    let mut o = Options::default();
    if let Some(y) = c.year {
        o.period = Some(Period::year(y)?);
    }
    if let (Some(f), Some(t)) = (&c.from, &c.to) {
        o.period = Some(Period::parse(f, t)?);
    }
    o.encoding = c.encoding.parse::<Encoding>()?;
    o.rounding = c.rounding.parse::<Rounding>()?;
    if let Some(d) = &c.delimiter {
        o.delimiter = Some(match d.as_str() {
            "tab" | "\\t" | "\t" | "TAB" => b'\t',
            "comma" => b',',
            "semicolon" => b';',
            "pipe" => b'|',
            s if s.len() == 1 && s != "\"" && s != "\n" && s != "\r" => s.as_bytes()[0],
            s => {
                return Err(Failure::Usage(format!(
                    "invalid --delimiter `{s}`: give one ASCII character, or tab"
                )));
            }
        });
    }
    o.threads = c.threads.map(|t| t as usize);
    // On a 32-bit target a larger value cannot be held anyway: saturate.
    let size = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    if let Some(v) = c.max_record_bytes {
        o.limits.max_record_bytes = size(v);
    }
    if let Some(v) = c.max_columns {
        o.limits.max_columns = size(v);
    }
    if let Some(v) = c.max_problems {
        o.limits.max_problems = size(v);
    }
    if c.skip_bad_rows {
        o.on_bad_row = BadRowPolicy::Skip;
    }
    for m in &c.map {
        let Some((h, k)) = m.rsplit_once('=') else {
            return Err(Failure::Usage(format!(
                "invalid --map `{m}`: expected HEADER=KEY"
            )));
        };
        o.aliases.push((h.to_string(), k.to_string()));
    }
    Ok(o)
}

fn one(dataset: Dataset, a: DatasetArgs, out: &mut impl Write) -> Result<(), Failure> {
    let o = options(&a.common)?;
    let report = govtally::tally_files(dataset, &a.files, &o)?;
    match a.common.format {
        Format::Json => writeln!(out, "{}", report.to_json_pretty())?,
        Format::Text => write_text(out, &report)?,
    }
    Ok(())
}

/// `govtally report DIR --format json`.
#[derive(Serialize)]
struct Combined<'a> {
    schema_version: u32,
    period: Period,
    datasets: BTreeMap<&'static str, &'a Report>,
}

fn report(a: ReportArgs, out: &mut impl Write) -> Result<(), Failure> {
    let o = options(&a.common)?;
    let Some(period) = o.period else {
        return Err(Failure::Usage("report needs --year or --from/--to".into()));
    };
    let files = csv_files(&a.dir)?;
    if files.is_empty() {
        return Err(Failure::Data(Error::Io {
            path: a.dir.display().to_string(),
            source: io::Error::other("holds no .csv, .txt or .tsv file"),
        }));
    }
    let mut by_dataset: BTreeMap<Dataset, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let d = govtally::detect_dataset(&f, &o)?;
        by_dataset.entry(d).or_default().push(f);
    }
    let mut reports = Vec::new();
    for (d, files) in by_dataset {
        let keys: Vec<&str> = d.columns().iter().map(|c| c.key).collect();
        let mut od = o.clone();
        od.aliases
            .retain(|(_, k)| keys.contains(&k.trim().to_ascii_lowercase().as_str()));
        reports.push(govtally::tally_files(d, &files, &od)?);
    }
    match a.common.format {
        Format::Json => {
            let combined = Combined {
                schema_version: govtally::report::SCHEMA_VERSION,
                period,
                datasets: reports.iter().map(|r| (r.dataset.name(), r)).collect(),
            };
            let text = serde_json::to_string_pretty(&combined).expect("reports serialise to JSON");
            writeln!(out, "{text}")?;
        }
        Format::Text => {
            for (i, r) in reports.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write_text(out, r)?;
            }
        }
    }
    Ok(())
}

fn csv_files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let io_err = |source| {
        Failure::Data(Error::Io {
            path: dir.display().to_string(),
            source,
        })
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let path = entry.map_err(io_err)?.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        if path.is_file() && matches!(ext.as_deref(), Some("csv" | "txt" | "tsv")) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn label<E: Vocab>(e: E) -> &'static str {
    e.words().first().copied().unwrap_or("未填写")
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "—".to_string(), |v| v.to_string())
}

fn pct(v: Option<Decimal2>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v}%"))
}

fn write_text(out: &mut impl Write, r: &Report) -> io::Result<()> {
    let p = r.period;
    writeln!(
        out,
        "【{}】{} 至 {}{}",
        r.dataset.title(),
        p.start,
        p.end,
        if p.inferred {
            "（未指定期间，取数据中最晚日期所在年度）"
        } else {
            ""
        }
    )?;
    let rows = r.rows;
    writeln!(
        out,
        "行数：读取 {}，计入 {}，期外 {}，重复 {}，空行 {}，拒收 {}",
        rows.read, rows.counted, rows.out_of_period, rows.duplicates, rows.blank, rows.rejected
    )?;
    match &r.figures {
        Figures::Legality(f) => legality_text(out, f)?,
        Figures::Inspections(f) => inspections_text(out, f)?,
        Figures::Complaints(f) => complaints_text(out, f)?,
    }
    if r.problems.total > 0 {
        writeln!(out, "拒收问题 {} 个：", r.problems.total)?;
        for pr in &r.problems.items {
            writeln!(out, "  {pr}")?;
        }
        let more = r.problems.total - r.problems.items.len() as u64;
        if more > 0 {
            writeln!(out, "  … 另有 {more} 个")?;
        }
    }
    Ok(())
}

fn legality_text(out: &mut impl Write, f: &LegalityFigures) -> io::Result<()> {
    writeln!(
        out,
        "合法性审查：{} 件（已审结 {}，未审结 {}）",
        f.reviews.total, f.reviews.completed, f.reviews.pending
    )?;
    for (t, n) in f.reviews.by_type.iter() {
        writeln!(
            out,
            "  {}：{} 件，审查意见 {} 条",
            label(t),
            n,
            f.opinions.by_type.get(t)
        )?;
    }
    writeln!(out, "审查意见：{} 条", f.opinions.total)?;
    let c: Vec<String> = f
        .conclusions
        .iter()
        .map(|(k, n)| format!("{} {}", label(k), n))
        .collect();
    writeln!(out, "审查结论：{}", c.join("，"))?;
    writeln!(out, "送审科室：")?;
    for (name, d) in &f.departments {
        writeln!(out, "  {name}：{} 件，意见 {} 条", d.reviews, d.opinions)?;
    }
    let d = &f.review_days;
    writeln!(
        out,
        "审查用时（天）：已审结 {} 件，平均 {}，中位数 {}，最长 {}",
        d.count,
        opt(d.mean),
        opt(d.median),
        opt(d.max)
    )
}

fn inspections_text(out: &mut impl Write, f: &InspectionFigures) -> io::Result<()> {
    writeln!(
        out,
        "“双随机、一公开”抽查：{} 次，其中跨部门联合抽查 {} 次",
        f.tasks.total, f.tasks.joint
    )?;
    writeln!(
        out,
        "抽查对象：{} 个（去重后 {} 家）",
        f.objects.inspections, f.objects.distinct
    )?;
    let m: Vec<String> = f
        .tasks
        .by_month
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    writeln!(out, "按月抽查任务：{}", m.join("，"))?;
    let res: Vec<String> = f
        .results
        .iter()
        .map(|(k, n)| format!("{} {}", label(k), n))
        .collect();
    writeln!(out, "检查结果：{}", res.join("，"))?;
    writeln!(out, "问题发现率：{}", pct(f.issue_rate_pct))?;
    writeln!(out, "联合部门（任务数）：")?;
    for (name, n) in &f.partners {
        writeln!(out, "  {name}：{n}")?;
    }
    Ok(())
}

fn change_text(c: &Change) -> String {
    format!(
        "{}（上年同期 {}，增减 {:+}，{}）",
        c.current,
        c.previous,
        c.change,
        pct(c.change_pct)
    )
}

fn complaints_text(out: &mut impl Write, f: &ComplaintFigures) -> io::Result<()> {
    writeln!(
        out,
        "上年同期：{} 至 {}",
        f.previous_period.start, f.previous_period.end
    )?;
    writeln!(out, "信访咨询件总量：{}", change_text(&f.total))?;
    writeln!(out, "按件类型：")?;
    for (k, c) in f.by_kind.iter() {
        writeln!(out, "  {}：{}", label(k), change_text(c))?;
    }
    writeln!(out, "按问题类别：")?;
    for (k, c) in &f.by_category {
        writeln!(out, "  {k}：{}", change_text(c))?;
    }
    writeln!(out, "按来源渠道：")?;
    for (k, c) in &f.by_channel {
        writeln!(out, "  {k}：{}", change_text(c))?;
    }
    writeln!(out, "按月（同比 / 环比）：")?;
    for (k, m) in &f.by_month {
        writeln!(
            out,
            "  {k}：{}，同比 {}，环比 {}",
            m.current,
            pct(m.change_pct),
            pct(m.mom_pct)
        )?;
    }
    Ok(())
}

/// The command line's clap definition, for the man pages:
/// `src/bin/govtally-mangen.rs` includes this file as a module and renders it.
#[allow(dead_code)] // used by govtally-mangen only
pub(crate) fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
