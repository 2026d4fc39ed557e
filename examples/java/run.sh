#!/usr/bin/env bash
# Builds libgovtally, compiles the JNA binding and its sample-report test,
# and runs it with OpenJDK and Debian's libjna-java (installed when missing).
#
#   bash examples/java/run.sh
#
# The last line is `Java: N passed, M failed`; the exit status is non-zero on
# any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
JNA=/usr/share/java/jna.jar

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v javac >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1 || [ ! -f "$JNA" ]; then
    echo "installing OpenJDK and libjna-java" >&2
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless libjna-java >&2
fi

cargo build --release --lib >&2

build="$root/target/java"
rm -rf "$build"
mkdir -p "$build"
javac -encoding UTF-8 -Xlint:all -Werror -cp "$JNA" -d "$build" "$root"/examples/java/src/govtally/*.java
exec java -Dfile.encoding=UTF-8 -Djna.library.path="$root/target/release" -cp "$build:$JNA" \
    govtally.SampleReportTest "$root/examples/data"
