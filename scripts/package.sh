#!/usr/bin/env bash
# Builds the Debian package of govtally into target/debian/:
#
#   ./scripts/package.sh      # last line: the path of the .deb
#
# It contains the C library as cargo-c installs it under /usr
# (libgovtally.so.<ABI> with its SONAME and links, libgovtally.a, govtally.pc,
# govtally.h), the `govtally` command line tool and its man pages (rendered
# from the CLI's clap definition), and the JNA binding as
# /usr/share/java/govtally.jar. cargo-deb packages what cargo-c staged, as
# [package.metadata.deb] in Cargo.toml lists it.
#
# Installs what it needs when missing: gcc, pkg-config, libssl-dev (to build
# cargo-c), dpkg-dev (dpkg-shlibdeps, for the package's dependencies),
# OpenJDK and libjna-java (the jar), and the cargo tools cargo-c and
# cargo-deb.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# cargo-c 0.10.24 is the newest release that builds with Rust 1.95; newer
# ones need a newer toolchain. Debian's own cargo-c is too old for this
# crate's edition 2024 manifest.
CARGO_C_VERSION=0.10.24
CARGO_DEB_VERSION=3.8.0
JNA=/usr/share/java/jna.jar

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev)
command -v javac >/dev/null && command -v jar >/dev/null || missing+=(default-jdk-headless)
[ -f "$JNA" ] || missing+=(libjna-java)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
if ! cargo cinstall --version >/dev/null 2>&1; then
  echo "== cargo install cargo-c $CARGO_C_VERSION (a long build, once)" >&2
  cargo install cargo-c --version "$CARGO_C_VERSION" --locked >&2
fi
if ! cargo deb --version >/dev/null 2>&1; then
  echo "== cargo install cargo-deb $CARGO_DEB_VERSION" >&2
  cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked >&2
fi

multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
# The paths Cargo.toml's [package.metadata.deb] assets name.
stage="$root/target/debian-stage"
rm -rf "$stage"

echo "== the C library (cargo cinstall into the staging directory)" >&2
# The library needs none of the CLI's dependencies: built without them.
cargo cinstall --release --no-default-features \
  --prefix=/usr --libdir="/usr/lib/$multiarch" --destdir="$stage/capi" >&2
# The shared library loses its local symbols as dh_strip strips a packaged
# one (its exported symbols stay).
find "$stage/capi" -type f -name 'libgovtally.so.*' \
  -exec strip --strip-unneeded --remove-section=.comment --remove-section=.note {} +

echo "== the CLI and its man pages" >&2
cargo build --release --features mangen --bin govtally --bin govtally-mangen >&2
"$target_dir/release/govtally-mangen" "$stage/man"    # cargo-deb compresses them

echo "== the Java binding's jar" >&2
mkdir -p "$stage/java/classes"
javac -encoding UTF-8 -Xlint:all -Werror --release 11 -cp "$JNA" -d "$stage/java/classes" \
  examples/java/src/govtally/Govtally.java >&2
# Class-Path: Debian's jna.jar next to it in /usr/share/java.
printf 'Class-Path: jna.jar\n' >"$stage/java/manifest.txt"
jar --create --file "$stage/java/govtally.jar" --manifest "$stage/java/manifest.txt" \
  -C "$stage/java/classes" . >&2

echo "== cargo deb" >&2
cargo deb --no-build
