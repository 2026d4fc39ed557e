//! `govtally`: the command-line tool. Argument parsing and printing only;
//! every figure comes from the library.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgMatches, Args, FromArgMatches, ValueEnum};
use govtally::render::prose::{Template, TemplateError};
use govtally::{
    BadRowPolicy, Dataset, Encoding, Error, Options, Period, Report, Rounding, SheetNotRead, Tally,
};
use serde::Serialize;

/// What the command line asks for.
enum Cli {
    /// `govtally <ledger> FILE…`
    One(Dataset, DatasetArgs),
    /// `govtally report DIR`
    Report(ReportArgs),
    /// `govtally merge STATE…`
    Merge(MergeArgs),
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
    .subcommand(MergeArgs::augment_args(clap::Command::new("merge").about(
        "Merges saved states (--save-state) into one report, as one run over their \
         inputs in the order given (docs/state.md).",
    )))
}

fn parse_cli(m: &ArgMatches) -> Result<Cli, clap::Error> {
    let (name, sub) = m
        .subcommand()
        .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::MissingSubcommand))?;
    if name == "report" {
        return Ok(Cli::Report(ReportArgs::from_arg_matches(sub)?));
    }
    if name == "merge" {
        return Ok(Cli::Merge(MergeArgs::from_arg_matches(sub)?));
    }
    let dataset = name
        .parse::<Dataset>()
        .map_err(|_| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))?;
    Ok(Cli::One(dataset, DatasetArgs::from_arg_matches(sub)?))
}

#[derive(Args)]
struct DatasetArgs {
    /// Ledger exports (several files of one dataset are tallied together):
    /// CSV, or workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods).
    #[arg(required_unless_present = "resume", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The sheet of each workbook to read (default: every sheet whose
    /// header is one of this ledger).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Resume the tally saved in STATE (by --save-state): the files are
    /// read after its inputs, as in one run. Its period, rounding and
    /// aliases are used unless given here (then they must agree).
    #[arg(long, value_name = "STATE")]
    resume: Option<PathBuf>,
    /// Also save the tally as a state in STATE, to resume or merge later;
    /// an existing STATE is replaced only once the whole state is written.
    #[arg(long, value_name = "STATE")]
    save_state: Option<PathBuf>,
    /// Prefix every id of these files with P (`余杭`): for ledgers whose ids
    /// are unique only within a district, so that a roll-up of several
    /// districts' states keeps them apart.
    #[arg(long, value_name = "P")]
    id_prefix: Option<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct MergeArgs {
    /// States written by --save-state, of one ledger, merged in this order:
    /// an id in two of them counts once, with the earlier state's row.
    #[arg(required = true, value_name = "STATE")]
    states: Vec<PathBuf>,
    /// Also save the merged tally as a state in OUT (replaced atomically).
    #[arg(long, value_name = "OUT")]
    save_state: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct ReportArgs {
    /// A folder of ledger exports (*.csv, *.txt, *.tsv; workbooks *.xlsx,
    /// *.xlsm, *.xlsb, *.xls, *.ods, each sheet recognised by its header).
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
    #[arg(long, value_name = "RULE")]
    rounding: Option<String>,
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
    /// Largest workbook file. Default 268435456 (256 MiB).
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    max_workbook_bytes: Option<u64>,
    /// Largest uncompressed part of a zip workbook (a sheet; parts read
    /// whole, such as shared strings, a sixteenth of it). Default 536870912
    /// (512 MiB).
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    max_sheet_bytes: Option<u64>,
    /// Most cells of a sheet read whole (.xls, .ods). Default 4000000.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_sheet_cells: Option<u64>,
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
    // calamine can panic on a malformed workbook; the library catches it
    // and reports the workbook as malformed, so its panic message is not
    // printed on top of that.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info
            .location()
            .is_some_and(|l| l.file().contains("/calamine-"))
        {
            default_hook(info)
        }
    }));
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
        Cli::Merge(a) => merge(a, out),
    }
}

