#!/usr/bin/env bash
# govtally against DuckDB on the complaints report (issue #4).
#
# usage: benches/compare/run.sh [ROWS]        (default 10,000,000 rows, ~675 MB)
#
# 1. cargo build --release
# 2. generates, once, into $GOVTALLY_COMPARE_DIR (default
#    ${TMPDIR:-/tmp}/govtally-compare; an existing file is reused):
#      complaints-ROWS.csv             UTF-8 (gen_complaints.py)
#      complaints-ROWS-gb18030.csv     the same text in GB18030
#      complaints-ROWS-bom.csv         the same bytes after a UTF-8 BOM
#      complaints-ROWS-repeat1000.csv  ids drawn from 1000 values
#      complaints-ROWS-shuffled.csv    the UTF-8 rows in a fixed shuffled order
#                                      (ids no longer in serial order)
# 3. runs each command RUNS times (default 5), alternating, under
#    /usr/bin/time -v, warm page cache:
#      govtally complaints FILE --year 2023 --format json   (default threads)
#      the same with --threads 1                            (when the CLI has it)
#      python3 duckdb_complaints_report.py FILE --threads 2
#      govtally on the GB18030, BOM, repeated-id and shuffled files
#      python3 -c 'import duckdb'  (the interpreter's share of DuckDB's run)
# 4. prints median wall seconds, median peak RSS, the ratios
#    DuckDB/govtally (wall) and govtally/DuckDB (memory), and checks that
#    govtally's figures equal DuckDB's grouped counts, that every run of a
#    command printed the same JSON, and that the GB18030, BOM and shuffled
#    copies give the UTF-8 file's report.
#
# Environment: RUNS (5), DUCKDB_THREADS (2), GOVTALLY_COMPARE_DIR, PYTHON
# (python3). Needs cargo, python3 and GNU time (/usr/bin/time; Debian package
# `time`); installs the duckdb Python package when it is missing.
set -euo pipefail

ROWS=${1:-10000000}
RUNS=${RUNS:-5}
DUCKDB_THREADS=${DUCKDB_THREADS:-2}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${GOVTALLY_COMPARE_DIR:-${TMPDIR:-/tmp}/govtally-compare}
PY=${PYTHON:-python3}

