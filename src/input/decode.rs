//! Encoding detection and streaming transcoding.
//!
//! Everything after the engine's first step reads UTF-8. UTF-8 passes
//! through untouched. UTF-16 is transcoded here as it streams. GB18030
//! passes through here too and is transcoded by the engine a block at a
//! time — on every thread at once — since blocks are cut after line breaks,
//! where no GB18030 character can be cut ([`transcode_gb18030`]).
//!
//! Bytes that do not decode are never replaced: a malformed GB18030
//! sequence is passed on as its own bytes (which are never valid UTF-8
//! where they stand) and a malformed UTF-16 unit (a lone surrogate, an odd
//! trailing byte) as the byte 0xFF, which no UTF-8 text contains. Records
//! are split afterwards, so the field that holds such bytes fails to decode
//! and becomes a row error with its line and column.

use std::borrow::Cow;

use crate::options::Encoding;

/// The encoding a file turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    /// UTF-8.
    Utf8,
    /// GB18030, a superset of GBK and GB2312.
    Gb18030,
    /// UTF-16 little endian.
    Utf16Le,
    /// UTF-16 big endian.
    Utf16Be,
}

impl SourceEncoding {
    /// The name used in options and messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Gb18030 => "gb18030",
            Self::Utf16Le => "utf-16le",
            Self::Utf16Be => "utf-16be",
        }
    }

    /// Reads one field's bytes (after transcoding and CSV splitting) as
    /// text; bytes that did not decode from this encoding are an error.
    #[inline]
    pub fn decode_field(self, bytes: &[u8]) -> Result<Cow<'_, str>, String> {
        std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|_| format!("bytes that are not valid {}", self.name()))
    }

    /// Renders bytes that failed to decode: the text that does decode, and
    /// `\xNN` for each byte that does not.
    pub fn escape_invalid(self, bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
        out
    }
}

/// How many bytes after the first non-ASCII byte the automatic detection
/// looks at before it decides between UTF-8 and GB18030.
const DETECT_WINDOW: usize = 4096;

/// A file-level decoding failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BomConflict {
    /// The encoding named by the byte-order mark.
    pub bom: &'static str,
    /// The encoding that was asked for.
    pub chosen: &'static str,
}

enum State {
    /// Nothing decided yet; waiting for the first bytes (BOM check).
    Start,
    /// Automatic detection, only ASCII seen so far: ASCII reads the same in
    /// UTF-8 and GB18030, so it passes through while the choice waits.
    AsciiSoFar,
    Decided(SourceEncoding),
}

/// Streaming decoder: bytes in, ASCII-compatible bytes out.
pub struct Decoder {
    requested: Encoding,
    state: State,
    held: Vec<u8>,
    /// Transcodes UTF-16 to UTF-8.
    transcoder: Option<encoding_rs::Decoder>,
    out: Vec<u8>,
}

impl Decoder {
    /// A decoder for one file.
    pub fn new(requested: Encoding) -> Self {
        Decoder {
            requested,
            state: State::Start,
            held: Vec::new(),
            transcoder: None,
            out: Vec::new(),
        }
    }

    /// The encoding in use, once known.
    pub fn encoding(&self) -> Option<SourceEncoding> {
        match self.state {
            State::Decided(e) => Some(e),
            _ => None,
        }
    }

    /// The encoding used to decode fields: ASCII-only input read so far is
    /// UTF-8 and GB18030 alike.
    pub fn field_encoding(&self) -> SourceEncoding {
        self.encoding().unwrap_or(SourceEncoding::Utf8)
    }

