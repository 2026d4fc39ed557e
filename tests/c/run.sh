#!/usr/bin/env bash
# Builds libgovtally, compiles the C API tests against include/govtally.h
# alone with strict C99 flags, links each against the shared and against the
# static library, and runs them under valgrind and, rebuilt with
# AddressSanitizer + UndefinedBehaviorSanitizer, natively.
#
#   bash tests/c/run.sh            # release build (default)
#   GOVTALLY_PROFILE=debug bash tests/c/run.sh
#
# The last line is `C API: N passed, M failed`; the exit status is non-zero
# on any failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

profile="${GOVTALLY_PROFILE:-release}"
build="$root/tests/c/build"
lib="$root/target/$profile"
data="$root/examples/data"
CFLAGS=(-std=c99 -Wall -Wextra -Wpedantic -Werror -I"$root/include" -I"$root/tests/c")
# What `cargo rustc --lib --crate-type staticlib -- --print native-static-libs` prints.
NATIVE_LIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
SAN=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g)
VALGRIND=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
          --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v valgrind >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
    echo "installing gcc and valgrind" >&2
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev valgrind >&2 \
        || { echo "C API: 0 passed, 1 failed (cannot install gcc/valgrind)"; exit 1; }
fi

if [ "$profile" = release ]; then
    cargo build --release --lib >&2 || { echo "C API: 0 passed, 1 failed (cargo build)"; exit 1; }
else
    cargo build --lib >&2 || { echo "C API: 0 passed, 1 failed (cargo build)"; exit 1; }
fi

rm -rf "$build"
mkdir -p "$build"

passed=0
failed=0
fail() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }

# run NAME CMD...: runs a test program, adds its "N passed, M failed" counts.
run() {
    local name="$1"; shift
    local out rc line p f
    out="$("$@" "$data" 2>"$build/$name.stderr")"
    rc=$?
    echo "$out" | sed "s/^/  [$name] /" >&2
    line="$(echo "$out" | grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' | tail -1)"
    p="$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/p')"
    f="$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/p')"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
        cat "$build/$name.stderr" >&2
        if [ "${f:-0}" -eq 0 ]; then fail "$name exited with status $rc"; fi
    elif [ -s "$build/$name.stderr" ]; then
        # A clean run prints nothing on stderr (valgrind -q, sanitizers).
        cat "$build/$name.stderr" >&2
        fail "$name wrote to stderr"
    fi
}

tests=()
for src in "$root"/tests/c/test_*.c; do
    tests+=("$(basename "$src" .c)")
done

for t in "${tests[@]}"; do
    src="$root/tests/c/$t.c"
    # Against the shared library (found through the rpath).
    gcc "${CFLAGS[@]}" -pthread "$src" -o "$build/$t.shared" \
        -L"$lib" -Wl,-rpath,"$lib" -lgovtally || { fail "$t: compile (shared)"; continue; }
    # Against the static library.
    gcc "${CFLAGS[@]}" -pthread "$src" -o "$build/$t.static" \
        "$lib/libgovtally.a" "${NATIVE_LIBS[@]}" || { fail "$t: compile (static)"; continue; }
    # Sanitizers, both ways.
    gcc "${CFLAGS[@]}" "${SAN[@]}" -pthread "$src" -o "$build/$t.asan-shared" \
        -L"$lib" -Wl,-rpath,"$lib" -lgovtally || { fail "$t: compile (sanitizers, shared)"; continue; }
    gcc "${CFLAGS[@]}" "${SAN[@]}" -pthread "$src" -o "$build/$t.asan-static" \
        "$lib/libgovtally.a" "${NATIVE_LIBS[@]}" || { fail "$t: compile (sanitizers, static)"; continue; }

    # The shared build must really use libgovtally.so, the static one must not.
    deps_shared="$(ldd "$build/$t.shared")"
    deps_static="$(ldd "$build/$t.static")"
    case "$deps_shared" in *"$lib/libgovtally.so"*) ;; *) fail "$t.shared does not load $lib/libgovtally.so" ;; esac
    case "$deps_static" in *libgovtally*) fail "$t.static loads libgovtally dynamically" ;; esac

    run "$t.shared.valgrind" "${VALGRIND[@]}" "$build/$t.shared"
    run "$t.static.valgrind" "${VALGRIND[@]}" "$build/$t.static"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        run "$t.asan-shared" "$build/$t.asan-shared"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        run "$t.asan-static" "$build/$t.asan-static"
done

echo "C API: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
