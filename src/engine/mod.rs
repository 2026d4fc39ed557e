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

use std::sync::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

mod shard;

use crate::accounting::{FileRows, PeriodInfo, Problems, RowCounts};
use crate::datasets::{Cells, DatasetSpec};
use crate::error::{Error, FileError, Problem, Result};
use crate::input::decode::{SourceEncoding, transcode_gb18030};
use crate::input::fields::trim;
use crate::input::header::HeaderMap;
use crate::input::mask::mask_personal;
use crate::input::records::{Overflow, Record, RecordLimits, Splitter};
use crate::input::workbook::SheetRow;
use crate::options::{BadRowPolicy, Options};
use crate::state::kept::{KeptRow, SavedRow, Strings};
use crate::state::{self, Body, Input, Settings, StateError};
use crate::stats::distinct::IdKey;
use shard::Shard;

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

/// What the row parser needs to know about the file.
struct Context<'c> {
    map: &'c HeaderMap,
    width: usize,
    file: &'c str,
    enc: SourceEncoding,
    /// The workbook sheet being read (None for CSV).
    sheet: Option<&'c str>,
    /// Prefixed to every id (`Options::id_prefix`).
    prefix: Option<&'c str>,
}

/// How many non-blank rows at the top of a file may come before its
/// header (title rows): the header is the first of them that maps every
/// required column.
pub(crate) const HEADER_ROWS: usize = 10;

/// What became of one record.
enum Parsed<R> {
    Blank,
    Rejected,
    Row(IdKey, R),
}

/// Reads one record as a row of `D`; `bytes` are the record's bytes for as
/// long as the row may borrow them.
#[inline(always)]
fn parse_record<'b, D: DatasetSpec>(
    ctx: &Context<'_>,
    rec: &Record<'_>,
    bytes: &'b [u8],
    text: Option<&'b str>,
    problems: &mut Vec<Problem>,
    cell_errors: &[usize],
) -> Parsed<D::Row<'b>> {
    #[cfg(feature = "test-hooks")]
    crate::test_hooks::row_parsed();
    // An ordinary row (not blank-looking, whole, as wide as the header)
    // needs neither check: both stay out of line for the rows that do.
    let ordinary =
        !rec.blank_candidate && rec.overflow.is_none() && rec.len() == ctx.map.names.len();
    if !ordinary {
        if is_blank(rec, ctx.enc) {
            return Parsed::Blank;
        }
        if let Some(p) = shape_problem(rec, ctx) {
            problems.push(p);
            return Parsed::Rejected;
        }
    }
    // Fields are sliced from the record's text (a slice that does not fall
    // on character boundaries is decoded field by field instead).
    let whole = text.or_else(|| std::str::from_utf8(bytes).ok());
    let before = problems.len();
    let mut cells = Cells {
        record: rec,
        bytes,
        whole,
        map: ctx.map,
        encoding: ctx.enc,
        file: ctx.file,
        problems,
        sheet: ctx.sheet,
        cell_errors,
    };
    match D::parse(&mut cells) {
        Some((key, row)) if problems.len() == before => match ctx.prefix {
            None => Parsed::Row(key, row),
            Some(p) => Parsed::Row(prefixed(key, p), row),
        },
        _ => Parsed::Rejected,
    }
}

/// The key of an id with a prefix (`Options::id_prefix`): a 128-bit hash
/// of the prefix and the id's key, tagged as hashed keys are, so that no
/// two (prefix, id) pairs share a key but with the probability two long
/// ids do (`stats::distinct`).
#[cold]
fn prefixed(key: IdKey, prefix: &str) -> IdKey {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&(prefix.len() as u64).to_le_bytes());
    h.update(prefix.as_bytes());
    h.update(&key.0.to_le_bytes());
    IdKey(h.digest128() | (1u128 << 127))
}

/// The longest stretch of `input` that is valid UTF-8, from its first
/// character boundary (a chunk may start inside a character whose first
/// bytes ended the previous chunk): validated once, in bulk, so records
/// taken from it are not validated again one by one.
fn text_prefix(input: &[u8]) -> (usize, &str) {
    let start = input
        .iter()
        .take(4)
        .position(|&b| (b as i8) >= -0x40)
        .unwrap_or(input.len().min(4));
    let rest = &input[start..];
    let text = match simdutf8::compat::from_utf8(rest) {
        Ok(s) => s,
        Err(e) => simdutf8::compat::from_utf8(&rest[..e.valid_up_to()]).unwrap_or(""),
    };
    (start, text)
}

/// The text of a record taken straight from `input`, when it lies in the
/// validated stretch.
#[inline]
fn record_text<'b>(rec: &Record<'_>, (start, text): (usize, &'b str)) -> Option<&'b str> {
    let off = rec.offset()?.checked_sub(start)?;
    text.get(off..off + rec.bytes().len())
}

/// Rows bound for one shard, each with its ordinal within its block.
type RowList<'b, D> = Vec<(IdKey, u32, <D as DatasetSpec>::Row<'b>)>;

