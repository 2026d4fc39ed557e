#!/usr/bin/env python3
"""Writes tests/fixtures/workbooks/: every sample export of examples/data as
.xlsx (openpyxl), .xls (xlwt), .ods (odfpy), .xlsm (xlsxwriter, with a VBA
project) and .xlsb (xlsb.py beside this script, a small BIFF12 writer: no
common Python package writes .xlsb), plus small workbooks of the cases
tests/workbook.rs checks cell by cell.

The .xlsm files hold vbaProject.bin (beside this script): the sample VBA
project rust_xlsxwriter 0.96.0 ships as examples/vbaProject.bin (MIT OR
Apache-2.0; a workbook macro and a Sheet1 module), added with xlsxwriter's
documented add_vba_project, which also gives the workbook part the
macro-enabled content type (application/vnd.ms-excel.sheet.macroEnabled.main+xml).

Run through tests/workbooks/make.sh, which makes a venv under target/ with
the pinned writers (tests/workbooks/requirements.txt). The writers are not
govtally's reader: they are what the issue calls an independent writer.

How a sample becomes a workbook (the CSV's report must come out exactly):
- a title row above the header, in a cell merged across the header's width
  (`2023年合法性审查台账`), then the header, then the rows;
- dates and date-times written as real date cells (`YYYY-MM-DD`,
  `YYYY-MM-DD HH:MM[:SS]`, `YYYY/M/D`), whole numbers of up to 9 digits
  without a leading zero as number cells, amounts (`6100.00`) as number
  cells in the money columns; everything else as text, as the CSV has it;
- in the inspections ledger, runs of one task id merged down its rows;
- a second sheet of notes that is no ledger;
- the two complaints exports as two sheets of one workbook.
"""
import csv
import datetime as dt
import io
import os
import re
import sys

import openpyxl
import xlsxwriter
import xlwt
from openpyxl.utils import get_column_letter
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableRow, TableCell, CoveredTableCell
from odf.text import P

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xlsb  # noqa: E402  (tests/workbooks/xlsb.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "examples", "data")
OUT = os.path.join(ROOT, "tests", "fixtures", "workbooks")

# sample → (workbook stem, [(sheet name, csv file)], title)
SAMPLES = [
    ("legality", [("2023年", "合法性审查台账2023.csv")], "2023年合法性审查台账"),
    ("inspections", [("抽查记录", "双随机抽查记录2023.csv")], "2023年“双随机、一公开”抽查记录"),
    ("complaints", [("2022年", "信访咨询件登记2022.csv"), ("2023年", "信访咨询件登记2023.csv")],
     "信访咨询件登记表"),
    ("enforcement", [("执法台账", "劳动保障监察执法台账2023.csv")], "2023年劳动保障监察执法台账"),
    ("normative", [("规范性文件", "行政规范性文件管理台账.csv")], "行政规范性文件管理台账"),
    ("disputes", [("争议案件", "劳动人事争议案件台账2021-2023.csv")], "劳动人事争议案件台账"),
    ("reconsideration", [("复议诉讼", "行政复议与行政诉讼案件台账2022-2023.csv")], "行政复议与行政诉讼案件台账"),
    ("proposals", [("建议提案", "建议提案办理台账2022-2023.csv")], "建议提案办理台账"),
]
MONEY_HEADERS = {"金额", "罚款金额", "涉及金额", "amount"}
TASK_HEADERS = {"任务编号", "抽查任务编号", "task_id"}
NOTES = [["说明"], ["本表由业务系统导出，仅供统计使用。"], ["导出日期：2024年1月5日"]]


def read_csv(path):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    elif raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
    first = text.split("\n", 1)[0]
    delim = "\t" if "\t" in first and "," not in first else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))


DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
INT = re.compile(r"^(0|[1-9]\d{0,8})$")
DECIMAL = re.compile(r"^\d+\.\d{1,2}$")


def typed(value, header):
    """The value as a workbook holds it: date, datetime, int, float or str."""
    m = DATETIME.match(value)
    if m:
        y, mo, d, h, mi, s = (int(x or 0) for x in m.groups())
        try:
            return dt.datetime(y, mo, d, h, mi, s)
        except ValueError:
            return value
    m = DATE.match(value)
    if m:
        try:
            return dt.date(*(int(x) for x in m.groups()))
        except ValueError:
            return value
    if INT.match(value):
        return int(value)
    if header in MONEY_HEADERS and DECIMAL.match(value):
        return float(value)
    return value


