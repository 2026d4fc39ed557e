#!/usr/bin/env bash
# govtally against calamine's bare iteration and pandas on a complaints
# workbook (issue 15).
#
# usage: benches/compare/run_workbook.sh [ROWS]     (default 1,000,000 rows)
#
# 1. cargo build --release (the CLI and the calamine_iter example)
# 2. a venv under target/ with xlsxwriter and pandas (openpyxl for
#    read_excel); generates, once, $GOVTALLY_COMPARE_DIR/complaints-ROWS.xlsx
#    (gen_complaints_xlsx.py; default dir ${TMPDIR:-/tmp}/govtally-compare)
# 3. runs each command RUNS times (default 3), alternating, under
#    /usr/bin/time -f '%e %U %M' (wall s, user s, peak KiB):
#      govtally complaints FILE.xlsx --year 2023 --format json
#      calamine_iter FILE.xlsx            (cell reader: what govtally reads with)
#      calamine_iter FILE.xlsx range      (worksheet_range)
#      python pandas_complaints_report.py FILE.xlsx   (once: it takes minutes)
# 4. prints the medians and ratios, and checks that govtally's total and
#    per-category counts equal pandas'.
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${GOVTALLY_COMPARE_DIR:-${TMPDIR:-/tmp}/govtally-compare}
VENV="$ROOT/target/compare-venv"
mkdir -p "$WORK"
say() { printf '== %s\n' "$*" >&2; }

[[ -x /usr/bin/time ]] || apt-get install -y time >/dev/null
if [[ ! -x "$VENV/bin/python" ]]; then
    say "making $VENV (xlsxwriter, pandas, openpyxl)"
    python3 -m venv "$VENV" || { apt-get install -y python3-venv >/dev/null && python3 -m venv "$VENV"; }
    "$VENV/bin/pip" install --quiet xlsxwriter==3.3.1 openpyxl==3.1.5 pandas
fi
say "cargo build --release"
(cd "$ROOT" && cargo build --release --quiet --bin govtally --example calamine_iter)
GT="$ROOT/target/release/govtally"
CI="$ROOT/target/release/examples/calamine_iter"
FILE="$WORK/complaints-$ROWS.xlsx"
if [[ ! -f "$FILE" ]]; then
    say "generating $FILE"
    "$VENV/bin/python" "$HERE/gen_complaints_xlsx.py" "$ROWS" "$FILE"
fi
ls -l "$FILE" >&2

measure() { # name, command...: appends "wall user kib" to $WORK/NAME.times
    local name=$1; shift
    /usr/bin/time -f '%e %U %M' -o "$WORK/$name.t" "$@" >"$WORK/$name.out"
    cat "$WORK/$name.t" >>"$WORK/$name.times"
}
rm -f "$WORK"/*.times
for _ in $(seq "$RUNS"); do
    measure govtally "$GT" complaints "$FILE" --year 2023 --format json
    measure calamine_cells "$CI" "$FILE"
    measure calamine_range "$CI" "$FILE" range
done
say "pandas read_excel + report (once)"
measure pandas "$VENV/bin/python" "$HERE/pandas_complaints_report.py" "$FILE"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-16s %8s %8s %9s\n' command wall_s user_s peak_MiB
for n in govtally calamine_cells calamine_range pandas; do
    w=$(cut -d' ' -f1 "$WORK/$n.times" | median)
    u=$(cut -d' ' -f2 "$WORK/$n.times" | median)
    m=$(cut -d' ' -f3 "$WORK/$n.times" | median)
    printf '%-16s %8s %8s %9d\n' "$n" "$w" "$u" $((m / 1024))
    eval "W_$n=$w"
done
awk -v g="$W_govtally" -v c="$W_calamine_cells" -v r="$W_calamine_range" -v p="$W_pandas" 'BEGIN {
    printf "govtally / calamine cell reader: %.2f\ngovtally / calamine worksheet_range: %.2f\npandas / govtally: %.1f\n", g / c, g / r, p / g }'

# The figures agree: total and per-category counts of both periods.
python3 - "$WORK/govtally.out" "$WORK/pandas.out" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
want = {}
for line in open(sys.argv[2], encoding="utf-8"):
    per, m, ch, cat, kind, n = line.rstrip("\n").split("\t")
    want[(per, m, ch, cat, kind)] = int(n)
bad = 0
for per in ("current", "previous"):
    if g["total"][per] != want[(per, "", "", "", "")]:
        bad += 1; print("total", per, g["total"][per], want[(per, "", "", "", "")])
    for cat, v in g["by_category"].items():
        if v[per] != want.get((per, "", "", cat, ""), 0):
            bad += 1; print("category", cat, per, v[per])
print("figures agree with pandas" if bad == 0 else f"{bad} figures differ")
sys.exit(1 if bad else 0)
PY
