#!/usr/bin/env bash
# Issue #11's native speed targets, checked: `hookline template` against the real `helm template`
# on the same charts, run alternately; medians of wall time and peak memory (max RSS); the
# ratios; PASS or FAIL per target. Exit status 1 when a target is missed, 2 when the
# benchmark cannot run (no corpus, no helm).
#
#   usage: scripts/bench.sh [RUNS] [CHART_ID...]      (default: 11 runs each; the charts below)
#
# Targets (issue #11):
#   template  hookline's median wall time at most 1/10 of helm's, its median peak RSS at most
#             1/5 of helm's, on every chart measured;
#   plan      `hookline plan` of install -> upgrade -> rollback -> uninstall on the largest
#             chart under 50 ms (median wall time of the whole command).
#
# Charts come from ../shared/corpus (HOOKLINE_CORPUS). kube-prometheus-stack's copy there lacks
# its vendored subcharts (real helm refuses it too: "found in Chart.yaml, but missing in
# charts/ directory"); this script assembles it from the corpus's own copies of those charts
# (same upstream commits and versions) and a metadata-only prometheus-windows-exporter (it is
# disabled by default, and helm only checks that it is present), then checks that helm's
# render of the assembled chart equals the corpus's recorded expected.yaml apart from the
# chart's volatile leaves.
#
# The binary measured is what README's install command installs: scripts/build-cli.sh, the
# release-native profile with profile-guided optimisation trained on the project's own charts.
# Not part of `make test`: timings on a shared machine are not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
RUNS="${1:-11}"
shift || true
CORPUS="${HOOKLINE_CORPUS:-$ROOT/../shared/corpus}"
HELM="${HELM:-$ROOT/.tools/bin/helm}"
CHARTS=("$@")
((${#CHARTS[@]})) || CHARTS=(kube-prometheus-stack argo-cd cert-manager istio-base keda vault)
PLAN_CHART="${PLAN_CHART:-kube-prometheus-stack}"

[ -f "$CORPUS/check.sh" ] || { echo "bench: no corpus at $CORPUS"; exit 2; }
[ -x "$HELM" ] || { echo "bench: no helm at $HELM (scripts/setup.sh installs it)"; exit 2; }
# HOOKLINE_BIN=path measures another build (e.g. one without PGO, to compare).
BIN="${HOOKLINE_BIN:-$(scripts/build-cli.sh)}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# kube-prometheus-stack with its dependencies vendored (see above); prints the chart dir.
assemble_kps() {
  local src="$CORPUS/kube-prometheus-stack" dst="$tmp/kps/chart"
  if [ ! -d "$dst" ]; then
    mkdir -p "$tmp/kps"
    cp -r "$src/chart" "$dst"
    chmod -R u+w "$dst"
    cp -r "$CORPUS/grafana/chart" "$dst/charts/grafana"
    cp -r "$CORPUS/kube-state-metrics/chart" "$dst/charts/kube-state-metrics"
    cp -r "$CORPUS/prometheus/chart/charts/prometheus-node-exporter" "$dst/charts/"
    mkdir -p "$dst/charts/prometheus-windows-exporter"
    printf 'apiVersion: v2\nname: prometheus-windows-exporter\nversion: 0.12.8\n' \
      > "$dst/charts/prometheus-windows-exporter/Chart.yaml"
  fi
  # The recorded render has two volatile leaves (a random password and its checksum).
  local differing
  differing=$("$HELM" template kps "$dst" --namespace monitoring 2>/dev/null \
    | diff - "$src/expected.yaml" | grep -c '^[<>]' || true)
  if [ "$differing" -gt 4 ]; then
    echo "bench: assembled kube-prometheus-stack does not reproduce expected.yaml ($differing lines differ)" >&2
    exit 2
  fi
  echo "assembled kube-prometheus-stack: helm's render = corpus expected.yaml except $((differing / 2)) volatile lines" >&2
  echo "$dst"
}

# chart id -> "NAME DIR NAMESPACE" (from the corpus case's cmd.txt)
resolve() {
  local id=$1 name ns dir
  read -r _ _ name _ _ ns _ < <(grep -v '^#' "$CORPUS/$id/cmd.txt")
  if [ "$id" = kube-prometheus-stack ]; then dir=$(assemble_kps); else dir="$CORPUS/$id/chart"; fi
  echo "$name $dir $ns"
}

# measure FILE cmd... : appends "wall_us maxrss_kib" (the command must succeed); the time is
# the command's own, from its spawn to its exit (scripts/measure.py).
measure() {
  local out=$1; shift
  local got
  if ! got=$(python3 "$ROOT/scripts/measure.py" "$tmp/stdout" "$tmp/stderr" "$@"); then
    echo "bench: failed: $*" >&2
    head -5 "$tmp/stderr" >&2
    exit 2
  fi
  echo "$got" >> "$out"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { cut -d' ' -f"$2" "$1" | median; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }

status=0
verdict() { # ok? -> PASS/FAIL, remembering failures
  if [ "$1" = 1 ]; then echo PASS; else status=1; echo FAIL; fi
}

printf 'machine: %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'hookline: %s\nhelm: %s\n' "$("$BIN" --version)" "$("$HELM" version --short 2>/dev/null)"
printf '%s runs each, alternating; medians\n\n' "$RUNS"
printf '%-24s %10s %10s %7s %7s  %12s %12s %7s %7s\n' chart 'helm ms' 'hl ms' ratio 'wall' \
  'helm KiB' 'hl KiB' ratio 'memory'
declare -A DIRS
for id in "${CHARTS[@]}"; do
  read -r name dir ns < <(resolve "$id")
  [ -n "${dir:-}" ] || exit 2
  DIRS[$id]="$dir:$name:$ns"
  "$BIN" template "$name" "$dir" --namespace "$ns" > "$tmp/hl.yaml" 2> /dev/null || {
    echo "bench: hookline cannot render $id" >&2
    exit 2
  }
  rm -f "$tmp/helm.$id" "$tmp/hl.$id"
  for _ in $(seq "$RUNS"); do
    measure "$tmp/helm.$id" "$HELM" template "$name" "$dir" --namespace "$ns"
    measure "$tmp/hl.$id" "$BIN" template "$name" "$dir" --namespace "$ns"
  done
  hw=$(col "$tmp/helm.$id" 1); hm=$(col "$tmp/helm.$id" 2)
  kw=$(col "$tmp/hl.$id" 1); km=$(col "$tmp/hl.$id" 2)
  wr=$(awk -v a="$hw" -v b="$kw" 'BEGIN { printf "%.1f", a / b }')
  mr=$(awk -v a="$hm" -v b="$km" 'BEGIN { printf "%.1f", a / b }')
  wv=$(verdict "$(awk -v a="$hw" -v b="$kw" 'BEGIN { print (b * 10 <= a) ? 1 : 0 }')")
  mv=$(verdict "$(awk -v a="$hm" -v b="$km" 'BEGIN { print (b * 5 <= a) ? 1 : 0 }')")
  # verdict ran in a subshell: carry a FAIL over
  [[ "$wv$mv" == *FAIL* ]] && status=1
  printf '%-24s %10s %10s %6sx %7s  %12s %12s %6sx %7s\n' "$id" "$(ms "$hw")" "$(ms "$kw")" \
    "$wr" "$wv" "$hm" "$km" "$mr" "$mv"
done

# The plan target.
if [ -n "${DIRS[$PLAN_CHART]:-}" ]; then
  IFS=: read -r dir name ns <<< "${DIRS[$PLAN_CHART]}"
else
  read -r name dir ns < <(resolve "$PLAN_CHART")
  [ -n "${dir:-}" ] || exit 2
fi
cat > "$tmp/scenario.yaml" <<EOF
release: $name
namespace: $ns
steps:
  - op: install
  - op: upgrade
  - op: rollback
  - op: uninstall
EOF
rm -f "$tmp/plan"
"$BIN" plan "$dir" --scenario "$tmp/scenario.yaml" > /dev/null
for _ in $(seq "$RUNS"); do
  measure "$tmp/plan" "$BIN" plan "$dir" --scenario "$tmp/scenario.yaml"
done
pw=$(col "$tmp/plan" 1)
pv=$(verdict "$(awk -v a="$pw" 'BEGIN { print (a < 50000) ? 1 : 0 }')")
[ "$pv" = FAIL ] && status=1
printf '\nplan install->upgrade->rollback->uninstall on %s: %s ms (target < 50 ms) %s\n' \
  "$PLAN_CHART" "$(ms "$pw")" "$pv"

if ls dist/*.wasm > /dev/null 2>&1; then scripts/sizes.sh dist; fi
if [ "$status" = 0 ]; then echo "bench: every target met"; else echo "bench: targets missed"; fi
exit $status