def sheets_of(sample):
    _, files, title = sample
    out = []
    for sheet, name in files:
        rows = read_csv(os.path.join(DATA, name))
        header = rows[0]
        out.append((sheet, title if len(files) == 1 else f"{sheet}{title}", header, rows[1:]))
    return out


def task_runs(header, rows):
    """(first, last) data-row indexes of runs of one task id, longer than one."""
    col = next((i for i, h in enumerate(header) if h.strip() in TASK_HEADERS), None)
    runs = []
    if col is None:
        return col, runs
    i = 0
    while i < len(rows):
        j = i
        v = rows[i][col] if col < len(rows[i]) else ""
        while j + 1 < len(rows) and v and col < len(rows[j + 1]) and rows[j + 1][col] == v:
            j += 1
        if j > i:
            runs.append((i, j))
        i = j + 1
    return col, runs


def write_xlsx(sample, path, epoch_1904=False):
    wb = openpyxl.Workbook()
    if epoch_1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.remove(wb.active)
    for sheet, title, header, rows in sheets_of(sample):
        ws = wb.create_sheet(sheet)
        ws.cell(1, 1, title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        for c, h in enumerate(header, 1):
            ws.cell(2, c, h)
        col, runs = task_runs(header, rows)
        covered = set()
        for a, b in runs:
            covered.update(range(a + 1, b + 1))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v == "" or (c == col and r in covered):
                    continue
                cell = ws.cell(r + 3, c + 1, typed(v, header[c] if c < len(header) else ""))
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for a, b in runs:
            ws.merge_cells(start_row=a + 3, start_column=col + 1, end_row=b + 3, end_column=col + 1)
    notes = wb.create_sheet("备注")
    for r, row in enumerate(NOTES, 1):
        notes.cell(r, 1, row[0])
    wb.save(path)


def write_xls(sample, path, dates_1904=False):
    wb = xlwt.Workbook(encoding="utf-8")
    wb.dates_1904 = dates_1904
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    time_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for sheet, title, header, rows in sheets_of(sample):
        ws = wb.add_sheet(sheet)
        ws.write_merge(0, 0, 0, len(header) - 1, title)
        for c, h in enumerate(header):
            ws.write(1, c, h)
        col, runs = task_runs(header, rows)
        starts = {a: b for a, b in runs}
        covered = set()
        for a, b in runs:
            covered.update(range(a + 1, b + 1))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v == "":
                    continue
                if c == col and r in covered:
                    continue
                value = typed(v, header[c] if c < len(header) else "")
                style = xlwt.Style.default_style
                if isinstance(value, dt.datetime):
                    style = time_style
                elif isinstance(value, dt.date):
                    style = date_style
                if c == col and r in starts:
                    ws.write_merge(r + 2, starts[r] + 2, c, c, value, style)
                else:
                    ws.write(r + 2, c, value, style)
    notes = wb.add_sheet("备注")
    for r, row in enumerate(NOTES):
        notes.write(r, 0, row[0])
    wb.save(path)


def ods_cell(value):
    if isinstance(value, dt.datetime):
        cell = TableCell(valuetype="date", datevalue=value.strftime("%Y-%m-%dT%H:%M:%S"))
        cell.addElement(P(text=value.strftime("%Y-%m-%d %H:%M:%S")))
    elif isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        cell.addElement(P(text=value.isoformat()))
    elif isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=repr(value))
        cell.addElement(P(text=str(value)))
    else:
        cell = TableCell(valuetype="string")
        for line in value.split("\n"):
            cell.addElement(P(text=line))
    return cell


