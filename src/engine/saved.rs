//! A tally written as a state and a state taken back in
//! (docs/state.md): the engine's side of [`crate::state`].

use super::Core;
use std::sync::Mutex;

use super::parallel::{CloseOnDrop, Handoff, into_inner, lock, scoped};
use crate::datasets::DatasetSpec;
use crate::error::{Error, FileError, Result};
use crate::state::kept::{KeptRow, SavedRow, Strings};
use crate::state::{self, Body, Settings, StateError};
use crate::stats::distinct::IdKey;

impl<D: DatasetSpec> Core<D> {
    /// The state's body: first occurrences in file order, with the texts
    /// they use.
    pub(super) fn state_body(&mut self) -> Result<Vec<u8>> {
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
        let mut shards: Vec<&mut super::shard::Kept<D>> =
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

    /// Records the size and content hash of the input just ended, and
    /// fails the tally when an earlier input had the same bytes.
    pub(super) fn identify_input(&mut self, size: u64, hash: u128) {
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

    /// Takes in a state's body (see [`super::FileEngine::take_state`]).
    pub(super) fn take_state_body(&mut self, name: &str, body: &[u8]) -> Result<()> {
        self.usable()?;
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
        let inputs = head.inputs.len();
        let strings = &head.strings;
        let mut kept = vec![0u64; inputs];
        let shard_count = self.shards.len();
        let shards = &mut self.shards;
        let first = self.ordinal;
        let mut take = |run: &mut RowRun<'_, D>| {
            let shard = &mut shards[run.shard];
            shard.set_file(base + run.file);
            shard.take(&mut run.rows, first + run.base);
        };
        let taken = if self.threads > 1 {
            // Decoding and restoring the rows takes about as long as the
            // shards take to take them: a second thread decodes while this
            // one takes, runs of rows passing between them.
            let runs = Handoff::new(RUNS_IN_FLIGHT);
            let spent = Mutex::new(Vec::new());
            let decoded = Mutex::new(Ok(()));
            let kept = &mut kept;
            scoped(|s| {
                s.spawn(|_| {
                    // A panic here ends the handoff too, so the taker stops.
                    let _closed = CloseOnDrop(&runs);
                    let result = decode_rows::<D>(body, strings, shard_count, kept, |run| {
                        let fresh = lock(&spent).pop().unwrap_or_else(RowRun::new);
                        // Refused only once the taker has stopped (it
                        // panicked, and the scope carries the panic on).
                        runs.push(std::mem::replace(run, fresh));
                    });
                    *lock(&decoded) = result;
                });
                // Whatever ends this loop (a panic too) ends the handoff,
                // so the decoder never waits for a taker that is gone.
                let _closed = CloseOnDrop(&runs);
                while let Some(mut run) = runs.pop() {
                    take(&mut run);
                    lock(&spent).push(run);
                }
            });
            into_inner(decoded)
        } else {
            decode_rows::<D>(body, strings, shard_count, &mut kept, |run| take(run))
        }
        .and_then(|_| {
            self.ordinal = first + kept.iter().sum::<u64>();
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
            return self.usable();
        }
        Ok(())
    }
}

/// Kept rows of one input bound for one shard, in the order of the
/// state: the unit that passes from the decoding thread to the taking
/// one. A row's ordinal is `base` plus its own, counted from the state's
/// first row.
struct RowRun<'s, D: DatasetSpec> {
    file: usize,
    shard: usize,
    base: u64,
    rows: Vec<(IdKey, u32, D::Row<'s>)>,
}

impl<D: DatasetSpec> RowRun<'_, D> {
    fn new() -> Self {
        RowRun {
            file: 0,
            shard: 0,
            base: 0,
            rows: Vec::with_capacity(RUN_ROWS),
        }
    }
}

/// Rows decoded before the runs are handed on: enough that passing a run
/// costs little per row, few enough that a run is still in cache when it
/// is taken.
const RUN_ROWS: usize = 4096;

/// Runs decoded ahead of the taking thread.
const RUNS_IN_FLIGHT: usize = 4;

/// Decodes the rows of a checked body, restoring each with the head's
/// `strings` and counting the rows of each input in `kept`, and hands
/// them on in runs, one per shard of `shards` for every [`RUN_ROWS`] rows
/// of one input; `hand` leaves an empty run in the place of the full one.
/// The error is the first damage found.
fn decode_rows<'s, D: DatasetSpec>(
    body: &[u8],
    strings: &'s [String],
    shards: usize,
    kept: &mut [u64],
    mut hand: impl FnMut(&mut RowRun<'s, D>),
) -> std::result::Result<(), StateError> {
    let inputs = kept.len();
    let mut runs: Vec<RowRun<'s, D>> = (0..shards).map(|_| RowRun::new()).collect();
    // The rows of the runs being filled: their file, first ordinal, count.
    let (mut file, mut base, mut count) = (0usize, 0u64, 0u32);
    let mut flush = |runs: &mut [RowRun<'s, D>], next_file: usize, next_base: u64| {
        for (shard, run) in runs.iter_mut().enumerate() {
            if !run.rows.is_empty() {
                hand(run);
            }
            (run.file, run.shard, run.base) = (next_file, shard, next_base);
        }
    };
    flush(&mut runs, 0, 0);
    state::stream::<D::Kept, _>(body, |_, r| {
        let at = r.file as usize;
        let k = kept
            .get_mut(at)
            .ok_or_else(|| StateError::Damaged(format!("a row names input {at} of {inputs}")))?;
        *k += 1;
        let row = D::restore(&r.row, strings).ok_or_else(|| {
            StateError::Damaged(
                "a kept row holds a value that is no text, date or value of the ledger".to_string(),
            )
        })?;
        if at != file || count as usize == RUN_ROWS {
            base += u64::from(count);
            (file, count) = (at, 0);
            flush(&mut runs, file, base);
        }
        let key = IdKey(u128::from_le_bytes(r.key));
        runs[key.shard(shards)].rows.push((key, count, row));
        count += 1;
        Ok(())
    })?;
    flush(&mut runs, file, base);
    Ok(())
}
