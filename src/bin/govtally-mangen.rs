//! `govtally-mangen DIR`: writes the man pages of the `govtally` command
//! line into DIR — `govtally.1` and one page per subcommand
//! (`govtally-report.1`, …) — rendered by clap_mangen from the CLI's own clap
//! definition, so they always describe the options the binary accepts.
//!
//! Built only with the `mangen` feature, by `scripts/package.sh`; never
//! installed.

#[allow(dead_code)] // its `main` and the rest: only `command()` is used here
#[path = "govtally.rs"]
mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: govtally-mangen DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    if let Err(e) =
        std::fs::create_dir_all(&dir).and_then(|()| clap_mangen::generate_to(cli::command(), &dir))
    {
        eprintln!(
            "govtally-mangen: writing man pages into {}: {e}",
            dir.display()
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