def write_ods(sample, path):
    doc = OpenDocumentSpreadsheet()
    for sheet, title, header, rows in sheets_of(sample):
        table = Table(name=sheet)
        tr = TableRow()
        tc = TableCell(valuetype="string", numbercolumnsspanned=len(header))
        tc.addElement(P(text=title))
        tr.addElement(tc)
        for _ in range(len(header) - 1):
            tr.addElement(CoveredTableCell())
        table.addElement(tr)
        col, runs = task_runs(header, rows)
        starts = {a: b for a, b in runs}
        covered = set()
        for a, b in runs:
            covered.update(range(a + 1, b + 1))
        for r, row in enumerate([header] + rows):
            tr = TableRow()
            for c, v in enumerate(row):
                d = r - 1  # data row index
                if c == col and d in covered:
                    tr.addElement(CoveredTableCell())
                elif v == "":
                    tr.addElement(TableCell())
                else:
                    cell = ods_cell(typed(v, header[c] if c < len(header) else ""))
                    if c == col and d in starts:
                        cell.setAttribute("numberrowsspanned", str(starts[d] - d + 1))
                    tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    table = Table(name="备注")
    for row in NOTES:
        tr = TableRow()
        tr.addElement(ods_cell(row[0]))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(path)


def write_xlsm(sample, path):
    """The sample as .xlsm (xlsxwriter): the same layout as write_xlsx, and a
    VBA project, which govtally must leave alone."""
    wb = xlsxwriter.Workbook(path)
    wb.set_properties({"created": dt.datetime(2024, 1, 5)})  # the same bytes on every run
    wb.add_vba_project(os.path.join(os.path.dirname(os.path.abspath(__file__)), "vbaProject.bin"))
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for sheet, title, header, rows in sheets_of(sample):
        ws = wb.add_worksheet(sheet)
        ws.merge_range(0, 0, 0, len(header) - 1, title)
        ws.write_row(1, 0, header)
        col, runs = task_runs(header, rows)
        starts = {a: b for a, b in runs}
        covered = set()
        for a, b in runs:
            covered.update(range(a + 1, b + 1))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v == "" or (c == col and r in covered):
                    continue
                value = typed(v, header[c] if c < len(header) else "")
                fmt = None
                if isinstance(value, dt.datetime):
                    fmt = when
                elif isinstance(value, dt.date):
                    value, fmt = dt.datetime.combine(value, dt.time()), date
                if c == col and r in starts:
                    ws.merge_range(r + 2, c, starts[r] + 2, c, value, fmt)
                elif fmt is not None:
                    ws.write_datetime(r + 2, c, value, fmt)
                elif isinstance(value, str):
                    ws.write_string(r + 2, c, value)
                else:
                    ws.write_number(r + 2, c, value)
    notes = wb.add_worksheet("备注")
    for r, row in enumerate(NOTES):
        notes.write_string(r, 0, row[0])
    wb.close()


def write_xlsb(sample, path, epoch_1904=False):
    """The sample as .xlsb (xlsb.py): the layout of write_xlsx; the title
    and the notes as inline strings (BrtCellSt), the rest shared."""
    wb = xlsb.Workbook(epoch_1904=epoch_1904)
    for sheet, title, header, rows in sheets_of(sample):
        ws = wb.add_sheet(sheet)
        ws.merge(0, 0, 0, len(header) - 1, title)
        for c, h in enumerate(header):
            ws.write(1, c, h)
        col, runs = task_runs(header, rows)
        covered = set()
        for a, b in runs:
            covered.update(range(a + 1, b + 1))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v == "" or (c == col and r in covered):
                    continue
                ws.write(r + 2, c, typed(v, header[c] if c < len(header) else ""))
        for a, b in runs:
            ws.merge(a + 2, b + 2, col, col)
    notes = wb.add_sheet("备注", inline_strings=True)
    for r, row in enumerate(NOTES):
        notes.write(r, 0, row[0])
    wb.save(path)


