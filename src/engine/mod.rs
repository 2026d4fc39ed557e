//! The pipeline after decoding, written once for every dataset: records,
//! header, typed rows, de-duplication, aggregation — on one thread or
//! several.
//!
//! ```text
//! decoded bytes ─▶ Splitter ─▶ HeaderMap ─▶ Cells ─▶ D::Row ─▶ Shard (key → seen? → D::Acc)
//! ```
//!
//! With more than one thread, decoded text is taken a batch at a time
//! (straight from the caller's buffer when it needs no transcoding). A
//! batch is cut after line breaks into several blocks per thread, and the
//! threads take tasks as they come: split and parse the next block, or let
//! a shard take the rows of the next block in file order once the shard
//! has taken every block before it. A block other than the first starts on
//! the guess that the cut is a record boundary; the guess is checked before
//! any shard takes the block (a quoted field holding a line break can cross
//! a cut), and a wrong guess is redone in order. Rows go to shards by their
//! key, and every occurrence of an id meets the same shard in file order,
//! so the result is the single-threaded one exactly, whatever the thread
//! count or chunk sizes.
//!
//! One job per file:
//!
//! - `mod.rs`: [`Core`], what a tally drives ([`FileEngine`]): inputs
//!   begun and ended, the row accounting, finishing into a report;
//! - `feed`: decoded bytes routed to the header, to batches or to this
//!   thread, and the sequential path (records, workbook rows);
//! - `row`: one record made a typed row, a blank line or a problem;
//! - `batch`: a batch cut into blocks, parsed into per-shard row lists;
//! - `parallel`: the threads of a batch and the order of their tasks;
//! - `shard`: de-duplication, periods and accumulators of one key range;
//! - `saved`: the tally as a state, and a state taken back in.

mod batch;
mod feed;
mod parallel;
mod row;
mod saved;
mod shard;

use crate::accounting::{FileRows, PeriodInfo, Problems, RowCounts};
use crate::datasets::DatasetSpec;
use crate::error::{Error, FileError, Problem, Result};
use crate::input::decode::SourceEncoding;
use crate::input::header::HeaderMap;
use crate::input::mask::mask_personal;
use crate::input::records::{RecordLimits, Splitter};
use crate::input::workbook::SheetRow;
use crate::options::{BadRowPolicy, Options};
use crate::state::{Input, StateError};
use batch::{RowList, shard_count};
use shard::Shard;

pub(crate) use row::{HEADER_ROWS, header_names, is_blank};

