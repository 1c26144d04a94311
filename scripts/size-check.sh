#!/usr/bin/env bash
# The download budget of issue #11, checked on a release build (dist/ by default):
#   - the page's wasm, gzip -9, at most WASM_GZ_BUDGET bytes;
#   - everything the page loads before the first timeline (index.html and every file it pulls in:
#     scripts, their static imports, stylesheets, the wasm; the gallery's example charts are inside
#     the wasm), gzip -9 per file, summed, at most TOTAL_GZ_BUDGET bytes.
# "KB" is read as 1,000 bytes (the stricter reading; 500 KiB would be 512,000).
# The default example (a lone manifest) draws its first timeline with these alone. The modules in
# lazy/ are listed separately, outside the total: the second (the chart engine, lint, share-link
# compression, the exports), which the page fetches once the first timeline is shown and a
# chart's first job fetches at once (a chart renders there); the third (Sprig's crypto, dates,
# full regexes, rare functions, schema validation), fetched when a chart calls one of those.
#
# Exit status: 1 when the first load passes its budget, the wasm its 500,000-byte budget or
# WASM_GZ_CEILING (a regression: the ceiling is the size the wasm has reached, plus about 1%,
# and comes down as the wasm does); 0 when everything is within budget.
set -euo pipefail
DIR="${1:-dist}"
WASM_GZ_BUDGET="${WASM_GZ_BUDGET:-500000}"
# 379,982 bytes on the commit that set it (the site built by scripts/site-toolchain.sh).
WASM_GZ_CEILING="${WASM_GZ_CEILING:-383800}"
TOTAL_GZ_BUDGET="${TOTAL_GZ_BUDGET:-700000}"

[ -f "$DIR/index.html" ] || { echo "size-check: $DIR/index.html missing (run scripts/build-site.sh)"; exit 1; }

# Files reachable from index.html through relative URLs in html/js/css (href, src, import, URL strings).
reachable() {
  local -a todo=("index.html") seen=()
  while [ "${#todo[@]}" -gt 0 ]; do
    local f="${todo[0]}"; todo=("${todo[@]:1}")
    local s; for s in "${seen[@]}"; do [ "$s" = "$f" ] && continue 2; done
    seen+=("$f")
    case "$f" in *.html|*.js|*.css) ;; *) continue ;; esac
    local base; base=$(dirname "$f")
    local ref
    while IFS= read -r ref; do
      ref="${ref%%[?#]*}"
      local p; p=$(realpath -m --relative-to="$DIR" "$DIR/$base/$ref")
      [ -f "$DIR/$p" ] && todo+=("$p")
    done < <(grep -oE "[\"'(]\.{1,2}/[^\"')]+[\"')]" "$DIR/$f" | sed -E "s/^[\"'(]//; s/[\"')]$//" | sort -u)
  done
  printf '%s\n' "${seen[@]}"
}

gz() { gzip -9 -c "$1" | wc -c; }
br() { if command -v brotli >/dev/null; then brotli -q 11 -c "$1" | wc -c; else echo -; fi; }

printf '%-60s %10s %10s %10s\n' "first load ($DIR)" raw gzip-9 brotli
total_raw=0 total_gz=0 total_br=0 wasm_gz=0 wasm_n=0
lazy=()
while IFS= read -r f; do
  case "$f" in *lazy*) lazy+=("$f"); continue ;; esac
  raw=$(stat -c %s "$DIR/$f"); g=$(gz "$DIR/$f"); b=$(br "$DIR/$f")
  printf '%-60s %10s %10s %10s\n' "$f" "$raw" "$g" "$b"
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + g))
  [ "$b" != - ] && total_br=$((total_br + b))
  case "$f" in *.wasm) wasm_gz=$((wasm_gz + g)); wasm_n=$((wasm_n + 1)) ;; esac
done < <(reachable)
printf '%-60s %10s %10s %10s\n' "total" "$total_raw" "$total_gz" "$total_br"
# The second module's own files (its glue script fetches the wasm by a computed URL).
if [ -d "$DIR/lazy" ]; then
  while IFS= read -r f; do
    case " ${lazy[*]} " in *" $f "*) ;; *) lazy+=("$f") ;; esac
  done < <(cd "$DIR" && find lazy -type f | sort)
fi
for f in "${lazy[@]}"; do
  case "$f" in
    *crypto*) when="when a chart calls one of its functions" ;;
    *) when="after the first timeline, or at once for a chart" ;;
  esac
  printf '%-60s %10s %10s %10s  (%s; not counted)\n' "$f" "$(stat -c %s "$DIR/$f")" "$(gz "$DIR/$f")" "$(br "$DIR/$f")" "$when"
done

fail=0
if [ "$wasm_n" -eq 0 ]; then
  echo "size-check: FAIL: index.html pulls in no .wasm file"; fail=1
fi
if [ "$total_gz" -gt "$TOTAL_GZ_BUDGET" ]; then
  echo "size-check: FAIL: first load gzip -9 $total_gz bytes > budget $TOTAL_GZ_BUDGET ($((total_gz - TOTAL_GZ_BUDGET)) over)"; fail=1
else
  echo "size-check: ok: first load gzip -9 $total_gz bytes <= $TOTAL_GZ_BUDGET"
fi
if [ "$wasm_gz" -gt "$WASM_GZ_CEILING" ]; then
  echo "size-check: FAIL: wasm gzip -9 $wasm_gz bytes > ceiling $WASM_GZ_CEILING (grew by $((wasm_gz - WASM_GZ_CEILING)) past it)"; fail=1
fi
if [ "$wasm_gz" -gt "$WASM_GZ_BUDGET" ]; then
  echo "size-check: FAIL: wasm gzip -9 $wasm_gz bytes > budget $WASM_GZ_BUDGET ($((wasm_gz - WASM_GZ_BUDGET)) over; issue #11)"; fail=1
else
  echo "size-check: ok: wasm gzip -9 $wasm_gz bytes <= $WASM_GZ_BUDGET"
fi
exit "$fail"
