#!/bin/sh
# Replays each fuzz target once over its committed corpus (fuzz/corpus/T),
# every past crash input (fuzz/regressions/T) and the seeds made from
# fixtures/ and ../shared/corpus (fuzz/make-seeds.sh), without libFuzzer.
# Prints one line per target and a closing 'N passed, N failed' line.
#
#   sh fuzz/replay.sh BUILD BUILD/replay/fuzz_csv ...
set -u
build=$1; shift
seeds=$build/fuzz-seeds
sh fuzz/make-seeds.sh "$seeds" || exit 1
passed=0; failed=0; inputs=0; failed_targets=""
for bin in "$@"; do
    t=$(basename "$bin")
    dirs=""
    for d in fuzz/corpus/$t fuzz/regressions/$t $seeds/$t; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    # Each input's name goes to the log first, so a crash names its input.
    log=$build/fuzz-replay-$t.log
    out=$(FUZZ_REPLAY_VERBOSE=1 "$bin" $dirs 2>"$log"); rc=$?
    n=$(printf '%s\n' "$out" | sed -n "s/^$t: \([0-9]*\) inputs.*/\1/p")
    if [ $rc -eq 0 ] && [ -n "$n" ]; then
        passed=$((passed + 1)); inputs=$((inputs + n))
        echo "fuzz-replay: $t: $n inputs passed"
    else
        failed=$((failed + 1)); failed_targets="$failed_targets $t"
        echo "fuzz-replay: $t: FAILED (exit $rc) on $(grep '^replay: ' "$log" | tail -n 1 | cut -c9-)"
        grep -v '^replay: ' "$log" | tail -n 30 >&2
    fi
done
echo "fuzz-replay: $inputs inputs, $passed passed, $failed failed"
if [ -n "$failed_targets" ]; then
    echo "fuzz-replay: failing targets:$failed_targets (logs in $build/fuzz-replay-*.log)" >&2
    exit 1
fi
