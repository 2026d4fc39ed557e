//! `govtally`: the command-line tool. Argument parsing and printing only;
//! every figure comes from the library.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgMatches, Args, FromArgMatches, ValueEnum};
use govtally::render::prose::{Template, TemplateError};
use govtally::{BadRowPolicy, Dataset, Encoding, Error, Options, Period, Report, Rounding};
use serde::Serialize;

/// What the command line asks for.
enum Cli {
    /// `govtally <ledger> FILE…`
    One(Dataset, DatasetArgs),
    /// `govtally report DIR`
    Report(ReportArgs),
}

/// The command line's grammar: one subcommand per ledger of the registry,
/// then `report`.
pub(crate) fn command() -> clap::Command {
    let mut cmd = clap::Command::new("govtally")
        .version(env!("CARGO_PKG_VERSION"))
        .about(
            "Figures for the annual rule-of-law government report (法治政府建设年度报告) \
             from ledger CSV exports.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true);
    for d in Dataset::ALL {
        cmd = cmd.subcommand(DatasetArgs::augment_args(
            clap::Command::new(d.name()).about(d.about()),
        ));
    }
    cmd.subcommand(ReportArgs::augment_args(
        clap::Command::new("report")
            .about("Every ledger export in DIR, each recognised by its header, in one report."),
    ))
}

fn parse_cli(m: &ArgMatches) -> Result<Cli, clap::Error> {
    let (name, sub) = m
        .subcommand()
        .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::MissingSubcommand))?;
    if name == "report" {
        return Ok(Cli::Report(ReportArgs::from_arg_matches(sub)?));
    }
    let dataset = name
        .parse::<Dataset>()
        .map_err(|_| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))?;
    Ok(Cli::One(dataset, DatasetArgs::from_arg_matches(sub)?))
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
    /// Output format: text (labelled figures), json (the documented
    /// schema), prose (the report's Chinese paragraphs), csv (every figure
    /// as dataset,path,label,value; UTF-8 with BOM, CRLF), xlsx (an Excel
    /// workbook; needs --output).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// With --format prose: a template to fill in instead of the built-in
    /// one (see docs/templates.md).
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Write the output to FILE instead of standard output; an existing
    /// FILE is replaced only once the whole output is written.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
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
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=govtally::MAX_THREADS as i64))]
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
    Prose,
    Csv,
    Xlsx,
}

/// A usage error (exit 2) or a data/file error (exit 1).
enum Failure {
    Usage(String),
    Data(Error),
    Template(TemplateError),
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
    let cli = match command().try_get_matches().and_then(|m| parse_cli(&m)) {
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
        Err(Failure::Template(e)) => {
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
    match cli {
        Cli::One(d, a) => one(d, a, out),
        Cli::Report(a) => report(a, out),
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
    let template = prepare(&a.common)?;
    let report = govtally::tally_files(dataset, &a.files, &o)?;
    let bytes = rendered(
        a.common.format,
        template.as_ref(),
        std::slice::from_ref(&report),
        || report.to_json_pretty(),
    )?;
    emit(&a.common, &bytes, out)
}

/// Checks the output options before any data is read, and reads and
/// parses the template `--format prose` fills in: a broken template fails
/// at once, naming its line and column.
fn prepare(c: &Common) -> Result<Option<Template>, Failure> {
    if c.format == Format::Xlsx && c.output.is_none() {
        // A workbook is binary: it never goes to a terminal or a pipe.
        return Err(Failure::Usage(
            "--format xlsx needs --output FILE.xlsx".into(),
        ));
    }
    let Some(path) = &c.template else {
        return Ok(None);
    };
    if c.format != Format::Prose {
        return Err(Failure::Usage(
            "--template applies to --format prose".into(),
        ));
    }
    let source = std::fs::read_to_string(path).map_err(|source| {
        Failure::Data(Error::Io {
            path: path.display().to_string(),
            source,
        })
    })?;
    let name = path.display().to_string();
    Template::new(&name, &source)
        .map(Some)
        .map_err(Failure::Template)
}

/// The output in `format`, rendered from finished reports alike for one
/// ledger and for `report DIR`; `json` is the JSON document, which differs.
fn rendered(
    format: Format,
    template: Option<&Template>,
    reports: &[Report],
    json: impl FnOnce() -> String,
) -> Result<Vec<u8>, Failure> {
    Ok(match format {
        Format::Json => format!("{}\n", json()).into_bytes(),
        Format::Text => {
            let mut text = String::new();
            govtally::render::text::write_reports(reports, &mut text);
            text.into_bytes()
        }
        Format::Prose => match template {
            Some(t) => t.render(reports),
            None => govtally::render::prose::render(reports),
        }
        .map_err(Failure::Template)?
        .into_bytes(),
        Format::Csv => govtally::render::table::to_csv(reports).into_bytes(),
        Format::Xlsx => govtally::render::xlsx::workbook(reports)
            .map_err(|e| Failure::Output(io::Error::other(e.to_string())))?,
    })
}

/// Writes the output to standard output, or to `--output`: beside the
/// target first, then renamed over it, so a failed run never leaves a
/// half-written file.
fn emit(c: &Common, bytes: &[u8], out: &mut impl Write) -> Result<(), Failure> {
    let Some(path) = &c.output else {
        out.write_all(bytes)?;
        return Ok(());
    };
    let io_err = |source| {
        Failure::Data(Error::Io {
            path: path.display().to_string(),
            source,
        })
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".govtally-").suffix(".tmp");
    // A temporary file is private (0600); the output is a new file like
    // any other, 0666 less the umask (which the open applies).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(io_err)?;
    // A replaced file keeps its permissions.
    if let Some(p) = existing {
        tmp.as_file().set_permissions(p).map_err(io_err)?;
    }
    tmp.write_all(bytes).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
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
    let template = prepare(&a.common)?;
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
    let bytes = rendered(a.common.format, template.as_ref(), &reports, || {
        let combined = Combined {
            schema_version: govtally::report::SCHEMA_VERSION,
            period,
            datasets: reports.iter().map(|r| (r.dataset.name(), r)).collect(),
        };
        serde_json::to_string_pretty(&combined).expect("reports serialise to JSON")
    })?;
    emit(&a.common, &bytes, out)
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
