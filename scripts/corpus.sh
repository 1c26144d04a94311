#!/usr/bin/env bash
# Scores `hookline template` against the real helm's output in ../shared/corpus (when it is
# there) in three modes: documents (default), --strict-order and --text (byte-identical).
# tests/corpus/baseline-<mode>.txt lists the cases that must pass; any of them failing fails
# this script (a ratchet: add cases as they start to pass). Cases not in a baseline are
# reported, not enforced.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CORPUS="${HOOKLINE_CORPUS:-$ROOT/../shared/corpus}"
BIN="${HOOKLINE_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/hookline}"
if [ ! -f "$CORPUS/check.sh" ]; then
  echo "corpus: SKIPPED - no corpus at $CORPUS (it lives beside the repository as ../shared/corpus)"
  exit 0
fi
[ -x "$BIN" ] || cargo build -q -p hookline-cli
status=0
for mode in documents strict-order text; do
  flags=()
  case "$mode" in strict-order) flags=(--strict-order) ;; text) flags=(--text) ;; esac
  out=$("$CORPUS/check.sh" "${flags[@]}" -q "$BIN template NAME CHART_DIR --namespace NS" 2>&1 || true)
  summary=$(printf '%s\n' "$out" | tail -n 1)
  failed=$(printf '%s\n' "$out" | awk '/^FAIL /{print $2}')
  regress=()
  while read -r c; do
    [ -n "$c" ] || continue
    if printf '%s\n' "$failed" | grep -qx "$c"; then regress+=("$c"); fi
  done < "tests/corpus/baseline-$mode.txt"
  printf 'corpus %-13s %s (baseline %s cases)\n' "$mode:" "${summary/passed,/passed;}" "$(grep -c . "tests/corpus/baseline-$mode.txt")"
  if ((${#regress[@]})); then
    echo "   REGRESSED: ${regress[*]}"
    printf '%s\n' "$out" | grep -A4 -F -e "FAIL ${regress[0]}" | head -20
    status=1
  fi
  if [ -n "$failed" ]; then echo "   failing (not in baseline): $(echo $failed)"; fi
done
exit $status
