#!/usr/bin/env bash
# The Spark example's test (docs/scale-out.md): builds libgovtally and the
# CLI, installs PySpark into a virtual environment under target/ (once),
# runs examples/spark/tally_job.py in local mode (local[2]) and compares
# every report with the CLI's over the same files in the same order:
#
#   1. examples/data, each file's ledger found by its header, the period
#      inferred: each ledger's report = `govtally LEDGER FILES --format json`,
#      and the merged state's `govtally merge` report = the same;
#   2. examples/data with --year 2023: each ledger = its part of
#      `govtally report examples/data --year 2023 --format json`;
#   3. 20 generated complaints exports (make_exports.py: ids repeated across
#      files, rows out of period, bad rows, four encodings), --year 2023
#      --skip-bad-rows, in 3, 7 and 20 tasks, merged in a chain and in a
#      tree: each = `govtally complaints f01 … f20 --year 2023
#      --skip-bad-rows --format json`, and the figures make_exports.py
#      counted itself;
#   4. one export given twice, in two tasks: refused by the driver's merge.
#
#   bash examples/spark/run.sh
#   SPARK_ROWS=25000 bash examples/spark/run.sh   # rows per generated file
#
# The last line is `Spark: N passed, M failed`; the exit status is non-zero
# on any failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
here="$root/examples/spark"
work="$root/target/spark"
venv="$root/target/spark-venv"
rows="${SPARK_ROWS:-25000}"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*" >&2; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
give_up() { echo "Spark: $passed passed, $((failed + 1)) failed ($*)"; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v java >/dev/null 2>&1; then
    echo "installing a Java runtime" >&2
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >&2 \
        || give_up "cannot install Java"
fi
if [ -z "${JAVA_HOME:-}" ]; then
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    export JAVA_HOME
fi
# Spark binds to the machine's address unless told; local mode needs none.
export SPARK_LOCAL_IP=127.0.0.1
export PYSPARK_PYTHON="$venv/bin/python"

cargo build --release --lib --bin govtally >&2 || give_up "cargo build"
lib="$root/target/release/libgovtally.so"
cli="$root/target/release/govtally"

if ! "$venv/bin/python" -c "import pyspark" 2>/dev/null; then
    echo "creating $venv and installing $(cat "$here/requirements.txt")" >&2
    python3 -m venv "$venv" 2>/dev/null || {
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2 &&
            python3 -m venv "$venv"
    } || give_up "cannot create a venv"
    "$venv/bin/pip" install -q -r "$here/requirements.txt" >&2 || give_up "pip install pyspark"
fi
py="$venv/bin/python"

rm -rf "$work"
mkdir -p "$work"
timing="$work/timing.jsonl"
jobs=0
job() { # the job with these arguments; its timing lines kept in $timing
    local log rc
    jobs=$((jobs + 1))
    log="$work/job.$jobs.stderr"
    "$py" "$here/tally_job.py" --lib "$lib" "$@" 2>"$log"
    rc=$?
    grep '^timing: ' "$log" | sed 's/^timing: //' >>"$timing"
    cat "$log" >>"$work/job.stderr"
    return $rc
}

same() { # same WANT GOT [KEY] WHAT
    local what="${*: -1}"
    if "$py" "$here/compare.py" "${@:1:$#-1}" 2>"$work/diff"; then pass "$what"; else fail "$what: $(cat "$work/diff")"; fi
}

# 1. examples/data, ledgers by header, period inferred.
if job --out-dir "$work/data" examples/data; then
    n=0
    for j in "$work"/data/*.json; do
        ledger="$(basename "$j" .json)"
        mapfile -t files < <("$py" -c 'import json,sys; [print(f["file"]) for f in json.load(open(sys.argv[1]))["files"]]' "$j")
        "$cli" "$ledger" "${files[@]}" --format json >"$work/data/$ledger.cli" 2>"$work/diff" \
            || { fail "$ledger: the CLI failed: $(cat "$work/diff")"; continue; }
        same "$work/data/$ledger.cli" "$j" "examples/data $ledger (${#files[@]} files, period inferred) = CLI"
        "$cli" merge "$work/data/$ledger.state" --format json >"$work/data/$ledger.merge" 2>"$work/diff" \
            || { fail "$ledger: govtally merge failed: $(cat "$work/diff")"; continue; }
        same "$work/data/$ledger.cli" "$work/data/$ledger.merge" "examples/data $ledger: govtally merge of the job's state = CLI"
        n=$((n + 1))
    done
    # Every ledger of the samples was found.
    if [ "$n" -eq 8 ]; then pass "examples/data: 8 ledgers found by header"; else fail "examples/data: $n ledgers found, want 8"; fi
else
    fail "the job on examples/data failed: $(tail -5 "$work/job.stderr")"
fi

# 2. examples/data for 2023 = `report DIR --year 2023`.
"$cli" report examples/data --year 2023 --format json >"$work/report2023.json" 2>"$work/diff" \
    || fail "govtally report examples/data failed: $(cat "$work/diff")"
# (The library as if installed on every node: loaded by path, not shipped.)
if job --out-dir "$work/data2023" --year 2023 --installed examples/data; then
    for j in "$work"/data2023/*.json; do
        ledger="$(basename "$j" .json)"
        same "$work/report2023.json" "$j" "$ledger" "examples/data $ledger --year 2023 = govtally report DIR"
    done
else
    fail "the job on examples/data --year 2023 failed: $(tail -5 "$work/job.stderr")"
fi

# 3. 20 generated complaints exports.
gen="$work/exports"
"$py" "$here/make_exports.py" "$gen" 20 "$rows" || give_up "make_exports.py"
mapfile -t exports < <(ls "$gen"/*.csv | sort)
[ "${#exports[@]}" -eq 20 ] || give_up "make_exports.py wrote ${#exports[@]} files"
t0=$(date +%s%N)
"$cli" complaints "${exports[@]}" --year 2023 --skip-bad-rows --format json >"$work/exports.cli" 2>"$work/diff" \
    || fail "the CLI on the exports failed: $(cat "$work/diff")"
t1=$(date +%s%N)
"$cli" complaints "${exports[@]}" --year 2023 --skip-bad-rows --threads 1 --format json >"$work/exports.cli1" 2>/dev/null
t2=$(date +%s%N)
same --figures "$gen.expected.json" "$work/exports.cli" "the CLI's figures = make_exports.py's own count"
if job --out-dir "$work/out" --dataset complaints --year 2023 --skip-bad-rows --slices 3,7,20 --both "${exports[@]}"; then
    for j in "$work"/out/complaints.*.json; do
        run="$(basename "$j" .json)"
        same "$work/exports.cli" "$j" "20 exports, ${run#complaints.} = CLI"
    done
    same --figures "$gen.expected.json" "$work/out/complaints.7.tree.json" "20 exports, 7 tasks: make_exports.py's own count"
    # The bad-row policy is not part of a state: merge says it again.
    if "$cli" merge "$work/out/complaints.7.chain.state" --skip-bad-rows --format json >"$work/out/merge" 2>"$work/diff"; then
        same "$work/exports.cli" "$work/out/merge" "20 exports: govtally merge of the job's state = CLI"
    else
        fail "govtally merge failed: $(head -3 "$work/diff")"
    fi
    [ "$(ls "$work"/out/complaints.*.json | wc -l)" -eq 6 ] && pass "20 exports: 6 runs" || fail "20 exports: not 6 runs"
else
    fail "the job on the exports failed: $(tail -5 "$work/job.stderr")"
fi

# The same file handed to two tasks: the driver's merge refuses it.
if job --dataset complaints --year 2023 --skip-bad-rows --slices 3 \
        "${exports[0]}" "${exports[1]}" "${exports[0]}" >"$work/twice.json" 2>/dev/null; then
    fail "the same export twice: the job succeeded"
elif grep -q "holds the same bytes as ${exports[0]}, which this tally already took" "$work/job.$jobs.stderr"; then
    pass "the same export in two tasks: refused, naming it"
else
    fail "the same export twice: not the expected error: $(grep -i error "$work/job.$jobs.stderr" | tail -3)"
fi

# Timings (docs/scale-out.md): the tasks' tally time per row against the CLI's.
"$py" - "$timing" "$work/exports.cli" "$t0" "$t1" "$t2" >&2 <<'EOF'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = json.load(open(sys.argv[2]))["rows"]["read"]
t0, t1, t2 = (int(x) for x in sys.argv[3:6])
for r in runs:
    if r["files"] == 20:
        print(f"timing: {r['tasks']:>2} tasks, {r['merge']:<5}: tally {r['task_ns_per_row']:7.1f} ns/row in the tasks "
              f"({r['task_seconds']:.3f} s task time), Spark stage {r['spark_seconds']:.2f} s, "
              f"driver merge {r['merge_seconds'] * 1e3:.1f} ms, states {r['task_state_bytes']} bytes "
              f"(merged {r['merged_state_bytes']})")
print(f"timing: CLI, {rows} rows: {(t1 - t0) / rows:.1f} ns/row (default threads), "
      f"{(t2 - t1) / rows:.1f} ns/row (--threads 1), wall time including start-up")
EOF

echo "Spark: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
