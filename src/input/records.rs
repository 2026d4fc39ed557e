//! CSV record splitting (RFC 4180) over ASCII-compatible bytes, fed in
//! chunks of any size.
//!
//! Quoted fields may hold delimiters, doubled quotes and line breaks; CRLF,
//! LF and a lone CR end a record. The splitter keeps one record's bytes at a
//! time, never the file, and stops growing a record at the configured limits
//! (the rest of an oversized record is scanned, not stored).

/// Limits on what one record may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordLimits {
    /// Most bytes one record may hold (field contents, after unquoting).
    pub max_record_bytes: usize,
    /// Most fields one record may hold.
    pub max_fields: usize,
}

/// Why a record was not kept whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// The record grew past `max_record_bytes`.
    TooLong,
    /// The record had more than `max_fields` fields.
    TooManyFields,
    /// A quoted field was still open at the end of the input.
    UnclosedQuote,
}

/// One record, borrowed from the splitter.
pub struct Record<'a> {
    /// The line (1-based) on which the record starts.
    pub line: u64,
    /// Whether the record held nothing but ASCII white space and
    /// delimiters.
    pub blank: bool,
    /// Whether the record may be blank once decoded: no quoted field, and
    /// nothing but white space, delimiters and non-ASCII bytes (U+3000 is
    /// white space too).
    pub blank_candidate: bool,
    /// Set when the record could not be kept whole.
    pub overflow: Option<Overflow>,
    bytes: &'a [u8],
    ends: &'a [usize],
    /// 1 when `bytes` still holds the delimiter between fields (a record
    /// taken straight from the input), 3 when it holds `","` (a record
    /// that quoted every field, taken straight from the input), 0 when
    /// fields were copied out or their starts are in `starts`.
    gap: usize,
    /// Where each field starts, when the record was taken straight from
    /// the input with quoted fields (whose quotes stay in `bytes`); empty
    /// otherwise, each field then starting `gap` bytes after the last one
    /// ends.
    starts: &'a [usize],
    /// Where `bytes` starts in the input given to [`Splitter::feed`], for a
    /// record taken straight from it.
    offset: Option<usize>,
}

impl<'a> Record<'a> {
    /// A record whose fields were split already (a workbook row): `bytes`
    /// holds the fields back to back, field `i` ending at `ends[i]`.
    pub(crate) fn from_fields(
        line: u64,
        bytes: &'a [u8],
        ends: &'a [usize],
        blank: bool,
        overflow: Option<Overflow>,
    ) -> Record<'a> {
        Record {
            line,
            blank,
            blank_candidate: blank,
            overflow,
            bytes,
            ends,
            gap: 0,
            starts: &[],
            offset: None,
        }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no fields (never true for a delivered record).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The bytes of field `i`, unquoted.
    #[inline]
    pub fn field(&self, i: usize) -> Option<&'a [u8]> {
        self.range(i).map(|r| &self.bytes[r])
    }

    /// Where field `i` sits in [`Record::bytes`].
    #[inline]
    pub fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = if !self.starts.is_empty() {
            self.starts[i]
        } else if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.gap
        };
        Some(start..end)
    }

    /// Where the record's bytes start in the input slice it was split from,
    /// when it was taken from that slice without copying (so a caller
    /// holding the input can borrow the bytes for longer).
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }

    /// All bytes of the record: its fields, possibly with the delimiters
    /// between them.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The record's fields joined without delimiters, for messages.
    pub fn joined(&self) -> Vec<u8> {
        (0..self.len())
            .flat_map(|i| self.field(i).unwrap_or(&[]).to_vec())
            .collect()
    }

    /// The whole record as text when it is valid UTF-8 and every field
    /// starts on a character boundary: one validation instead of one per
    /// field.
    pub fn utf8(&self) -> Option<&'a str> {
        let s = std::str::from_utf8(self.bytes).ok()?;
        (0..self.ends.len())
            .all(|i| self.range(i).is_some_and(|r| s.is_char_boundary(r.start)))
            .then_some(s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
    AfterCr,
}

/// Streaming record splitter.
pub struct Splitter {
    delimiter: Option<u8>,
    limits: RecordLimits,
    state: State,
    /// Bytes of the first line while the delimiter is being chosen.
    probe: Vec<u8>,
    record: Vec<u8>,
    ends: Vec<usize>,
    /// Field starts of a record with quotes taken straight from the input.
    starts: Vec<usize>,
    line: u64,
    record_line: u64,
    quoted: bool,
    overflow: Option<Overflow>,
    special: [bool; 256],
    /// Splitting the probe buffer, not the caller's input.
    from_probe: bool,
}

