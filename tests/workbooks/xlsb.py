"""A small writer of Excel binary workbooks (.xlsb, BIFF12), for the test
fixtures: there is no common Python writer of .xlsb, and the fixtures must
not come from govtally's reader's own code.

It writes a minimal valid package, following [MS-XLSB] (Excel (.xlsb)
Binary File Format) and ECMA-376 Part 2 (the package):

    [Content_Types].xml         the parts' content types
    _rels/.rels                 officeDocument -> xl/workbook.bin
    xl/workbook.bin             BrtBeginBook, BrtWbProp (date system),
                                BrtBeginBundleShs, a BrtBundleSh per sheet,
                                BrtEndBundleShs, BrtEndBook
    xl/_rels/workbook.bin.rels  the sheets, styles and shared strings
    xl/styles.bin               one font, two fills, one border, one style
                                XF, and the cell XFs: 0 General,
                                1 the built-in date format 14 (m/d/yyyy),
                                2 the built-in date-time format 22
    xl/sharedStrings.bin        BrtBeginSst, a BrtSSTItem per string, BrtEndSst
    xl/worksheets/sheetN.bin    BrtBeginSheet, BrtWsDim, BrtBeginSheetData,
                                per row a BrtRowHdr and its cells, in column
                                order, BrtEndSheetData, then the merged
                                ranges (BrtBeginMergeCells, a BrtMergeCell
                                each, BrtEndMergeCells), BrtEndSheet

A record is its type as a varint of 1-2 bytes (7 bits a byte, the high bit
set when another byte follows), its payload size as a varint of 1-4 bytes,
then the payload (little-endian throughout). Cells:

    str    -> BrtCellIsst (an index into the shared strings), or BrtCellSt
              (the string inline) when the sheet asks for inline strings
    int    -> BrtCellRk with fInt (a 30-bit integer) when it fits, else
              BrtCellReal
    float  -> BrtCellRk with fx100 and fInt when value * 100 is a whole
              number that fits (as Excel stores 6100.25), else BrtCellReal
    date   -> BrtCellReal of the serial date (1900 system, or 1904), XF 1
    datetime -> BrtCellReal of the serial date-time, XF 2
    bool   -> BrtCellBool

Dates are serials as Excel counts them: days since 1899-12-30 (so that
1900-03-01 is 61, past Excel's phantom 1900-02-29), or since 1904-01-01.
"""
import datetime as dt
import struct
import zipfile

# Record types, [MS-XLSB] 2.3.2 (decimal there).
ROW_HDR = 0
CELL_RK = 2
CELL_BOOL = 4
CELL_REAL = 5
CELL_ST = 6
CELL_ISST = 7
SST_ITEM = 19
FONT = 43
FILL = 45
BORDER = 46
XF = 47
STYLE = 48
BEGIN_SHEET = 129
END_SHEET = 130
BEGIN_BOOK = 131
END_BOOK = 132
BEGIN_BUNDLE_SHS = 143
END_BUNDLE_SHS = 144
BEGIN_SHEET_DATA = 145
END_SHEET_DATA = 146
WS_DIM = 148
WB_PROP = 153
BUNDLE_SH = 156
BEGIN_SST = 159
END_SST = 160
MERGE_CELL = 176
BEGIN_MERGE_CELLS = 177
END_MERGE_CELLS = 178
BEGIN_STYLE_SHEET = 278
END_STYLE_SHEET = 279
BEGIN_DXFS = 505
END_DXFS = 506
BEGIN_TABLE_STYLES = 508
END_TABLE_STYLES = 509
BEGIN_FILLS = 603
END_FILLS = 604
BEGIN_FONTS = 611
END_FONTS = 612
BEGIN_BORDERS = 613
END_BORDERS = 614
BEGIN_CELL_XFS = 617
END_CELL_XFS = 618
BEGIN_STYLES = 619
END_STYLES = 620
BEGIN_CELL_STYLE_XFS = 626
END_CELL_STYLE_XFS = 627

XF_GENERAL, XF_DATE, XF_DATETIME = 0, 1, 2


def varint(n, max_bytes):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            break
    assert len(out) <= max_bytes, "value too large for its varint"
    return bytes(out)


def record(typ, payload=b""):
    return varint(typ, 2) + varint(len(payload), 4) + payload


def u8(n):
    return struct.pack("<B", n)


def u16(n):
    return struct.pack("<H", n)


def u32(n):
    return struct.pack("<I", n)