/// What a [`Tally`](crate::Tally) drives: the dataset-independent face of
/// [`Core`], finishing into figures of type `F` (the registry's
/// [`Figures`](crate::Figures), which every ledger's figures convert into).
pub(crate) trait FileEngine<F>: Send {
    fn begin_file(&mut self, name: &str);
    /// Starts a workbook sheet: rows come through [`FileEngine::feed_row`].
    fn begin_sheet(&mut self, file: &str, sheet: &str);
    fn feed(&mut self, bytes: &[u8], enc: SourceEncoding);
    /// The next row of the sheet begun with [`FileEngine::begin_sheet`].
    fn feed_row(&mut self, row: &SheetRow<'_>);
    fn end_file(&mut self);
    /// The size and content hash of the input just ended. A tally that
    /// keeps state refuses an input whose bytes it already took.
    fn identify(&mut self, size: u64, hash: u128);
    /// The tally as a state (docs/state.md); every input must be ended.
    fn save_state(&mut self) -> Result<Vec<u8>>;
    /// Takes in the inputs, rows and problems of a state's body (its
    /// header checked), as if its inputs were fed now; `name` names the
    /// state in errors.
    fn take_state(&mut self, name: &str, body: &[u8]) -> Result<()>;
    fn fail(&mut self, error: FileError);
    fn check(&self) -> Result<()>;
    fn finish(self: Box<Self>) -> Result<Tallied<F>>;
}

/// A finished tally, less the name of its dataset.
pub(crate) struct Tallied<F> {
    pub period: PeriodInfo,
    pub rows: RowCounts,
    pub files: Vec<FileRows>,
    pub problems: Problems,
    pub figures: F,
}

/// The generic pipeline of one dataset.
pub(crate) struct Core<D: DatasetSpec> {
    options: Options,
    threads: usize,
    file: String,
    /// The workbook sheet being read (None for CSV).
    sheet: Option<String>,
    header: Option<HeaderMap>,
    /// Non-blank records seen before the header (title rows).
    header_tries: usize,
    /// Why the first of them is not a header: the file's error when no
    /// header is found.
    header_error: Option<FileError>,
    /// A workbook row's field ends, padded or cut to the header's width.
    row_ends: Vec<usize>,
    /// Header cells up to the last non-empty one: a row must fill them.
    width: usize,
    /// The splitter that stands where the file has been read to.
    lead: Splitter,
    /// Decoded bytes not yet split (several threads only).
    pending: Vec<u8>,
    /// The other buffer of `pending` (see [`Core::process`]).
    spare: Vec<u8>,
    /// How much of `pending` is known to hold no place to cut: a long
    /// record fed in small chunks is then scanned once, not on every feed.
    pending_scanned: usize,
    enc: SourceEncoding,
    shards: Vec<Shard<D>>,
    rows: RowCounts,
    /// Every input begun (taken from states too), in order; the last is
    /// being read when `input_open`, and `input_start` is `rows` when it
    /// began.
    inputs: Vec<Input>,
    input_open: bool,
    input_start: RowCounts,
    problems: Problems,
    fatal: Option<FileError>,
    /// A state whose rows turned out damaged half-way through being taken
    /// (its checksum matched: a crafted state): the tally cannot be trusted.
    broken: Option<(String, StateError)>,
    /// Rows handed to shards so far, in file order.
    ordinal: u64,
    /// Blocks transcoded from GB18030, kept from batch to batch.
    texts: Vec<Vec<u8>>,
    /// Emptied row lists, kept from batch to batch (see [`batch::recycle`]).
    row_lists: Vec<RowList<'static, D>>,
    scratch: Vec<Problem>,
}

impl<D: DatasetSpec> Core<D> {
    pub(crate) fn new(options: &Options) -> Self {
        let threads = options.worker_threads();
        Core {
            threads,
            file: crate::tally::UNNAMED.to_string(),
            sheet: None,
            header: None,
            header_tries: 0,
            header_error: None,
            row_ends: Vec::new(),
            width: 0,
            lead: Splitter::new(options.delimiter, limits(options)),
            pending: Vec::new(),
            spare: Vec::new(),
            pending_scanned: 0,
            enc: SourceEncoding::Utf8,
            shards: (0..shard_count(threads))
                .map(|_| Shard::new(options.period, options.keep_state))
                .collect(),
            rows: RowCounts::default(),
            inputs: Vec::new(),
            input_open: false,
            input_start: RowCounts::default(),
            problems: Problems::default(),
            fatal: None,
            broken: None,
            ordinal: 0,
            texts: Vec::new(),
            row_lists: Vec::new(),
            scratch: Vec::new(),
            options: options.clone(),
        }
    }

    /// Ends the row accounting of the input being read.
    fn close_input(&mut self) {
        if !std::mem::take(&mut self.input_open) {
            return;
        }
        let (now, start) = (self.rows, self.input_start);
        if let Some(input) = self.inputs.last_mut() {
            input.read += now.read - start.read;
            input.blank += now.blank - start.blank;
            input.rejected += now.rejected - start.rejected;
        }
    }

    /// Rows of input `i` come next.
    fn route_to(&mut self, i: usize) {
        for s in &mut self.shards {
            s.set_file(i);
        }
    }

    fn keep(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for p in problems {
            self.problems.total += 1;
            if self.problems.items.len() < self.options.limits.max_problems {
                self.problems.items.push(p);
            }
        }
    }

    /// The tally's error, if a file or a state has made it unusable.
    pub(super) fn usable(&self) -> Result<()> {
        if let Some((state, e)) = &self.broken {
            return Err(Error::State {
                state: state.clone(),
                error: StateError::Damaged(format!(
                    "{e}; it was refused half-way through, and this tally cannot be used"
                )),
            });
        }
        match &self.fatal {
            Some(e) => Err(Error::File {
                file: match &self.sheet {
                    Some(s) => format!("{} [{s}]", self.file),
                    None => self.file.clone(),
                },
                error: e.clone(),
            }),
            None => Ok(()),
        }
    }
}

fn limits(options: &Options) -> RecordLimits {
    RecordLimits {
        max_record_bytes: options.limits.max_record_bytes,
        max_fields: options.limits.max_columns,
    }
}

impl<D: DatasetSpec, F: From<D::Figures>> FileEngine<F> for Core<D> {
    fn begin_file(&mut self, name: &str) {
        self.close_input();
        self.inputs.push(Input {
            name: name.to_string(),
            sheet: None,
            size: 0,
            hash: [0; 16],
            id_prefix: self.options.id_prefix.clone(),
            read: 0,
            blank: 0,
            rejected: 0,
            duplicates: 0,
        });
        self.input_open = true;
        self.input_start = self.rows;
        self.route_to(self.inputs.len() - 1);
        self.file = name.to_string();
        self.sheet = None;
        self.header = None;
        self.header_tries = 0;
        self.header_error = None;
        self.width = 0;
        self.lead = Splitter::new(self.options.delimiter, limits(&self.options));
        self.pending.clear();
        self.pending_scanned = 0;
        self.enc = SourceEncoding::Utf8;
    }

