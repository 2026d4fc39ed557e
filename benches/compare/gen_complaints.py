#!/usr/bin/env python3
"""Generate the synthetic complaints export used by benches/compare/run.sh.

usage: python3 gen_complaints.py ROWS OUT.csv [--gb18030 OUT_GB.csv]
                                 [--bom OUT_BOM.csv] [--repeat-ids N]
                                 [--threads T]

OUT.csv is UTF-8 without BOM, LF line ends, header exactly
    complaint_id,received_at,channel,category,kind
and one row per item:

* complaint_id  'XF' + year of received_at + 9-digit serial, e.g.
                XF2023000000123; the serial is the row number, so ids are
                unique. With --repeat-ids N the serial is drawn from 0..N-1
                and the year is 2022 + serial % 2, so the file holds exactly
                N distinct ids at most (almost every row is a repeat when
                N << ROWS).
* received_at   'YYYY-MM-DD HH:MM:SS', uniform over
                2022-01-01 00:00:00 .. 2023-12-31 23:59:59
* channel       来信 | 来访 | 网上信访 | 12345热线 | 12333热线
* category      欠薪 | 社会保险 | 工伤认定 | 劳动关系 | 就业创业 | 人才人事 | 其他
* kind          信访件 | 咨询件

Every value is a function of hash(row_number, k) computed by DuckDB SQL and
the rows are written in row order, so the bytes depend only on ROWS, the
options and the DuckDB version, never on the thread count. (Without
--repeat-ids this is the same format, and with the same DuckDB version the
same bytes, as the issue #4 generator.)

--gb18030 OUT   also write the same text encoded as GB18030 (what Excel on
                a Chinese Windows exports); LF line ends are kept.
--bom OUT       also write the same UTF-8 bytes preceded by a UTF-8 BOM.

Needs the duckdb Python package (pip install duckdb).
"""
import argparse
import os
import shutil
import sys
import time

import duckdb

SECONDS_2Y = 730 * 24 * 3600  # 2022 and 2023 have no leap day: 63,072,000 s

CHANNELS = ["来信", "来访", "网上信访", "12345热线", "12333热线"]
CATEGORIES = ["欠薪", "社会保险", "工伤认定", "劳动关系", "就业创业", "人才人事", "其他"]
KINDS = ["信访件", "咨询件"]


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def sql_list(values) -> str:
    return "[" + ", ".join(sql_str(v) for v in values) + "]"


def pick(values, k: int) -> str:
    """The k-th hash of the row picks one of `values` (SQL lists are 1-based)."""
    return f"{sql_list(values)}[1 + (hash(i, {k}) % {len(values)})::INT]"


def write_utf8(rows: int, out: str, repeat_ids: int | None, threads: int | None) -> None:
    if repeat_ids:
        serial = f"(hash(i, 5) % {int(repeat_ids)})::BIGINT"
        year = f"(2022 + {serial} % 2)::VARCHAR"
    else:
        serial = "i"
        year = "strftime(ts, '%Y')"
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute(
        f"""
        COPY (
          WITH base AS (
            SELECT i,
                   TIMESTAMP '2022-01-01 00:00:00'
                     + to_seconds((hash(i, 1) % {SECONDS_2Y})::BIGINT) AS ts
            FROM range({int(rows)}) t(i)
          )
          SELECT 'XF' || {year} || lpad({serial}::VARCHAR, 9, '0') AS complaint_id,
                 strftime(ts, '%Y-%m-%d %H:%M:%S')               AS received_at,
                 {pick(CHANNELS, 2)}                              AS channel,
                 {pick(CATEGORIES, 3)}                            AS category,
                 {pick(KINDS, 4)}                                 AS kind
          FROM base
          ORDER BY i
        ) TO {sql_str(out)} (FORMAT csv, HEADER true, DELIMITER ',')
        """
    )
    con.close()


def write_gb18030(src: str, dst: str) -> None:
    # newline='' keeps the LF line ends as they are.
    with open(src, "r", encoding="utf-8", newline="") as fin, open(
        dst, "w", encoding="gb18030", newline=""
    ) as fout:
        while block := fin.read(1 << 22):
            fout.write(block)


def write_bom(src: str, dst: str) -> None:
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        fout.write(b"\xef\xbb\xbf")
        shutil.copyfileobj(fin, fout, 1 << 22)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("rows", type=int)
    ap.add_argument("out")
    ap.add_argument("--gb18030", metavar="OUT", help="also write a GB18030 copy here")
    ap.add_argument("--bom", metavar="OUT", help="also write a UTF-8-with-BOM copy here")
    ap.add_argument("--repeat-ids", type=int, metavar="N",
                    help="draw ids from only N distinct values")
    ap.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    a = ap.parse_args(argv)
    if not 0 <= a.rows <= 10**9:
        ap.error("ROWS must be 0..1e9 (the serial in complaint_id has 9 digits)")
    if a.repeat_ids is not None and not 1 <= a.repeat_ids <= 10**9:
        ap.error("--repeat-ids must be 1..1e9")
    for path in (a.out, a.gb18030, a.bom):
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    t = time.perf_counter()
    write_utf8(a.rows, a.out, a.repeat_ids, a.threads)
    note = f", ids from {a.repeat_ids} values" if a.repeat_ids else ""
    print(f"{a.out}: {a.rows} rows{note}, {os.path.getsize(a.out)} bytes, "
          f"{time.perf_counter() - t:.1f}s", file=sys.stderr)
    for path, write, what in ((a.gb18030, write_gb18030, "GB18030"),
                              (a.bom, write_bom, "UTF-8 with BOM")):
        if path:
            t = time.perf_counter()
            write(a.out, path)
            print(f"{path}: {os.path.getsize(path)} bytes ({what}), "
                  f"{time.perf_counter() - t:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