    /// Feeds bytes; decoded bytes go to `sink`. `last` marks the end of the
    /// file.
    pub fn feed(
        &mut self,
        mut input: &[u8],
        last: bool,
        sink: &mut dyn FnMut(&[u8], SourceEncoding),
    ) -> Result<(), BomConflict> {
        if let State::Start = self.state {
            let need = 4usize.saturating_sub(self.held.len()).min(input.len());
            self.held.extend_from_slice(&input[..need]);
            input = &input[need..];
            if self.held.len() < 4 && !last {
                return Ok(());
            }
            let start = std::mem::take(&mut self.held);
            let skip = self.choose_at_start(&start)?;
            let ends_here = last && input.is_empty();
            self.pass(&start[skip..], ends_here, sink);
            if ends_here {
                return Ok(());
            }
        }
        self.pass(input, last, sink);
        Ok(())
    }

    /// Decides what the first bytes say; returns the length of the BOM.
    fn choose_at_start(&mut self, start: &[u8]) -> Result<usize, BomConflict> {
        let bom = if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
            Some((SourceEncoding::Utf8, 3))
        } else if start.starts_with(&[0xFF, 0xFE]) {
            Some((SourceEncoding::Utf16Le, 2))
        } else if start.starts_with(&[0xFE, 0xFF]) {
            Some((SourceEncoding::Utf16Be, 2))
        } else if start.starts_with(&[0x84, 0x31, 0x95, 0x33]) {
            Some((SourceEncoding::Gb18030, 4))
        } else {
            None
        };
        let chosen = match self.requested {
            Encoding::Auto => None,
            Encoding::Utf8 => Some(SourceEncoding::Utf8),
            Encoding::Gb18030 => Some(SourceEncoding::Gb18030),
            Encoding::Utf16Le => Some(SourceEncoding::Utf16Le),
            Encoding::Utf16Be => Some(SourceEncoding::Utf16Be),
        };
        let (enc, skip) = match (bom, chosen) {
            (Some((b, n)), None) => (Some(b), n),
            (Some((b, n)), Some(c)) if b == c => (Some(c), n),
            (Some((b, _)), Some(c)) => {
                return Err(BomConflict {
                    bom: b.name(),
                    chosen: c.name(),
                });
            }
            (None, Some(c)) => (Some(c), 0),
            (None, None) => (sniff_utf16(start), 0),
        };
        match enc {
            Some(e) => self.decide(e),
            None => self.state = State::AsciiSoFar,
        }
        Ok(skip)
    }

    fn decide(&mut self, e: SourceEncoding) {
        self.transcoder = match e {
            SourceEncoding::Utf16Le => {
                Some(encoding_rs::UTF_16LE.new_decoder_without_bom_handling())
            }
            SourceEncoding::Utf16Be => {
                Some(encoding_rs::UTF_16BE.new_decoder_without_bom_handling())
            }
            _ => None,
        };
        self.state = State::Decided(e);
    }

    fn pass(&mut self, mut input: &[u8], last: bool, sink: &mut dyn FnMut(&[u8], SourceEncoding)) {
        if let State::AsciiSoFar = self.state {
            if self.held.is_empty() {
                let ascii = input
                    .iter()
                    .position(|b| !b.is_ascii())
                    .unwrap_or(input.len());
                sink(&input[..ascii], SourceEncoding::Utf8);
                input = &input[ascii..];
            }
            let take = DETECT_WINDOW
                .saturating_sub(self.held.len())
                .min(input.len());
            self.held.extend_from_slice(&input[..take]);
            input = &input[take..];
            if self.held.len() < DETECT_WINDOW && !last {
                return;
            }
            if self.held.is_empty() {
                return; // all ASCII to the end: nothing left to decide
            }
            let held = std::mem::take(&mut self.held);
            let utf8 = match std::str::from_utf8(&held) {
                Ok(_) => true,
                // A character cut by the end of the window is still UTF-8.
                Err(e) => e.error_len().is_none() && !(last && input.is_empty()),
            };
            self.decide(if utf8 {
                SourceEncoding::Utf8
            } else {
                SourceEncoding::Gb18030
            });
            let ends_here = last && input.is_empty();
            self.emit(&held, ends_here, sink);
            if ends_here {
                return; // a transcoder is told of the end once only
            }
        }
        if let State::Decided(_) = self.state {
            self.emit(input, last, sink);
        }
    }

    fn emit(&mut self, input: &[u8], last: bool, sink: &mut dyn FnMut(&[u8], SourceEncoding)) {
        let enc = self.field_encoding();
        let Some(dec) = self.transcoder.as_mut() else {
            if !input.is_empty() {
                sink(input, enc);
            }
            return;
        };
        if self.out.len() < 32 * 1024 {
            self.out.resize(32 * 1024, 0);
        }
        let mut input = input;
        loop {
            let (res, read, written) =
                dec.decode_to_utf8_without_replacement(input, &mut self.out, last);
            if written > 0 {
                sink(&self.out[..written], enc);
            }
            input = &input[read..];
            match res {
                encoding_rs::DecoderResult::InputEmpty => break,
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::Malformed(_, _) => sink(&[0xFF], enc),
            }
        }
    }

    /// Ends the file: flushes held bytes and any partial character.
    pub fn finish(
        &mut self,
        sink: &mut dyn FnMut(&[u8], SourceEncoding),
    ) -> Result<(), BomConflict> {
        self.feed(&[], true, sink)
    }
}