/// Reads a state file.
fn read_state(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|source| {
        Failure::Data(Error::Io {
            path: path.display().to_string(),
            source,
        })
    })
}

/// `o` with the state's period, rounding and aliases where the command line
/// gave none (where it did, resuming checks that they agree).
fn with_state_settings(
    c: &Common,
    o: Options,
    state: &[u8],
    path: &Path,
) -> Result<Options, Failure> {
    let info = govtally::state::info(state).map_err(|error| {
        Failure::Data(Error::State {
            state: path.display().to_string(),
            error,
        })
    })?;
    let adopted = info.options(&o);
    Ok(Options {
        period: if c.year.is_none() && c.from.is_none() {
            adopted.period
        } else {
            o.period
        },
        rounding: if c.rounding.is_none() {
            adopted.rounding
        } else {
            o.rounding
        },
        aliases: if c.map.is_empty() {
            adopted.aliases
        } else {
            o.aliases.clone()
        },
        on_bad_row: if c.skip_bad_rows {
            o.on_bad_row
        } else {
            adopted.on_bad_row
        },
        ..o
    })
}

/// `govtally merge STATE…`
fn merge(a: MergeArgs, out: &mut impl Write) -> Result<(), Failure> {
    let template = prepare(&a.common)?;
    let first = read_state(&a.states[0])?;
    let mut o = options(&a.common)?;
    o.keep_state = a.save_state.is_some();
    let o = with_state_settings(&a.common, o, &first, &a.states[0])?;
    let mut t = Tally::resume(&a.states[0].display().to_string(), &first, &o)?;
    drop(first);
    for path in &a.states[1..] {
        let state = read_state(path)?;
        t.merge_state(&path.display().to_string(), &state)?;
    }
    finish_one(
        t,
        &a.common,
        a.save_state.as_deref(),
        template.as_ref(),
        out,
    )
}

/// Saves the state if asked, finishes the tally and writes its report.
fn finish_one(
    mut t: Tally,
    c: &Common,
    save_state: Option<&Path>,
    template: Option<&Template>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    for s in t.sheets_not_read() {
        eprintln!(
            "govtally: note: {} [{}] not read: {}",
            s.file, s.sheet, s.reason
        );
    }
    if let Some(path) = save_state {
        let state = t.save_state()?;
        write_atomically(path, &state)?;
    }
    let report = t.finish()?;
    let bytes = rendered(c.format, template, std::slice::from_ref(&report), || {
        report.to_json_pretty()
    })?;
    emit(c, &bytes, out)
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
    if let Some(r) = &c.rounding {
        o.rounding = r.parse::<Rounding>()?;
    }
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
    if let Some(v) = c.max_workbook_bytes {
        o.limits.max_workbook_bytes = v;
    }
    if let Some(v) = c.max_sheet_bytes {
        o.limits.max_sheet_bytes = v;
    }
    if let Some(v) = c.max_sheet_cells {
        o.limits.max_sheet_cells = v;
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
    let mut o = options(&a.common)?;
    o.id_prefix = a.id_prefix.clone();
    o.keep_state = a.save_state.is_some();
    let template = prepare(&a.common)?;
    let mut t = match &a.resume {
        None => Tally::new(dataset, &o)?,
        Some(path) => {
            let state = read_state(path)?;
            let o = with_state_settings(&a.common, o, &state, path)?;
            let t = Tally::resume(&path.display().to_string(), &state, &o)?;
            if t.dataset() != dataset {
                return Err(Failure::Data(Error::State {
                    state: path.display().to_string(),
                    error: govtally::state::StateError::Dataset {
                        state: t.dataset().name().to_string(),
                        tally: dataset.name().to_string(),
                    },
                }));
            }
            t
        }
    };
    for f in &a.files {
        match &a.sheet {
            Some(sheet) if is_workbook(f) => t.feed_workbook_file(f, Some(sheet))?,
            _ => t.feed_file(f)?,
        }
    }
    finish_one(
        t,
        &a.common,
        a.save_state.as_deref(),
        template.as_ref(),
        out,
    )
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
    match &c.output {
        None => {
            out.write_all(bytes)?;
            Ok(())
        }
        Some(path) => write_atomically(path, bytes),
    }
}

/// Writes `bytes` beside `path`, then renames them over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
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
    /// Workbook sheets whose header is no ledger's.
    not_read: &'a [SheetNotRead],
}

