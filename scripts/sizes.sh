#!/usr/bin/env bash
# Raw, gzip -9 and brotli sizes of what the page loads.
set -euo pipefail
DIR="${1:-dist}"
printf '%-40s %10s %10s %10s\n' file raw gzip-9 brotli
for f in "$DIR"/*.wasm "$DIR"/*.js "$DIR"/*.css "$DIR"/index.html; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$( (command -v brotli >/dev/null && brotli -q 11 -c "$f" | wc -c) || echo -)
  printf '%-40s %10s %10s %10s\n' "$(basename "$f")" "$raw" "$gz" "$br"
done
