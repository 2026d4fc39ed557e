#!/usr/bin/env bash
# Runs every fuzz target over its seed inputs (fuzz/seeds/<target>/) and
# then a few thousand fixed-seed mutations, deterministically and briefly.
# Exits non-zero when any target crashes. Needs cargo-fuzz; on a stable
# toolchain RUSTC_BOOTSTRAP=1 is set here.
#   bash fuzz/run-corpus.sh            # all targets
#   bash fuzz/run-corpus.sh decode ffi # some
set -u
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
RUNS=${FUZZ_RUNS:-2000}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(decode records fields tally_legality tally_inspections tally_complaints ffi workbook)
fi
cargo fuzz build >/dev/null 2>build.log || { cat build.log; echo "fuzz: build failed"; exit 1; }
passed=0
failed=0
for t in "${targets[@]}"; do
    if [ ! -d "seeds/$t" ]; then
        echo "fuzz: $t: no seeds/$t"
        failed=$((failed + 1))
        continue
    fi
    work=$(mktemp -d)
    cp "seeds/$t"/* "$work"/
    # -runs=0 over the seeds, then RUNS mutations with a fixed seed; the
    # scratch corpus copy keeps seeds/ unchanged.
    if cargo fuzz run "$t" "$work" -- -runs=0 >"$work.seed.log" 2>&1 \
        && cargo fuzz run "$t" "$work" -- -seed=1 -runs="$RUNS" -max_len=16384 -timeout=10 >"$work.mut.log" 2>&1; then
        echo "fuzz: $t ok"
        passed=$((passed + 1))
    else
        echo "fuzz: $t FAILED"
        tail -n 40 "$work.seed.log" "$work.mut.log"
        failed=$((failed + 1))
    fi
    rm -rf "$work" "$work.seed.log" "$work.mut.log"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
