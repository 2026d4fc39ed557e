//! calamine's bare iteration over a workbook's cells, the baseline of
//! issue 15's speed comparison (benches/compare/run_workbook.sh).
//!
//! usage: cargo run --release --example calamine_iter -- FILE.xlsx [range]
//!
//! Streams the first sheet's cells with calamine's cell reader (what
//! govtally reads .xlsx with) — or, with `range`, builds the sheet's
//! `Range` as `worksheet_range` does — and touches every value (counting
//! cells and the bytes of their strings), so nothing is optimised away.
use calamine::{Data, DataRef, Reader, Xlsx};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: calamine_iter FILE.xlsx [range]");
    let range = args.next().as_deref() == Some("range");
    let file = std::io::BufReader::new(std::fs::File::open(&path).expect("open"));
    let mut book = Xlsx::new(file).expect("an .xlsx workbook");
    let sheet = book.sheet_names()[0].clone();
    let (mut cells, mut bytes, mut numbers) = (0u64, 0u64, 0f64);
    if range {
        let r = book.worksheet_range(&sheet).expect("the sheet");
        for c in r.used_cells() {
            cells += 1;
            match c.2 {
                Data::String(s) => bytes += s.len() as u64,
                Data::DateTime(t) => numbers += t.as_f64(),
                Data::Float(f) => numbers += f,
                _ => {}
            }
        }
    } else {
        let mut reader = book.worksheet_cells_reader(&sheet).expect("the sheet");
        while let Some(c) = reader.next_cell().expect("a cell") {
            cells += 1;
            match c.get_value() {
                DataRef::String(s) => bytes += s.len() as u64,
                DataRef::SharedString(s) => bytes += s.len() as u64,
                DataRef::DateTime(t) => numbers += t.as_f64(),
                DataRef::Float(f) => numbers += f,
                _ => {}
            }
        }
    }
    println!("{cells} cells, {bytes} string bytes, numbers sum {numbers:.3}");
}
