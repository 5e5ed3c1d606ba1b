#!/bin/sh
# Runs each cmocka test binary, writing its JUnit XML beside it, and prints a
# closing 'N passed, N failed' line over all binaries.
set -u
build=$1; shift
passed=0; failed=0; failed_bins=""
mkdir -p "$build/test-results"
for bin in "$@"; do
    name=$(basename "$bin")
    out=$("$bin" 2>&1); rc=$?
    printf '%s\n' "$out"
    # cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:"
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ $rc -ne 0 ]; then
        [ -n "$f" ] || failed=$((failed + 1))
        failed_bins="$failed_bins $name"
    fi
done
echo "unit: $passed passed, $failed failed"
if [ -n "$failed_bins" ]; then
    echo "unit: failing binaries:$failed_bins" >&2
    exit 1
fi