case $ROWS in '' | *[!0-9]*) echo "usage: $0 [ROWS]" >&2; exit 2 ;; esac
mkdir -p "$WORK"
say() { printf '== %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "installing GNU time"
        apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
    else
        echo "$0: needs GNU time at /usr/bin/time (Debian/Ubuntu: apt-get install time)" >&2
        exit 1
    fi
fi
if ! "$PY" -c 'import duckdb' 2>/dev/null; then
    say "installing the duckdb Python package"
    if ! "$PY" -m pip install --quiet duckdb; then
        # An externally managed Python (PEP 668): use a virtual environment.
        "$PY" -m venv "$WORK/venv"
        "$WORK/venv/bin/python" -m pip install --quiet duckdb
        PY=$WORK/venv/bin/python
    fi
fi
say "duckdb $("$PY" -c 'import duckdb; print(duckdb.__version__)'), $("$PY" --version 2>&1)"

# --- build -------------------------------------------------------------------
say "cargo build --release"
(cd "$ROOT" && cargo build --release --quiet)
BUILT=${CARGO_TARGET_DIR:-$ROOT/target}/release/govtally
[[ $BUILT == /* ]] || BUILT=$ROOT/$BUILT
# Run a private copy, so a rebuild during the runs cannot mix two binaries.
GT=$WORK/govtally-under-test
cp "$BUILT" "$GT.tmp" && mv "$GT.tmp" "$GT"
say "$("$GT" --version), sha256 $(sha256sum "$GT" | cut -c1-16)"

# --- data --------------------------------------------------------------------
BASE=$WORK/complaints-$ROWS
UTF8=$BASE.csv GB=$BASE-gb18030.csv BOM=$BASE-bom.csv REP=$BASE-repeat1000.csv
SHUF=$BASE-shuffled.csv
copy() { # copy FUNCTION DST: FUNCTION(UTF8, DST) from gen_complaints.py
    "$PY" - "$HERE" "$1" "$UTF8" "$2.tmp" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import gen_complaints
getattr(gen_complaints, sys.argv[2])(sys.argv[3], sys.argv[4])
EOF
    mv "$2.tmp" "$2"
}
if [[ ! -s $UTF8 ]]; then
    say "generating $UTF8"
    "$PY" "$HERE/gen_complaints.py" "$ROWS" "$UTF8.tmp" && mv "$UTF8.tmp" "$UTF8"
    rm -f "$GB" "$BOM" "$SHUF"   # copies of an older file
fi
[[ -s $GB ]] || { say "writing $GB"; copy write_gb18030 "$GB"; }
[[ -s $BOM ]] || { say "writing $BOM"; copy write_bom "$BOM"; }
if [[ ! -s $REP ]]; then
    say "generating $REP"
    "$PY" "$HERE/gen_complaints.py" "$ROWS" "$REP.tmp" --repeat-ids 1000 && mv "$REP.tmp" "$REP"
fi
if [[ ! -s $SHUF ]]; then
    say "writing $SHUF"
    # A fixed random source: the same order on every machine.
    { head -n 1 "$UTF8"; tail -n +2 "$UTF8" | shuf --random-source=<(yes govtally); } >"$SHUF.tmp"
    mv "$SHUF.tmp" "$SHUF"
fi
ls -l "$UTF8" "$GB" "$BOM" "$REP" "$SHUF" >&2
for f in "$UTF8" "$GB" "$BOM" "$REP" "$SHUF"; do cat "$f" >/dev/null; done # warm the page cache

# --- runs --------------------------------------------------------------------
OUT=$WORK/out-$ROWS
rm -rf "$OUT" && mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
: >"$RESULTS"

THREADS_FLAG=no
"$GT" complaints --help | grep -q -- '--threads' && THREADS_FLAG=yes

# measure LABEL FILE RUN CMD...: one run under /usr/bin/time -v, its stdout
# kept as $OUT/LABEL.RUN.out
measure() {
    local label=$1 file=$2 run=$3 status=0
    shift 3
    /usr/bin/time -v -o "$OUT/time.txt" "$@" >"$OUT/$label.$run.out" 2>"$OUT/$label.$run.err" || status=$?
    local wall rss size=0
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time.txt")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time.txt")
    [[ -n $file ]] && size=$(stat -c %s "$file")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$size" "$run" "$status" "${wall:-0}" "${rss:-0}" >>"$RESULTS"
    printf '  run %s %-40s %s s, %s MB%s\n' "$run" "$label" "$wall" "$((${rss:-0} / 1024))" \
        "$([[ $status == 0 ]] || echo ", EXIT STATUS $status")" >&2
}

gt_args=(--year 2023 --format json)
say "$RUNS alternating runs of each command ($ROWS rows)"
for run in $(seq 1 "$RUNS"); do
    measure "govtally utf8 (threads default)" "$UTF8" "$run" "$GT" complaints "$UTF8" "${gt_args[@]}"
    if [[ $THREADS_FLAG == yes ]]; then
        measure "govtally utf8 --threads 1" "$UTF8" "$run" "$GT" complaints "$UTF8" "${gt_args[@]}" --threads 1
    fi
    measure "duckdb utf8 --threads $DUCKDB_THREADS" "$UTF8" "$run" \
        "$PY" "$HERE/duckdb_complaints_report.py" "$UTF8" --threads "$DUCKDB_THREADS"
    measure "govtally gb18030" "$GB" "$run" "$GT" complaints "$GB" "${gt_args[@]}"
    measure "govtally utf8+BOM" "$BOM" "$run" "$GT" complaints "$BOM" "${gt_args[@]}"
    measure "govtally repeat-ids 1000" "$REP" "$run" "$GT" complaints "$REP" "${gt_args[@]}"
    measure "govtally shuffled" "$SHUF" "$run" "$GT" complaints "$SHUF" "${gt_args[@]}"
    measure "python3 -c 'import duckdb' (startup only)" "" "$run" "$PY" -c 'import duckdb; duckdb.connect()'
done
[[ $THREADS_FLAG == yes ]] || say "govtally complaints has no --threads flag yet: the --threads 1 runs were skipped"

# --- report ------------------------------------------------------------------
echo
echo "govtally vs DuckDB, complaints report, $ROWS rows ($(stat -c %s "$UTF8") bytes UTF-8), $RUNS runs each, $(nproc) cores"
echo
status=0
"$PY" "$HERE/summarize.py" table "$RESULTS" || status=1
echo
"$PY" "$HERE/summarize.py" check "$OUT/govtally utf8 (threads default).1.out" \
    "$OUT/duckdb utf8 --threads $DUCKDB_THREADS.1.out" || status=1
labels=("govtally utf8 (threads default)" "govtally gb18030" "govtally utf8+BOM" "govtally repeat-ids 1000"
    "govtally shuffled")
[[ $THREADS_FLAG == yes ]] && labels+=("govtally utf8 --threads 1")
for label in "${labels[@]}"; do # every run of a command printed the same report
    outs=("$OUT/$label".*.out)
    "$PY" "$HERE/summarize.py" same "${outs[@]}" || status=1
done
for label in "govtally gb18030" "govtally utf8+BOM" "govtally shuffled" "govtally utf8 --threads 1"; do # same figures as UTF-8
    [[ -e "$OUT/$label.1.out" ]] || continue
    "$PY" "$HERE/summarize.py" same "$OUT/govtally utf8 (threads default).1.out" "$OUT/$label.1.out" || status=1
done
[[ $status == 0 ]] && echo "consistency: every govtally run printed the same report; GB18030, BOM and shuffled copies match UTF-8"
echo "outputs and /usr/bin/time results: $OUT"
exit $status
