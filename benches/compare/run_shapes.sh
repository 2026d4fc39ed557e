#!/usr/bin/env bash
# govtally against DuckDB on a family of complaints-export shapes (issue #13).
#
# usage: benches/compare/run_shapes.sh [ROWS] [SHAPE...]
#        (default 2,000,000 rows, every shape of gen_complaints.py --shape)
#
# 1. cargo build --release (skipped when GOVTALLY is set to a binary)
# 2. generates, once, $GOVTALLY_COMPARE_DIR/shapes-ROWS/SHAPE.csv for each
#    shape (gen_complaints.py ROWS FILE --shape SHAPE; an existing file is
#    reused; default dir ${TMPDIR:-/tmp}/govtally-compare)
# 3. for each shape, RUNS times (default 3), alternating, under
#    /usr/bin/time -v, warm page cache:
#      [BASELINE complaints FILE --year 2023 --format json]   (when BASELINE is set)
#      govtally complaints FILE --year 2023 --format json     (default threads)
#      python3 duckdb_complaints_report.py FILE --threads 2
#    DuckDB reads the gb18030 shape's UTF-8 twin (the tuned file): its CSV
#    reader takes no GB18030.
# 4. prints one row per shape: median wall seconds of govtally and DuckDB,
#    DuckDB ÷ govtally, both median peaks, govtally ÷ DuckDB memory, and
#    whether govtally's figures equal DuckDB's grouped counts (with BASELINE
#    also the baseline's median and the median of the paired ratios
#    govtally ÷ baseline, and whether both printed the same report).
#
# Environment: RUNS (3), DUCKDB_THREADS (2), GOVTALLY_THREADS (default: the
# CLI's default), GOVTALLY (a binary to test instead of building), BASELINE
# (a second binary to pair against), GOVTALLY_COMPARE_DIR, PYTHON (python3).
# Needs cargo, python3, GNU time; installs the duckdb Python package when it
# is missing (in a venv under the work directory if pip refuses).
set -euo pipefail

ROWS=${1:-2000000}
shift || true
ALL_SHAPES=(tuned hex32 uuid longascii chinese quoted textquoted cats300 cats200k gb18030 dups)
SHAPES=("$@")
[[ ${#SHAPES[@]} -gt 0 ]] || SHAPES=("${ALL_SHAPES[@]}")
RUNS=${RUNS:-3}
DUCKDB_THREADS=${DUCKDB_THREADS:-2}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${GOVTALLY_COMPARE_DIR:-${TMPDIR:-/tmp}/govtally-compare}
PY=${PYTHON:-python3}
case $ROWS in '' | *[!0-9]*) echo "usage: $0 [ROWS] [SHAPE...]" >&2; exit 2 ;; esac
mkdir -p "$WORK"
say() { printf '== %s\n' "$*" >&2; }

# --- tools (as run.sh) ---------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
    else
        echo "$0: needs GNU time at /usr/bin/time (Debian/Ubuntu: apt-get install time)" >&2
        exit 1
    fi
fi
if ! "$PY" -c 'import duckdb' 2>/dev/null; then
    if [[ -x $WORK/venv/bin/python ]] && "$WORK/venv/bin/python" -c 'import duckdb' 2>/dev/null; then
        PY=$WORK/venv/bin/python
    else
        say "installing the duckdb Python package"
        if ! "$PY" -m pip install --quiet duckdb; then
            "$PY" -m venv "$WORK/venv"
            "$WORK/venv/bin/python" -m pip install --quiet duckdb
            PY=$WORK/venv/bin/python
        fi
    fi
fi
say "duckdb $("$PY" -c 'import duckdb; print(duckdb.__version__)'), $("$PY" --version 2>&1)"

# --- binaries ------------------------------------------------------------------
if [[ -z ${GOVTALLY:-} ]]; then
    say "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet --bin govtally)
    GOVTALLY=${CARGO_TARGET_DIR:-$ROOT/target}/release/govtally
    [[ $GOVTALLY == /* ]] || GOVTALLY=$ROOT/$GOVTALLY
fi
# Private copies, so a rebuild during the runs cannot mix two binaries.
GT=$WORK/govtally-shapes-under-test
cp "$GOVTALLY" "$GT.tmp" && mv "$GT.tmp" "$GT"
say "govtally: $GOVTALLY, sha256 $(sha256sum "$GT" | cut -c1-16)"
BASE_GT=
if [[ -n ${BASELINE:-} ]]; then
    BASE_GT=$WORK/govtally-shapes-baseline
    cp "$BASELINE" "$BASE_GT.tmp" && mv "$BASE_GT.tmp" "$BASE_GT"
    say "baseline: $BASELINE, sha256 $(sha256sum "$BASE_GT" | cut -c1-16)"
fi

# --- data ----------------------------------------------------------------------
DATA=$WORK/shapes-$ROWS
mkdir -p "$DATA"
for shape in "${SHAPES[@]}" tuned; do
    f=$DATA/$shape.csv
    if [[ ! -s $f ]]; then
        say "generating $f"
        "$PY" "$HERE/gen_complaints.py" "$ROWS" "$f.tmp" --shape "$shape" && mv "$f.tmp" "$f"
    fi
done
for shape in "${SHAPES[@]}"; do cat "$DATA/$shape.csv" >/dev/null; done # warm the page cache

# --- runs ----------------------------------------------------------------------
OUT=$WORK/out-shapes-$ROWS
rm -rf "$OUT" && mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
: >"$RESULTS"
gt_args=(--year 2023 --format json)
[[ -n ${GOVTALLY_THREADS:-} ]] && gt_args+=(--threads "$GOVTALLY_THREADS")

# measure SHAPE WHO RUN CMD...: one run under /usr/bin/time -v, its stdout kept
# as $OUT/SHAPE.WHO.RUN.out
measure() {
    local shape=$1 who=$2 run=$3 status=0
    shift 3
    /usr/bin/time -v -o "$OUT/time.txt" "$@" >"$OUT/$shape.$who.$run.out" 2>"$OUT/$shape.$who.$run.err" || status=$?
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time.txt")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$shape" "$who" "$(stat -c %s "$DATA/$shape.csv")" "$run" \
        "$status" "${wall:-0}" "${rss:-0}" >>"$RESULTS"
    printf '  run %s %-10s %-9s %s s, %s MB%s\n' "$run" "$shape" "$who" "$wall" "$((${rss:-0} / 1024))" \
        "$([[ $status == 0 ]] || echo ", EXIT STATUS $status")" >&2
}

say "$RUNS alternating runs per shape ($ROWS rows): ${SHAPES[*]}"
for shape in "${SHAPES[@]}"; do
    f=$DATA/$shape.csv
    duck_f=$f
    [[ $shape == gb18030 ]] && duck_f=$DATA/tuned.csv
    for run in $(seq 1 "$RUNS"); do
        [[ -n $BASE_GT ]] && measure "$shape" baseline "$run" "$BASE_GT" complaints "$f" "${gt_args[@]}"
        measure "$shape" govtally "$run" "$GT" complaints "$f" "${gt_args[@]}"
        measure "$shape" duckdb "$run" "$PY" "$HERE/duckdb_complaints_report.py" "$duck_f" --threads "$DUCKDB_THREADS"
    done
done

# --- report --------------------------------------------------------------------
echo
echo "govtally vs DuckDB by shape, complaints report, $ROWS rows, $RUNS runs each (medians), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
status=0
"$PY" "$HERE/summarize.py" shapes "$RESULTS" "$OUT" || status=$?
echo "outputs and /usr/bin/time results: $OUT"
exit $status