impl Splitter {
    /// A splitter; `delimiter` None chooses tab or comma from the first line.
    pub fn new(delimiter: Option<u8>, limits: RecordLimits) -> Self {
        let mut s = Splitter {
            delimiter: None,
            limits,
            state: State::FieldStart,
            probe: Vec::new(),
            record: Vec::with_capacity(256),
            ends: Vec::with_capacity(16),
            starts: Vec::with_capacity(16),
            line: 1,
            record_line: 1,
            quoted: false,
            overflow: None,
            special: [false; 256],
            from_probe: false,
        };
        if let Some(d) = delimiter {
            s.set_delimiter(d);
        }
        s
    }

    /// The delimiter in use, once chosen.
    pub fn delimiter(&self) -> Option<u8> {
        self.delimiter
    }

    /// Whether the splitter stands between records: nothing of a record
    /// held. A block cut after a line break must end this way.
    pub fn is_clean(&self) -> bool {
        self.delimiter.is_some()
            && matches!(self.state, State::FieldStart | State::AfterCr)
            && self.record.is_empty()
            && self.ends.is_empty()
            && self.overflow.is_none()
            && !self.quoted
    }

    /// The line the splitter stands on (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Moves line numbering on by `delta`: a splitter that started in the
    /// middle of a file counted from 1.
    pub fn shift_lines(&mut self, delta: u64) {
        self.line += delta;
        self.record_line += delta;
    }

    fn set_delimiter(&mut self, d: u8) {
        self.delimiter = Some(d);
        self.special = [false; 256];
        for b in [d, b'\r', b'\n'] {
            self.special[b as usize] = true;
        }
    }

