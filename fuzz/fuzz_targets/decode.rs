//! The decoder: any encoding choice, any chunking. The decoded bytes must
//! not depend on the chunking.
#![no_main]
use govtally::input::decode::Decoder;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn run(enc: govtally::Encoding, parts: &[&[u8]]) -> Result<Vec<u8>, String> {
    let mut d = Decoder::new(enc);
    let mut out = Vec::new();
    for p in parts {
        d.feed(p, false, &mut |b, _| out.extend_from_slice(b))
            .map_err(|c| format!("{c:?}"))?;
    }
    d.finish(&mut |b, _| out.extend_from_slice(b))
        .map_err(|c| format!("{c:?}"))?;
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let enc = common::encoding(common::byte(&mut data));
    let seed = common::byte(&mut data);
    let whole = run(enc, &[data]);
    let chunked = run(enc, &common::chunks(data, seed));
    assert_eq!(whole, chunked, "decoding depends on the chunking");
});
