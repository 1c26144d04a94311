#!/bin/sh
# Usage: fuzz/run.sh TARGET SECONDS MAX_LEN   (after `cargo +nightly fuzz build -O`)
# One libFuzzer campaign with the session's limits. New inputs go to corpus-run/TARGET (not
# committed); the committed seeds in corpus/TARGET are only read. libFuzzer's jobs mode writes
# the campaign's output to logs/TARGET/fuzz-0.log (one directory per target, so two campaigns
# can run side by side).
set -u
t=$1 secs=$2 maxlen=$3
cd "$(dirname "$0")"
here=$(pwd)
bin=$here/target/x86_64-unknown-linux-gnu/release/$t
mkdir -p corpus-run/$t logs/$t artifacts/$t
cd logs/$t
"$bin" "$here/corpus-run/$t" "$here/corpus/$t" \
  -jobs=1 -workers=1 -rss_limit_mb=2048 -timeout=10 -max_len=$maxlen \
  -max_total_time=$secs -print_final_stats=1 -artifact_prefix="$here/artifacts/$t/" \
  >driver.log 2>&1
echo "rc=$?" >>driver.log