/// One input of `report DIR`: a CSV file, or one sheet of a workbook.
enum Input {
    Csv(PathBuf),
    Sheet(PathBuf, String),
}

/// Whether a file's first bytes are a workbook's.
fn is_workbook(path: &Path) -> bool {
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path)
        .and_then(|mut f| {
            use std::io::Read;
            let mut n = 0;
            while n < head.len() {
                match f.read(&mut head[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            Ok(n)
        })
        .unwrap_or(0);
    govtally::input::workbook::is_workbook_bytes(&head[..n])
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
            source: io::Error::other(
                "holds no .csv, .txt, .tsv, .xlsx, .xlsm, .xlsb, .xls or .ods file",
            ),
        }));
    }
    let mut by_dataset: BTreeMap<Dataset, Vec<Input>> = BTreeMap::new();
    let mut not_read = Vec::new();
    for f in files {
        if !is_workbook(&f) {
            let d = govtally::detect_dataset(&f, &o)?;
            by_dataset.entry(d).or_default().push(Input::Csv(f));
            continue;
        }
        // Each sheet is recognised by its header; a sheet of no ledger is
        // listed as not read, a workbook with none is an error.
        let sheets = govtally::detect_sheets(&f, &o)?;
        let shown = f.display().to_string();
        if sheets.iter().all(|s| s.dataset.is_err()) {
            return Err(Failure::Data(Error::File {
                file: shown,
                error: govtally::FileError::NoLedgerSheet {
                    dataset: "known".into(),
                    sheets: sheets
                        .into_iter()
                        .map(|s| {
                            (
                                s.sheet,
                                s.dataset.err().map(|e| e.to_string()).unwrap_or_default(),
                            )
                        })
                        .collect(),
                },
            }));
        }
        for s in sheets {
            match s.dataset {
                Ok(d) => by_dataset
                    .entry(d)
                    .or_default()
                    .push(Input::Sheet(f.clone(), s.sheet)),
                Err(e) => not_read.push(SheetNotRead {
                    file: shown.clone(),
                    sheet: s.sheet,
                    reason: e.to_string(),
                }),
            }
        }
    }
    let mut reports = Vec::new();
    for (d, inputs) in by_dataset {
        let keys: Vec<&str> = d.columns().iter().map(|c| c.key).collect();
        let mut od = o.clone();
        od.aliases
            .retain(|(_, k)| keys.contains(&k.trim().to_ascii_lowercase().as_str()));
        let mut t = Tally::new(d, &od)?;
        for input in &inputs {
            match input {
                Input::Csv(f) => t.feed_file(f)?,
                Input::Sheet(f, sheet) => t.feed_workbook_file(f, Some(sheet))?,
            }
        }
        reports.push(t.finish()?);
    }
    let mut bytes = rendered(a.common.format, template.as_ref(), &reports, || {
        let combined = Combined {
            schema_version: govtally::report::SCHEMA_VERSION,
            period,
            datasets: reports.iter().map(|r| (r.dataset.name(), r)).collect(),
            not_read: &not_read,
        };
        serde_json::to_string_pretty(&combined).expect("reports serialise to JSON")
    })?;
    if a.common.format == Format::Text && !not_read.is_empty() {
        let mut text = String::from("【未读取的工作表】（表头不属于任何台账）\n");
        for s in &not_read {
            text.push_str(&format!("  {} [{}]：{}\n", s.file, s.sheet, s.reason));
        }
        bytes.extend_from_slice(text.as_bytes());
    }
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
        if path.is_file()
            && matches!(
                ext.as_deref(),
                Some("csv" | "txt" | "tsv" | "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
            )
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