/// An emptied list made a list of the same element type under another
/// lifetime, keeping its allocation: std collects in place when the
/// element layouts match, as they do here. Row lists then keep their
/// memory from batch to batch instead of allocating (and, past malloc's
/// mmap threshold, faulting in fresh pages) every time.
fn recycle<T, U>(mut list: Vec<T>) -> Vec<U> {
    list.clear();
    list.into_iter().filter_map(|_| None).collect()
}

/// Phase 1's output for one block.
struct Block<'b, D: DatasetSpec> {
    splitter: Splitter,
    /// Rows by shard.
    /// Rows by shard; a shard empties its list as it takes the rows, so
    /// they are dropped on the thread that takes them, still in cache.
    rows: Vec<Mutex<RowList<'b, D>>>,
    problems: Vec<Problem>,
    read: u64,
    blank: u64,
    rejected: u64,
    ordinals: u32,
    /// The file-order number of the block's first row, once the blocks
    /// before it are known.
    base: u64,
}

impl<'b, D: DatasetSpec> Block<'b, D> {
    fn new(splitter: Splitter, rows: Vec<RowList<'b, D>>) -> Self {
        Block {
            splitter,
            rows: rows.into_iter().map(Mutex::new).collect(),
            problems: Vec::new(),
            read: 0,
            blank: 0,
            rejected: 0,
            ordinals: 0,
            base: 0,
        }
    }

    /// Splits and parses `input`, continuing from the splitter's state.
    fn parse(&mut self, ctx: &Context<'_>, input: &'b [u8]) {
        let shards = self.rows.len();
        let Block {
            splitter,
            rows,
            problems,
            read,
            blank,
            rejected,
            ordinals,
            ..
        } = self;
        let mut rows: Vec<&mut RowList<'b, D>> = rows.iter_mut().map(get_mut).collect();
        let prefix = text_prefix(input);
        splitter.feed(input, &mut |rec| {
            *read += 1;
            // A record taken straight from the input may lend its bytes to
            // the row for the whole batch; a copied one is made owned.
            let parsed = match rec.offset() {
                Some(off) => {
                    let bytes = &input[off..off + rec.bytes().len()];
                    parse_record::<D>(ctx, rec, bytes, record_text(rec, prefix), problems, &[])
                }
                None => match parse_record::<D>(ctx, rec, rec.bytes(), None, problems, &[]) {
                    Parsed::Row(k, r) => Parsed::Row(k, D::into_owned(r)),
                    Parsed::Blank => Parsed::Blank,
                    Parsed::Rejected => Parsed::Rejected,
                },
            };
            match parsed {
                Parsed::Blank => *blank += 1,
                Parsed::Rejected => *rejected += 1,
                Parsed::Row(key, row) => {
                    rows[key.shard(shards)].push((key, *ordinals, row));
                    *ordinals += 1;
                }
            }
        });
    }
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
    /// Emptied row lists, kept from batch to batch (see [`recycle`]).
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

    /// The state's body: first occurrences in file order, with the texts
    /// they use.
    fn state_body(&mut self) -> Result<Vec<u8>> {
        if !self.options.keep_state {
            return Err(Error::InvalidOption(
                "this tally keeps no state: set Options::keep_state (--save-state) \
                 before feeding it"
                    .to_string(),
            ));
        }
        let dataset: crate::Dataset = D::NAME.parse()?;
        let state_error = |error| Error::State {
            state: "the tally's state".to_string(),
            error,
        };
        let problems_total = self.problems.total;
        let settings = Settings::of(&self.options);
        // An input's rows not kept are its duplicates: those of the states
        // it came from and those the shards found since.
        let mut inputs = self.inputs.clone();
        for s in &mut self.shards {
            for (input, c) in inputs.iter_mut().zip(s.counts()) {
                input.duplicates += c.duplicates;
            }
        }
        let mut shards: Vec<&mut shard::Kept<D>> =
            self.shards.iter_mut().filter_map(|s| s.kept()).collect();
        if let [only] = shards.as_mut_slice() {
            // One shard: its rows are in file order and its texts are the
            // state's as they are.
            let body = Body {
                settings,
                inputs,
                problems_total,
                problems: self.problems.items.clone(),
                strings: only.strings.list().to_vec(),
                rows: only
                    .rows
                    .iter()
                    .map(|k| SavedRow {
                        key: k.key,
                        file: k.file,
                        row: &k.row,
                    })
                    .collect::<Vec<_>>(),
            };
            return state::write(dataset, &body).map_err(state_error);
        }
        // Several: their rows merged back into file order, and their texts
        // numbered anew in one table.
        let mut strings = Strings::default();
        let mut rows = Vec::with_capacity(shards.iter().map(|s| s.rows.len()).sum());
        let mut heads = std::collections::BinaryHeap::new();
        let mut at = vec![0usize; shards.len()];
        for (i, s) in shards.iter().enumerate() {
            if let Some(r) = s.rows.first() {
                heads.push(std::cmp::Reverse((r.ordinal, i)));
            }
        }
        while let Some(std::cmp::Reverse((_, i))) = heads.pop() {
            let s = &shards[i];
            let k: &KeptRow<D::Kept> = &s.rows[at[i]];
            let row = D::restore(&k.row, s.strings.list()).ok_or_else(|| {
                state_error(StateError::Damaged("a kept row lost its texts".to_string()))
            })?;
            rows.push(SavedRow {
                key: k.key,
                file: k.file,
                row: D::keep(&row, &mut strings),
            });
            at[i] += 1;
            if let Some(r) = s.rows.get(at[i]) {
                heads.push(std::cmp::Reverse((r.ordinal, i)));
            }
        }
        let body = Body {
            settings,
            inputs,
            problems_total,
            problems: self.problems.items.clone(),
            strings: strings.into_list(),
            rows,
        };
        state::write(dataset, &body).map_err(state_error)
    }

