#!/usr/bin/env bash
# govtally as a user gets it, proven from outside the source tree:
#
#   bash tests/install/run.sh      # as root, or with sudo
#
# 1. Builds the Debian package (scripts/package.sh) and installs it with
#    `dpkg -i`. Checks `dpkg -L`, the SONAME (`readelf -d`) against the
#    installed header's GOVTALLY_ABI_VERSION, the links, that only
#    `govtally_` symbols are exported, the loader cache and the .pc file.
# 2. Copies the ordinary C clients of tests/c/ and the complete C example of
#    docs/c-api.md into a scratch directory outside the tree, compiles each
#    with strict C99 flags and `pkg-config --cflags --libs govtally` only,
#    links it once shared and once static (`pkg-config --static`), and runs
#    both; the example's output must be the one the docs show.
# 3. Compiles the Java sample-report test against /usr/share/java/govtally.jar
#    and runs it on the installed library; runs the installed CLI and checks
#    its man page.
# 4. Removes the package (`dpkg -r`) and checks that no file
#    of its `dpkg -L` list is left and the loader no longer finds it.
# 5. The prefix install of docs/c-api.md: `cargo cinstall --prefix=DIR`, and
#    the same C clients and Java test against DIR, found through
#    PKG_CONFIG_PATH alone.
#
# The last line is `Install: N passed, M failed`; the exit status is
# non-zero on any failure. It refuses to run when a govtally package is
# already installed (it would remove it).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "  ok: $*" >&2; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
finish() {
    echo "Install: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
# check DESCRIPTION CMD...: one check; CMD's output is shown when it fails.
check() {
    local what="$1" out
    shift
    if out="$("$@" 2>&1)"; then ok "$what"; else fail "$what"; echo "$out" | sed 's/^/    /' >&2; fi
}

# passes WHAT OUTPUT: the last line of a test program's OUTPUT reports no
# failure (`name: N passed, 0 failed`); otherwise its output is shown.
passes() {
    local last
    last="$(echo "$2" | tail -1)"
    if grep -qE '^[A-Za-z_]+: [0-9]+ passed, 0 failed$' <<<"$last"; then
        ok "$1: $last"
    else
        fail "$1"
        echo "$2" | tail -30 | sed 's/^/    /' >&2
    fi
}

# dpkg, waiting while another dpkg or apt holds its lock.
dpkg_wait() {
    local out i
    for i in $(seq 120); do
        if out="$(as_root dpkg "$@" 2>&1)"; then
            echo "$out" >&2
            return 0
        fi
        if ! grep -q "dpkg frontend lock\|dpkg status database is locked\|lock-frontend" <<<"$out"; then
            echo "$out" >&2
            return 1
        fi
        [ "$i" -eq 1 ] && echo "  (waiting for the dpkg lock)" >&2
        sleep 5
    done
    echo "$out" >&2
    return 1
}

if dpkg-query -W -f='${Status}' govtally 2>/dev/null | grep -q "installed"; then
    fail "a govtally package is already installed here; remove it first (dpkg -r govtally)"
    finish
fi

# --- 1. the package -----------------------------------------------------------
echo "== building the package" >&2
start=$(date +%s)
deb="$(bash scripts/package.sh | tail -1)"
if [ ! -f "$deb" ]; then
    fail "scripts/package.sh made no package"
    finish
fi
ok "package built in $(($(date +%s) - start)) s: $deb"
case "$deb" in */target/debian/govtally_*.deb) ok "the package is in target/debian/" ;;
    *) fail "the package is not in target/debian/: $deb" ;; esac

