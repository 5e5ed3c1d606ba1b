#!/bin/sh
# Runs each libFuzzer target for SECONDS and prints what it did: executions,
# executions per second, coverage (libFuzzer's cov: edges and ft: features)
# and corpus size.  New inputs go to build/fuzz/corpus/T (the committed
# fuzz/corpus/T, fuzz/regressions/T and the seeds are read, not written);
# a crash, leak or timeout is saved under build/fuzz/artifacts/T/.
#
#   sh fuzz/run.sh BIN_DIR SECONDS TARGET...
#
# Each run is appended as one line to the run log (FUZZ_RUNS_LOG, default
# fuzz/runs.tsv, committed): `make fuzz-report` adds the lines up per target,
# so executions accumulate over many shorter runs (fuzz/report.sh).
#
# FUZZ_TIMEOUT (default 60) is the wall-clock seconds one input may take.
# It is generous on purpose: every input here runs in milliseconds, but a
# run under `nice -n 19` on a busy machine can be starved for seconds, and
# libFuzzer's clock is the wall's (10 s gave one false timeout that way).
set -u
bins=$1; secs=$2; shift 2
timeout=${FUZZ_TIMEOUT:-60}
runs_log=${FUZZ_RUNS_LOG:-fuzz/runs.tsv}
# ASan keeps freed memory in a 256 MB quarantine by default, so each input's
# allocations land on fresh pages (page faults, zeroing): 16 MB still holds
# everything one input frees (a use after free within an input is still
# caught) and makes fuzz_jsonl ~20% faster.  ASan also fills the first 4 KB
# of every allocation with a byte pattern and records 30 frames of where
# each block was allocated and freed; neither finds a bug (uninitialised
# reads are valgrind's and MSan's), so no fill and 4 frames: fuzz_baseline
# and fuzz_state ~20% faster.  A crash's input replays with full stacks
# (`build/fuzz/fuzzer/T FILE`).  An ASAN_OPTIONS given wins.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16:max_malloc_fill_size=0:malloc_context_size=4}"
root=build/fuzz
# Seeds of this run only: two runs on different targets may overlap.
seeds=$root/seeds.$$
trap 'rm -rf "$seeds"' EXIT
sh fuzz/make-seeds.sh "$seeds" || exit 1
# log_run TARGET RC EXECS RATE "cov: C ft: F corp: N" LOG: one line of the
# run log; the seconds are those libFuzzer ran (a run stopped early by a
# finding or a signal counts what it did).
log_run() {
    [ -n "$3" ] || return 0
    ran=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$6" | tail -n 1)
    [ -n "$ran" ] || ran=$(( $3 / ($4 > 0 ? $4 : 1) ))
    set -- "$1" "$2" "$3" "$4" $5
    [ -f "$runs_log" ] || printf 'date\ttarget\tseconds\texecutions\texec_per_s\tcov\tft\tcorpus\texit\tload\n' > "$runs_log"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$ran" "$3" "$4" \
        "${6:-}" "${8:-}" "${10:-}" "$2" "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)" >> "$runs_log"
}
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
    log_run "$t" "$rc" "${execs:-}" "${rate:-}" "$cov" "$log"
    if [ $rc -eq 0 ]; then
        echo "fuzz: $t: ${execs:-?} execs in ${secs} s (${rate:-?}/s), $cov: ok"
    elif [ $rc -eq 72 ] && grep -q 'run interrupted' "$log"; then
        # Stopped by SIGINT/SIGTERM (fuzz/report.sh counts it, not as a failure).
        echo "fuzz: $t: interrupted after ${execs:-?} execs (${rate:-?}/s), $cov"
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
