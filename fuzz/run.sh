#!/bin/sh
# Runs each libFuzzer target for SECONDS and prints what it did: executions,
# executions per second, coverage (libFuzzer's cov: edges and ft: features)
# and corpus size.  New inputs go to build/fuzz/corpus/T (the committed
# fuzz/corpus/T, fuzz/regressions/T and the seeds are read, not written);
# a crash, leak or timeout is saved under build/fuzz/artifacts/T/.
#
#   sh fuzz/run.sh BIN_DIR SECONDS TARGET...
#
# FUZZ_TIMEOUT (default 60) is the wall-clock seconds one input may take.
# It is generous on purpose: every input here runs in milliseconds, but a
# run under `nice -n 19` on a busy machine can be starved for seconds, and
# libFuzzer's clock is the wall's (10 s gave one false timeout that way).
set -u
bins=$1; secs=$2; shift 2
timeout=${FUZZ_TIMEOUT:-60}
root=build/fuzz
# Seeds of this run only: two runs on different targets may overlap.
seeds=$root/seeds.$$
trap 'rm -rf "$seeds"' EXIT
sh fuzz/make-seeds.sh "$seeds" || exit 1
failed=""
for t in "$@"; do
    work=$root/corpus/$t; art=$root/artifacts/$t
    mkdir -p "$work" "$art"
    dirs=""
    for d in fuzz/corpus/$t fuzz/regressions/$t $seeds/$t; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    log=$root/$t.log
    "$bins/$t" -max_total_time="$secs" -print_final_stats=1 -timeout="$timeout" -rss_limit_mb=2048 \
        -artifact_prefix="$art/" "$work" $dirs > "$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -n 1)
    if [ $rc -eq 0 ]; then
        echo "fuzz: $t: ${execs:-?} execs in ${secs} s (${rate:-?}/s), $cov: ok"
    else
        failed="$failed $t"
        echo "fuzz: $t: FAILED (exit $rc) after ${execs:-?} execs; input saved as:" \
             "$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)"
        grep -E 'ERROR|SUMMARY|broken promise|#[0-9]+ in ' "$log" | head -n 20 >&2
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: failing targets:$failed (logs in $root/T.log)" >&2
    exit 1
fi
echo "fuzz: $# targets ran ${secs} s each, no failure"
