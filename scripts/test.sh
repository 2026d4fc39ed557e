#!/usr/bin/env bash
# Runs every test of govtally: formatting, lints, docs, Rust unit,
# integration and doc tests, the header check, the C clients under valgrind
# and sanitizers, the Java (JNA) client, the Spark example, and every fuzz
# target over its seed corpus. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- what the tests need from the system -----------------------------------
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v g++ >/dev/null || missing+=(g++) # libFuzzer is C++
command -v valgrind >/dev/null || missing+=(valgrind)
command -v javac >/dev/null || missing+=(default-jdk-headless)
[ -f /usr/share/java/jna.jar ] || missing+=(libjna-java)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
fi
for c in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
done

# --- Rust -------------------------------------------------------------------
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
echo "== cargo clippy --features test-hooks"
cargo clippy --all-targets --features test-hooks -- -D warnings
echo "== cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
echo "== cargo test (unit, integration, doc, header)"
cargo test --quiet
echo "== the 1 GB limits case (release build)"
cargo test --release --quiet --test limits -- --ignored

# --- C and Java clients ------------------------------------------------------
echo "== C clients"
bash tests/c/run.sh
echo "== Java client"
bash examples/java/run.sh

# --- Spark: states tallied in tasks, merged on the driver (docs/scale-out.md) --
echo "== Spark example (local[2], PySpark in target/spark-venv)"
bash examples/spark/run.sh

# --- the Debian package and a prefix install, used from outside the tree -----
echo "== installed: the package (dpkg -i, then -r) and cargo cinstall --prefix"
bash tests/install/run.sh


# --- fuzz targets over their seeds (docs/testing.md) --------------------------
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
echo "== fuzz targets over their corpus"
bash fuzz/run-corpus.sh

echo "== all tests passed"
