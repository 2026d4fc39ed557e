#!/usr/bin/env bash
# Regenerates tests/fixtures/workbooks/ with independent Python writers
# (openpyxl, xlwt, odfpy, xlsxwriter, pinned in requirements.txt) in a venv
# under target/. The generated files are checked in, so `cargo test` needs
# no Python; run this after changing examples/data or the script.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/workbook-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" 2>/dev/null || {
        apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"
    }
    "$venv/bin/pip" install -q -r "$root/tests/workbooks/requirements.txt"
fi
exec "$venv/bin/python" "$root/tests/workbooks/make_workbooks.py" "$@"
