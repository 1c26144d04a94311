#!/usr/bin/env bash
# hookline template against the real helm template, side by side: alternating runs, medians of
# wall time and peak memory (max RSS), and the ratio. Also the wasm size report of dist/.
#   usage: scripts/bench.sh [CHART_DIR] [RUNS]    (default: ../shared/corpus/argo-cd/chart, 9)
set -euo pipefail
cd "$(dirname "$0")/.."
CHART="${1:-../shared/corpus/argo-cd/chart}"
RUNS="${2:-9}"
HELM="${HELM:-$PWD/.tools/bin/helm}"
[ -d "$CHART" ] || { echo "bench: no chart at $CHART"; exit 1; }
cargo build -q --profile release-native -p hookline-cli
BIN="$PWD/target/release-native/hookline"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
measure() { # name cmd... -> appends "wall_ms maxrss_kb" to $tmp/name
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$tmp/one" "$@" > /dev/null 2>&1 || true
  awk '{printf "%d %d\n", $1*1000, $2}' "$tmp/one" >> "$tmp/$name"
}
for _ in $(seq "$RUNS"); do
  measure helm "$HELM" template bench "$CHART"
  measure hookline "$BIN" template bench "$CHART"
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
hw=$(cut -d' ' -f1 "$tmp/helm" | median); hm=$(cut -d' ' -f2 "$tmp/helm" | median)
kw=$(cut -d' ' -f1 "$tmp/hookline" | median); km=$(cut -d' ' -f2 "$tmp/hookline" | median)
printf 'chart: %s (%s runs each, alternating; %s cores)\n' "$CHART" "$RUNS" "$(nproc)"
printf '%-10s %10s %14s\n' tool 'wall ms' 'peak RSS KiB'
printf '%-10s %10s %14s\n' helm "$hw" "$hm" hookline "$kw" "$km"
awk -v a="$hw" -v b="$kw" -v c="$hm" -v d="$km" 'BEGIN { printf "hookline is %.1fx faster and uses %.1fx less memory\n", a/(b>0?b:1), c/(d>0?d:1) }'
if ls dist/*.wasm > /dev/null 2>&1; then scripts/sizes.sh dist; fi
