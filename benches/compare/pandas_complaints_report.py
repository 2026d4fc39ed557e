#!/usr/bin/env python3
"""The complaints report (spec 2.3) by pandas: `read_excel` of the workbook
written by gen_complaints_xlsx.py, then the same work as `govtally
complaints FILE.xlsx --year 2023 --format json` — parse every time, drop
repeated ids (the first occurrence counts), count the current (2023) and
previous (2022) items in total and by category, channel, kind and month.

Prints the grouped counts, one per line, tab separated, as
duckdb_complaints_report.py does:  period month channel category kind count

usage: python3 pandas_complaints_report.py FILE.xlsx
"""
import sys

import pandas as pd


def main() -> None:
    df = pd.read_excel(sys.argv[1], sheet_name=0, header=1, dtype={"登记编号": str})
    df = df.drop_duplicates(subset="登记编号", keep="first")
    t = pd.to_datetime(df["登记时间"])
    per = pd.Series(None, index=df.index, dtype=object)
    per[(t >= "2023-01-01") & (t < "2024-01-01")] = "current"
    per[(t >= "2022-01-01") & (t < "2023-01-01")] = "previous"
    df = df.assign(per=per, m=t.dt.month).dropna(subset=["per"])
    out = []
    for per_name, g in df.groupby("per"):
        out.append((per_name, "", "", "", "", len(g)))
        for col, slot in (("问题类别", 3), ("来源渠道", 2), ("件类型", 4), ("m", 1)):
            for key, n in g.groupby(col).size().items():
                row = [per_name, "", "", "", "", n]
                row[slot] = str(key)
                out.append(tuple(row))
    for row in sorted(out, key=lambda r: tuple(str(x) for x in r)):
        print("\t".join(str(v) for v in row))


if __name__ == "__main__":
    main()