    fn begin_sheet(&mut self, file: &str, sheet: &str) {
        FileEngine::<F>::begin_file(self, file);
        self.sheet = Some(sheet.to_string());
        if let Some(input) = self.inputs.last_mut() {
            input.sheet = Some(sheet.to_string());
        }
    }

    fn feed_row(&mut self, row: &SheetRow<'_>) {
        self.sheet_row(row);
    }

    fn feed(&mut self, bytes: &[u8], enc: SourceEncoding) {
        if self.fatal.is_some() {
            return;
        }
        self.enc = enc;
        let batch = self.options.block_bytes.saturating_mul(self.threads).max(1);
        if self.header.is_some() && enc != SourceEncoding::Gb18030 {
            self.feed_text(bytes, batch);
            return;
        }
        // A large feed goes on one batch at a time, so that pending bytes
        // and a batch's rows stay bounded (and in cache) however much the
        // caller hands over at once.
        for part in bytes.chunks(batch) {
            self.pending.extend_from_slice(part);
            // Until the header is known, every complete line goes on at once.
            if self.header.is_none() || self.pending.len() >= batch {
                self.process(false);
            }
            if self.fatal.is_some() {
                return;
            }
        }
    }

    fn end_file(&mut self) {
        if self.fatal.is_none() {
            self.process(true);
        }
        let mut lead = std::mem::replace(
            &mut self.lead,
            Splitter::new(Some(b','), limits(&self.options)),
        );
        lead.finish(&mut |rec| self.record(rec, None));
        if self.header.is_none() && self.fatal.is_none() {
            self.fatal = Some(self.header_error.take().unwrap_or(if self.sheet.is_some() {
                FileError::EmptySheet
            } else {
                FileError::NoHeader
            }));
        }
        self.close_input();
    }

    fn identify(&mut self, size: u64, hash: u128) {
        self.identify_input(size, hash);
    }

    fn take_state(&mut self, name: &str, body: &[u8]) -> Result<()> {
        self.take_state_body(name, body)
    }

    fn check(&self) -> Result<()> {
        self.usable()
    }

    fn save_state(&mut self) -> Result<Vec<u8>> {
        self.close_input();
        self.usable()?;
        self.state_body()
    }

    fn fail(&mut self, error: FileError) {
        self.fatal.get_or_insert(error);
    }

    fn finish(self: Box<Self>) -> Result<Tallied<F>> {
        self.usable()?;
        let mut me = *self;
        me.close_input();
        let mut rows = me.rows;
        if me.options.on_bad_row == BadRowPolicy::Fail && rows.rejected > 0 {
            return Err(Error::Rejected {
                rows: rows.rejected,
                total: me.problems.total,
                problems: me.problems.items,
            });
        }
        let mut shards = me.shards.into_iter();
        let mut all = shards.next().expect("at least one shard");
        for s in shards {
            all.merge(s);
        }
        let done = all.finish(me.options.rounding, me.inputs.len())?;
        let files: Vec<FileRows> = me
            .inputs
            .into_iter()
            .zip(&done.files)
            .map(|(input, c)| FileRows {
                file: input.name,
                // Shown as problems show it: personal numbers masked.
                sheet: input.sheet.map(|s| mask_personal(&s).into_owned()),
                rows: RowCounts {
                    read: input.read,
                    counted: c.counted,
                    out_of_period: c.unique - c.counted,
                    duplicates: input.duplicates + c.duplicates,
                    blank: input.blank,
                    rejected: input.rejected,
                },
            })
            .collect();
        rows.counted = files.iter().map(|f| f.rows.counted).sum();
        rows.out_of_period = files.iter().map(|f| f.rows.out_of_period).sum();
        rows.duplicates = files.iter().map(|f| f.rows.duplicates).sum();
        debug_assert!(rows.balanced(), "{rows:?}");
        debug_assert!(files.iter().all(|f| f.rows.balanced()), "{files:?}");
        Ok(Tallied {
            period: PeriodInfo {
                start: done.period.start,
                end: done.period.end,
                inferred: done.inferred,
            },
            rows,
            files,
            problems: me.problems,
            figures: done.figures.into(),
        })
    }
}
