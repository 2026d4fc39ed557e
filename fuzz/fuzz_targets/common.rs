//! Helpers shared by the fuzz targets: the first bytes of an input choose
//! options and a chunking, the rest is the data.
#![allow(dead_code)]

/// Takes one control byte (0 when the input is exhausted).
pub fn byte(data: &mut &[u8]) -> u8 {
    match data.split_first() {
        Some((&b, rest)) => {
            *data = rest;
            b
        }
        None => 0,
    }
}

/// Splits `data` into chunks whose sizes come from `seed`: 0 gives the
/// whole buffer, else sizes 1..=64 from a xorshift sequence.
pub fn chunks(data: &[u8], seed: u8) -> Vec<&[u8]> {
    if seed == 0 || data.is_empty() {
        return vec![data];
    }
    let mut x = seed as u32 | 0x9e37_7900;
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let n = ((x % 64) as usize + 1).min(rest.len());
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}

pub fn encoding(b: u8) -> govtally::Encoding {
    use govtally::Encoding::*;
    [Auto, Utf8, Gb18030, Utf16Le, Utf16Be][(b % 5) as usize]
}