/// Transcodes GB18030 text that starts and ends on character boundaries
/// (after a line break, or at the ends of a file) to UTF-8 at the start of
/// `buf`, and returns its length: the text is `&buf[..len]`. `buf` grows as
/// needed and never shrinks, so a buffer used again is not zeroed again. A
/// malformed sequence is kept as its own bytes when they cannot pass for
/// UTF-8 nor contain a delimiter, else as 0xFF.
///
/// ASCII is copied eight bytes at a time and two-byte characters (all of
/// GBK: every Chinese character of a ledger) are looked up in a table built
/// once from `encoding_rs`'s own decoding of each pair. Anything else —
/// four-byte sequences, malformed bytes — goes to `encoding_rs` from that
/// character up to and including the next byte below 0x30, which no
/// multi-byte sequence contains: the decoder holds nothing after it, so the
/// result is byte for byte what `encoding_rs` gives for the whole text (a
/// test checks this on random input).
pub fn transcode_gb18030(input: &[u8], buf: &mut Vec<u8>) -> usize {
    // Kept true before every fast step: `buf` has room for 3/2 of the bytes
    // left (a two-byte character becomes three; ASCII stays one) plus the
    // eight bytes the ASCII copy may write past the text. The slow path
    // can take more (a lone 0x80 is € in GB18030, three bytes of UTF-8),
    // so the room is made again after it.
    let room = input.len() + input.len() / 2 + 8;
    if buf.len() < room {
        buf.resize(room, 0);
    }
    let table = pair_table();
    let n = input.len();
    let (mut i, mut o) = (0, 0);
    while i < n {
        let b = input[i];
        if b < 0x80 {
            // Copy a word, keep its ASCII bytes.
            if let Some(w) = input.get(i..i + 8) {
                let w = u64::from_le_bytes(w.try_into().expect("8 bytes"));
                buf[o..o + 8].copy_from_slice(&w.to_le_bytes());
                let ascii = match w & 0x8080_8080_8080_8080 {
                    0 => 8,
                    high => (high.trailing_zeros() / 8) as usize,
                };
                i += ascii;
                o += ascii;
            } else {
                buf[o] = b;
                i += 1;
                o += 1;
            }
            continue;
        }
        if let Some(&t) = input.get(i + 1) {
            let c = u32::from(table[pair_index(b, t)]);
            if c >= 0x800 {
                buf[o..o + 3].copy_from_slice(&[
                    0xE0 | (c >> 12) as u8,
                    0x80 | ((c >> 6) & 0x3F) as u8,
                    0x80 | (c & 0x3F) as u8,
                ]);
                (i, o) = (i + 2, o + 3);
                continue;
            }
            if c != 0 {
                buf[o..o + 2].copy_from_slice(&[0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]);
                (i, o) = (i + 2, o + 2);
                continue;
            }
        }
        let end = input[i + 1..]
            .iter()
            .position(|&c| c < 0x30)
            .map_or(n, |p| i + 1 + p + 1);
        let mut text = Vec::new();
        transcode_gb18030_exact(&input[i..end], &mut text);
        let rest = n - end;
        let room = o + text.len() + rest + rest / 2 + 8;
        if buf.len() < room {
            buf.resize(room, 0);
        }
        buf[o..o + text.len()].copy_from_slice(&text);
        (i, o) = (end, o + text.len());
    }
    o
}