    fn keep(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for p in problems {
            self.problems.total += 1;
            if self.problems.items.len() < self.options.limits.max_problems {
                self.problems.items.push(p);
            }
        }
    }

    /// Splits and tallies the pending bytes up to the last line break (all
    /// of them at the end of the file), keeping the rest for later: a piece
    /// then never ends inside a GB18030 character, and a block can be
    /// transcoded on its own.
    fn process(&mut self, last: bool) {
        let len = self.pending.len();
        let end = if last {
            len
        } else {
            match piece_end(&self.pending[self.pending_scanned..]) {
                // No safe cut in sight: the record is past the size limit
                // and only its end still matters, so pending stays bounded.
                0 if len > self.options.limits.max_record_bytes => len,
                0 => 0,
                end => self.pending_scanned + end,
            }
        };
        if end == 0 {
            self.pending_scanned = len;
            return;
        }
        self.pending_scanned = 0;
        // The rest moves to the spare buffer, which becomes pending: two
        // buffers take turns, so no batch allocates or faults in memory.
        let mut rest = std::mem::take(&mut self.spare);
        rest.clear();
        rest.extend_from_slice(&self.pending[end..]);
        self.pending.truncate(end);
        let piece = std::mem::replace(&mut self.pending, rest);
        self.tally(&piece);
        self.spare = piece;
    }

    /// Splits `input` on this thread with the lead splitter.
    fn split_here(&mut self, input: &[u8]) {
        let mut lead = std::mem::replace(
            &mut self.lead,
            Splitter::new(Some(b','), limits(&self.options)),
        );
        let prefix = text_prefix(input);
        lead.feed(input, &mut |rec| self.record(rec, record_text(rec, prefix)));
        self.lead = lead;
    }

    /// One record on the sequential path: the header, or a row.
    fn record(&mut self, rec: &Record<'_>, text: Option<&str>) {
        if self.fatal.is_some() {
            return;
        }
        let Some(map) = self.header.as_ref() else {
            self.header_record(rec);
            return;
        };
        self.rows.read += 1;
        let ctx = Context {
            map,
            width: self.width,
            file: &self.file,
            enc: self.enc,
            sheet: None,
            prefix: self.options.id_prefix.as_deref(),
        };
        let mut problems = std::mem::take(&mut self.scratch);
        match parse_record::<D>(&ctx, rec, rec.bytes(), text, &mut problems, &[]) {
            Parsed::Blank => self.rows.blank += 1,
            Parsed::Rejected => self.rows.rejected += 1,
            Parsed::Row(key, row) => {
                let n = self.shards.len();
                self.shards[key.shard(n)].accept(key, &row, self.ordinal);
                self.ordinal += 1;
            }
        }
        if !problems.is_empty() {
            self.keep(problems.drain(..));
        }
        self.scratch = problems;
    }

    /// A record before the header: a blank line, a title row, or the
    /// header — the first of the first [`HEADER_ROWS`] non-blank records
    /// that maps every required column.
    fn header_record(&mut self, rec: &Record<'_>) {
        let enc = self.enc;
        if is_blank(rec, enc) {
            // Blank lines before the first non-blank one are lines read
            // too; those among title rows belong to the heading.
            if self.header_tries == 0 {
                self.rows.read += 1;
                self.rows.blank += 1;
            }
            return;
        }
        if let Some(o) = rec.overflow {
            self.fatal = Some(FileError::HeaderTooLarge(match o {
                Overflow::TooLong => "is longer than the record size limit".to_string(),
                Overflow::TooManyFields => "has more columns than the column limit".to_string(),
                Overflow::UnclosedQuote => "opens a quoted field that is never closed".to_string(),
            }));
            return;
        }
        let names = match header_names(rec, enc) {
            Ok(n) => n,
            Err(e) => {
                self.fatal = Some(e);
                return;
            }
        };
        match HeaderMap::new(D::COLUMNS, &names, &self.options.aliases) {
            Ok(map) => {
                self.width = names
                    .iter()
                    .rposition(|n| !n.is_empty())
                    .map_or(0, |p| p + 1);
                self.header = Some(map);
            }
            Err(e) => {
                // A title row, or a header that lacks columns: the first
                // record's error is the file's if no header follows.
                self.header_tries += 1;
                let first = self.header_error.get_or_insert(e);
                if self.header_tries >= HEADER_ROWS {
                    self.fatal = Some(first.clone());
                }
            }
        }
    }