def write_xlsb_departments(path):
    """A legality ledger as .xlsb whose department is merged down the rows
    it covers, under a title row: tests/workbook.rs works out its figures
    by hand."""
    wb = xlsb.Workbook()
    ws = wb.add_sheet("2023年")
    ws.merge(0, 0, 0, 5, "2023年合法性审查台账")
    for c, h in enumerate(["审查编号", "文件类型", "送审科室", "收文日期", "审结日期", "审查意见数"]):
        ws.write(1, c, h)
    d = dt.date
    rows = [
        ["H1", "合同", "法规科", d(2023, 3, 1), d(2023, 3, 5), 2],
        ["H2", "合同", None, d(2023, 4, 1), None, 3],
        ["H3", "规范性文件", None, dt.datetime(2023, 5, 2, 9, 30), d(2023, 5, 10), 1],
        ["H4", "合同", "办公室", d(2023, 6, 1), d(2023, 6, 3), 4],
        ["H5", "合同", None, d(2023, 7, 1), None, None],
        ["H6", "合同", "执法科", d(2022, 12, 31), d(2023, 1, 4), 5],
        ["H7", "合同", None, d(2023, 8, 1), d(2023, 8, 2), 1.0],
    ]
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    ws.merge(2, 4, 2, 2)  # 法规科 over H1-H3 (C3:C5)
    ws.merge(7, 8, 2, 2)  # 执法科 over H6-H7 (C8:C9)
    wb.save(path)


def write_cases(path):
    """Cells as Excel holds them, for tests/workbook.rs (xlsxwriter, which
    writes formulas with their cached values and error results)."""
    wb = xlsxwriter.Workbook(path)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("2023年")
    ws.merge_range("A1:E1", "2023年合法性审查台账")
    # row 2 blank, header on row 3
    ws.write_row("A3", ["审查编号", "文件类型", "收文日期", "审结日期", "审查意见数"])
    ws.write_row("A4", ["H1", "合同"])
    ws.write_datetime("C4", dt.datetime(2023, 3, 1), date)
    ws.write_datetime("D4", dt.datetime(2023, 3, 5), date)
    ws.write_number("E4", 3.0)
    ws.write_row("A5", ["H2", "合同", "2023/4/1", "", "2"])  # numbers as text
    ws.write_number("A6", 1001)  # text as numbers: an id
    ws.write_string("B6", "规范性文件")
    ws.write_datetime("C6", dt.datetime(2023, 5, 2), date)
    ws.write_formula("E6", "=1+1", None, 2)  # a formula by its cached value
    ws.write_row("A7", ["H4", "合同"])
    ws.write_datetime("C7", dt.datetime(2023, 6, 1), date)
    ws.write_number("E7", 2.5)  # not a whole number
    ws.write_row("A8", ["H5", "合同"])
    ws.write_formula("C8", "=NA()", None, "#N/A")  # an error cell
    ws.write_row("A9", ["H6", "合同"])
    ws.write_number("C9", 45078)  # a date column not formatted as a date
    ws.write_string("A10", "H7")
    ws.write_formula("B10", '="a"+1', None, "#VALUE!")
    ws.write_datetime("C10", dt.datetime(2023, 7, 1), date)
    notes = wb.add_worksheet("备注")
    notes.write("A1", "说明")
    wb.close()


def write_unsaved_formula(path):
    """openpyxl writes formulas without cached values, as a program that
    does not compute them does."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["审查编号", "文件类型", "收文日期", "审查意见数"])
    ws.append(["H1", "合同", dt.date(2023, 3, 1), "=1+1"])
    ws.cell(2, 3).number_format = "yyyy-mm-dd"
    wb.save(path)


def main():
    os.makedirs(OUT, exist_ok=True)
    for sample in SAMPLES:
        stem = sample[0]
        write_xlsx(sample, os.path.join(OUT, f"{stem}.xlsx"))
        write_xls(sample, os.path.join(OUT, f"{stem}.xls"))
        write_ods(sample, os.path.join(OUT, f"{stem}.ods"))
        write_xlsm(sample, os.path.join(OUT, f"{stem}.xlsm"))
        write_xlsb(sample, os.path.join(OUT, f"{stem}.xlsb"))
    # The legality sample again in the 1904 date system.
    write_xlsx(SAMPLES[0], os.path.join(OUT, "legality-1904.xlsx"), epoch_1904=True)
    write_xls(SAMPLES[0], os.path.join(OUT, "legality-1904.xls"), dates_1904=True)
    write_xlsb(SAMPLES[0], os.path.join(OUT, "legality-1904.xlsb"), epoch_1904=True)
    write_xlsb_departments(os.path.join(OUT, "departments.xlsb"))
    write_cases(os.path.join(OUT, "cases.xlsx"))
    write_unsaved_formula(os.path.join(OUT, "unsaved-formula.xlsx"))
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    sys.exit(main())
