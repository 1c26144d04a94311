#!/usr/bin/env bash
# The fastest `hookline` binary: the release-native profile built with profile-guided
# optimisation (PGO), trained on the project's own charts only (public/examples and
# tests/fixtures/differential: template, template --include-crds, lint, plan with and without
# a scenario, text and JSON), so that a benchmark on other charts measures what a user gets.
#
#   usage: scripts/build-cli.sh [--root DIR]
#     prints the path of the binary; with --root, also installs it as DIR/bin/hookline
#     (`--root ~/.cargo` puts it where `cargo install` would)
#
# Why: on kube-prometheus-stack, `hookline template`'s main thread ran 14% fewer instructions
# (callgrind: 129.3M -> 111.2M) than the same source without PGO; see README "Command line".
# Needs the llvm-tools-preview component (scripts/setup.sh installs it) for llvm-profdata.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
INSTALL_ROOT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --root) INSTALL_ROOT="${2:?--root needs a directory}"; shift 2 ;;
    *) echo "usage: scripts/build-cli.sh [--root DIR]" >&2; exit 2 ;;
  esac
done
export PATH="$HOME/.cargo/bin:$PATH"

HOST=$(rustc -vV | sed -n 's/^host: //p')
PROFDATA="$(rustc --print sysroot)/lib/rustlib/$HOST/bin/llvm-profdata"
[ -x "$PROFDATA" ] || {
  echo "build-cli: no llvm-profdata at $PROFDATA (rustup component add llvm-tools-preview)" >&2
  exit 1
}
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
GEN_DIR="$TARGET/pgo-generate"
USE_DIR="$TARGET/pgo-use"
RAW="$TARGET/pgo-raw"
MERGED="$TARGET/pgo-merged.profdata"

# --target keeps RUSTFLAGS off build scripts and proc macros (they run on the build machine,
# and instrumenting them would only profile the build).
# Linked statically (glibc's crt-static): no dynamic loader resolving libc at every start.
# `hookline --version` started 0.45 ms sooner (median of 201 alternating runs, 3.51 -> 3.06
# ms), a large chart's `template` about as much; the CLI without the `cluster` feature
# resolves no host names, the one thing static glibc cannot do.
# At a fixed address (relocation-model=static: a plain static executable, as Go builds helm,
# not a static PIE): no start-up pass over the binary's 10,800 relocations, which wrote some
# 50 pages of it. `hookline --version` 1.42/1.33 -> 1.15/0.97 ms and 204 -> 153 page faults
# (perf stat, 200 runs each, two rounds).
build() { # target-dir rustflags
  RUSTFLAGS="$2 -Ctarget-feature=+crt-static -Crelocation-model=static" cargo build --locked --quiet --profile release-native -p hookline-cli \
    --target "$HOST" --target-dir "$1" >&2
}

echo "build-cli: 1/3 instrumented build" >&2
build "$GEN_DIR" "-Cprofile-generate=$RAW"
rm -rf "$RAW"
GEN="$GEN_DIR/$HOST/release-native/hookline"

echo "build-cli: 2/3 training on the project's own charts" >&2
train() { "$GEN" "$@" > /dev/null 2>&1 || true; } # error cases are part of the training
n=0
for d in public/examples/*/ tests/fixtures/differential/*/; do
  [ -f "$d/Chart.yaml" ] || continue
  train template rel "$d" --namespace ns
  train template rel "$d" --namespace ns --include-crds
  train lint "$d"
  train plan "$d"
  if [ -f "$d/scenario.yaml" ]; then
    train plan "$d" --scenario "$d/scenario.yaml"
    train plan "$d" --scenario "$d/scenario.yaml" --format json
  fi
  n=$((n + 1))
done
[ -n "$(ls -A "$RAW" 2>/dev/null)" ] || { echo "build-cli: the training wrote no profile" >&2; exit 1; }
"$PROFDATA" merge -o "$MERGED" "$RAW"
echo "build-cli: trained on $n charts" >&2

echo "build-cli: 3/3 optimised build" >&2
# A source change rebuilds both builds; the training charts are part of the source tree.
build "$USE_DIR" "-Cprofile-use=$MERGED"
BIN="$USE_DIR/$HOST/release-native/hookline"
"$BIN" --version >&2
if [ -n "$INSTALL_ROOT" ]; then
  mkdir -p "$INSTALL_ROOT/bin"
  install -m 755 "$BIN" "$INSTALL_ROOT/bin/hookline"
  echo "build-cli: installed $INSTALL_ROOT/bin/hookline" >&2
fi
echo "$BIN"
