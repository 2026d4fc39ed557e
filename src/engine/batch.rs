//! One batch of decoded text tallied on every thread: cut into blocks,
//! each split and parsed into per-shard row lists, which the shards take
//! in file order (the scheduling is [`super::parallel`]'s).

use std::sync::{Mutex, RwLock};

use super::parallel::{Batch, Schedule, get_mut, into_inner, lock, scoped};
use super::row::{Context, Parsed, parse_record, record_text, text_prefix};
use super::shard::Shard;
use super::{Core, limits};
use crate::datasets::DatasetSpec;
use crate::error::Problem;
use crate::input::decode::{SourceEncoding, transcode_gb18030};
use crate::input::records::Splitter;
use crate::stats::distinct::IdKey;

/// Rows bound for one shard, each with its ordinal within its block.
pub(super) type RowList<'b, D> = Vec<(IdKey, u32, <D as DatasetSpec>::Row<'b>)>;

/// An emptied list made a list of the same element type under another
/// lifetime, keeping its allocation: std collects in place when the
/// element layouts match, as they do here. Row lists then keep their
/// memory from batch to batch instead of allocating (and, past malloc's
/// mmap threshold, faulting in fresh pages) every time.
pub(super) fn recycle<T, U>(mut list: Vec<T>) -> Vec<U> {
    list.clear();
    list.into_iter().filter_map(|_| None).collect()
}

/// Phase 1's output for one block.
pub(super) struct Block<'b, D: DatasetSpec> {
    pub(super) splitter: Splitter,
    /// Rows by shard.
    /// Rows by shard; a shard empties its list as it takes the rows, so
    /// they are dropped on the thread that takes them, still in cache.
    pub(super) rows: Vec<Mutex<RowList<'b, D>>>,
    pub(super) problems: Vec<Problem>,
    pub(super) read: u64,
    pub(super) blank: u64,
    pub(super) rejected: u64,
    pub(super) ordinals: u32,
    /// The file-order number of the block's first row, once the blocks
    /// before it are known.
    pub(super) base: u64,
}

impl<'b, D: DatasetSpec> Block<'b, D> {
    pub(super) fn new(splitter: Splitter, rows: Vec<RowList<'b, D>>) -> Self {
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
    pub(super) fn parse(&mut self, ctx: &Context<'_>, input: &'b [u8]) {
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

impl<D: DatasetSpec> Core<D> {
    /// Splits and tallies the pending bytes on every thread.
    ///
    /// The batch is cut into several blocks per thread. Each thread takes
    /// the next task there is: taking a block's rows into a shard when the
    /// shard has taken every block before it (so rows meet their shard in
    /// file order, while still in cache), else splitting and parsing the
    /// next block. No thread waits for the others until the batch ends.
    pub(super) fn run_batch(&mut self, data: &[u8]) {
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
                shard.take(get_mut(list), next_ordinal);
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
pub(super) enum Piece<'b> {
    Text(&'b [u8]),
    Gb18030 {
        raw: &'b [u8],
        text: &'b mut Vec<u8>,
    },
}

/// The text of a piece, transcoded the first time it is asked for.
pub(super) fn text_of<'b>(piece: &Mutex<Piece<'b>>) -> &'b [u8] {
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
pub(super) const BLOCKS_PER_THREAD: usize = 4;

/// Shards for `threads` threads: two from two threads on, so that both
/// threads can take rows when taking is the larger part of a row's work
/// (random ids and many categories miss the caches on every row: 0.74–0.84
/// of the time of one shard on `hex32`, `uuid` and `cats200k` with two
/// threads, the same on the other shapes; docs/performance.md), then one
/// per three threads (a shard takes about a quarter of the work of a row
/// whose id and groups stay in cache).
pub(super) fn shard_count(threads: usize) -> usize {
    threads.div_ceil(3).max(threads.min(2))
}

#[cfg(test)]
mod tests {
    use super::recycle;

    #[test]
    pub(super) fn a_recycled_list_keeps_its_allocation() {
        let text = String::from("borrowed");
        let mut list: Vec<(u64, &str)> = Vec::with_capacity(1000);
        list.push((1, &text));
        let at = list.as_ptr() as usize;
        let reused: Vec<(u64, &'static str)> = recycle(list);
        assert!(reused.is_empty());
        assert_eq!((reused.as_ptr() as usize, reused.capacity()), (at, 1000));
    }
}