/// The place of a lead and trail byte in [`pair_table`].
#[inline]
fn pair_index(lead: u8, trail: u8) -> usize {
    (lead as usize & 0x7F) << 8 | trail as usize
}

/// The character (as a UTF-16 unit; all are in the BMP) of every valid
/// two-byte GB18030 sequence, 0 for every other pair of bytes: 32,768
/// entries, built once from `encoding_rs`.
fn pair_table() -> &'static [u16] {
    static TABLE: std::sync::OnceLock<Box<[u16]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![0u16; 1 << 15];
        for lead in 0x81..=0xFEu8 {
            for trail in (0x40..=0x7Eu8).chain(0x80..=0xFE) {
                let pair = [lead, trail];
                let decoded =
                    encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&pair);
                let mut chars = decoded.as_deref().unwrap_or("").chars();
                if let (Some(c), None) = (chars.next(), chars.next())
                    && let Ok(unit) = u16::try_from(u32::from(c))
                    && unit >= 0x80
                {
                    t[pair_index(lead, trail)] = unit;
                }
            }
        }
        t.into_boxed_slice()
    })
}

/// [`transcode_gb18030`] by `encoding_rs` alone: the slow path, and the
/// reference the fast one is tested against.
fn transcode_gb18030_exact(input: &[u8], out: &mut Vec<u8>) {
    let mut d = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut rest = input;
    loop {
        let room = d
            .max_utf8_buffer_length_without_replacement(rest.len())
            .unwrap_or(rest.len() * 3 + 16);
        let at = out.len();
        out.resize(at + room, 0);
        let (res, read, written) = d.decode_to_utf8_without_replacement(rest, &mut out[at..], true);
        out.truncate(at + written);
        let consumed = &rest[..read];
        rest = &rest[read..];
        match res {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::OutputFull => {}
            encoding_rs::DecoderResult::Malformed(bad, extra) => {
                let end = consumed.len().saturating_sub(extra as usize);
                let raw = &consumed[end.saturating_sub(bad as usize)..end];
                let shown = !raw.is_empty()
                    && std::str::from_utf8(raw).is_err()
                    && raw.iter().all(|&b| b >= 0x80 || b.is_ascii_digit());
                out.extend_from_slice(if shown { raw } else { &[0xFF] });
            }
        }
    }
}

