//! The threads of one batch: each takes the next task there is — parse a
//! block, or let a shard take a parsed block's rows in file order — until
//! none is left.

use std::sync::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::batch::{Block, Piece, text_of};
use super::row::Context;
use super::shard::Shard;
use crate::datasets::DatasetSpec;

/// What the threads of one batch share.
pub(super) struct Batch<'a, 'b, 's, D: DatasetSpec> {
    pub(super) ctx: &'a Context<'a>,
    pub(super) pieces: &'a [Mutex<Piece<'b>>],
    pub(super) blocks: &'a [RwLock<Block<'b, D>>],
    pub(super) shards: &'a [Mutex<&'s mut Shard<D>>],
    pub(super) schedule: &'a Schedule,
}

/// Which tasks of a batch are done, running or ready.
pub(super) struct Schedule {
    pub(super) state: Mutex<ScheduleState>,
    pub(super) changed: Condvar,
}

pub(super) struct ScheduleState {
    /// Blocks in the batch, or the first block parsed on a wrong guess.
    pub(super) blocks: usize,
    pub(super) next_parse: usize,
    pub(super) parsed: Vec<bool>,
    /// Which worker parsed each block: its rows are in that worker's
    /// cache, so it takes them when it can.
    pub(super) parsed_by: Vec<usize>,
    /// Per worker: whether it is running a task (none running and none
    /// ready: the batch is done).
    pub(super) busy: Vec<bool>,
    /// Blocks whose start is known right, with their lines and first row
    /// numbered in file order.
    pub(super) ready: usize,
    /// Per shard: the next block whose rows it takes, and whether it is
    /// taking some now.
    pub(super) next_take: Vec<usize>,
    pub(super) taking: Vec<bool>,
    pub(super) failed_at: Option<usize>,
    /// The file-order number of the first row after the ready blocks.
    pub(super) next_base: u64,
    /// A task panicked: the other threads stop.
    pub(super) aborted: bool,
}

pub(super) enum Task {
    Parse(usize),
    Take { shard: usize, block: usize },
}

impl Schedule {
    pub(super) fn new(blocks: usize, shards: usize, workers: usize, first_base: u64) -> Self {
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
pub(super) struct Running<'a> {
    pub(super) schedule: &'a Schedule,
    pub(super) worker: usize,
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
    pub(super) fn work(&self, me: usize) {
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

    pub(super) fn run(&self, task: &Task) {
        match *task {
            Task::Parse(k) => {
                let text = text_of(&self.pieces[k]);
                write(&self.blocks[k]).parse(self.ctx, text)
            }
            Task::Take { shard, block } => {
                let b = read(&self.blocks[block]);
                let mut rows = lock(&b.rows[shard]);
                let mut to = lock(&self.shards[shard]);
                to.take(&mut rows, b.base);
            }
        }
    }

    /// Makes ready the parsed blocks that follow the ready ones: a block's
    /// start is right when the block before it ended between records; its
    /// lines and rows are then numbered on from that block's.
    pub(super) fn advance(&self, st: &mut ScheduleState) {
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
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn get_mut<T>(m: &mut Mutex<T>) -> &mut T {
    m.get_mut().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|p| p.into_inner())
}

/// Runs `f` with a scope for threads that borrow from the caller, and
/// goes on with the first panic of any of them.
///
/// Not `std::thread::scope`: it asks std for the calling thread's handle,
/// which std allocates on a thread it did not start (a C program's main
/// thread) and never frees there — valgrind reports it as possibly lost in
/// every C program that tallies a large input.
pub(super) fn scoped<'env, R>(f: impl FnOnce(&crossbeam_utils::thread::Scope<'env>) -> R) -> R {
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

/// A bounded queue between two threads, on a mutex and a condition
/// variable only: std's and crossbeam's channels ask std for the calling
/// thread's handle when they block, which a C program's own thread then
/// never frees (see [`scoped`]).
pub(super) struct Handoff<T> {
    state: Mutex<HandoffState<T>>,
    changed: Condvar,
    capacity: usize,
}

struct HandoffState<T> {
    items: std::collections::VecDeque<T>,
    closed: bool,
}

impl<T> Handoff<T> {
    pub(super) fn new(capacity: usize) -> Self {
        Handoff {
            state: Mutex::new(HandoffState {
                items: std::collections::VecDeque::with_capacity(capacity),
                closed: false,
            }),
            changed: Condvar::new(),
            capacity: capacity.max(1),
        }
    }

    /// Queues `item`, waiting while the queue is full; drops it once the
    /// handoff is closed.
    pub(super) fn push(&self, item: T) {
        let mut st = lock(&self.state);
        while st.items.len() >= self.capacity && !st.closed {
            st = self.changed.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        if !st.closed {
            st.items.push_back(item);
            self.changed.notify_all();
        }
    }

    /// The next item, waiting for one; None once the handoff is closed and
    /// empty.
    pub(super) fn pop(&self) -> Option<T> {
        let mut st = lock(&self.state);
        loop {
            if let Some(item) = st.items.pop_front() {
                self.changed.notify_all();
                return Some(item);
            }
            if st.closed {
                return None;
            }
            st = self.changed.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// No more items: [`Handoff::pop`] returns what is queued, then None,
    /// and [`Handoff::push`] drops what it is given.
    pub(super) fn close(&self) {
        lock(&self.state).closed = true;
        self.changed.notify_all();
    }
}

/// Closes a [`Handoff`] when dropped, on a panic too.
pub(super) struct CloseOnDrop<'a, T>(pub(super) &'a Handoff<T>);

impl<T> Drop for CloseOnDrop<'_, T> {
    fn drop(&mut self) {
        self.0.close();
    }
}
