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
# tests/c/valgrind.supp: minijinja's built-ins, made once per process (see there).
VALGRIND=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
          --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1
          --suppressions="$root/tests/c/valgrind.supp")

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
    elif [ -n "${STDERR_ALLOWED:-}" ] && grep -qvE "$STDERR_ALLOWED" "$build/$name.stderr"; then
        grep -vE "$STDERR_ALLOWED" "$build/$name.stderr" >&2
        fail "$name wrote to stderr"
    elif [ -z "${STDERR_ALLOWED:-}" ] && [ -s "$build/$name.stderr" ]; then
        # A clean run prints nothing on stderr (valgrind -q, sanitizers).
        cat "$build/$name.stderr" >&2
        fail "$name wrote to stderr"
    fi
}

# check SRC LIBDIR [STDERR_ALLOWED]: compiles SRC against the header alone,
# links it with the shared and with the static library in LIBDIR, and runs
# each build under valgrind and with the sanitizers. Lines of stderr matching
# the extended regex STDERR_ALLOWED are expected (and then filtered out).
check() {
    local src="$1" lib="$2" allowed="${3:-}"
    local t
    t="$(basename "$src" .c)"
    # Against the shared library (found through the rpath).
    gcc "${CFLAGS[@]}" -pthread "$src" -o "$build/$t.shared" \
        -L"$lib" -Wl,-rpath,"$lib" -lgovtally || { fail "$t: compile (shared)"; return; }
    # Against the static library.
    gcc "${CFLAGS[@]}" -pthread "$src" -o "$build/$t.static" \
        "$lib/libgovtally.a" "${NATIVE_LIBS[@]}" || { fail "$t: compile (static)"; return; }
    # Sanitizers, both ways.
    gcc "${CFLAGS[@]}" "${SAN[@]}" -pthread "$src" -o "$build/$t.asan-shared" \
        -L"$lib" -Wl,-rpath,"$lib" -lgovtally || { fail "$t: compile (sanitizers, shared)"; return; }
    gcc "${CFLAGS[@]}" "${SAN[@]}" -pthread "$src" -o "$build/$t.asan-static" \
        "$lib/libgovtally.a" "${NATIVE_LIBS[@]}" || { fail "$t: compile (sanitizers, static)"; return; }

    # The shared build must really use libgovtally.so, the static one must not.
    deps_shared="$(ldd "$build/$t.shared")"
    deps_static="$(ldd "$build/$t.static")"
    case "$deps_shared" in *"$lib/libgovtally.so"*) ;; *) fail "$t.shared does not load $lib/libgovtally.so" ;; esac
    case "$deps_static" in *libgovtally*) fail "$t.static loads libgovtally dynamically" ;; esac

    STDERR_ALLOWED="$allowed" run "$t.shared.valgrind" "${VALGRIND[@]}" "$build/$t.shared"
    STDERR_ALLOWED="$allowed" run "$t.static.valgrind" "${VALGRIND[@]}" "$build/$t.static"
    STDERR_ALLOWED="$allowed" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        run "$t.asan-shared" "$build/$t.asan-shared"
    STDERR_ALLOWED="$allowed" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        run "$t.asan-static" "$build/$t.asan-static"
}

for src in "$root"/tests/c/test_*.c; do
    check "$src" "$lib"
done

# The panic boundary: a second library with the `test-hooks` feature, which
# exports a way to force a panic inside the engine. Rust's default panic
# hook prints the forced panic's message; nothing else may reach stderr.
hooks_target="$root/target/hooks"
if [ "$profile" = release ]; then
    hooks_build=(cargo build --release --lib --features test-hooks --target-dir "$hooks_target")
else
    hooks_build=(cargo build --lib --features test-hooks --target-dir "$hooks_target")
fi
if "${hooks_build[@]}" >&2; then
    export RUST_BACKTRACE=0
    panic_lines="^thread '.*'( \\([0-9]+\\))? panicked at src/test_hooks.rs:[0-9]+:[0-9]+:\$|^forced by the test hook govtally_test_panic_after_rows\$|^note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace\$|^\$"
    for src in "$root"/tests/c/hooks/test_*.c; do
        check "$src" "$hooks_target/$profile" "$panic_lines"
    done
else
    fail "cargo build --features test-hooks"
fi

echo "C API: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