    /// One workbook row: the header, or a row, on this thread.
    fn sheet_row(&mut self, row: &SheetRow<'_>) {
        if self.fatal.is_some() {
            return;
        }
        let Some(map) = self.header.as_ref() else {
            let rec = Record::from_fields(row.line, row.bytes, row.ends, row.blank, row.overflow);
            self.header_record(&rec);
            return;
        };
        // A row as wide as the header: cells right of it have no header
        // (Excel's CSV of the sheet gives the header empty cells there),
        // and missing cells at its end are empty.
        let width = map.names.len();
        let ends = &mut self.row_ends;
        ends.clear();
        ends.extend_from_slice(&row.ends[..row.ends.len().min(width)]);
        let last = ends.last().copied().unwrap_or(0);
        ends.resize(width, last);
        // Cells past the column limit are past the header too: ignored.
        let overflow = row.overflow.filter(|o| *o != Overflow::TooManyFields);
        let rec = Record::from_fields(row.line, row.bytes, ends, row.blank, overflow);
        self.rows.read += 1;
        let ctx = Context {
            map,
            width: self.width,
            file: &self.file,
            enc: SourceEncoding::Utf8,
            sheet: self.sheet.as_deref(),
            prefix: self.options.id_prefix.as_deref(),
        };
        let text = std::str::from_utf8(row.bytes).ok();
        let mut problems = std::mem::take(&mut self.scratch);
        match parse_record::<D>(&ctx, &rec, row.bytes, text, &mut problems, row.errors) {
            Parsed::Blank => self.rows.blank += 1,
            Parsed::Rejected => self.rows.rejected += 1,
            Parsed::Row(key, row) => {
                let n = self.shards.len();
                self.shards[key.shard(n)].accept(key, &row, self.ordinal);
                self.ordinal += 1;
            }
        }
        if !problems.is_empty() {
            self.keep(problems.drain(..));
        }
        self.scratch = problems;
    }

    /// Feeds UTF-8 text past the header: batches are taken straight from
    /// the caller's bytes, not copied into `pending` first. A batch may end
    /// anywhere, inside a record or a character: the splitter carries what
    /// it holds of a record over to the next batch (only GB18030, which is
    /// transcoded block by block, needs batches that end on a line break).
    /// Small feeds gather in `pending` until they make a batch (with
    /// several threads).
    fn feed_text(&mut self, mut bytes: &[u8], batch: usize) {
        if self.threads == 1 {
            // One thread splits whatever it is given where it lies: there
            // is no batch to gather for, and a small feed (feed_file reads
            // 256 KiB with one thread) is still in cache.
            if !self.pending.is_empty() {
                self.process(true);
            }
            self.split_here(bytes);
            return;
        }
        let block = self.options.block_bytes;
        if !self.pending.is_empty() {
            if self.pending.len() + bytes.len() < batch {
                self.pending.extend_from_slice(bytes);
                return;
            }
            if self.pending.len() >= block / 4 {
                // Enough to be worth sharing: made a whole batch (pending
                // may already hold more, left by the header's feed).
                let need = batch.saturating_sub(self.pending.len());
                self.pending.extend_from_slice(&bytes[..need]);
                bytes = &bytes[need..];
            }
            // Else a short rest (of a line, or of a feed) is split here
            // before the large feed goes on.
            self.process(true);
        }
        while !bytes.is_empty() && self.fatal.is_none() {
            let (now, rest) = bytes.split_at(bytes.len().min(batch));
            if now.len() < batch && now.len() < block {
                self.pending.extend_from_slice(now);
                return;
            }
            self.tally(now);
            bytes = rest;
        }
    }

    /// Tallies decoded bytes on every thread when there is enough of them
    /// to share, else on this one: the batch path (row lists, then shards)
    /// only pays off when threads share it, and one thread takes every row
    /// straight to its shard.
    fn tally(&mut self, piece: &[u8]) {
        if self.threads > 1 && self.header.is_some() && piece.len() >= self.options.block_bytes {
            self.run_batch(piece);
        } else if self.enc == SourceEncoding::Gb18030 {
            let mut text = self.texts.pop().unwrap_or_default();
            let len = transcode_gb18030(piece, &mut text);
            self.split_here(&text[..len]);
            self.texts.push(text);
        } else {
            self.split_here(piece);
        }
    }

