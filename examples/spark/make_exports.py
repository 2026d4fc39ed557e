"""Writes N complaints exports (信访咨询件登记) into DIR for the Spark test:
a register exported in pieces, with ids repeated across files (each file
overlaps the next and some ids come back from far earlier files), rows of
2021, 2022, 2023 and 2024 (only 2023 and 2022 count for --year 2023), a few
rows with a bad date, in UTF-8, UTF-8 with BOM, GB18030 and UTF-16LE with
tabs. Fixed seed: the same files every time.

It also writes DIR.expected.json: figures counted here from its own rows by
the rules of docs/rules.md (an id counts once, at its first valid row,
whatever its date; a rejected row claims no id; --year 2023 counts 2023 as
current and 2022 as previous) — an oracle independent of govtally.

    python3 make_exports.py DIR [N] [ROWS_PER_FILE]
"""

import json

import os
import random
import sys

CHANNELS = ["来信", "来访", "12345热线", "网上信访", "电话", "领导信箱"]
CATEGORIES = ["欠薪", "社会保险", "劳动关系", "就业创业", "人事人才", "其他"]
KINDS = ["信访件", "咨询件"]
STATES = ["已办结", "办理中", "已答复"]
HEADER = ["登记编号", "件类型", "登记时间", "来源渠道", "问题类别", "处理状态"]


def rows_of(rng, i, per_file):
    rows = []
    base = i * (per_file - per_file // 5)  # a fifth of each file is in the next too
    for k in range(per_file):
        n = base + k
        if k % 97 == 13 and i > 2:
            n = rng.randrange(0, base)  # an id from an earlier file
        year = rng.choices([2021, 2022, 2023, 2024], weights=[3, 30, 60, 7])[0]
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        when = f"{year}-{month:02d}-{day:02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
        if k % 1999 == 7:
            when = f"{year}-13-{day:02d}"  # not a date: a rejected row
        rows.append([
            f"YHXF{n:09d}",
            rng.choice(KINDS),
            when,
            rng.choice(CHANNELS),
            rng.choice(CATEGORIES),
            rng.choice(STATES),
        ])
    return rows


def write(path, rows, style):
    if style == "utf16":
        text = "\r\n".join("\t".join(r) for r in [HEADER] + rows) + "\r\n"
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        text = "\n".join(",".join(r) for r in [HEADER] + rows) + "\n"
        if style == "gb18030":
            data = text.replace("\n", "\r\n").encode("gb18030")
        elif style == "bom":
            data = b"\xef\xbb\xbf" + text.encode("utf-8")
        else:
            data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    per_file = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20231231)
    styles = ["utf8", "utf8", "bom", "gb18030", "utf16"]
    seen = set()
    want = {"total.current": 0, "total.previous": 0, "rows.read": 0, "rows.rejected": 0,
            "rows.duplicates": 0, "rows.out_of_period": 0}
    for c in CATEGORIES:
        want[f"by_category.{c}.current"] = 0
    for i in range(n):
        rows = rows_of(rng, i, per_file)
        write(os.path.join(out, f"信访咨询件登记_{i + 1:02d}.csv"), rows, styles[i % len(styles)])
        for r in rows:
            want["rows.read"] += 1
            if "-13-" in r[2]:
                want["rows.rejected"] += 1
            elif r[0] in seen:
                want["rows.duplicates"] += 1
            else:
                seen.add(r[0])
                year = r[2][:4]
                if year == "2023":
                    want["total.current"] += 1
                    want[f"by_category.{r[4]}.current"] += 1
                elif year == "2022":
                    want["total.previous"] += 1
                else:
                    want["rows.out_of_period"] += 1
    with open(out.rstrip("/") + ".expected.json", "w", encoding="utf-8") as f:
        json.dump(want, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
