#!/bin/sh
# Runs each cmocka test binary with cmocka's JUnit XML output, one file per
# binary in BUILD/test-results/NAME.xml (cmocka cannot share one file between
# binaries, and writes nothing to a file that already exists), then reads the
# counts back from that XML with xmllint.  Prints each binary's own output
# (skip notes, figures), its failures, and a closing
# 'unit: N passed, N failed, N skipped' line over all binaries.
set -u
build=$1; shift
results="$build/test-results"
mkdir -p "$results"
passed=0; failed=0; skipped=0; failed_bins=""
count() { xmllint --xpath "$1" "$2" 2>/dev/null | cut -d. -f1; }
for bin in "$@"; do
    name=$(basename "$bin")
    xml="$results/$name.xml"
    rm -f "$xml"
    out=$(CMOCKA_MESSAGE_OUTPUT=xml CMOCKA_XML_FILE="$xml" "$bin" 2>&1); rc=$?
    [ -z "$out" ] || printf '%s\n' "$out"
    if ! xmllint --noout "$xml" 2>/dev/null; then
        # No report: the binary crashed or was killed before cmocka wrote it.
        echo "$name: no JUnit XML written (exit $rc)"
        failed=$((failed + 1)); failed_bins="$failed_bins $name"
        continue
    fi
    t=$(count 'sum(//testsuite/@tests)' "$xml")
    f=$(count 'sum(//testsuite/@failures) + sum(//testsuite/@errors)' "$xml")
    s=$(count 'sum(//testsuite/@skipped)' "$xml")
    p=$((t - f - s))
    printf '%s: %d passed, %d failed, %d skipped (%s)\n' "$name" "$p" "$f" "$s" "$xml"
    # Each failed test with cmocka's message.
    i=1
    while [ "$i" -le "$f" ]; do
        bad="(//testcase[failure or error])[$i]"
        printf '  FAILED %s\n' "$(xmllint --xpath "string($bad/@name)" "$xml" 2>/dev/null)"
        xmllint --xpath "string($bad/*[self::failure or self::error])" "$xml" 2>/dev/null | sed 's/^/    /'
        echo
        i=$((i + 1))
    done
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ $rc -ne 0 ] || [ "$f" -gt 0 ]; then
        [ "$f" -gt 0 ] || failed=$((failed + 1))
        failed_bins="$failed_bins $name"
    fi
done
echo "unit: $passed passed, $failed failed, $skipped skipped"
if [ -n "$failed_bins" ]; then
    echo "unit: failing binaries:$failed_bins" >&2
    exit 1
fi
