#!/usr/bin/env python3
"""Generate the 1M-row complaints workbook of issue 15's speed comparison.

usage: python3 gen_complaints_xlsx.py ROWS OUT.xlsx

One sheet, 信访咨询件登记, written by xlsxwriter (constant_memory mode: rows
streamed, strings inline) — a well-kept writer that is not govtally's
reader. A title row merged across the header, then the header

    登记编号 | 登记时间 | 来源渠道 | 问题类别 | 件类型

and one row per item: the id as text (XF + year + 9-digit serial; unique),
the time as a real date-time cell (number format yyyy-mm-dd hh:mm:ss,
uniform over 2022-01-01 .. 2023-12-31 from a fixed-seed generator), channel,
category and kind as text. The bytes depend only on ROWS (and the writer's
version).
"""
import datetime as dt
import random
import sys

import xlsxwriter

CHANNELS = ["来信", "来访", "网上信访", "12345热线", "12333热线"]
CATEGORIES = ["欠薪", "社会保险", "工伤认定", "劳动关系", "就业创业", "人才人事", "其他"]
KINDS = ["信访件", "咨询件"]
START = dt.datetime(2022, 1, 1)
SECONDS_2Y = 730 * 24 * 3600


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(15)
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws = wb.add_worksheet("信访咨询件登记")
    ws.merge_range(0, 0, 0, 4, "信访咨询件登记表")
    ws.write_row(1, 0, ["登记编号", "登记时间", "来源渠道", "问题类别", "件类型"])
    for i in range(rows):
        t = START + dt.timedelta(seconds=rng.randrange(SECONDS_2Y))
        r = i + 2
        ws.write_string(r, 0, f"XF{t.year}{i:09d}")
        ws.write_datetime(r, 1, t, when)
        ws.write_string(r, 2, CHANNELS[rng.randrange(len(CHANNELS))])
        ws.write_string(r, 3, CATEGORIES[rng.randrange(len(CATEGORIES))])
        ws.write_string(r, 4, KINDS[rng.randrange(len(KINDS))])
    wb.close()


if __name__ == "__main__":
    main()
