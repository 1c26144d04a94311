#!/usr/bin/env bash
# Trunk post_build hook: builds the playground's second wasm module (web/crypto: Sprig's crypto
# functions, full-engine regexes, the values.schema.json validator, lint, share-link compression and
# the exports, fetched once the page's first timeline is shown or when a chart
# needs them; issue #11) into <staging>/lazy/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
OUT="${TRUNK_STAGING_DIR:-dist}/lazy"
if [ "${TRUNK_PROFILE:-release}" = release ]; then flag=--release dir=release; else flag= dir=debug; fi
cargo build --offline $flag -p hookline-crypto-web --lib --target wasm32-unknown-unknown
target=$(cargo metadata --offline --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" \
  "$target/wasm32-unknown-unknown/$dir/hookline_crypto_web.wasm"
if [ "$dir" = release ]; then
  # Same optimisation as Trunk gives the main module (data-wasm-opt="z"); npm binaryen 132.
  wasm-opt -Oz --strip-debug --strip-producers --all-features \
    "$OUT/hookline_crypto_web_bg.wasm" -o "$OUT/hookline_crypto_web_bg.wasm"
fi
