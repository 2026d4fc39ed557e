#!/usr/bin/env python3
"""Helpers for run.sh: the results table and the figures check.

usage: summarize.py table RESULTS.tsv
       summarize.py check GOVTALLY.json DUCKDB.tsv
       summarize.py same FIRST.json OTHER.json...
       summarize.py shapes RESULTS.tsv OUTDIR      (run_shapes.sh's table)

RESULTS.tsv has one line per run: label, file bytes, run number, exit
status, the `Elapsed (wall clock)` and `Maximum resident set size (kbytes)`
lines of /usr/bin/time -v.
"""
import json
import statistics
import sys


def wall_seconds(text: str) -> float:
    """`1:02:03.45`, `2:03.45` or `3.45` → seconds."""
    secs = 0.0
    for part in text.strip().split(":"):
        secs = secs * 60 + float(part)
    return secs


def table(path: str) -> int:
    runs: dict[str, list[tuple[float, float]]] = {}
    sizes: dict[str, int] = {}
    failed = []
    for line in open(path, encoding="utf-8"):
        label, size, run, status, wall, rss_kb = line.rstrip("\n").split("\t")
        if status != "0":
            failed.append(f"{label} run {run}: exit status {status}")
            continue
        runs.setdefault(label, []).append((wall_seconds(wall), int(rss_kb) / 1024))
        sizes[label] = int(size)
    peer = next((k for k in runs if k.startswith("duckdb")), None)
    peer_wall = statistics.median(w for w, _ in runs[peer]) if peer else None
    peer_mem = statistics.median(m for _, m in runs[peer]) if peer else None
    head = (f"{'run':<44} {'n':>2} {'wall s (median)':>15} {'min':>7} {'max':>7} "
            f"{'MB/s':>7} {'peak RSS MB':>11} {'duckdb/gt wall':>14} {'gt/duckdb mem':>13}")
    print(head)
    print("-" * len(head))
    for label, rs in runs.items():
        walls = [w for w, _ in rs]
        mems = [m for _, m in rs]
        wall, mem = statistics.median(walls), statistics.median(mems)
        mbps = f"{sizes[label] / 1e6 / wall:.1f}" if wall > 0 and sizes[label] else ""
        if peer and label.startswith("govtally") and wall > 0:
            rw, rm = f"{peer_wall / wall:.2f}", f"{mem / peer_mem:.2f}"
        else:
            rw = rm = ""
        print(f"{label:<44} {len(rs):>2} {wall:>15.2f} {min(walls):>7.2f} {max(walls):>7.2f} "
              f"{mbps:>7} {mem:>11.1f} {rw:>14} {rm:>13}")
    print()
    print("MB/s = input file bytes / median wall (10^6 bytes). Ratios are against the "
          f"DuckDB run on the UTF-8 file ({peer}): duckdb/gt wall > 1 means govtally is "
          "faster; gt/duckdb mem < 1 means govtally peaks lower.")
    for f in failed:
        print("FAILED:", f)
    return 1 if failed else 0


def check(gt_path: str, duck_path: str, quiet: bool = False) -> int:
    try:
        gt = json.load(open(gt_path, encoding="utf-8"))
    except ValueError:
        print(f"figures check: NO REPORT, {gt_path} is not JSON (the run failed; see its .err)")
        return (0, 0) if quiet else 1
    duck: dict[tuple, int] = {}
    for line in open(duck_path, encoding="utf-8"):
        per, month, channel, category, kind, n = line.rstrip("\n").split("\t")
        duck[(per, month, channel, category, kind)] = int(n)
    kinds = {"信访件": "petition", "咨询件": "consultation"}
    pairs = []  # (what, govtally, duckdb)
    for per in ("current", "previous"):
        pairs.append((f"total.{per}", gt["total"][per], duck.get((per, "", "", "", ""), 0)))
        for key, col in (("by_category", 3), ("by_channel", 2), ("by_kind", 4)):
            names = {k[col] for k in duck if k[0] == per and k[col]}
            for name in sorted(names):
                cell = ["", "", "", "", ""]
                cell[0], cell[col] = per, name
                gname = kinds.get(name, name) if key == "by_kind" else name
                got = gt[key].get(gname, {}).get(per)
                pairs.append((f"{key}.{gname}.{per}", got, duck[tuple(cell)]))
        for m in range(1, 13):
            got = gt["by_month"].get(f"2023-{m:02d}", {}).get(per)
            pairs.append((f"by_month.2023-{m:02d}.{per}", got,
                          duck.get((per, str(m), "", "", ""), 0)))
    bad = [p for p in pairs if p[1] != p[2]]
    if quiet:
        return (len(pairs), len(bad))
    for what, g, d in bad:
        print(f"MISMATCH {what}: govtally {g}, duckdb {d}")
    rows = gt["rows"]
    print(f"figures check: {len(pairs) - len(bad)}/{len(pairs)} figures equal "
          f"(total current {gt['total']['current']}, previous {gt['total']['previous']}; "
          f"rows read {rows['read']}, counted {rows['counted']}, duplicates {rows['duplicates']}, "
          f"rejected {rows['rejected']})")
    return 1 if bad else 0


