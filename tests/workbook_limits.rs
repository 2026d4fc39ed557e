//! Hostile workbooks (issue 15, item 6): each ends in a clear error, fast
//! and within small memory, before calamine decompresses or allocates for
//! it. The limits are `Limits::max_workbook_bytes`, `max_sheet_bytes` and
//! `max_sheet_cells` (docs/rules.md, "Workbooks").

use std::io::{Cursor, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use govtally::{Dataset, Error, Limits, Options, Tally};
use zip::write::SimpleFileOptions;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/workbooks")
            .join(name),
    )
    .unwrap()
}

fn zip_of(entries: &[(&str, &[u8])], stored: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let o = SimpleFileOptions::default().compression_method(if stored {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    });
    for (name, bytes) in entries {
        w.start_file(*name, o).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The error text of reading `bytes` as a legality workbook, in bounded time.
fn error(bytes: &[u8], limits: Limits) -> String {
    let o = Options {
        limits,
        ..Options::default().year(2023).unwrap()
    };
    let start = Instant::now();
    let mut t = Tally::new(Dataset::Legality, &o).unwrap();
    let e = match t.feed_workbook("台账.xlsx", bytes, None) {
        Err(e) => e,
        Ok(()) => t.finish().expect_err("an error"),
    };
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    assert!(matches!(e, Error::File { .. }), "{e:?}");
    e.to_string()
}

const MINIMAL_XLSX: &[(&str, &str)] = &[
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    ),
];

fn xlsx_with_sheet(sheet_xml: &[u8]) -> Vec<u8> {
    let mut entries: Vec<(&str, &[u8])> = MINIMAL_XLSX
        .iter()
        .map(|(n, t)| (*n, t.as_bytes()))
        .collect();
    entries.push(("xl/worksheets/sheet1.xml", sheet_xml));
    zip_of(&entries, false)
}

#[test]
fn a_minimal_xlsx_reads() {
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>审查编号</t></is></c><c r="B1" t="inlineStr"><is><t>文件类型</t></is></c><c r="C1" t="inlineStr"><is><t>收文日期</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>H1</t></is></c><c r="B2" t="inlineStr"><is><t>合同</t></is></c><c r="C2" t="inlineStr"><is><t>2023-03-01</t></is></c></row></sheetData></worksheet>"#;
    let mut t = Tally::new(Dataset::Legality, &Options::default().year(2023).unwrap()).unwrap();
    t.feed_workbook("m.xlsx", &xlsx_with_sheet(sheet.as_bytes()), None)
        .unwrap();
    assert_eq!(t.finish().unwrap().figure("reviews.total"), Some(1.into()));
}

#[test]
fn a_zip_bomb_is_refused_from_its_declared_size() {
    // 4 MiB of zeros deflate to a few KiB; with a 1 MiB sheet limit the
    // entry is refused before anything is decompressed.
    let zeros = vec![0u8; 4 << 20];
    let bomb = xlsx_with_sheet(&zeros);
    assert!(bomb.len() < 64 << 10, "{}", bomb.len());
    let e = error(
        &bomb,
        Limits {
            max_sheet_bytes: 1 << 20,
            ..Limits::default()
        },
    );
    assert_eq!(
        e,
        "台账.xlsx: has a part, xl/worksheets/sheet1.xml, of 4194304 bytes uncompressed, more than \
         the limit of 1048576 (Limits::max_sheet_bytes, --max-sheet-bytes): a zip bomb, or a sheet too large"
    );
}

#[test]
fn a_forged_size_of_4_gib_is_refused_with_the_default_limits() {
    // A stored entry whose central directory claims 4 GiB - 2.
    let mut bytes = xlsx_with_sheet(b"<worksheet/>");
    let cd = bytes
        .windows(4)
        .rposition(|w| w == b"PK\x01\x02")
        .expect("a central directory entry");
    // The last central directory entry is the sheet's: uncompressed size
    // at offset 24.
    bytes[cd + 24..cd + 28].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    let e = error(&bytes, Limits::default());
    assert!(
        e.contains("of 4294967294 bytes uncompressed, more than the limit of 536870912"),
        "{e}"
    );
}

#[test]
fn parts_read_whole_have_a_sixteenth_of_the_limit() {
    let strings = vec![b'a'; 2 << 20];
    let mut entries: Vec<(&str, &[u8])> = MINIMAL_XLSX
        .iter()
        .map(|(n, t)| (*n, t.as_bytes()))
        .collect();
    entries.push(("xl/worksheets/sheet1.xml", b"<worksheet/>"));
    entries.push(("xl/sharedStrings.xml", &strings));
    let e = error(
        &zip_of(&entries, false),
        Limits {
            max_sheet_bytes: 16 << 20,
            ..Limits::default()
        },
    );
    assert!(e.contains("xl/sharedStrings.xml, of 2097152 bytes uncompressed, more than the limit of 1048576 (Limits::max_sheet_bytes / 16 for parts read whole"), "{e}");
}

#[test]
fn a_sheet_of_a_million_columns_is_a_file_error() {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">"#,
    );
    // A million in a release build; a debug build of the XML reader takes
    // a tenth of them in the same time.
    let columns = if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    };
    for _ in 0..columns {
        sheet.push_str(r#"<c t="inlineStr"><is><t>审查编号</t></is></c>"#);
    }
    sheet.push_str("</row></sheetData></worksheet>");
    let e = error(&xlsx_with_sheet(sheet.as_bytes()), Limits::default());
    assert!(e.contains("[Sheet1]"), "{e}");
    assert!(
        e.contains("the header line has more columns than the column limit"),
        "{e}"
    );
}

