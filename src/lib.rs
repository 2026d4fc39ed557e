//! # govtally
//!
//! Exact figures for the annual rule-of-law government report
//! (法治政府建设年度报告) from the CSV exports of business ledgers:
//! legality reviews, "double random, one public" inspections, petitions and
//! consultations, enforcement actions, normative documents, labour disputes,
//! reconsideration and litigation, deputies' suggestions — accounting for
//! every row. The ledgers are listed once, in the registry behind
//! [`Dataset`]; each is one module of [`datasets`].
//!
//! Exports are read as they really are: GB18030/GBK, UTF-8 with or without
//! BOM, UTF-16 "Unicode text" with tabs; Chinese dates, 是/否 flags,
//! full-width digits; columns in any order under any documented alias.
//!
//! ```
//! use govtally::{Dataset, Options, Tally};
//!
//! let csv = "审查编号,文件类型,收文日期,审结日期,审查意见数\n\
//!            H1,行政合同,2023-01-05,2023-01-09,2\n\
//!            H2,规范性文件,2023年3月1日,,１\n\
//!            H1,行政合同,2023-01-05,2023-01-09,2\n";
//! let mut tally = Tally::new(Dataset::Legality, &Options::default().year(2023)?)?;
//! tally.feed(csv.as_bytes())?;
//! let report = tally.finish()?;
//! assert_eq!(report.figure("reviews.by_type.administrative_contract"), Some(1.into()));
//! assert_eq!(report.figure("opinions.total"), Some(3.into()));
//! assert_eq!(report.figure("reviews.pending"), Some(1.into()));
//! assert_eq!(report.rows.duplicates, 1);
//! # Ok::<(), govtally::Error>(())
//! ```
//!
//! The pipeline is `bytes → decode → split records → map header → typed
//! cells → validate → de-duplicate → aggregate → report`; see
//! [`Tally`] for streaming, [`tally_file`] for files, and `docs/` in the
//! repository for the JSON schema, columns and rules. The C ABI
//! (`include/govtally.h`) is the [`ffi`] module; see `docs/c-api.md`.

#![deny(missing_docs)]
#![deny(unsafe_code)]

mod accounting;
pub mod datasets;
mod engine;
mod error;
pub mod ffi;
pub mod input;
mod options;
mod registry;
pub mod render;
pub mod report;
pub mod state;
pub mod stats;
mod tally;
#[cfg(feature = "test-hooks")]
pub mod test_hooks;
#[cfg(test)]
mod test_rng;

pub use error::{Error, FileError, Problem, Result};
pub use input::fields;
pub use options::{
    BadRowPolicy, Encoding, Limits, MAX_BLOCK_BYTES, MAX_THREADS, Options, Period, Rounding,
};
pub use registry::Dataset;
pub use report::{Figures, Report, RowCounts};
pub use tally::{
    SheetDetection, SheetNotRead, Tally, UNNAMED, detect_dataset, detect_sheets, tally_file,
    tally_files,
};

/// The README's Rust example runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// docs/state.md's example runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../docs/state.md")]
struct StateDocDoctests;