    /// Splits and tallies the pending bytes on every thread.
    ///
    /// The batch is cut into several blocks per thread. Each thread takes
    /// the next task there is: taking a block's rows into a shard when the
    /// shard has taken every block before it (so rows meet their shard in
    /// file order, while still in cache), else splitting and parsing the
    /// next block. No thread waits for the others until the batch ends.
    fn run_batch(&mut self, data: &[u8]) {
        let Some(map) = self.header.as_ref() else {
            return;
        };
        let t = self.threads;
        let n = t * BLOCKS_PER_THREAD;
        let mut cuts = vec![0];
        for k in 1..n {
            let from = (data.len() * k / n).max(*cuts.last().expect("cuts start with 0"));
            match data[from..].iter().position(|&b| b == b'\n') {
                Some(p) if from + p + 1 < data.len() => cuts.push(from + p + 1),
                _ => break,
            }
        }
        cuts.push(data.len());
        let ctx = Context {
            map,
            width: self.width,
            file: &self.file,
            enc: self.enc,
            sheet: None,
            prefix: self.options.id_prefix.as_deref(),
        };
        let shard_count = self.shards.len();
        let lead = std::mem::replace(
            &mut self.lead,
            Splitter::new(Some(b','), limits(&self.options)),
        );
        let delimiter = lead.delimiter();
        let fresh = || Splitter::new(delimiter, limits(&self.options));

        // A GB18030 block becomes UTF-8 in the task that parses it: a block
        // starts and ends on a line break, so no character is cut.
        let gb18030 = self.enc == SourceEncoding::Gb18030;
        let mut texts = std::mem::take(&mut self.texts);
        texts.resize_with(cuts.len() - 1, Vec::new);
        let pieces: Vec<Mutex<Piece<'_>>> = cuts
            .windows(2)
            .zip(texts.iter_mut())
            .map(|(w, text)| {
                let raw = &data[w[0]..w[1]];
                Mutex::new(if gb18030 {
                    Piece::Gb18030 { raw, text }
                } else {
                    Piece::Text(raw)
                })
            })
            .collect();

        let pool = &mut self.row_lists;
        let mut lists = || -> Vec<RowList<'_, D>> {
            (0..shard_count)
                .map(|_| recycle(pool.pop().unwrap_or_default()))
                .collect()
        };
        let mut first = Some(lead);
        let blocks: Vec<RwLock<Block<'_, D>>> = pieces
            .iter()
            .map(|_| RwLock::new(Block::new(first.take().unwrap_or_else(fresh), lists())))
            .collect();
        let shards: Vec<Mutex<&mut Shard<D>>> = self.shards.iter_mut().map(Mutex::new).collect();
        let workers = t.min(blocks.len()).max(1);
        let schedule = Schedule::new(blocks.len(), shard_count, workers, self.ordinal);
        let batch = Batch {
            ctx: &ctx,
            pieces: &pieces,
            blocks: &blocks,
            shards: &shards,
            schedule: &schedule,
        };
        scoped(|s| {
            for me in 1..workers {
                let batch = &batch;
                s.spawn(move |_| batch.work(me));
            }
            batch.work(0);
        });
        let state = into_inner(schedule.state);
        drop(shards);
        let mut blocks: Vec<Block<'_, D>> = blocks
            .into_iter()
            .map(|b| b.into_inner().unwrap_or_else(|p| p.into_inner()))
            .collect();
        let mut next_ordinal = state.next_base;

        // A block that ended inside a record (a quoted line break across a
        // cut) goes on through the rest of the batch itself, on this
        // thread; the blocks after it, parsed on a wrong guess, are dropped.
        if let Some(k) = state.failed_at {
            blocks.truncate(k);
            let last = blocks.last_mut().expect("the first block never fails");
            for list in &mut last.rows {
                get_mut(list).clear();
            }
            let ordinals_before = last.ordinals;
            last.ordinals = 0;
            for piece in &pieces[k..] {
                last.parse(&ctx, text_of(piece));
            }
            for (shard, list) in self.shards.iter_mut().zip(&mut last.rows) {
                for (key, ord, row) in get_mut(list).drain(..) {
                    shard.accept(key, &row, next_ordinal + ord as u64);
                }
            }
            next_ordinal += last.ordinals as u64;
            last.ordinals += ordinals_before;
        }
        self.ordinal = next_ordinal;

        let mut lead = None;
        for b in blocks {
            self.rows.read += b.read;
            self.rows.blank += b.blank;
            self.rows.rejected += b.rejected;
            self.row_lists
                .extend(b.rows.into_iter().map(|m| recycle(into_inner(m))));
            self.keep(b.problems);
            lead = Some(b.splitter);
        }
        self.lead = lead.expect("at least one block");
        drop(pieces);
        self.texts = texts;
    }
}

/// A block's input: text, or GB18030 bytes and the buffer their UTF-8
/// goes to (made when the block is parsed).
enum Piece<'b> {
    Text(&'b [u8]),
    Gb18030 {
        raw: &'b [u8],
        text: &'b mut Vec<u8>,
    },
}

/// The text of a piece, transcoded the first time it is asked for.
fn text_of<'b>(piece: &Mutex<Piece<'b>>) -> &'b [u8] {
    let mut p = lock(piece);
    let text = match std::mem::replace(&mut *p, Piece::Text(&[])) {
        Piece::Text(t) => t,
        Piece::Gb18030 { raw, text } => {
            let len = transcode_gb18030(raw, text);
            let t: &'b Vec<u8> = text;
            &t[..len]
        }
    };
    *p = Piece::Text(text);
    text
}

/// Blocks per thread in a batch (see [`Core::run_batch`]).
const BLOCKS_PER_THREAD: usize = 4;