#[test]
fn a_truncated_workbook_is_a_file_error() {
    let whole = fixture("legality.xlsx");
    let e = error(&whole[..whole.len() / 2], Limits::default());
    assert!(
        e.starts_with("台账.xlsx: is a zip archive that cannot be read (truncated or damaged?)"),
        "{e}"
    );
    let whole = fixture("legality.xls");
    let e = error(&whole[..whole.len() / 2], Limits::default());
    assert!(
        e.starts_with(
            "台账.xlsx: is an OLE compound file that cannot be read (truncated or damaged?)"
        ),
        "{e}"
    );
}

#[test]
fn a_password_protected_workbook_is_named_as_such() {
    // Office encrypts a workbook into an OLE file holding EncryptionInfo
    // and EncryptedPackage streams.
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    cf.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0u8; 4096])
        .unwrap();
    cf.flush().unwrap();
    let bytes = cf.into_inner().into_inner();
    let e = error(&bytes, Limits::default());
    assert!(
        e.starts_with(
            "台账.xlsx: is password-protected: open it in Excel or WPS, remove the password"
        ),
        "{e}"
    );
}

#[test]
fn an_xlsx_that_is_really_a_csv() {
    let dir = std::env::temp_dir().join(format!("govtally-wb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("台账.xlsx");
    std::fs::write(&path, "审查编号,文件类型,收文日期\nH1,合同,2023-03-01\n").unwrap();
    let mut t = Tally::new(Dataset::Legality, &Options::default()).unwrap();
    let e = t.feed_file(&path).unwrap_err().to_string();
    assert!(e.ends_with(
        "is named as a workbook but its bytes are not a .xlsx, .xlsb, .xls or .ods workbook: they look like \
         text — a CSV or tab-separated file saved under a workbook's name? Rename it to .csv to read it as CSV"
    ), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_xls_whose_dimensions_claim_billions_of_cells() {
    // calamine reserves rows × columns for a sheet's DIMENSIONS record: a
    // forged one is refused first.
    let mut bytes = fixture("legality.xls");
    let at = bytes
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("a BIFF8 DIMENSIONS record");
    bytes[at + 8..at + 12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let e = error(&bytes, Limits::default());
    assert!(
        e.contains("a sheet whose dimensions record claims an extent of"),
        "{e}"
    );
    assert!(
        e.contains("more than the limit of 4000000 (Limits::max_sheet_cells"),
        "{e}"
    );
}

#[test]
fn an_ods_whose_repeats_make_a_billion_cells() {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let ods = zip_of(
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", content.as_bytes()),
        ],
        true,
    );
    let e = error(&ods, Limits::default());
    assert!(
        e.contains("has a sheet, S, of 1000000000 cells, more than the limit of 4000000"),
        "{e}"
    );
}

#[test]
fn a_workbook_over_the_size_limit() {
    let bytes = fixture("legality.xlsx");
    let e = error(
        &bytes,
        Limits {
            max_workbook_bytes: 1000,
            ..Limits::default()
        },
    );
    assert!(
        e.contains(
            "more than the limit of 1000 (Limits::max_workbook_bytes, --max-workbook-bytes)"
        ),
        "{e}"
    );
}

#[test]
fn other_zip_and_ole_files() {
    let docx = zip_of(&[("word/document.xml", b"<w/>")], false);
    assert_eq!(
        error(&docx, Limits::default()),
        "台账.xlsx: is a Word document, not a workbook"
    );
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/WordDocument")
        .unwrap()
        .write_all(b"x")
        .unwrap();
    cf.flush().unwrap();
    let doc = cf.into_inner().into_inner();
    assert!(error(&doc, Limits::default()).contains("holds no Excel workbook"));
}

#[test]
fn an_xls_that_is_really_a_web_page() {
    let e = error(
        b"<html><table><tr><td>x</td></tr></table></html>",
        Limits::default(),
    );
    assert!(e.contains("they look like HTML or XML"), "{e}");
}

#[test]
fn a_bomb_under_the_size_limit_is_refused_by_its_shape() {
    // 4 MiB of blanks inside the sheet data: a part within max_sheet_bytes
    // whose one text run an XML reader would hold whole.
    let mut sheet = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec();
    sheet.extend(std::iter::repeat_n(b' ', 4 << 20));
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    let e = error(&xlsx_with_sheet(&sheet), Limits::default());
    assert!(
        e.contains(
            "has a part, xl/worksheets/sheet1.xml, holding more than 1048576 bytes without markup"
        ),
        "{e}"
    );
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet><table:table table:name="S">{}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        " ".repeat(4 << 20)
    );
    let ods = zip_of(
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", content.as_bytes()),
        ],
        false,
    );
    let e = error(&ods, Limits::default());
    assert!(
        e.contains("has a part, content.xml, holding more than 1048576 bytes without markup"),
        "{e}"
    );
}

#[test]
fn a_panic_inside_calamine_is_a_file_error() {
    // Found by the workbook fuzz target: calamine 0.38 indexes past a short
    // MERGECELLS record of an .xls (utils.rs read_u16). govtally catches the
    // panic and names the workbook malformed.
    let e = error(&fixture("calamine-panic.xls"), Limits::default());
    assert_eq!(
        e,
        "台账.xlsx: is malformed: the workbook reader failed on it"
    );
}

/// departments.xlsb with its sheet's merged ranges replaced by `tail`
/// (records after BrtEndSheetData, BrtEndSheet included).
fn xlsb_with_merge_records(tail: &[u8]) -> Vec<u8> {
    xlsb_with_sheet(|data| {
        // BrtEndSheetData: type 146 (0x92 0x01), size 0.
        let end = data
            .windows(3)
            .rposition(|w| w == [0x92, 0x01, 0x00])
            .unwrap();
        data.truncate(end + 3);
        data.extend_from_slice(tail);
    })
}

/// departments.xlsb with its sheet part changed by `edit`.
fn xlsb_with_sheet(edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let bytes = fixture("departments.xlsb");
    let mut z = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        if name == "xl/worksheets/sheet1.bin" {
            edit(&mut data);
        }
        entries.push((name, data));
    }
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip_of(&refs, false)
}

/// A BrtMergeCell record (type 176, size 16) of rows and columns, 0-based.
fn merge_cell(r0: u32, r1: u32, c0: u32, c1: u32) -> Vec<u8> {
    let mut v = vec![0xB0, 0x01, 0x10];
    for n in [r0, r1, c0, c1] {
        v.extend_from_slice(&n.to_le_bytes());
    }
    v
}

const END_SHEET: &[u8] = &[0x82, 0x01, 0x00];

#[test]
fn xlsb_merge_records_well_formed_and_hostile() {
    let read = |tail: Vec<u8>| {
        let o = Options::default().year(2023).unwrap();
        let mut t = Tally::new(Dataset::Legality, &o).unwrap();
        t.feed_workbook("台账.xlsb", &xlsb_with_merge_records(&tail), None)?;
        t.finish()
    };
    // The fixture's own ranges, written back here: the same report.
    let mut tail = vec![0xB1, 0x01, 0x04, 2, 0, 0, 0];
    tail.extend(merge_cell(2, 4, 2, 2));
    tail.extend(merge_cell(7, 8, 2, 2));
    tail.extend_from_slice(&[0xB2, 0x01, 0x00]);
    tail.extend_from_slice(END_SHEET);
    let r = read(tail).unwrap();
    assert_eq!(r.figure("departments.法规科.reviews"), Some(3.into()));
    // No merged ranges: the covered cells are empty.
    let r = read(END_SHEET.to_vec()).unwrap();
    assert_eq!(r.figure("departments.法规科.reviews"), Some(1.into()));
    assert_eq!(r.figure("departments.未填写.reviews"), Some(4.into()));

    let with = |records: &[u8], limits: Limits| {
        let mut tail = records.to_vec();
        tail.extend_from_slice(END_SHEET);
        error(&xlsb_with_merge_records(&tail), limits)
    };
    // (`error` names every input 台账.xlsx; the bytes decide the format.)
    // A record too short to hold a range.
    let e = with(
        &[0xB0, 0x01, 0x08, 0, 0, 0, 0, 1, 0, 0, 0],
        Limits::default(),
    );
    assert_eq!(
        e,
        "台账.xlsx: has a malformed merged range (a BrtMergeCell record of 8 bytes, not 16) in \
         sheet `2023年` (xl/worksheets/sheet1.bin): the workbook is damaged"
    );
    // A range past the last row, and one whose corners are reversed.
    let e = with(&merge_cell(0, u32::MAX, 0, 0), Limits::default());
    assert_eq!(
        e,
        "台账.xlsx: has a malformed merged range in sheet `2023年` (xl/worksheets/sheet1.bin): \
         rows 1 to 4294967296, columns 1 to 1 (a sheet has 1048576 rows and 16384 columns): \
         the workbook is damaged"
    );
    let e = with(&merge_cell(5, 2, 0, 0), Limits::default());
    assert!(e.contains("rows 6 to 3, columns 1 to 1"), "{e}");
    // The whole sheet merged: more cells covered than the limit.
    let e = with(&merge_cell(0, (1 << 20) - 1, 0, 16383), Limits::default());
    assert_eq!(
        e,
        "台账.xlsx: has merged ranges in sheet `2023年` (xl/worksheets/sheet1.bin) covering \
         more than 4000000 cells, the limit (Limits::max_sheet_cells, --max-sheet-cells)"
    );
    // Many small ranges add up: 20 ranges of 2 × 3 cells under a limit of 100.
    let many: Vec<u8> = (0..20u32)
        .flat_map(|i| merge_cell(20 + 2 * i, 21 + 2 * i, 0, 2))
        .collect();
    let small = Limits {
        max_sheet_cells: 100,
        ..Limits::default()
    };
    assert!(with(&many, small).contains("covering more than 100 cells"));
    // One-cell ranges merge nothing and count for nothing.
    let ones: Vec<u8> = (0..200u32).flat_map(|i| merge_cell(i, i, 3, 3)).collect();
    let r = read([ones, END_SHEET.to_vec()].concat()).unwrap();
    assert_eq!(r.figure("reviews.total"), Some(6.into()));
    // A record that claims 256 MiB and ends at once, a size varint cut
    // short, a type cut short: truncated, quickly and without holding the
    // claimed size.
    let truncated = "台账.xlsx: has a part, xl/worksheets/sheet1.bin, that ends inside a record: \
                     the workbook is truncated or damaged";
    for tail in [
        &[0xB0, 0x01, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3][..],
        &[0xB0, 0x01, 0x80][..],
        &[0xB0][..],
    ] {
        let e = error(&xlsb_with_merge_records(tail), Limits::default());
        assert_eq!(e, truncated);
    }
}

#[test]
fn an_xlsb_shared_string_index_past_the_table_is_a_file_error() {
    // calamine 0.38 indexes its shared strings with a BrtCellIsst's index
    // unchecked (xlsb/cells_reader.rs), and panics on one past the table;
    // found by mutating departments.xlsb. The title cell A1: BrtCellIsst
    // (type 7, size 12), column 0, style 0, then the index.
    let book = xlsb_with_sheet(|data| {
        let at = data
            .windows(10)
            .position(|w| w == [0x07, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0])
            .unwrap();
        data[at + 10..at + 14].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
    });
    assert_eq!(
        error(&book, Limits::default()),
        "台账.xlsx [2023年]: is malformed: the workbook reader failed on it"
    );
}