def wide(s):
    """XLWideString: a u32 count of UTF-16 code units, then the units."""
    units = s.encode("utf-16-le")
    return u32(len(units) // 2) + units


def color(rgb=0, theme=None):
    """BrtColor: fValidRGB (bit 0) and xColorType (bits 1-7: 2 RGB, 3
    theme), index, tint, r, g, b, a."""
    if theme is not None:
        return u8(3 << 1) + u8(theme) + struct.pack("<h", 0) + b"\0\0\0\xff"
    return u8(2 << 1 | 1) + u8(0) + struct.pack("<h", 0) + bytes(
        [(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, 0xFF])


def brt_xf(ifmt, parent=0xFFFF):
    """BrtXF: ixfeParent, iFmt, iFont, iFill, ixBorder, trot, indent,
    flags (fLocked), xfGrbitAtr, reserved: 16 bytes."""
    return record(XF, u16(parent) + u16(ifmt) + u16(0) + u16(0) + u16(0)
                  + u8(0) + u8(0) + u16(0x0001) + u8(0) + u8(0))


def styles_bin():
    font = (u16(220) + u16(0) + u16(400) + u16(0) + u8(0) + u8(2) + u8(134) + u8(0)
            + color(theme=1) + u8(2) + wide("等线"))
    def fill(pattern):
        return record(FILL, u32(pattern) + color(theme=0) + color(theme=1) + u32(0)
                      + struct.pack("<5d", 0, 0, 0, 0, 0) + u32(0))
    blxf = u8(0) + u8(0) + color(0)
    border = record(BORDER, u8(0) + blxf * 5)
    style = record(STYLE, u32(0) + u16(0x0001) + u8(0) + u8(0xFF) + wide("Normal"))
    return b"".join([
        record(BEGIN_STYLE_SHEET),
        record(BEGIN_FONTS, u32(1)), record(FONT, font), record(END_FONTS),
        record(BEGIN_FILLS, u32(2)), fill(0), fill(17), record(END_FILLS),
        record(BEGIN_BORDERS, u32(1)), border, record(END_BORDERS),
        record(BEGIN_CELL_STYLE_XFS, u32(1)), brt_xf(0), record(END_CELL_STYLE_XFS),
        record(BEGIN_CELL_XFS, u32(3)), brt_xf(0, 0), brt_xf(14, 0), brt_xf(22, 0),
        record(END_CELL_XFS),
        record(BEGIN_STYLES, u32(1)), style, record(END_STYLES),
        record(BEGIN_DXFS, u32(0)), record(END_DXFS),
        record(BEGIN_TABLE_STYLES, u32(0) + wide("TableStyleMedium2") + wide("PivotStyleLight16")),
        record(END_TABLE_STYLES),
        record(END_STYLE_SHEET),
    ])


def serial(value, epoch_1904):
    """An Excel serial date(-time)."""
    if isinstance(value, dt.datetime):
        day = value.date()
        frac = (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    else:
        day, frac = value, 0.0
    base = dt.date(1904, 1, 1) if epoch_1904 else dt.date(1899, 12, 30)
    n = (day - base).days
    assert epoch_1904 or day >= dt.date(1900, 3, 1), "dates before 1900-03-01 not written"
    return n + frac


def rk(value):
    """The RkNumber of value, or None when it has none exactly."""
    if isinstance(value, int) and -(1 << 29) <= value < (1 << 29):
        return (value << 2 | 0x2) & 0xFFFFFFFF
    if isinstance(value, float):
        cents = round(value * 100)
        if cents / 100 == value and -(1 << 29) <= cents < (1 << 29):
            return (cents << 2 | 0x3) & 0xFFFFFFFF
    return None


class Sheet:
    def __init__(self, name, inline_strings=False):
        self.name = name
        self.cells = {}  # (row, col) -> value, 0-based
        self.merges = []  # (first row, last row, first col, last col)
        self.inline_strings = inline_strings

    def write(self, row, col, value):
        if value is None or value == "":
            self.cells.pop((row, col), None)
        else:
            self.cells[(row, col)] = value

    def merge(self, first_row, last_row, first_col, last_col, value=None):
        """Merges the range; value, if given, goes into its top-left cell."""
        assert first_row <= last_row and first_col <= last_col
        self.merges.append((first_row, last_row, first_col, last_col))
        if value is not None:
            self.write(first_row, first_col, value)


class Workbook:
    def __init__(self, epoch_1904=False):
        self.sheets = []
        self.epoch_1904 = epoch_1904
        self.strings = []
        self.string_index = {}

    def add_sheet(self, name, inline_strings=False):
        sheet = Sheet(name, inline_strings)
        self.sheets.append(sheet)
        return sheet

    def _isst(self, s):
        if s not in self.string_index:
            self.string_index[s] = len(self.strings)
            self.strings.append(s)
        return self.string_index[s]

    def _cell(self, sheet, col, value):
        def head(xf):
            # Cell: column, then iStyleRef (24 bits) and flags (8 bits).
            return u32(col) + u32(xf & 0xFFFFFF)
        if isinstance(value, bool):
            return record(CELL_BOOL, head(XF_GENERAL) + u8(1 if value else 0))
        if isinstance(value, dt.datetime):
            return record(CELL_REAL, head(XF_DATETIME) + struct.pack("<d", serial(value, self.epoch_1904)))
        if isinstance(value, dt.date):
            return record(CELL_REAL, head(XF_DATE) + struct.pack("<d", serial(value, self.epoch_1904)))
        if isinstance(value, (int, float)):
            r = rk(value)
            if r is not None:
                return record(CELL_RK, head(XF_GENERAL) + u32(r))
            return record(CELL_REAL, head(XF_GENERAL) + struct.pack("<d", float(value)))
        if isinstance(value, str):
            if sheet.inline_strings:
                return record(CELL_ST, head(XF_GENERAL) + wide(value))
            return record(CELL_ISST, head(XF_GENERAL) + u32(self._isst(value)))
        raise TypeError(f"cannot write {value!r}")

    def _sheet_bin(self, sheet):
        rows = {}
        for (r, c), v in sheet.cells.items():
            rows.setdefault(r, []).append((c, v))
        if sheet.cells:
            last_row = max(r for r, _ in sheet.cells)
            last_col = max(c for _, c in sheet.cells)
            for r0, r1, c0, c1 in sheet.merges:
                last_row, last_col = max(last_row, r1), max(last_col, c1)
            dim = u32(0) + u32(last_row) + u32(0) + u32(last_col)
        else:
            dim = u32(0) * 4
        out = [record(BEGIN_SHEET), record(WS_DIM, dim), record(BEGIN_SHEET_DATA)]
        for r in sorted(rows):
            cells = sorted(rows[r], key=lambda cv: cv[0])
            # BrtRowHdr: rw, ixfe, miyRw (twips), three bytes of flags,
            # ccolspan and the spans (first and last column).
            span = u32(cells[0][0]) + u32(cells[-1][0])
            out.append(record(ROW_HDR, u32(r) + u32(0) + u16(300) + b"\0\0\0" + u32(1) + span))
            out.extend(self._cell(sheet, c, v) for c, v in cells)
        out.append(record(END_SHEET_DATA))
        if sheet.merges:
            out.append(record(BEGIN_MERGE_CELLS, u32(len(sheet.merges))))
            for r0, r1, c0, c1 in sheet.merges:
                out.append(record(MERGE_CELL, u32(r0) + u32(r1) + u32(c0) + u32(c1)))
            out.append(record(END_MERGE_CELLS))
        out.append(record(END_SHEET))
        return b"".join(out)

    def _workbook_bin(self):
        out = [record(BEGIN_BOOK),
               # BrtWbProp: flags (f1904 is bit 0), dwThemeVersion, strName.
               record(WB_PROP, u32(1 if self.epoch_1904 else 0) + u32(0) + wide("")),
               record(BEGIN_BUNDLE_SHS)]
        for i, s in enumerate(self.sheets, 1):
            # BrtBundleSh: hsState (visible), iTabID, strRelID, strName.
            out.append(record(BUNDLE_SH, u32(0) + u32(i) + wide(f"rId{i}") + wide(s.name)))
        out += [record(END_BUNDLE_SHS), record(END_BOOK)]
        return b"".join(out)

    def save(self, path):
        sheets = [self._sheet_bin(s) for s in self.sheets]  # fills the string table
        sst = [record(BEGIN_SST, u32(len(self.strings)) + u32(len(self.strings)))]
        # BrtSSTItem: a RichStr, flags (no rich text, no phonetic) then the string.
        sst += [record(SST_ITEM, u8(0) + wide(s)) for s in self.strings]
        sst.append(record(END_SST))
        n = len(self.sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.bin" '
            'ContentType="application/vnd.ms-excel.worksheet"/>' for i in range(1, n + 1))
        content_types = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'{overrides}'
            '<Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/>'
            '<Override PartName="/xl/sharedStrings.bin" ContentType="application/vnd.ms-excel.sharedStrings"/>'
            '</Types>')
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        root_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.bin"/>'
            '</Relationships>')
        book_rels = "".join(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.bin"/>'
            for i in range(1, n + 1))
        book_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{book_rels}'
            f'<Relationship Id="rId{n + 1}" Type="{rel}/styles" Target="styles.bin"/>'
            f'<Relationship Id="rId{n + 2}" Type="{rel}/sharedStrings" Target="sharedStrings.bin"/>'
            '</Relationships>')
        # Fixed timestamps, so the same input gives the same bytes.
        stamp = (2024, 1, 1, 0, 0, 0)
        with zipfile.ZipFile(path, "w") as z:
            def put(name, data):
                info = zipfile.ZipInfo(name, stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
            put("[Content_Types].xml", content_types)
            put("_rels/.rels", root_rels)
            put("xl/workbook.bin", self._workbook_bin())
            put("xl/_rels/workbook.bin.rels", book_rels)
            put("xl/styles.bin", styles_bin())
            put("xl/sharedStrings.bin", b"".join(sst))
            for i, data in enumerate(sheets, 1):
                put(f"xl/worksheets/sheet{i}.bin", data)