/// UTF-16 without a BOM shows as NUL bytes beside ASCII characters.
fn sniff_utf16(start: &[u8]) -> Option<SourceEncoding> {
    match start {
        [a, 0, c, 0, ..] if *a != 0 && *c != 0 => Some(SourceEncoding::Utf16Le),
        [0, b, 0, d, ..] if *b != 0 && *d != 0 => Some(SourceEncoding::Utf16Be),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(enc: Encoding, bytes: &[u8], chunk: usize) -> (Vec<u8>, Option<SourceEncoding>) {
        let mut d = Decoder::new(enc);
        let mut out = Vec::new();
        for c in bytes.chunks(chunk.max(1)) {
            d.feed(c, false, &mut |b, _| out.extend_from_slice(b))
                .unwrap();
        }
        d.finish(&mut |b, _| out.extend_from_slice(b)).unwrap();
        (out, d.encoding())
    }

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut v = Vec::new();
        if bom {
            v.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            v.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        v
    }

    #[test]
    fn detects_each_encoding_in_any_chunking() {
        let text = "编号,登记日期\r\nA1,2023年6月1日\r\n";
        let gb = encoding_rs::GB18030.encode(text).0.into_owned();
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(text.as_bytes());
        for chunk in [1, 2, 3, 7, 4096] {
            assert_eq!(
                run(Encoding::Auto, text.as_bytes(), chunk),
                (text.as_bytes().to_vec(), Some(SourceEncoding::Utf8))
            );
            assert_eq!(
                run(Encoding::Auto, &bom8, chunk),
                (text.as_bytes().to_vec(), Some(SourceEncoding::Utf8))
            );
            assert_eq!(
                run(Encoding::Auto, &gb, chunk),
                (gb.clone(), Some(SourceEncoding::Gb18030))
            );
            assert_eq!(
                run(Encoding::Auto, &utf16(text, true, true), chunk),
                (text.as_bytes().to_vec(), Some(SourceEncoding::Utf16Le))
            );
            assert_eq!(
                run(Encoding::Auto, &utf16(text, false, true), chunk),
                (text.as_bytes().to_vec(), Some(SourceEncoding::Utf16Be))
            );
            assert_eq!(
                run(Encoding::Utf16Le, &utf16(text, true, false), chunk).0,
                text.as_bytes()
            );
        }
    }

    #[test]
    fn ascii_prefix_defers_the_choice() {
        // 5000 ASCII bytes, then GBK text: detected as GB18030 at the first
        // non-ASCII byte, whatever came before.
        let mut text = "a,b\n".repeat(1250);
        text.push_str("人社局,是\n");
        let gb = encoding_rs::GB18030.encode(&text).0.into_owned();
        for chunk in [1, 7, 100_000] {
            assert_eq!(
                run(Encoding::Auto, &gb, chunk),
                (gb.clone(), Some(SourceEncoding::Gb18030))
            );
        }
        let (_, e) = run(Encoding::Auto, b"a,b\n1,2\n", 3);
        assert_eq!(e, None, "pure ASCII never needs a choice");
    }

    #[test]
    fn utf16_without_bom_is_sniffed() {
        let text = "id\tdate\n";
        assert_eq!(
            run(Encoding::Auto, &utf16(text, true, false), 1).1,
            Some(SourceEncoding::Utf16Le)
        );
        assert_eq!(
            run(Encoding::Auto, &utf16(text, false, false), 5).1,
            Some(SourceEncoding::Utf16Be)
        );
    }

    #[test]
    fn malformed_utf16_becomes_an_undecodable_marker() {
        let mut v = utf16("a,b\n", true, true);
        v.extend_from_slice(&[0x00, 0xD8]); // lone high surrogate
        v.extend_from_slice(&utf16(",c\n", true, false));
        v.push(0x41); // odd trailing byte
        let (out, _) = run(Encoding::Auto, &v, 1);
        assert_eq!(out, b"a,b\n\xFF,c\n\xFF");
        assert!(SourceEncoding::Utf16Le.decode_field(b"\xFF").is_err());
        assert_eq!(SourceEncoding::Utf16Le.escape_invalid(b"x\xFF"), "x\\xFF");
    }

    #[test]
    fn explicit_choice_that_contradicts_the_bom_is_an_error() {
        let mut d = Decoder::new(Encoding::Utf8);
        let err = d
            .feed(&utf16("a,b", true, true), true, &mut |_, _| {})
            .unwrap_err();
        assert_eq!(
            err,
            BomConflict {
                bom: "utf-16le",
                chosen: "utf-8"
            }
        );
    }

    #[test]
    fn field_decoding() {
        assert_eq!(
            SourceEncoding::Gb18030
                .decode_field("人社局".as_bytes())
                .unwrap(),
            "人社局"
        );
        assert_eq!(
            SourceEncoding::Utf8.decode_field(b"a\xFFb").unwrap_err(),
            "bytes that are not valid utf-8"
        );
        assert_eq!(SourceEncoding::Utf8.escape_invalid(b"a\xFFb"), "a\\xFFb");
    }

    #[test]
    fn malformed_gb18030_keeps_its_own_bytes() {
        // A lead byte followed by a comma, and a four-byte sequence cut in
        // the middle by the end of the text: both stay undecodable, shown as
        // the bytes of the file.
        let mut v = encoding_rs::GB18030.encode("人社局,").0.into_owned();
        v.extend_from_slice(&[0x81, b',']);
        let four = encoding_rs::GB18030.encode("\u{20000}").0.into_owned();
        assert_eq!(four.len(), 4);
        v.extend_from_slice(&four[..2]);
        let mut out = Vec::new();
        let len = transcode_gb18030(&v, &mut out);
        assert_eq!(
            SourceEncoding::Gb18030.escape_invalid(&out[..len]),
            "人社局,\\x81,\\x952"
        );
        let len = transcode_gb18030(&encoding_rs::GB18030.encode("欠薪,\u{20000}\n").0, &mut out);
        assert_eq!(&out[..len], "欠薪,\u{20000}\n".as_bytes());
    }

    /// Found by fuzzing (tally_complaints): a run of lone 0x80 bytes, each
    /// € in GB18030 (one byte becomes three), overran the room kept for
    /// 3/2 of the input.
    #[test]
    fn a_run_of_lone_0x80_bytes_transcodes_to_euro_signs() {
        let mut input = b"{2".to_vec();
        input.extend_from_slice(&[0x80; 120]);
        input.extend_from_slice(b"\x00\x07");
        let mut buf = Vec::new();
        let len = transcode_gb18030(&input, &mut buf);
        let want = format!("{{2{}\u{0}\u{7}", "€".repeat(120));
        assert_eq!(&buf[..len], want.as_bytes());
    }

    /// The fast path gives exactly what `encoding_rs` gives for the whole
    /// text: random mixes of ASCII, every kind of lead and trail byte,
    /// four-byte sequences, and whole GB18030 text cut anywhere.
    #[test]
    fn fast_gb18030_equals_encoding_rs() {
        let text = "编号,登记日期,问题类别\n XF2023000000001,2023-06-01,欠薪 €\u{20000}\u{e5e5}·\n";
        let encoded = encoding_rs::GB18030.encode(text).0.into_owned();
        let pieces: Vec<Vec<u8>> = vec![
            b"a".to_vec(),
            b",".to_vec(),
            b"\n".to_vec(),
            b"0".to_vec(),
            b"9".to_vec(),
            b"\x00".to_vec(),
            b"/".to_vec(),
            vec![0x80],
            // Found by fuzzing: each lone 0x80 is € (three bytes), more
            // than the room kept for the rest.
            vec![0x80; 40],
            vec![0x81],
            vec![0xFE],
            vec![0xFF],
            vec![0x7F],
            vec![0x40],
            vec![0xA1],
            vec![0xB0, 0xA1],
            vec![0x81, 0x30],
            vec![0x81, 0x30, 0x81, 0x30],
            vec![0x95, 0x32, 0x82, 0x36],
            vec![0x84, 0x31, 0xA4, 0x39],
            vec![0xFE, 0x39, 0xFE, 0x39],
            encoded.clone(),
        ];
        let mut next = crate::test_rng::xorshift(0x2545_f491_4f6c_dd1d);
        // A buffer used again, holding longer text from before.
        let mut buf = vec![b'x'; 64];
        let mut check = |input: &[u8]| {
            let mut exact = Vec::new();
            transcode_gb18030_exact(input, &mut exact);
            let len = transcode_gb18030(input, &mut buf);
            assert_eq!(buf[..len], exact[..], "{input:02X?}");
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let mut input = Vec::new();
            for _ in 0..len {
                input.extend_from_slice(&pieces[(next() % pieces.len() as u64) as usize]);
            }
            check(&input);
        }
        for cut in 0..encoded.len() {
            check(&encoded[..cut]);
            check(&encoded[cut..]);
        }
        // Every two-byte pair, alone and before ASCII.
        for lead in 0x80..=0xFFu8 {
            for trail in 0..=0xFFu8 {
                check(&[lead, trail]);
                check(&[lead, trail, b'1', b',']);
            }
        }
    }
}