def same(first: str, *others: str) -> int:
    def load(path):
        try:
            return json.load(open(path, encoding="utf-8"))
        except ValueError:
            print(f"NO REPORT: {path} is not JSON (the run failed; see its .err)")
            return None

    ref = load(first)
    if ref is None:
        return 1
    bad = 0
    for o in others:
        got = load(o)
        if got is None:
            bad = 1
        elif got != ref:
            print(f"DIFFERENT: {o} differs from {first}")
            bad = 1
    return bad


def shapes(path: str, outdir: str) -> int:
    """One row per shape from run_shapes.sh's RESULTS.tsv (shape, who, bytes,
    run, status, wall, rss KiB), with the figures check of each shape."""
    runs: dict[tuple[str, str], dict[int, tuple[float, float]]] = {}
    order: list[str] = []
    failed = []
    for line in open(path, encoding="utf-8"):
        shape, who, _size, run, status, wall, rss_kb = line.rstrip("\n").split("\t")
        if shape not in order:
            order.append(shape)
        if status != "0":
            failed.append(f"{shape} {who} run {run}: exit status {status}")
            continue
        runs.setdefault((shape, who), {})[int(run)] = (wall_seconds(wall), int(rss_kb) / 1024)
    med = statistics.median
    has_base = any(who == "baseline" for _, who in runs)
    head = f"{'shape':<10} {'govtally s':>10} {'DuckDB s':>9} {'ratio':>6} {'gt MB':>7} {'DuckDB MB':>9} {'mem':>5}"
    if has_base:
        head += f" {'baseline s':>10} {'gt/base':>7}"
    head += "  figures"
    print(head)
    print("-" * len(head))
    status = 1 if failed else 0
    for shape in order:
        gt, dk = runs.get((shape, "govtally"), {}), runs.get((shape, "duckdb"), {})
        if not gt or not dk:
            print(f"{shape:<10} (no complete runs)")
            status = 1
            continue
        gw, gm = med(w for w, _ in gt.values()), med(m for _, m in gt.values())
        dw, dm = med(w for w, _ in dk.values()), med(m for _, m in dk.values())
        row = f"{shape:<10} {gw:>10.2f} {dw:>9.2f} {dw / gw:>6.2f} {gm:>7.1f} {dm:>9.1f} {gm / dm:>5.3f}"
        first = min(gt)
        n, bad = check(f"{outdir}/{shape}.govtally.{first}.out", f"{outdir}/{shape}.duckdb.{first}.out",
                       quiet=True)
        verdict = f"{n - bad}/{n} equal" if n else "NO REPORT"
        if same(*(f"{outdir}/{shape}.govtally.{r}.out" for r in sorted(gt))):
            verdict += ", RUNS DIFFER"
        base = runs.get((shape, "baseline"), {})
        if has_base and base:
            bw = med(w for w, _ in base.values())
            paired = [gt[r][0] / base[r][0] for r in gt if r in base and base[r][0] > 0]
            ratio = med(paired) if paired else (gw / bw if bw else float("nan"))
            row += f" {bw:>10.2f} {ratio:>7.2f}"
            if same(f"{outdir}/{shape}.govtally.{first}.out", f"{outdir}/{shape}.baseline.{min(base)}.out"):
                verdict += ", BASELINE DIFFERS"
        if bad or not n or "DIFFER" in verdict:
            status = 1
        print(f"{row}  {verdict}")
    print()
    print("ratio = DuckDB s / govtally s (> 1: govtally faster); mem = govtally peak / DuckDB peak;"
          + (" gt/base = median over runs of govtally s / baseline s in the same run;" if has_base else "")
          + " figures = govtally's figures equal to DuckDB's grouped counts.")
    for f in failed:
        print("FAILED:", f)
    return status


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    sys.exit({"table": table, "check": check, "same": same, "shapes": shapes}[cmd](*args))
