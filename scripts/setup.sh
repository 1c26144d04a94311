#!/usr/bin/env bash
# Idempotent set-up of everything Hookline's build and tests need, from the package registries
# only (apt, crates.io, npm). Each step is skipped when it is already satisfied.
#   usage: scripts/setup.sh            (run from anywhere; works on the repository it lives in)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TRUNK_VERSION="0.21.14"   # 0.22.x needs rustc >= 1.96.1
# wasm-bindgen-cli must equal the wasm-bindgen crate pinned in Cargo.toml/Cargo.lock and
# Trunk.toml [tools]. 0.2.129 is the newest whose own lockfile installs with --locked
# (0.2.130 pins webpki-roots 1.0.11, which the registry lacks).
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PATH"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
T0=$(now_ms)
step() { printf '== setup: %s\n' "$*"; }
took() { local d=$(( $(now_ms) - $1 )); printf '   (%d.%03ds)\n' $((d/1000)) $((d%1000)); }

step "apt packages (chromium, chromium-driver, brotli, unzip, zsh, fish)"; t=$(now_ms)
missing=()
for p in chromium chromium-driver brotli unzip zsh fish; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else echo "   present"; fi
took "$t"

step "rust target wasm32-unknown-unknown"; t=$(now_ms)
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then echo "   present"
else rustup target add wasm32-unknown-unknown; fi
took "$t"

step "llvm-tools-preview (llvm-profdata, for the PGO build of the CLI: scripts/build-cli.sh)"; t=$(now_ms)
if rustup component list --installed | grep -q '^llvm-tools'; then echo "   present"
else rustup component add llvm-tools-preview; fi
took "$t"

step "the site build's pinned nightly, with rust-src and wasm32 (scripts/site-toolchain.sh)"; t=$(now_ms)
SITE_TOOLCHAIN=$(sed -n 's/^SITE_TOOLCHAIN="\(.*\)"$/\1/p' scripts/site-toolchain.sh)
if rustup component list --toolchain "$SITE_TOOLCHAIN" --installed 2>/dev/null | grep -q '^rust-src' \
   && rustup target list --toolchain "$SITE_TOOLCHAIN" --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "   present"
else
  rustup toolchain install "$SITE_TOOLCHAIN" --profile minimal --component rust-src \
    --target wasm32-unknown-unknown
fi
took "$t"

step "trunk $TRUNK_VERSION"; t=$(now_ms)
if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then echo "   present"
else cargo install --locked "trunk@$TRUNK_VERSION"; fi
took "$t"

step "wasm-bindgen-cli $WBG_VERSION"; t=$(now_ms)
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WBG_VERSION" ] \
   && [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" = "wasm-bindgen-test-runner $WBG_VERSION" ]; then
  echo "   present"
else cargo install --locked --force "wasm-bindgen-cli@$WBG_VERSION"; fi
took "$t"

step "npm dev dependencies (playwright-core, binaryen, axe-core); never downloads a browser"; t=$(now_ms)
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.setup-stamp 2>/dev/null)" = "$LOCK_SUM" ]; then echo "   present"
else PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund && echo "$LOCK_SUM" > node_modules/.setup-stamp; fi
took "$t"

step "python3 PyYAML (the corpus checker needs it)"; t=$(now_ms)
if python3 -c 'import yaml' 2>/dev/null; then echo "   present"
else python3 -m pip install --quiet 'pyyaml==6.0.3'; fi
took "$t"

step "real helm binaries (the differential tests' oracle)"; t=$(now_ms)
scripts/get-helm.sh "$ROOT/.tools/bin"
took "$t"

step "cargo fetch (Trunk runs cargo --offline)"; t=$(now_ms)
cargo fetch --locked -q
# std's own dependencies, which -Zbuild-std compiles (the site build runs offline too).
cargo "+$SITE_TOOLCHAIN" fetch -q --manifest-path \
  "$(rustc "+$SITE_TOOLCHAIN" --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
took "$t"

printf '== setup done in '; took "$T0"