    /// Feeds decoded bytes; each complete record goes to `on_record`.
    pub fn feed(&mut self, input: &[u8], on_record: &mut dyn FnMut(&Record<'_>)) {
        if self.delimiter.is_none() {
            self.probe.extend_from_slice(input);
            // Only a line end or a full probe can settle the choice: looking
            // again at the whole probe on every feed would be quadratic.
            let max = self.limits.max_record_bytes;
            let settled =
                self.probe.len() >= max || input.iter().any(|&b| b == b'\n' || b == b'\r');
            let Some(d) = settled
                .then(|| choose_delimiter(&self.probe, false, max))
                .flatten()
            else {
                return;
            };
            self.set_delimiter(d);
            // Records from the probe buffer are not slices of `input`.
            let probe = std::mem::take(&mut self.probe);
            self.from_probe = true;
            self.split(&probe, on_record);
            self.from_probe = false;
            return;
        }
        self.split(input, on_record);
    }

    /// Ends the input: delivers a last record without a line break, and
    /// reports a quoted field left open.
    pub fn finish(&mut self, on_record: &mut dyn FnMut(&Record<'_>)) {
        if self.delimiter.is_none() {
            let d =
                choose_delimiter(&self.probe, true, self.limits.max_record_bytes).unwrap_or(b',');
            self.set_delimiter(d);
            let probe = std::mem::take(&mut self.probe);
            self.from_probe = true;
            self.split(&probe, on_record);
            self.from_probe = false;
        }
        match self.state {
            State::FieldStart if self.ends.is_empty() && self.record.is_empty() => {}
            State::AfterCr => {}
            State::Quoted => {
                self.overflow.get_or_insert(Overflow::UnclosedQuote);
                self.end_record(on_record);
            }
            _ => self.end_record(on_record),
        }
        self.state = State::FieldStart;
    }

    #[inline]
    fn push_bytes(&mut self, bytes: &[u8]) {
        if self.record.len() + bytes.len() <= self.limits.max_record_bytes {
            self.record.extend_from_slice(bytes);
        } else {
            self.overflow.get_or_insert(Overflow::TooLong);
        }
    }

    #[inline]
    fn end_field(&mut self) {
        if self.ends.len() < self.limits.max_fields {
            self.ends.push(self.record.len());
        } else {
            self.overflow.get_or_insert(Overflow::TooManyFields);
        }
    }

    fn end_record(&mut self, on_record: &mut dyn FnMut(&Record<'_>)) {
        self.end_field();
        // `all` stops at the first byte of an ordinary row. A record cut
        // short by a limit holds fewer bytes than it had: never blank.
        let candidate = !self.quoted
            && self.overflow.is_none()
            && self
                .record
                .iter()
                .all(|&b| b == b' ' || b == b'\t' || b >= 0x80);
        let blank = candidate && self.record.is_ascii();
        on_record(&Record {
            line: self.record_line,
            blank,
            blank_candidate: candidate,
            overflow: self.overflow,
            bytes: &self.record,
            ends: &self.ends,
            gap: 0,
            starts: &[],
            offset: None,
        });
        self.record.clear();
        self.ends.clear();
        self.quoted = false;
        self.overflow = None;
    }

    fn split(&mut self, input: &[u8], on_record: &mut dyn FnMut(&Record<'_>)) {
        let delim = self.delimiter.expect("delimiter chosen before splitting");
        let n = input.len();
        let mut i = 0;
        while i < n {
            match self.state {
                State::FieldStart
                    if self.record.is_empty()
                        && self.ends.is_empty()
                        && self.overflow.is_none() =>
                {
                    // A record that starts here: records without quotes
                    // that end in this chunk are taken straight from it.
                    i = self.whole_records(input, i, delim, on_record);
                    if i < n && self.state == State::FieldStart {
                        self.field_start(input, &mut i);
                    }
                }
                State::FieldStart => self.field_start(input, &mut i),
                State::Unquoted => {
                    let start = i;
                    while i < n && !self.special[input[i] as usize] {
                        i += 1;
                    }
                    self.push_bytes(&input[start..i]);
                    if i == n {
                        break;
                    }
                    let b = input[i];
                    i += 1;
                    self.after_field(b, delim, on_record);
                }
                State::Quoted => {
                    let start = i;
                    while i < n && input[i] != b'"' {
                        if input[i] == b'\n' {
                            self.line += 1;
                        }
                        i += 1;
                    }
                    self.push_bytes(&input[start..i]);
                    if i == n {
                        break;
                    }
                    i += 1;
                    self.state = State::QuoteInQuoted;
                }
                State::QuoteInQuoted => {
                    let b = input[i];
                    if b == b'"' {
                        self.push_bytes(b"\"");
                        self.state = State::Quoted;
                        i += 1;
                    } else if b == delim || b == b'\r' || b == b'\n' {
                        i += 1;
                        self.after_field(b, delim, on_record);
                    } else {
                        // Text after a closing quote is kept, as most CSV
                        // readers (and Excel) do: "abc"def reads abcdef.
                        self.state = State::Unquoted;
                    }
                }
                State::AfterCr => {
                    if input[i] == b'\n' {
                        i += 1;
                    }
                    self.line += 1;
                    self.record_line = self.line;
                    self.state = State::FieldStart;
                }
            }
        }
    }

    #[inline]
    fn field_start(&mut self, input: &[u8], i: &mut usize) {
        if input[*i] == b'"' {
            self.quoted = true;
            self.state = State::Quoted;
            *i += 1;
        } else {
            self.state = State::Unquoted;
        }
    }

    /// The zero-copy path: the records from `start` on that end within
    /// `input` are delivered as slices of it, found through a bit mask of
    /// the special bytes in each 64-byte window. A field may be quoted
    /// (`"a,b"`) when its quotes hold no quote and no line break and a
    /// delimiter or line end follows the closing one: exporters quote
    /// every field, or only text fields, or only those with a comma. A
    /// record without quotes, and one that quotes every field, each have
    /// a loop of their own; a record that quotes some is read again from
    /// its start by [`Splitter::scan_record`]. Returns where it stopped:
    /// at the start of a record for the copying path (a doubled quote, a
    /// quote inside an unquoted field, text after a closing quote, a line
    /// break inside quotes, a limit, or no line end before the end of
    /// `input`), or at the end of `input` (the state then says what comes
    /// next).
    fn whole_records(
        &mut self,
        input: &[u8],
        start: usize,
        delim: u8,
        on_record: &mut dyn FnMut(&Record<'_>),
    ) -> usize {
        let n = input.len();
        let mut base = start;
        let mut bits = special_mask(input, base, delim);
        let mut record = start;
        loop {
            // The next special byte at or after `record`.
            let mut p;
            let mut quoted = false;
            // Some fields quoted: where the field-by-field scan goes on.
            let mut mixed = None;
            loop {
                while bits == 0 {
                    base += 64;
                    if base >= n {
                        self.ends.clear();
                        return record;
                    }
                    bits = special_mask(input, base, delim);
                }
                p = base + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                // Skipped: the LF of a CRLF already consumed.
                if p < record {
                    continue;
                }
                let b = input[p];
                if b == b'"' && p == record {
                    // Every field quoted, perhaps: taken straight from
                    // the input too.
                    match self.quoted_record(input, record, delim, &mut base, &mut bits) {
                        Some(end) => {
                            p = end;
                            quoted = true;
                            break;
                        }
                        None => {
                            // Read again from its start.
                            self.ends.clear();
                            mixed = Some((record, special_mask(input, record, delim), record));
                            break;
                        }
                    }
                }
                if b == b'"' {
                    // A quote that opens a field, after unquoted ones: the
                    // scan goes on from it. One inside a field is the
                    // copying path's.
                    if self.ends.last().is_none_or(|&e| p != record + e + 1) {
                        self.ends.clear();
                        return record;
                    }
                    mixed = Some((base, bits, p));
                    break;
                }
                if self.ends.len() == self.limits.max_fields {
                    self.ends.clear();
                    return record;
                }
                if b != delim {
                    break;
                }
                self.ends.push(p - record);
            }
            if let Some((at, at_bits, field)) = mixed {
                let mut specials = Specials {
                    input,
                    delim,
                    base: at,
                    bits: at_bits,
                };
                let Some((end, some_quoted)) =
                    self.scan_record(&mut specials, record, field, delim)
                else {
                    self.ends.clear();
                    self.starts.clear();
                    return record;
                };
                (p, base, bits) = (end, specials.base, specials.bits);
                if some_quoted {
                    self.deliver_quoted(&input[record..p], record, 0, on_record);
                } else {
                    // A quote seen, but none at a field's start: the copying
                    // path would have read it the same way, unquoted.
                    self.ends.pop();
                    self.deliver(&input[record..p], record, delim, on_record);
                }
            } else if quoted {
                self.deliver_quoted(&input[record + 1..p - 1], record + 1, 3, on_record);
            } else {
                if p - record > self.limits.max_record_bytes {
                    self.ends.clear();
                    return record;
                }
                self.deliver(&input[record..p], record, delim, on_record);
            }
            if input[p] == b'\n' {
                self.line += 1;
                self.record_line = self.line;
                record = p + 1;
            } else if p + 1 == n {
                // A CR at the end of the input: an LF may follow in the
                // next chunk.
                self.state = State::AfterCr;
                return n;
            } else {
                record = p + 1 + usize::from(input[p + 1] == b'\n');
                self.line += 1;
                self.record_line = self.line;
            }
            if record == n {
                return n;
            }
        }
    }

    /// A record from `record` on that quotes every field, `"a","b",…`,
    /// with no doubled quote and no line break inside a field, and ends
    /// within `input`: its field ends (from `record + 1`, the first field's
    /// first byte) are pushed to `ends`, and it returns where the line end
    /// after its last quote is, with `base` and `bits` moved past its last
    /// quote (the bit of the line end is left). Any other record gives
    /// None, with `ends` to be cleared: the copying path reads it.
    #[inline]
    fn quoted_record(
        &mut self,
        input: &[u8],
        record: usize,
        delim: u8,
        base: &mut usize,
        bits: &mut u64,
    ) -> Option<usize> {
        let n = input.len();
        let first = record + 1;
        // Special bytes before `from` are this record's own, seen already.
        let mut from = first;
        loop {
            // The field's closing quote: the next quote at or after `from`.
            let q = loop {
                while *bits == 0 {
                    *base += 64;
                    if *base >= n {
                        return None;
                    }
                    *bits = special_mask(input, *base, delim);
                }
                let p = *base + bits.trailing_zeros() as usize;
                *bits &= *bits - 1;
                if p < from {
                    continue;
                }
                match input[p] {
                    b'"' => break p,
                    b'\r' | b'\n' => return None,
                    // A delimiter inside the quotes is text.
                    _ => {}
                }
            };
            if q + 1 >= n
                || self.ends.len() == self.limits.max_fields
                || q - record > self.limits.max_record_bytes
            {
                return None;
            }
            let after = input[q + 1];
            if after == delim {
                if input.get(q + 2) != Some(&b'"') {
                    return None;
                }
                self.ends.push(q - first);
                from = q + 3;
            } else if after == b'\r' || after == b'\n' {
                self.ends.push(q - first);
                return Some(q + 1);
            } else {
                // A doubled quote, or text after the closing quote.
                return None;
            }
        }
    }

    /// Delivers a record with quoted fields taken whole from the input at
    /// `offset`, its field ends already in `ends`: one that quoted every
    /// field from its first field's first byte up to its last closing
    /// quote, `","` standing between its fields (`gap` 3); one that quoted
    /// some, up to its line end, its field starts in `starts` (`gap` 0).
    #[inline]
    fn deliver_quoted(
        &mut self,
        bytes: &[u8],
        offset: usize,
        gap: usize,
        on_record: &mut dyn FnMut(&Record<'_>),
    ) {
        on_record(&Record {
            line: self.record_line,
            // As the copying path: a record with a quoted field is never
            // blank.
            blank: false,
            blank_candidate: false,
            overflow: None,
            bytes,
            ends: &self.ends,
            gap,
            starts: &self.starts,
            offset: (!self.from_probe).then_some(offset),
        });
        self.ends.clear();
        self.starts.clear();
    }

    /// Delivers a record without quotes taken whole from the input at
    /// `offset`, its field ends already in `ends`.
    #[inline]
    fn deliver(
        &mut self,
        bytes: &[u8],
        offset: usize,
        delim: u8,
        on_record: &mut dyn FnMut(&Record<'_>),
    ) {
        self.ends.push(bytes.len());
        let candidate = bytes
            .iter()
            .all(|&b| b == b' ' || b == b'\t' || b >= 0x80 || b == delim);
        on_record(&Record {
            line: self.record_line,
            // As the copying path, which never stores delimiters: a
            // non-ASCII delimiter does not make a record non-blank.
            blank: candidate && bytes.iter().all(|&b| b < 0x80 || b == delim),
            blank_candidate: candidate,
            overflow: None,
            bytes,
            ends: &self.ends,
            gap: 1,
            starts: &[],
            offset: (!self.from_probe).then_some(offset),
        });
        self.ends.clear();
    }

    /// Reads the fields of the record at `record` from the one at `field`
    /// on (the ends of those before it, unquoted, are in `ends`), pushing
    /// their ends (and, once a field is quoted, every field's start)
    /// relative to the record: where its line end is, and whether a field
    /// was quoted. None when the copying path must read the record (see
    /// [`Splitter::whole_records`]).
    #[inline]
    fn scan_record(
        &mut self,
        specials: &mut Specials<'_>,
        record: usize,
        mut field: usize,
        delim: u8,
    ) -> Option<(usize, bool)> {
        let input = specials.input;
        let mut quoted = false;
        loop {
            if self.ends.len() == self.limits.max_fields {
                return None;
            }
            let (from, to, after) = if input.get(field) == Some(&b'"') {
                if !quoted {
                    // The fields before this one start where the uniform
                    // gap of one delimiter puts them.
                    quoted = true;
                    self.starts.clear();
                    let mut s = 0;
                    for &e in &self.ends {
                        self.starts.push(s);
                        s = e + 1;
                    }
                }
                // The closing quote: the next quote (a delimiter inside
                // the quotes is text).
                let mut at = field + 1;
                let q = loop {
                    let p = specials.next_at(at)?;
                    match input[p] {
                        b'"' => break p,
                        b'\r' | b'\n' => return None,
                        _ => at = p + 1,
                    }
                };
                let after = *input.get(q + 1)?;
                if after != delim && after != b'\r' && after != b'\n' {
                    // A doubled quote, or text after the closing quote.
                    return None;
                }
                (field + 1, q, (q + 1, after))
            } else {
                let p = specials.next_at(field)?;
                if input[p] == b'"' {
                    return None;
                }
                (field, p, (p, input[p]))
            };
            if to - record > self.limits.max_record_bytes {
                return None;
            }
            if quoted {
                self.starts.push(from - record);
            }
            self.ends.push(to - record);
            let (at, b) = after;
            if b != delim {
                return Some((at, quoted));
            }
            field = at + 1;
        }
    }

    /// Handles the delimiter or line break that ended a field.
    #[inline]
    fn after_field(&mut self, b: u8, delim: u8, on_record: &mut dyn FnMut(&Record<'_>)) {
        if b == delim {
            self.end_field();
            self.state = State::FieldStart;
        } else if b == b'\n' {
            self.end_record(on_record);
            self.line += 1;
            self.record_line = self.line;
            self.state = State::FieldStart;
        } else {
            self.end_record(on_record);
            self.state = State::AfterCr;
        }
    }
}

/// The special bytes of an input (delimiters, quotes, CR, LF) in order,
/// 64 at a time from [`special_mask`].
struct Specials<'i> {
    input: &'i [u8],
    delim: u8,
    /// The window of `bits`.
    base: usize,
    /// The special bytes of the window not yet consumed.
    bits: u64,
}

impl Specials<'_> {
    /// The next special byte at or after `from` (those before it are
    /// consumed unseen), consumed; None at the end of the input.
    #[inline]
    fn next_at(&mut self, from: usize) -> Option<usize> {
        loop {
            while self.bits == 0 {
                self.base += 64;
                if self.base >= self.input.len() {
                    return None;
                }
                self.bits = special_mask(self.input, self.base, self.delim);
            }
            let p = self.base + self.bits.trailing_zeros() as usize;
            self.bits &= self.bits - 1;
            if p >= from {
                return Some(p);
            }
        }
    }
}

/// A bit for each delimiter, quote, CR or LF among the 64 bytes of `input`
/// from `base` on (bit k for byte `base + k`; none past the end).
///
/// Written so the compiler turns the comparisons into vector compares
/// (SSE2 on any x86-64): one byte of 0 or 1 per input byte, then each
/// eight flags packed into eight bits by one multiplication — byte k of a
/// word lands on bit 56 + k of its product with 0x0102_0408_1020_4080, and
/// no lower term carries into the top byte.
#[inline]
fn special_mask(input: &[u8], base: usize, delim: u8) -> u64 {
    let mut window = [0u8; 64];
    let rest = &input[base.min(input.len())..];
    let window: &[u8; 64] = match rest.first_chunk::<64>() {
        Some(w) => w,
        None => {
            window[..rest.len()].copy_from_slice(rest);
            &window
        }
    };
    let mut flags = [0u8; 64];
    for (f, &c) in flags.iter_mut().zip(window) {
        *f = u8::from((c == delim) | (c == b'"') | (c == b'\r') | (c == b'\n'));
    }
    let mut mask = 0u64;
    for (k, word) in flags.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        mask |= (w.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    if rest.len() < 64 {
        // The zero padding is special when the delimiter is NUL.
        mask &= (1u64 << rest.len()) - 1;
    }
    mask
}

/// Tab when the first non-blank line has tabs and no commas, else comma.
/// None while that line is not complete yet. Only the first `max` bytes of
/// a line are looked at, so the choice is the same however the line was
/// fed: whole, or in pieces until the probe held `max` bytes.
fn choose_delimiter(probe: &[u8], last: bool, max: usize) -> Option<u8> {
    let mut rest = probe;
    loop {
        let end = rest.iter().position(|&b| b == b'\n' || b == b'\r');
        let line_end = end.unwrap_or(rest.len());
        let line = if line_end >= max {
            &rest[..max]
        } else if end.is_some() || last {
            &rest[..line_end]
        } else {
            return None;
        };
        let blank = line.iter().all(|&b| b == b' ' || b == b'\t');
        if !blank || end.is_none() || line_end >= max {
            let tabs = line.contains(&b'\t');
            let commas = line.contains(&b',');
            return Some(if tabs && !commas { b'\t' } else { b',' });
        }
        rest = &rest[end.unwrap() + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_mask_flags_exactly_the_four_bytes() {
        // Every position of each special byte among every kind of byte,
        // with bytes just above and below them, in windows cut short by
        // the end of the input.
        let fill: &[u8] = b"a\x00\x01\x7f\x80\xff:<!#\x0b\x0c\x0e\xe4\xb8\xad\x09";
        for delim in [b';', b'\t', 0u8] {
            let special = |b: u8| b == delim || b == b'"' || b == b'\r' || b == b'\n';
            for target in [delim, b'"', b'\r', b'\n', b'a'] {
                for len in 0..140 {
                    let mut v: Vec<u8> = (0..len).map(|k| fill[k % fill.len()]).collect();
                    for at in (0..len).step_by(3) {
                        v[at] = target;
                    }
                    for base in (0..len).step_by(7) {
                        let want = (base..len.min(base + 64))
                            .filter(|&k| special(v[k]))
                            .fold(0u64, |m, k| m | 1 << (k - base));
                        assert_eq!(
                            special_mask(&v, base, delim),
                            want,
                            "delim {delim} target {target} len {len} base {base}"
                        );
                    }
                }
            }
        }
    }

    /// The zero-copy path gives the records the copying path gives, byte
    /// by byte (a chunk of one byte never holds a whole record): random
    /// inputs over the bytes that matter, with line ends of every kind,
    /// quotes and limits.
    #[test]
    fn zero_copy_records_equal_copied_records() {
        let alphabet: &[u8] = b"aaaaaaaaaaaa,,,,\"\r\n\n \t\xe4\x00";
        let mut next = crate::test_rng::xorshift(0x9e37_79b9_7f4a_7c15);
        for case in 0..3000 {
            let len = (next() % 400) as usize;
            let input: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let limits = if case % 3 == 0 {
                RecordLimits {
                    max_record_bytes: 1 + (next() % 80) as usize,
                    max_fields: 1 + (next() % 6) as usize,
                }
            } else {
                LIMITS
            };
            let delim = [Some(b','), Some(b'\t'), None][case % 3];
            let whole = split(&input, usize::MAX, delim, limits);
            let bytewise = split(&input, 1, delim, limits);
            assert_eq!(whole.len(), bytewise.len(), "{input:?}");
            for (a, b) in whole.iter().zip(&bytewise) {
                // A record that broke a limit keeps a prefix that depends
                // on where the copying started.
                if a.2.is_none() {
                    assert_eq!(a, b, "{input:?}");
                } else {
                    assert_eq!((a.0, a.2), (b.0, b.2), "{input:?}");
                }
            }
        }
    }

    /// Records that quote every field, or some, take the zero-copy path
    /// and give what the copying path gives; so do near misses (a doubled quote, a
    /// field left unquoted, a line break or text after a closing quote),
    /// which the copying path reads. Random fields, LF and CRLF, limits.
    #[test]
    fn quoted_records_equal_copied_records() {
        let pieces: [&[u8]; 12] = [
            b"abc",
            b"",
            b",",
            b"\xe4\xb8\xad",
            b" ",
            b"x",
            b"\"\"",
            b"\n",
            b"7",
            b"\t",
            b"\"q",
            b"12345",
        ];
        let mut next = crate::test_rng::xorshift(0x2545_f491_4f6c_dd1d);
        let mut taken = 0;
        let mut mixed = 0;
        for case in 0..3000 {
            let mut input = Vec::new();
            for _ in 0..(next() % 6) {
                let fields = 1 + next() % 5;
                for f in 0..fields {
                    if f > 0 {
                        input.push(b',');
                    }
                    // Mostly well formed: one piece in 12 of each field a
                    // near miss. Every field quoted but one in 16, or half
                    // of them, or one in 8 (exporters that quote only text
                    // fields, or only those with a comma).
                    let quote = match case % 3 {
                        0 => !next().is_multiple_of(16),
                        1 => next().is_multiple_of(2),
                        _ => next().is_multiple_of(8),
                    };
                    if quote {
                        input.push(b'"');
                    }
                    for _ in 0..(next() % 3) {
                        let p = pieces[(next() % pieces.len() as u64) as usize];
                        if next().is_multiple_of(12) || (p != b"\"\"" && p != b"\n" && p != b"\"q")
                        {
                            input.extend_from_slice(p);
                        }
                    }
                    if quote {
                        input.push(b'"');
                    }
                }
                input.extend_from_slice(if next().is_multiple_of(2) {
                    b"\r\n"
                } else {
                    b"\n"
                });
            }
            let limits = if case % 4 == 0 {
                RecordLimits {
                    max_record_bytes: 1 + (next() % 30) as usize,
                    max_fields: 1 + (next() % 4) as usize,
                }
            } else {
                LIMITS
            };
            let whole = split(&input, usize::MAX, Some(b','), limits);
            let bytewise = split(&input, 1, Some(b','), limits);
            let shown = String::from_utf8_lossy(&input);
            assert_eq!(whole.len(), bytewise.len(), "{shown:?}");
            for (a, b) in whole.iter().zip(&bytewise) {
                // A record that broke a limit keeps a prefix that depends
                // on where the copying started.
                if a.2.is_none() {
                    assert_eq!(a, b, "{shown:?}");
                } else {
                    assert_eq!((a.0, a.2), (b.0, b.2), "{shown:?}");
                }
            }
            let mut s = Splitter::new(Some(b','), limits);
            s.feed(&input, &mut |r| {
                taken += usize::from(r.offset().is_some());
                mixed += usize::from(!r.starts.is_empty());
            });
        }
        assert!(
            taken > 3000,
            "{taken} records taken straight from the input"
        );
        assert!(
            mixed > 1000,
            "{mixed} records quoting some fields taken straight"
        );
    }

    /// A record that quotes every field is a slice of the input within its
    /// outer quotes; one that quotes some is the slice of its line.
    #[test]
    fn quoted_records_are_slices_of_the_input() {
        let input =
            b"\"XF1\",\"2023-01-02\",\"a,b\",\"\"\r\n\"x\"\nXF2,\"\xe4\xb8\xad,\",,\"q\"\r\n";
        let mut s = Splitter::new(Some(b','), LIMITS);
        let mut got = Vec::new();
        s.feed(input, &mut |r| {
            let f: Vec<Vec<u8>> = (0..r.len()).map(|i| r.field(i).unwrap().to_vec()).collect();
            got.push((r.line, r.offset(), r.blank, r.utf8().is_some(), f));
        });
        let f = |v: &[&[u8]]| v.iter().map(|b| b.to_vec()).collect::<Vec<_>>();
        assert_eq!(
            got,
            vec![
                (
                    1,
                    Some(1),
                    false,
                    true,
                    f(&[b"XF1", b"2023-01-02", b"a,b", b""])
                ),
                (2, Some(30), false, true, f(&[b"x"])),
                (
                    3,
                    Some(33),
                    false,
                    true,
                    f(&[b"XF2", "中,".as_bytes(), b"", b"q"])
                ),
            ]
        );
    }

    /// Control bytes other than CR and LF stay in their field on the
    /// zero-copy path, wherever they fall.
    #[test]
    fn control_bytes_are_field_content() {
        let line = "a\x0bb,c\x0cd,\x00,\x01x\x02\n";
        for pad in 0..70 {
            let input = format!("{}\n{line}", "p".repeat(pad));
            let got = split(input.as_bytes(), 1 << 20, Some(b','), LIMITS);
            assert_eq!(
                got[1],
                rec(2, &["a\x0bb", "c\x0cd", "\x00", "\x01x\x02"]),
                "pad {pad}"
            );
        }
    }

    const LIMITS: RecordLimits = RecordLimits {
        max_record_bytes: 1 << 20,
        max_fields: 1000,
    };

    type Rec = (u64, bool, Option<Overflow>, Vec<Vec<u8>>);

    fn split(input: &[u8], chunk: usize, delim: Option<u8>, limits: RecordLimits) -> Vec<Rec> {
        let mut s = Splitter::new(delim, limits);
        let mut out = Vec::new();
        let mut cb = |r: &Record<'_>| {
            let f = (0..r.len()).map(|i| r.field(i).unwrap().to_vec()).collect();
            out.push((r.line, r.blank, r.overflow, f));
        };
        for c in input.chunks(chunk.max(1)) {
            s.feed(c, &mut cb);
        }
        s.finish(&mut cb);
        out
    }

    fn rec(line: u64, fields: &[&str]) -> Rec {
        (
            line,
            false,
            None,
            fields.iter().map(|s| s.as_bytes().to_vec()).collect(),
        )
    }

    #[test]
    fn rfc4180_quoting_and_line_ends_in_every_chunking() {
        let input =
            b"a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\r\nlines\"\n\n1,,3\r\nlast,\"\",end";
        let want = vec![
            rec(1, &["a", "b", "c"]),
            rec(2, &["x,1", "say \"hi\"", "two\r\nlines"]),
            (4, true, None, vec![Vec::new()]),
            rec(5, &["1", "", "3"]),
            rec(6, &["last", "", "end"]),
        ];
        for chunk in [1, 2, 3, 5, 7, 64, 1 << 20] {
            assert_eq!(split(input, chunk, None, LIMITS), want, "chunk {chunk}");
        }
    }

    #[test]
    fn lone_cr_and_blank_variants() {
        let got = split(b"a,b\r1,2\r\r,\n  \n\"\"\n", 1, None, LIMITS);
        assert_eq!(got[0], rec(1, &["a", "b"]));
        assert_eq!(got[1], rec(2, &["1", "2"]));
        assert!(got[2].1 && got[2].0 == 3, "{:?}", got[2]);
        assert!(got[3].1 && got[3].0 == 4, "a line of delimiters is blank");
        assert!(got[4].1 && got[4].0 == 5, "white space only is blank");
        assert!(
            !got[5].1,
            "a quoted empty field is a value, not a blank line"
        );
        assert_eq!(got.len(), 6);
    }

    /// Found by fuzzing: a line of nothing but a non-ASCII delimiter was
    /// blank when copied (delimiters are not stored) and not blank when
    /// sliced whole from the input.
    #[test]
    fn a_line_of_non_ascii_delimiters_is_blank_in_any_chunking() {
        let data = b"\xff\xff\xff\r\r";
        for chunk in [1, 2, data.len()] {
            let got = split(data, chunk, Some(0xFF), LIMITS);
            assert!(got[0].1, "chunk {chunk}: {:?}", got[0]);
        }
    }

    #[test]
    fn tab_is_chosen_only_without_commas() {
        assert_eq!(
            split(b"a\tb\n1\t2", 3, None, LIMITS)[1],
            rec(2, &["1", "2"])
        );
        assert_eq!(
            split(b"a\tb,c\n", 3, None, LIMITS)[0],
            rec(1, &["a\tb", "c"])
        );
        assert_eq!(
            split(b"\n\na\tb\n1\t2\n", 1, None, LIMITS)[3],
            rec(4, &["1", "2"])
        );
        assert_eq!(
            split(b"a;b\n", 1, Some(b';'), LIMITS)[0],
            rec(1, &["a", "b"])
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_kept() {
        assert_eq!(
            split(b"\"ab\"cd,e\n", 1, None, LIMITS)[0],
            rec(1, &["abcd", "e"])
        );
    }

    #[test]
    fn limits_and_unclosed_quotes() {
        let small = RecordLimits {
            max_record_bytes: 4,
            max_fields: 3,
        };
        let got = split(b"ab,cd\nabcdef\n1,2,3,4\nok\n", 2, Some(b','), small);
        assert_eq!(got[0].2, None);
        assert_eq!(got[1].2, Some(Overflow::TooLong));
        assert_eq!(got[2].2, Some(Overflow::TooManyFields));
        assert_eq!(got[3], rec(4, &["ok"]));
        let got = split(b"a,b\n1,\"open\nstill\n", 3, None, LIMITS);
        assert_eq!(got[1].0, 2);
        assert_eq!(got[1].2, Some(Overflow::UnclosedQuote));
    }
}
