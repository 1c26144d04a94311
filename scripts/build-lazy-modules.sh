#!/usr/bin/env bash
# Trunk post_build hook: builds the playground's lazily loaded wasm modules into <staging>/lazy/
# (issue #11):
#   - the second module (web/engine): the chart engine, lint, share-link compression, the
#     exports and the archive reader; fetched once the page's first timeline is shown, and at
#     once by a chart's first job;
#   - the third module (web/crypto): Sprig's crypto, full-regex, date and rarely used functions
#     and the values.schema.json validator; fetched by the second module the first time a render
#     calls one of them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
OUT="${TRUNK_STAGING_DIR:-dist}/lazy"
if [ "${TRUNK_PROFILE:-release}" = release ]; then flag=--release dir=release; else flag= dir=debug; fi
# One build each: built together, cargo would give both modules the union of their `hookline`
# features (the second module would then carry the third one's functions too).
cargo build --offline $flag -p hookline-engine-web --lib --target wasm32-unknown-unknown
cargo build --offline $flag -p hookline-crypto-web --lib --target wasm32-unknown-unknown
target=$(cargo metadata --offline --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
mkdir -p "$OUT"
for name in hookline_engine_web hookline_crypto_web; do
  wasm-bindgen --target web --no-typescript --out-dir "$OUT" \
    "$target/wasm32-unknown-unknown/$dir/$name.wasm"
  if [ "$dir" = release ]; then
    # Same optimisation as Trunk gives the main module (data-wasm-opt="z" with
    # --low-memory-unused: web/index.html); npm binaryen 132.
    # Not --enable-compact-imports (part of --all-features): Chromium refuses the module with
    # "Invalid import kind 127" once it has imports to group.
    wasm-opt -Oz --low-memory-unused --strip-debug --strip-producers --all-features --disable-compact-imports \
      "$OUT/${name}_bg.wasm" -o "$OUT/${name}_bg.wasm"
  fi
done