/// Shards for `threads` threads: a shard takes about a quarter of the work
/// of a row (the id set and the figures), so one shard keeps up with up to
/// three threads parsing.
fn shard_count(threads: usize) -> usize {
    threads.div_ceil(3)
}

/// What the threads of one batch share.
struct Batch<'a, 'b, 's, D: DatasetSpec> {
    ctx: &'a Context<'a>,
    pieces: &'a [Mutex<Piece<'b>>],
    blocks: &'a [RwLock<Block<'b, D>>],
    shards: &'a [Mutex<&'s mut Shard<D>>],
    schedule: &'a Schedule,
}

/// Which tasks of a batch are done, running or ready.
struct Schedule {
    state: Mutex<ScheduleState>,
    changed: Condvar,
}

struct ScheduleState {
    /// Blocks in the batch, or the first block parsed on a wrong guess.
    blocks: usize,
    next_parse: usize,
    parsed: Vec<bool>,
    /// Which worker parsed each block: its rows are in that worker's
    /// cache, so it takes them when it can.
    parsed_by: Vec<usize>,
    /// Per worker: whether it is running a task (none running and none
    /// ready: the batch is done).
    busy: Vec<bool>,
    /// Blocks whose start is known right, with their lines and first row
    /// numbered in file order.
    ready: usize,
    /// Per shard: the next block whose rows it takes, and whether it is
    /// taking some now.
    next_take: Vec<usize>,
    taking: Vec<bool>,
    failed_at: Option<usize>,
    /// The file-order number of the first row after the ready blocks.
    next_base: u64,
    /// A task panicked: the other threads stop.
    aborted: bool,
}

enum Task {
    Parse(usize),
    Take { shard: usize, block: usize },
}

impl Schedule {
    fn new(blocks: usize, shards: usize, workers: usize, first_base: u64) -> Self {
        Schedule {
            state: Mutex::new(ScheduleState {
                blocks,
                next_parse: 0,
                parsed: vec![false; blocks],
                parsed_by: vec![0; blocks],
                busy: vec![false; workers],
                ready: 0,
                next_take: vec![0; shards],
                taking: vec![false; shards],
                failed_at: None,
                next_base: first_base,
                aborted: false,
            }),
            changed: Condvar::new(),
        }
    }
}

/// Ends a running task's bookkeeping even when the task panics, so that
/// the other threads stop instead of waiting for it forever.
struct Running<'a> {
    schedule: &'a Schedule,
    worker: usize,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut st = lock(&self.schedule.state);
            st.aborted = true;
            st.busy[self.worker] = false;
            self.schedule.changed.notify_all();
        }
    }
}

impl<D: DatasetSpec> Batch<'_, '_, '_, D> {
    /// Worker `me`'s share: tasks until none is left.
    ///
    /// A block's rows are taken by the worker that parsed it, while they
    /// are still in its cache, unless that worker is idle or nothing is
    /// left to parse; another worker parses the next block meanwhile.
    /// (Taking whatever block came next had one worker take nearly every
    /// block the other parsed, reading each row from the other core.)
    fn work(&self, me: usize) {
        let mut st = lock(&self.schedule.state);
        loop {
            if st.aborted {
                return;
            }
            self.advance(&mut st);
            let take = (0..st.next_take.len()).find(|&s| {
                let k = st.next_take[s];
                !st.taking[s]
                    && k < st.ready
                    && (st.parsed_by[k] == me
                        || !st.busy[st.parsed_by[k]]
                        || st.next_parse >= st.blocks)
            });
            let task = match take {
                Some(shard) => Task::Take {
                    shard,
                    block: st.next_take[shard],
                },
                None if st.next_parse < st.blocks => Task::Parse(st.next_parse),
                None if !st.busy.contains(&true) => {
                    self.schedule.changed.notify_all();
                    return;
                }
                None => {
                    st = self
                        .schedule
                        .changed
                        .wait(st)
                        .unwrap_or_else(|p| p.into_inner());
                    continue;
                }
            };
            match task {
                Task::Take { shard, .. } => st.taking[shard] = true,
                Task::Parse(k) => {
                    st.next_parse += 1;
                    st.parsed_by[k] = me;
                }
            }
            st.busy[me] = true;
            drop(st);
            let running = Running {
                schedule: self.schedule,
                worker: me,
            };
            self.run(&task);
            std::mem::forget(running);
            st = lock(&self.schedule.state);
            st.busy[me] = false;
            match task {
                Task::Take { shard, .. } => {
                    st.taking[shard] = false;
                    st.next_take[shard] += 1;
                }
                Task::Parse(block) => st.parsed[block] = true,
            }
            self.schedule.changed.notify_all();
        }
    }

    fn run(&self, task: &Task) {
        match *task {
            Task::Parse(k) => {
                let text = text_of(&self.pieces[k]);
                write(&self.blocks[k]).parse(self.ctx, text)
            }
            Task::Take { shard, block } => {
                let b = read(&self.blocks[block]);
                let mut rows = lock(&b.rows[shard]);
                let mut to = lock(&self.shards[shard]);
                for (key, ord, row) in rows.drain(..) {
                    to.accept(key, &row, b.base + ord as u64);
                }
            }
        }
    }

    /// Makes ready the parsed blocks that follow the ready ones: a block's
    /// start is right when the block before it ended between records; its
    /// lines and rows are then numbered on from that block's.
    fn advance(&self, st: &mut ScheduleState) {
        while st.ready < st.blocks && st.parsed[st.ready] {
            let k = st.ready;
            if k > 0 {
                let before = read(&self.blocks[k - 1]);
                if !before.splitter.is_clean() {
                    st.blocks = k;
                    st.failed_at = Some(k);
                    return;
                }
                let delta = before.splitter.line() - 1;
                drop(before);
                let mut next = write(&self.blocks[k]);
                next.splitter.shift_lines(delta);
                for p in &mut next.problems {
                    p.line += delta;
                }
            }
            let mut b = write(&self.blocks[k]);
            b.base = st.next_base;
            st.next_base += b.ordinals as u64;
            st.ready += 1;
        }
    }
}

