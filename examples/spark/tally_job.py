"""Tallies ledger exports with Spark: the files are spread over tasks, each
task tallies its files through libgovtally (ctypes) and saves the state,
and the driver merges the states in input order and prints the report's
JSON — the report of one run over the files in that order
(docs/scale-out.md).

    python tally_job.py --lib target/release/libgovtally.so \
        --dataset complaints --year 2023 --slices 4 f1.csv f2.csv ...

FILES may be directories: their files are taken in sorted order. The input
order is the order given; the name of each input in the report is its path
as given (as the CLI names it), so the JSON equals
`govtally DATASET FILES... --format json`.

On stderr: one `timing:` line (JSON) with the tasks' tally time, rows,
state bytes and the driver's merge time.
"""

import argparse
import json
import os
import sys
import time

from pyspark import SparkFiles
from pyspark.sql import SparkSession

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import govtally_ctypes as gt  # noqa: E402


def inputs(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            # CSV exports, as `govtally report DIR` takes them (this
            # example feeds bytes; workbooks would go through
            # govtally_tally_feed_workbook).
            out.extend(
                os.path.join(p, n)
                for n in sorted(os.listdir(p))
                if n.lower().endswith((".csv", ".txt", ".tsv")) and os.path.isfile(os.path.join(p, n))
            )
        else:
            out.append(p)
    return out


def option_args(args):
    return {
        "year": args.year,
        "period": (args.period_from, args.period_to) if args.period_from else None,
        "skip_bad_rows": args.skip_bad_rows,
        "threads": args.threads,
        "keep_state": True,
        "id_prefix": args.id_prefix,
    }


def tally_task(lib_ref, shipped, dataset, opts):
    """The function a task runs over its slice of (index, path): one state
    for its files, which are consecutive inputs. `lib_ref` is the shipped
    library's file name (`shipped`), or the path where every node has it
    installed."""

    def run(items):
        items = list(items)
        if not items:
            return []
        # The library shipped with sc.addFile (on a cluster: to every
        # executor's work directory), or installed on every node.
        lib = gt.Lib(SparkFiles.get(lib_ref) if shipped else lib_ref)
        start = time.perf_counter()
        o = lib.options(**opts)
        try:
            with gt.Tally.new(lib, dataset, o) as t:
                fed = 0
                for _, path in items:
                    fed += t.feed_file(path)
                state = t.save_state()
        finally:
            lib.free_options(o)
        seconds = time.perf_counter() - start
        return [(items[0][0], len(items), bytearray(state), seconds, fed)]

    return run


def header_line(path):
    """The first line of a file, with its line break (UTF-16 aware)."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        unit = b"\n\x00" if head[:2] == b"\xff\xfe" else b"\x00\n"
        for i in range(2, len(head) - 1, 2):
            if head[i : i + 2] == unit:
                return head[: i + 2]
        return head
    end = head.find(b"\n")
    return head if end < 0 else head[: end + 1]


def ledger_of(lib, path):
    """The ledger whose tally takes the file's header (through the C ABI:
    a tally of each ledger fed the header line alone)."""
    line = header_line(path)
    found = []
    for code in range(64):
        name = lib.c.govtally_dataset_name(code)
        if name is None:
            break
        o = lib.options(year=2000, skip_bad_rows=True, keep_state=False)
        try:
            with gt.Tally.new(lib, code, o) as t:
                t.begin_input(path)
                t.feed(line)
                t.finish_json()
                found.append(code)
        except gt.GovtallyError as e:
            if e.status != gt.FILE_ERROR:
                raise
        finally:
            lib.free_options(o)
    if len(found) != 1:
        names = ", ".join(lib.dataset_name(c) for c in found) or "none"
        raise SystemExit(f"{path}: its header is of {names} ledger(s); give --dataset")
    return found[0]


def run_job(spark, lib, dataset, files, opts, slices, tree, ship=True):
    """Tallies `files` (in this order) in `slices` tasks and merges their
    states in input order: the report's JSON and the timings."""
    sc = spark.sparkContext
    slices = max(1, min(slices, len(files)))
    t0 = time.perf_counter()
    rdd = sc.parallelize(list(enumerate(files)), slices).mapPartitions(
        tally_task(os.path.basename(lib.path) if ship else lib.path, ship, dataset, opts)
    )
    # The states as a binary column, ordered by their first input.
    df = spark.createDataFrame(rdd, "first_input INT, inputs INT, state BINARY, seconds DOUBLE, bytes LONG")
    rows = df.orderBy("first_input").collect()
    t1 = time.perf_counter()

    # Input order is the merge order: the slices cover consecutive inputs.
    at = 0
    for r in rows:
        if r.first_input != at:
            raise SystemExit(f"slices do not follow each other: {r.first_input} after {at}")
        at += r.inputs
    if at != len(files):
        raise SystemExit(f"the states hold {at} inputs of {len(files)}")

    states = [bytes(r.state) for r in rows]
    for i, s in enumerate(states):
        if lib.state_dataset(s) != dataset:
            raise SystemExit(f"task {i}'s state is not of {lib.dataset_name(dataset)}")
    m0 = time.perf_counter()
    # The driver resumes with the tasks' options (threads aside): they
    # agree with the states on period, rounding and aliases, and carry the
    # bad-row policy, which a state does not.
    driver_opts = lib.options(**{**opts, "threads": None})
    try:
        def merge(group, name):
            with gt.Tally.resume(lib, f"{name}[0]", group[0], driver_opts) as t:
                for i, s in enumerate(group[1:], 1):
                    t.merge_state(f"{name}[{i}]", s)
                return t.save_state()

        if tree:
            # Pairwise, level by level: ((0+1)+(2+3))+...
            level = 0
            while len(states) > 1:
                states = [
                    merge(states[i : i + 2], f"level{level}.{i // 2}") if i + 1 < len(states) else states[i]
                    for i in range(0, len(states), 2)
                ]
                level += 1
            final = states[0]
            with gt.Tally.resume(lib, "merged", final, driver_opts) as t:
                report = t.finish_json()
        else:
            # A chain: the first resumed, the others merged in order.
            with gt.Tally.resume(lib, "task0", states[0], driver_opts) as t:
                for i, s in enumerate(states[1:], 1):
                    t.merge_state(f"task{i}", s)
                final = t.save_state()
                report = t.finish_json()
    finally:
        lib.free_options(driver_opts)
    m1 = time.perf_counter()
    rows_read = json.loads(report)["rows"]["read"]
    task_seconds = sum(r.seconds for r in rows)
    timing = {
        "dataset": lib.dataset_name(dataset),
        "files": len(files),
        "tasks": len(rows),
        "merge": "tree" if tree else "chain",
        "rows_read": rows_read,
        "bytes": sum(r.bytes for r in rows),
        "task_seconds": round(task_seconds, 6),
        "task_ns_per_row": round(task_seconds * 1e9 / max(rows_read, 1), 1),
        "task_state_bytes": sum(len(s) for s in (bytes(r.state) for r in rows)),
        "merged_state_bytes": len(final),
        "spark_seconds": round(t1 - t0, 3),
        "merge_seconds": round(m1 - m0, 6),
    }
    return report, final, timing


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", required=True, help="path of libgovtally.so")
    ap.add_argument("--dataset", default="auto",
                    help="ledger name (complaints, legality, ...); auto: each file's by its header")
    ap.add_argument("--year", type=int)
    ap.add_argument("--from", dest="period_from")
    ap.add_argument("--to", dest="period_to")
    ap.add_argument("--skip-bad-rows", action="store_true")
    ap.add_argument("--id-prefix")
    ap.add_argument("--threads", type=int, default=1, help="library threads per task (default 1)")
    ap.add_argument("--slices", default="0",
                    help="tasks, or a comma-separated list of task counts to run in turn "
                         "(default: one task per 2 files, at least 2)")
    ap.add_argument("--tree", action="store_true", help="merge pairwise in a tree instead of a chain")
    ap.add_argument("--both", action="store_true", help="merge both ways, in turn")
    ap.add_argument("--master", help="Spark master (default local[2]; under spark-submit, its --master)")
    ap.add_argument("--installed", action="store_true",
                    help="every node has the library at --lib (the Debian package): do not ship it")
    ap.add_argument("--out-dir", help="write LEDGER[.TASKS.MERGE].json (and .state) here "
                                      "instead of printing the report")
    ap.add_argument("files", nargs="+", help="files, or folders whose files are taken in sorted order")
    args = ap.parse_args(argv)

    files = inputs(args.files)
    if not files:
        ap.error("no input files")
    lib = gt.Lib(args.lib)
    opts = option_args(args)

    # Files grouped by ledger, each group in input order.
    groups = {}
    for f in files:
        code = lib.dataset(args.dataset) if args.dataset != "auto" else ledger_of(lib, f)
        groups.setdefault(code, []).append(f)
    slice_counts = [int(x) for x in args.slices.split(",")]
    merges = [False, True] if args.both else [args.tree]
    runs = [(code, fs, n or max(2, (len(fs) + 1) // 2), tree)
            for code, fs in sorted(groups.items()) for n in slice_counts for tree in merges]
    if args.out_dir is None and len(runs) > 1:
        ap.error("several ledgers or runs: give --out-dir")

    builder = SparkSession.builder
    # Under spark-submit (which starts the JVM first and says where in
    # PYSPARK_GATEWAY_PORT) the master is spark-submit's --master.
    if args.master or "PYSPARK_GATEWAY_PORT" not in os.environ:
        builder = builder.master(args.master or "local[2]")
    spark = (
        builder.appName("govtally")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")
    # Ship the library and the binding to the executors (on a cluster as
    # in local mode).
    if not args.installed:
        sc.addFile(lib.path)
    sc.addPyFile(gt.__file__)
    try:
        for code, fs, n, tree in runs:
            report, state, timing = run_job(spark, lib, code, fs, opts, n, tree, not args.installed)
            print("timing: " + json.dumps(timing), file=sys.stderr)
            if args.out_dir is None:
                sys.stdout.write(report if report.endswith("\n") else report + "\n")
                sys.stdout.flush()
                continue
            os.makedirs(args.out_dir, exist_ok=True)
            stem = lib.dataset_name(code)
            if len(slice_counts) > 1 or args.both:
                stem += f".{n}.{timing['merge']}"
            with open(os.path.join(args.out_dir, stem + ".json"), "w", encoding="utf-8") as f:
                f.write(report)
            with open(os.path.join(args.out_dir, stem + ".state"), "wb") as f:
                f.write(state)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