scratch="$(mktemp -d /tmp/govtally-install.XXXXXX)"
installed=0
cleanup() {
    if [ "$installed" -eq 1 ]; then dpkg_wait -P govtally >/dev/null 2>&1 || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT

echo "== dpkg -i" >&2
if ! dpkg_wait -i "$deb"; then
    fail "dpkg -i $deb"
    finish
fi
installed=1
ok "dpkg -i"
# libc's ldconfig trigger is activated without waiting (activate-noawait):
# it may still be pending when dpkg returns, and the loader cache then does
# not list the library yet. Pending triggers are run before it is checked.
dpkg_wait --triggers-only -a || true

multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
libdir="/usr/lib/$multiarch"
dpkg -L govtally | sort >"$scratch/files"
abi="$(sed -nE 's/^#define GOVTALLY_ABI_VERSION ([0-9]+)$/\1/p' /usr/include/govtally.h)"
version="$(sed -nE 's/^#define GOVTALLY_VERSION_(MAJOR|MINOR|PATCH) ([0-9]+)$/\2/p' /usr/include/govtally.h | paste -sd.)"
[ -n "$abi" ] && ok "installed header: version $version, ABI $abi" \
    || fail "the installed header has no GOVTALLY_ABI_VERSION"

for f in /usr/bin/govtally /usr/include/govtally.h \
    "$libdir/libgovtally.so.$abi.0.0" "$libdir/libgovtally.so.$abi" "$libdir/libgovtally.so" \
    "$libdir/libgovtally.a" "$libdir/pkgconfig/govtally.pc" \
    /usr/share/man/man1/govtally.1.gz /usr/share/java/govtally.jar /usr/share/doc/govtally/copyright; do
    if grep -qxF "$f" "$scratch/files" && [ -e "$f" ]; then ok "dpkg -L lists $f"; else fail "dpkg -L lists $f"; fi
done
# Nothing outside the places a library, a tool and its documentation go.
stray="$(grep -vE "^/\.$|^/usr(/bin(/govtally)?|/include(/govtally\.h)?|/lib(/$multiarch(/libgovtally\.(so(\.[0-9.]+)?|a)|/pkgconfig(/govtally\.pc)?)?)?|/share(/man(/man1(/govtally(-[a-z0-9-]+)?\.1\.gz)?)?|/java(/govtally\.jar)?|/doc(/govtally(/.*)?)?)?)?$" "$scratch/files")"
[ -z "$stray" ] && ok "no other files in the package" || fail "unexpected files in the package: $stray"

so="$libdir/libgovtally.so.$abi.0.0"
soname="$(readelf -d "$so" | sed -nE 's/.*\(SONAME\).*\[(.*)\]$/\1/p')"
[ "$soname" = "libgovtally.so.$abi" ] && ok "SONAME $soname (GOVTALLY_ABI_VERSION $abi)" \
    || fail "SONAME is '$soname', expected libgovtally.so.$abi"
[ "$(readlink "$libdir/libgovtally.so.$abi")" = "libgovtally.so.$abi.0.0" ] \
    && [ "$(readlink "$libdir/libgovtally.so")" = "libgovtally.so.$abi.0.0" ] \
    && ok "links libgovtally.so.$abi and libgovtally.so -> libgovtally.so.$abi.0.0" \
    || fail "links: $(ls -l "$libdir"/libgovtally.so* 2>&1)"
others="$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^govtally_' || true)"
[ -z "$others" ] && ok "only govtally_ symbols exported ($(nm -D --defined-only "$so" | wc -l))" \
    || fail "exported symbols other than govtally_*: $others"
if nm -D --defined-only "$so" | grep -q govtally_test_; then fail "test hooks exported"; fi
if ldconfig -p | grep -qF "libgovtally.so.$abi "; then ok "ldconfig -p knows libgovtally.so.$abi"; \
    else fail "the loader cache does not list libgovtally.so.$abi"; fi
[ "$(pkg-config --modversion govtally 2>&1)" = "$version" ] && ok "pkg-config --modversion govtally: $version" \
    || fail "pkg-config --modversion govtally: $(pkg-config --modversion govtally 2>&1)"
private="$(sed -n 's/^Libs.private: //p' "$libdir/pkgconfig/govtally.pc")"
[ -n "$private" ] && ok "Libs.private: $private" || fail "govtally.pc has no Libs.private"

# --- 2. C clients, with pkg-config alone --------------------------------------
# The ordinary clients of tests/c/ (tests/c/hooks/ needs a test-only build)
# and the docs' complete example, copied out of the tree with the sample data
# and workbooks.
mkdir -p "$scratch/c" "$scratch/bin" "$scratch/examples"
cp tests/c/check.h tests/c/test_api.c tests/c/test_samples.c tests/c/test_threads.c \
    tests/c/test_stress.c tests/c/test_prose.c tests/c/test_state.c "$scratch/c/"
cp -r examples/data "$scratch/examples/data"
# The clients also read the sample workbooks and the sample report's
# expected prose, beside the data as in the tree
# (examples/data/../../tests/fixtures/workbooks, …/prose).
mkdir -p "$scratch/tests/fixtures"
cp -r tests/fixtures/workbooks "$scratch/tests/fixtures/workbooks"
cp -r tests/fixtures/prose "$scratch/tests/fixtures/prose"
# The ```c block that starts with `/* report.c`, and the output the docs show
# for it: the ```text block after it, without its `$ gcc …` command lines.
awk '/^```c$/ { getline first; if (first ~ /^\/\* report\.c/) { on = 1; print first; next } }
     on && /^```$/ { exit } on { print }' docs/c-api.md >"$scratch/c/report.c"
awk 'done == 0 && /^\/\* report\.c/ { seen = 1 }
     seen && /^```text$/ { on = 1; cmd = 1; next }
     on && /^```$/ { exit }
     on && cmd { if ($0 !~ /\\$/) cmd = 0; next }
     on { print }' docs/c-api.md >"$scratch/report.expected"
[ -s "$scratch/c/report.c" ] && [ -s "$scratch/report.expected" ] \
    && ok "docs/c-api.md: the complete C example and its output" \
    || fail "docs/c-api.md: no complete C example (a \`\`\`c block starting with /* report.c) and output"
CFLAGS=(-std=c99 -Wall -Wextra -Wpedantic -Werror -pthread)

# loads PROGRAM DIR: PROGRAM loads libgovtally.so.<ABI> from DIR (by the
# loader's search; /lib is /usr/lib on Debian).
loads() {
    local dep
    dep="$(ldd "$1" | sed -nE "s/^[[:space:]]*libgovtally\.so\.$abi => ([^ ]+) .*/\1/p")"
    echo "ldd: ${dep:-no libgovtally.so.$abi}"
    [ -n "$dep" ] && [ "$(readlink -f "$dep")" = "$(readlink -f "$2/libgovtally.so.$abi")" ]
}

# c_clients WHERE: compiles and runs every client against the govtally that
# pkg-config finds now; WHERE is the libdir the shared builds must load.
c_clients() {
    local where="$1" cflags libs static src t out
    cflags="$(pkg-config --cflags govtally)" && libs="$(pkg-config --libs govtally)" \
        && static="$(pkg-config --static --libs govtally)" || { fail "pkg-config govtally"; return; }
    case "$cflags $libs $static" in *"$root"*) fail "pkg-config points into the source tree" ;; esac
    echo "  pkg-config --cflags --libs govtally: $cflags $libs" >&2
    echo "  pkg-config --static --libs govtally: $static" >&2
    for src in "$scratch"/c/*.c; do
        t="$(basename "$src" .c)"
        # shellcheck disable=SC2086 # pkg-config output is a list of flags
        check "$t: compile and link, shared" \
            gcc "${CFLAGS[@]}" "$src" -o "$scratch/bin/$t.shared" $cflags $libs
        # libgovtally.a, and the system libraries of Libs.private shared
        # (docs/c-api.md#compiling-and-linking): -Bstatic because -lgovtally
        # alone picks the .so next to the .a, --as-needed so that the
        # -lgovtally of `--static --libs` does not add the .so again.
        # shellcheck disable=SC2086
        check "$t: compile and link, static" \
            gcc "${CFLAGS[@]}" "$src" -o "$scratch/bin/$t.static" $cflags \
            -Wl,-Bstatic -lgovtally -Wl,-Bdynamic -Wl,--as-needed $static
        check "$t.shared loads $where/libgovtally.so.$abi" loads "$scratch/bin/$t.shared" "$where"
        check "$t.static does not load libgovtally" \
            bash -c "! ldd '$scratch/bin/$t.static' | grep -q libgovtally"
        for kind in shared static; do
            if [ "$t" = report ]; then
                out="$(cd "$scratch" && "./bin/$t.$kind" 2>&1)"
                check "$t.$kind prints the docs' figures" diff <(echo "$out") "$scratch/report.expected"
            else
                out="$(cd "$scratch" && "./bin/$t.$kind" examples/data 2>&1)"
                passes "$t.$kind" "$out"
            fi
        done
    done
}

# java_client CLASSPATH [JVM OPTION...]: the Java sample-report test,
# compiled against CLASSPATH (the binding), run on the library JNA finds.
java_client() {
    local cp="$1" out
    shift
    rm -rf "$scratch/java" && mkdir -p "$scratch/java"
    check "javac SampleReportTest against $cp" \
        javac -encoding UTF-8 -Xlint:all -Werror -cp "$cp" -d "$scratch/java" \
        examples/java/src/govtally/SampleReportTest.java
    out="$(cd "$scratch" && java -Dfile.encoding=UTF-8 "$@" -cp "$cp:$scratch/java" \
        govtally.SampleReportTest examples/data 2>&1)"
    passes "SampleReportTest" "$out"
}

echo "== C clients against the package" >&2
c_clients "$libdir"

# --- 3. Java, the CLI, the man page -------------------------------------------
echo "== Java against the package" >&2
# JNA from the jar's Class-Path; the library from the system's paths.
java_client /usr/share/java/govtally.jar

echo "== the CLI" >&2
check "govtally --version: $(govtally --version 2>&1)" grep -qx "govtally $version" <(govtally --version)
check "govtally report (installed binary)" \
    grep -q "1270" <(cd "$scratch" && /usr/bin/govtally report examples/data --year 2023)
check "man page govtally.1.gz" grep -q '^\.TH govtally 1' <(zcat /usr/share/man/man1/govtally.1.gz)

# --- 4. removal ---------------------------------------------------------------
echo "== dpkg -r" >&2
# -r removes every file (the package has no conffiles); -P would only
# forget the configuration files of a package left in state config-files.
if dpkg_wait -r govtally; then
    installed=0
    ok "dpkg -r govtally"
    if dpkg-query -W -f='${Status}' govtally 2>/dev/null | grep -q config-files; then
        fail "dpkg -r left configuration files"
        dpkg_wait -P govtally || true
    fi
else
    fail "dpkg -r govtally"
fi
check "dpkg no longer knows govtally" bash -c "! dpkg-query -W govtally 2>/dev/null"
dpkg_wait --triggers-only -a || true
left=()
while IFS= read -r f; do
    if [ -L "$f" ] || { [ -e "$f" ] && [ ! -d "$f" ]; }; then
        left+=("$f")
    elif [ -d "$f" ] && [ -z "$(ls -A "$f")" ] && ! dpkg -S "$f" >/dev/null 2>&1; then
        left+=("$f/")
    fi
done <"$scratch/files"
[ ${#left[@]} -eq 0 ] && ok "nothing of the package's $(wc -l <"$scratch/files") paths is left" \
    || fail "left behind: ${left[*]}"
check "the loader cache no longer lists libgovtally" bash -c "! ldconfig -p | grep -q libgovtally"
check "pkg-config no longer finds govtally" bash -c "! pkg-config --exists govtally"

# --- 5. the prefix install ----------------------------------------------------
echo "== cargo cinstall --prefix" >&2
prefix="$scratch/prefix"
start=$(date +%s)
if cargo cinstall --release --no-default-features --prefix="$prefix" >&2; then
    ok "cargo cinstall --prefix=$prefix in $(($(date +%s) - start)) s"
    # On Debian cargo-c's default libdir is multiarch, as the package's.
    plib="$prefix/lib/$multiarch"
    check "prefix SONAME libgovtally.so.$abi" \
        grep -q "Library soname: \[libgovtally.so.$abi\]" <(readelf -d "$plib/libgovtally.so")
    export PKG_CONFIG_PATH="$plib/pkgconfig"
    check "pkg-config --variable=libdir govtally is $plib" \
        test "$(pkg-config --variable=libdir govtally)" = "$plib"
    export LD_LIBRARY_PATH="$plib"
    c_clients "$plib"
    rm -rf "$scratch/jar" && mkdir -p "$scratch/jar"
    javac -encoding UTF-8 -cp /usr/share/java/jna.jar -d "$scratch/jar" \
        examples/java/src/govtally/Govtally.java
    java_client "$scratch/jar:/usr/share/java/jna.jar" -Djna.library.path="$plib"
    unset PKG_CONFIG_PATH LD_LIBRARY_PATH
else
    fail "cargo cinstall --prefix=$prefix"
fi

finish