/// A lock whose holder panicked is taken anyway: the panic goes on from
/// [`scoped`], and nothing is read from the value after it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn get_mut<T>(m: &mut Mutex<T>) -> &mut T {
    m.get_mut().unwrap_or_else(|p| p.into_inner())
}

fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(|p| p.into_inner())
}

fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|p| p.into_inner())
}

/// Runs `f` with a scope for threads that borrow from the caller, and
/// goes on with the first panic of any of them.
///
/// Not `std::thread::scope`: it asks std for the calling thread's handle,
/// which std allocates on a thread it did not start (a C program's main
/// thread) and never frees there — valgrind reports it as possibly lost in
/// every C program that tallies a large input.
fn scoped<'env, R>(f: impl FnOnce(&crossbeam_utils::thread::Scope<'env>) -> R) -> R {
    match crossbeam_utils::thread::scope(f) {
        Ok(r) => r,
        Err(payload) => {
            // Threads not joined in `f` report their panics as a list.
            let first = match payload.downcast::<Vec<Box<dyn std::any::Any + Send>>>() {
                Ok(mut all) if !all.is_empty() => all.swap_remove(0),
                Ok(_) => Box::new("a worker thread panicked"),
                Err(other) => other,
            };
            std::panic::resume_unwind(first)
        }
    }
}

