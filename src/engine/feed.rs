//! Decoded bytes on their way to rows: the header, then batches for the
//! threads, or records split and parsed here (one thread, small feeds,
//! workbook rows).

use super::row::{
    Context, HEADER_ROWS, Parsed, header_names, is_blank, parse_record, record_text, text_prefix,
};
use super::{Core, limits};
use crate::datasets::DatasetSpec;
use crate::error::{FileError, Problem};
use crate::input::decode::{SourceEncoding, transcode_gb18030};
use crate::input::header::HeaderMap;
use crate::input::records::{Overflow, Record, Splitter};
use crate::input::workbook::SheetRow;

impl<D: DatasetSpec> Core<D> {
    /// Splits and tallies the pending bytes up to the last line break (all
    /// of them at the end of the file), keeping the rest for later: a piece
    /// then never ends inside a GB18030 character, and a block can be
    /// transcoded on its own.
    pub(super) fn process(&mut self, last: bool) {
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
    pub(super) fn split_here(&mut self, input: &[u8]) {
        let mut lead = std::mem::replace(
            &mut self.lead,
            Splitter::new(Some(b','), limits(&self.options)),
        );
        let prefix = text_prefix(input);
        lead.feed(input, &mut |rec| self.record(rec, record_text(rec, prefix)));
        self.lead = lead;
    }

    /// One record on the sequential path: the header, or a row.
    pub(super) fn record(&mut self, rec: &Record<'_>, text: Option<&str>) {
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
        let parsed = parse_record::<D>(&ctx, rec, rec.bytes(), text, &mut problems, &[]);
        self.take_parsed(parsed, problems);
    }

    /// Counts what became of a record parsed on this thread, takes its
    /// row, and keeps its problems (`problems` becomes the scratch list).
    fn take_parsed(&mut self, parsed: Parsed<D::Row<'_>>, mut problems: Vec<Problem>) {
        match parsed {
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
    pub(super) fn header_record(&mut self, rec: &Record<'_>) {
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
    pub(super) fn sheet_row(&mut self, row: &SheetRow<'_>) {
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
        let parsed = parse_record::<D>(&ctx, &rec, row.bytes, text, &mut problems, row.errors);
        self.take_parsed(parsed, problems);
    }

    /// Feeds UTF-8 text past the header: batches are taken straight from
    /// the caller's bytes, not copied into `pending` first. A batch may end
    /// anywhere, inside a record or a character: the splitter carries what
    /// it holds of a record over to the next batch (only GB18030, which is
    /// transcoded block by block, needs batches that end on a line break).
    /// Small feeds gather in `pending` until they make a batch (with
    /// several threads).
    pub(super) fn feed_text(&mut self, mut bytes: &[u8], batch: usize) {
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
    pub(super) fn tally(&mut self, piece: &[u8]) {
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
}

/// Where a piece of pending bytes may end: after the last line break, else
/// after the last byte below 0x30 (no GB18030 character contains one), else
/// nowhere yet (0).
pub(super) fn piece_end(pending: &[u8]) -> usize {
    pending
        .iter()
        .rposition(|&b| b == b'\n')
        .or_else(|| pending.iter().rposition(|&b| b < 0x30))
        .map_or(0, |p| p + 1)
}
