#!/usr/bin/env bash
# Differential test: `hookline template` against the real `helm template` (installed by
# scripts/setup.sh into .tools/bin) on the project's own charts: tests/fixtures/charts/*,
# tests/fixtures/differential/* and the gallery under public/examples/*. Output and exit status
# must agree byte for byte (stderr included when both fail). Runs everywhere; no ../shared.
set -uo pipefail
cd "$(dirname "$0")/.."
HELM="${HELM:-$PWD/.tools/bin/helm}"
BIN="${HOOKLINE_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/debug/hookline}"
[ -x "$HELM" ] || { echo "differential: real helm missing at $HELM (run scripts/setup.sh)"; exit 1; }
[ -x "$BIN" ] || cargo build -q -p hookline-cli
known="tests/differential/known-differences.txt"
pass=0; fail=0; skipped=0
for chart in tests/fixtures/charts/*/ tests/fixtures/differential/*/ public/examples/*/; do
  [ -f "$chart/Chart.yaml" ] || continue
  chart="${chart%/}"
  args=(rel "$chart" --namespace ns)
  [ -f "$chart.args" ] && read -r -a extra < "$chart.args" && args+=("${extra[@]}")
  if grep -qx "$chart" "$known" 2>/dev/null; then skipped=$((skipped+1)); echo "skip $chart (known difference, see $known)"; continue; fi
  want=$("$HELM" template "${args[@]}" 2>&1); wrc=$?
  got=$("$BIN" template "${args[@]}" 2>&1); grc=$?
  if [ "$want" == "$got" ] && [ $wrc -eq $grc ]; then
    pass=$((pass+1)); echo "ok   $chart"
  else
    fail=$((fail+1)); echo "FAIL $chart (helm exit $wrc, hookline exit $grc)"
    diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -15
  fi
done
echo "differential: $pass agree; $fail differ; $skipped known differences"
[ $fail -eq 0 ]
