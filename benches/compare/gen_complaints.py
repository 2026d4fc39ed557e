#!/usr/bin/env python3
"""Generate the synthetic complaints export used by benches/compare/run.sh.

usage: python3 gen_complaints.py ROWS OUT.csv [--shape NAME]
                                 [--gb18030 OUT_GB.csv] [--bom OUT_BOM.csv]
                                 [--repeat-ids N] [--threads T]

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

--shape NAME    the file's shape (issue #13); `tuned` (the default) is the
                file described above, byte for byte. The others change one
                thing each (every value is still a function of the row
                number, the bytes depend on ROWS and the DuckDB version):
                  hex32      ids of 32 random hex characters (md5 of the row)
                  longascii  20-byte serial ids, XF330110202300012345
                  chinese    ids such as 余人社信〔2023〕第0001234号 (35 bytes)
                  quoted     every field quoted, CRLF line ends, a UTF-8 BOM
                  textquoted the text fields quoted (channel, category,
                             kind), the id and the date not
                  uuid       ids as random UUIDs, 36 bytes with dashes
                  cats300    300 categories and 40 channels, typed by hand
                             (names of 6 to 30 bytes, a few with spaces)
                  cats200k   200,000 distinct categories (问题类别000123 ...)
                  gb18030    the tuned rows encoded as GB18030
                  dups       5% of rows repeat an earlier row's id, 10% of
                             rows fall outside 2022-2023 (in 2021 or 2024)
                See SHAPES.
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


def pick(values, k: int, row: str = "i") -> str:
    """The k-th hash of the row picks one of `values` (SQL lists are 1-based)."""
    return f"{sql_list(values)}[1 + (hash({row}, {k}) % {len(values)})::INT]"


# Words that hand-typed category and channel names are made of (cats300).
CAT_WORDS = ["欠薪", "社会保险", "工伤认定", "劳动关系", "就业创业", "人才人事", "其他",
             "养老保险待遇", "失业保险金", "医疗保险转移", "劳动合同解除", "加班费",
             "职业技能培训", "档案管理", "退休审批"]
CAT_SUFFIXES = ["", "问题", "（其他）", " 咨询", "类", "-投诉", "及相关事项", "纠纷",
                "政策", "(线上)", "补贴", "争议", "待遇核定", "转办", "督办", "复查",
                "延期", "信息公开", "12345转", "重复件"]
CHANNEL_WORDS = ["来信", "来访", "网上信访", "12345热线", "12333热线", "市长信箱", "领导接待日",
                 "政务微信"]
CHANNEL_SUFFIXES = ["", "（转办）", "-区县", " 集体", "件"]

# The shapes: what each changes in the tuned file's SELECT (see --shape).
# Every value is an SQL expression of the source row j (the row number i,
# except for the repeated rows of `dups`) and its timestamp ts.
TUNED_ID = "'XF' || strftime(ts, '%Y') || lpad(j::VARCHAR, 9, '0')"
TUNED_TS = "TIMESTAMP '2022-01-01 00:00:00' + to_seconds((hash(j, 1) % {s2y})::BIGINT)"
SHAPES = {
    "tuned": {},
    "hex32": {"id": "md5(j::VARCHAR)"},
    "longascii": {"id": "'XF330110' || strftime(ts, '%Y') || lpad(j::VARCHAR, 8, '0')"},
    "chinese": {"id": "'余人社信〔' || strftime(ts, '%Y') || '〕第' || lpad(j::VARCHAR, 7, '0') || '号'"},
    "quoted": {"quote_all": True, "crlf": True, "bom": True},
    "textquoted": {"force_quote": "channel, category, kind"},
    "uuid": {"id": "regexp_replace(md5(j::VARCHAR), "
                   "'(.{8})(.{4})(.{4})(.{4})(.{12})', '\\1-\\2-\\3-\\4-\\5')"},
    "cats300": {"categories": [w + x for w in CAT_WORDS for x in CAT_SUFFIXES],
                "channels": [w + x for w in CHANNEL_WORDS for x in CHANNEL_SUFFIXES]},
    "cats200k": {"category": "'问题类别' || lpad((hash(j, 3) % 200000)::VARCHAR, 6, '0')"},
    "gb18030": {"gb18030": True},
    "dups": {
        # One row in 20 repeats an earlier row (up to 100,000 back) whole, so
        # that whichever occurrence a reader keeps, the figures are the same;
        # one in 10 is dated in 2021 or 2024.
        "j": "CASE WHEN hash(i, 6) % 20 = 0 AND i > 0 THEN i - 1 - (hash(i, 7) % least(i, 100000)) "
             "ELSE i END",
        "ts": "CASE WHEN hash(j, 8) % 10 = 0 THEN TIMESTAMP '2021-01-01 00:00:00' + "
              "to_seconds((hash(j, 1) % 31536000)::BIGINT + (hash(j, 9) % 2)::BIGINT * 94608000) "
              "ELSE " + TUNED_TS + " END",
    },
}


def write_shape(rows: int, out: str, shape: str, threads: int | None) -> None:
    """Writes the file of one shape of SHAPES other than tuned."""
    spec = SHAPES[shape]
    if spec.get("gb18030"):
        tmp = out + ".utf8"
        write_utf8(rows, tmp, None, threads)
        write_gb18030(tmp, out)
        os.remove(tmp)
        return
    j = spec.get("j", "i")
    ts = spec.get("ts", TUNED_TS).format(s2y=SECONDS_2Y)
    ident = spec.get("id", TUNED_ID)
    category = spec.get("category") or pick(spec.get("categories", CATEGORIES), 3, "j")
    channel = pick(spec.get("channels", CHANNELS), 2, "j")
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    target = out + ".lf" if spec.get("crlf") or spec.get("bom") else out
    quote = ", FORCE_QUOTE *" if spec.get("quote_all") else ""
    if spec.get("force_quote"):
        quote = f", FORCE_QUOTE ({spec['force_quote']})"
    con.execute(
        f"""
        COPY (
          WITH src AS (SELECT i, {j} AS j FROM range({int(rows)}) t(i)),
          base AS (SELECT i, j, {ts} AS ts FROM src)
          SELECT {ident}                            AS complaint_id,
                 strftime(ts, '%Y-%m-%d %H:%M:%S')  AS received_at,
                 {channel}                          AS channel,
                 {category}                         AS category,
                 {pick(KINDS, 4, "j")}               AS kind
          FROM base
          ORDER BY i
        ) TO {sql_str(target)} (FORMAT csv, HEADER true, DELIMITER ','{quote})
        """
    )
    con.close()
    if target != out:
        with open(target, "rb") as fin, open(out, "wb") as fout:
            if spec.get("bom"):
                fout.write(b"\xef\xbb\xbf")
            while block := fin.read(1 << 22):
                fout.write(block.replace(b"\n", b"\r\n") if spec.get("crlf") else block)
        os.remove(target)


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
    ap.add_argument("--shape", default="tuned", choices=sorted(SHAPES),
                    help="the file's shape (default tuned)")
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
    if a.shape != "tuned" and (a.repeat_ids or a.gb18030 or a.bom):
        ap.error("--repeat-ids, --gb18030 and --bom apply to the tuned shape only")
    t = time.perf_counter()
    if a.shape == "tuned":
        write_utf8(a.rows, a.out, a.repeat_ids, a.threads)
    else:
        write_shape(a.rows, a.out, a.shape, a.threads)
    note = f", ids from {a.repeat_ids} values" if a.repeat_ids else ""
    note += f", shape {a.shape}" if a.shape != "tuned" else ""
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
