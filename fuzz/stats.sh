#!/bin/sh
# Usage: fuzz/stats.sh TARGET — one RESULTS.md row from the last campaign's libFuzzer log.
t=$1
cd "$(dirname "$0")"
log=logs/$t/fuzz-0.log
execs=$(grep 'stat::number_of_executed_units' $log | awk '{print $2}')
eps=$(grep 'stat::average_exec_per_sec' $log | awk '{print $2}')
rss=$(grep 'stat::peak_rss_mb' $log | awk '{print $2}')
secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' $log | awk '{print $5}')
corp=$(grep -o 'corp: [0-9]*/[0-9A-Za-z]*' $log | tail -n 1 | awk '{print $2}')
cov=$(grep -o 'cov: [0-9]*' $log | tail -n 1 | awk '{print $2}')
if grep -q 'ERROR: libFuzzer\|==ERROR\|panicked' $log; then out="CRASH (see artifacts)"; else out="clean"; fi
echo "| $t | ${secs:-?} s | ${execs:-?} | ${eps:-?} | ${corp:-?} | ${cov:-?} | ${rss:-?} MB | $out |"
