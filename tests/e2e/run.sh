#!/bin/sh
# Runs every tests/e2e/t_*.sh (or the ones named: TESTS="t_spec t_data")
# against the given mgate binary and prints a closing 'N passed, N failed,
# N skipped' (skipped: cases needing an absent part of ../shared, each named
# in a skip line above).
set -u
MGATE=$1; shift
export MGATE
dir=$(dirname "$0")
if [ $# -gt 0 ]; then
    scripts=""
    for t in "$@"; do scripts="$scripts $dir/${t%.sh}.sh"; done
else
    scripts=$(ls "$dir"/t_*.sh 2>/dev/null)
fi
passed=0; failed=0; skipped=0; bad=""
for s in $scripts; do
    echo "== $(basename "$s")"
    out=$(sh "$s" 2>&1); rc=$?
    printf '%s\n' "$out"
    line=$(printf '%s\n' "$out" | tail -n 1)
    counts='.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$'
    p=$(printf '%s\n' "$line" | sed -n "s/$counts/\\1/p")
    f=$(printf '%s\n' "$line" | sed -n "s/$counts/\\2/p")
    k=$(printf '%s\n' "$line" | sed -n "s/$counts/\\3/p")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${k:-0}))
    if [ $rc -ne 0 ]; then
        [ -n "$f" ] && [ "$f" != 0 ] || failed=$((failed + 1))
        bad="$bad $(basename "$s")"
    fi
done
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ -z "$bad" ] || { echo "e2e: failing scripts:$bad" >&2; exit 1; }