/// Where a piece of pending bytes may end: after the last line break, else
/// after the last byte below 0x30 (no GB18030 character contains one), else
/// nowhere yet (0).
fn piece_end(pending: &[u8]) -> usize {
    pending
        .iter()
        .rposition(|&b| b == b'\n')
        .or_else(|| pending.iter().rposition(|&b| b < 0x30))
        .map_or(0, |p| p + 1)
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
        let Some((last, earlier)) = self.inputs.split_last_mut() else {
            return;
        };
        last.size = size;
        last.hash = hash.to_le_bytes();
        if let Some(e) = earlier.iter().find(|e| e.same_as(last)) {
            self.fatal
                .get_or_insert(FileError::SameInput { earlier: e.shown() });
        }
    }

    fn save_state(&mut self) -> Result<Vec<u8>> {
        self.close_input();
        FileEngine::<F>::check(self)?;
        self.state_body()
    }

    fn take_state(&mut self, name: &str, body: &[u8]) -> Result<()> {
        FileEngine::<F>::check(self)?;
        self.close_input();
        let error = |error| Error::State {
            state: name.to_string(),
            error,
        };
        // Everything the head says is checked before anything is taken: a
        // state refused for its settings, inputs or problems leaves the
        // tally as it was. Its rows are taken as they are decoded.
        let head = state::head(body).map_err(error)?;
        if let Some(e) = head.settings.differ(&Settings::of(&self.options)) {
            return Err(error(e));
        }
        if head.problems_total < head.problems.len() as u64 {
            return Err(error(StateError::Damaged(
                "it lists more problems than it counts".to_string(),
            )));
        }
        for (i, input) in head.inputs.iter().enumerate() {
            let before = self.inputs.iter().chain(&head.inputs[..i]);
            if let Some(e) = before.into_iter().find(|e| e.same_as(input)) {
                return Err(Error::File {
                    file: format!("{} (in {name})", input.shown()),
                    error: FileError::SameInput { earlier: e.shown() },
                });
            }
        }
        let base = self.inputs.len();
        for input in &head.inputs {
            self.rows.read += input.read;
            self.rows.blank += input.blank;
            self.rows.rejected += input.rejected;
        }
        self.inputs.extend(head.inputs.iter().cloned());
        let more = head.problems_total - head.problems.len() as u64;
        self.keep(head.problems);
        self.problems.total += more;
        let n = self.shards.len();
        let shards = &mut self.shards;
        let ordinal = &mut self.ordinal;
        let mut kept = vec![0u64; head.inputs.len()];
        let taken = state::stream::<D::Kept, _>(body, |head, r| {
            let k = kept.get_mut(r.file as usize).ok_or_else(|| {
                StateError::Damaged(format!(
                    "a row names input {} of {}",
                    r.file,
                    head.inputs.len()
                ))
            })?;
            *k += 1;
            let row = D::restore(&r.row, &head.strings).ok_or_else(|| {
                StateError::Damaged(
                    "a kept row holds a value that is no text, date or value of the ledger"
                        .to_string(),
                )
            })?;
            let key = IdKey(u128::from_le_bytes(r.key));
            let shard = &mut shards[key.shard(n)];
            shard.set_file(base + r.file as usize);
            shard.accept(key, &row, *ordinal);
            *ordinal += 1;
            Ok(())
        })
        .and_then(|_| {
            for (input, &k) in head.inputs.iter().zip(&kept) {
                let accounted = [input.blank, input.rejected, input.duplicates, k]
                    .iter()
                    .try_fold(0u64, |a, &b| a.checked_add(b));
                if accounted != Some(input.read) {
                    return Err(StateError::Damaged(format!(
                        "the rows of input {} do not add up",
                        input.shown()
                    )));
                }
            }
            Ok(())
        });
        if let Err(e) = taken {
            self.broken = Some((name.to_string(), e));
            return FileEngine::<F>::check(self);
        }
        Ok(())
    }

    fn fail(&mut self, error: FileError) {
        self.fatal.get_or_insert(error);
    }

    fn check(&self) -> Result<()> {
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

    fn finish(self: Box<Self>) -> Result<Tallied<F>> {
        FileEngine::<F>::check(&*self)?;
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

/// The header cells, decoded and trimmed.
pub(crate) fn header_names(
    rec: &Record<'_>,
    enc: SourceEncoding,
) -> Result<Vec<String>, FileError> {
    (0..rec.len())
        .map(|i| {
            let raw = rec.field(i).unwrap_or(&[]);
            // A header cell is shown in messages; personal numbers never
            // are (and no alias holds a run of 11 digits to be hidden).
            enc.decode_field(raw)
                .map(|s| mask_personal(trim(&s)).into_owned())
                .map_err(|reason| FileError::HeaderEncoding {
                    column: i + 1,
                    value: mask_personal(&enc.escape_invalid(raw)).into_owned(),
                    reason,
                })
        })
        .collect()
}

/// A blank line: nothing but white space (ASCII, U+3000, …) and delimiters.
pub(crate) fn is_blank(rec: &Record<'_>, enc: SourceEncoding) -> bool {
    rec.blank
        || (rec.blank_candidate
            && (0..rec.len()).all(|i| {
                enc.decode_field(rec.field(i).unwrap_or(&[]))
                    .is_ok_and(|s| trim(&s).is_empty())
            }))
}

/// A row whose shape is wrong: too long, too many fields, an unclosed
/// quote, fewer fields than the header, or non-empty fields past its end.
fn shape_problem(rec: &Record<'_>, ctx: &Context<'_>) -> Option<Problem> {
    let enc = ctx.enc;
    let problem = |column: String, value: String, reason: String| {
        let p = Problem::new(ctx.file, rec.line, column, value, reason);
        match ctx.sheet {
            Some(sheet) => p.in_sheet(sheet, None),
            None => p,
        }
    };
    if let Some(o) = rec.overflow {
        let joined = rec.joined();
        let shown = match enc.decode_field(&joined) {
            Ok(s) => s.into_owned(),
            Err(_) => enc.escape_invalid(&joined),
        };
        let reason = match o {
            Overflow::TooLong => {
                "the row is longer than the record size limit (Limits::max_record_bytes)"
            }
            Overflow::TooManyFields => {
                "the row has more fields than the column limit (Limits::max_columns)"
            }
            Overflow::UnclosedQuote => "a quoted field opened on this line is never closed",
        };
        return Some(problem(
            String::new(),
            mask_personal(&shown).chars().take(80).collect(),
            reason.to_string(),
        ));
    }
    let n = rec.len();
    let names = &ctx.map.names;
    if n < ctx.width {
        return Some(problem(
            names[n].clone(),
            String::new(),
            format!("the row has {n} fields but the header has {}", ctx.width),
        ));
    }
    let extra = (names.len()..n).find(|&i| !rec.field(i).unwrap_or(&[]).iter().all(|&b| b == b' '));
    if let Some(i) = extra {
        let raw = rec.field(i).unwrap_or(&[]);
        let value = enc
            .decode_field(raw)
            .map(|s| s.into_owned())
            .unwrap_or_else(|_| enc.escape_invalid(raw));
        return Some(problem(
            format!("(field {} past the header)", i + 1),
            value,
            format!("the row has {n} fields but the header has {}", names.len()),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::recycle;

    #[test]
    fn a_recycled_list_keeps_its_allocation() {
        let text = String::from("borrowed");
        let mut list: Vec<(u64, &str)> = Vec::with_capacity(1000);
        list.push((1, &text));
        let at = list.as_ptr() as usize;
        let reused: Vec<(u64, &'static str)> = recycle(list);
        assert!(reused.is_empty());
        assert_eq!((reused.as_ptr() as usize, reused.capacity()), (at, 1000));
    }
}
