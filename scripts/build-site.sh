#!/usr/bin/env bash
# The release build of the playground into dist/, with the size report.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# The pinned nightly, std rebuilt for size (see the script).
source scripts/site-toolchain.sh
trunk build --release
scripts/sizes.sh dist
