#!/bin/sh
# End-to-end: the test suites without the shared corpora (issue 8, item 13).
# With ../shared absent, each test that needs it is skipped with a line
# naming it, what it needs and why; every other test runs, and the closing
# counts still add up.  Unit binaries write cmocka's JUnit XML, one file per
# binary, into BUILD/test-results/.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/empty"

case_begin "issue 8.13: e2e without ../shared names the skipped case and runs the rest"
# t_spec and t_run: each has one case on the JSONTestSuite corpus; t_run's
# other cases validate reports (the golden cases' schema skip is t_golden's).
out=$(cd "$ROOT" && MGATE_SHARED="$TMP/empty" sh "$E2E/run.sh" "$MGATE" t_spec t_run 2>&1); rc=$?
printf '%s\n' "$out" >"$TMP/e2e.out"
expect_eq "$rc" "0" "exit status"
expect_file_contains "$TMP/e2e.out" "skip every JSONTestSuite n_*.json as a gate spec gives exit 2 with a position: needs $TMP/empty/corpus/json-test-suite (the public JSONTestSuite corpus)"
expect_file_contains "$TMP/e2e.out" "skip the JUnit schema check in "
grep -q '^e2e: [1-9][0-9]* passed, 0 failed, 2 skipped$' "$TMP/e2e.out" || fail "closing counts: $(tail -n 1 "$TMP/e2e.out")"
case_end

# The unit binaries sit beside the mgate under test (build/<variant>/).
UNIT="$(dirname "$MGATE")/tests/test_source_corpus"
case_begin "issue 8.13: unit tests without ../shared are skipped by name; counts come from cmocka's JUnit XML"
if [ ! -x "$UNIT" ]; then
    fail "no unit binary at $UNIT (run through make)"
else
    out=$(cd "$ROOT" && MGATE_SHARED="$TMP/empty" sh tests/run-unit.sh "$TMP/ub" "$UNIT" 2>&1); rc=$?
    printf '%s\n' "$out" >"$TMP/unit.out"
    expect_eq "$rc" "0" "exit status without shared"
    expect_file_contains "$TMP/unit.out" "skip: test_source_corpus_csv_spectrum needs $TMP/empty/corpus/csv-spectrum (the csv-spectrum corpus of CSV edge cases)"
    expect_file_contains "$TMP/unit.out" "skip: test_source_corpus_json_y_objects_are_rows needs $TMP/empty/corpus/json-test-suite"
    expect_file_contains "$TMP/unit.out" "unit: 0 passed, 0 failed, 4 skipped"
    X="$TMP/ub/test-results/test_source_corpus.xml"
    expect_file "$X"
    expect_eq "$(xpath "$X" 'string(//testsuite/@skipped)')" "4" "skipped in the XML"
    # With the corpora: the same binary's XML holds 4 passed tests.
    if [ -d "$SHARED/corpus" ]; then
        out=$(cd "$ROOT" && sh tests/run-unit.sh "$TMP/ub" "$UNIT" 2>&1); rc=$?
        printf '%s\n' "$out" >"$TMP/unit2.out"
        expect_eq "$rc" "0" "exit status with shared"
        expect_file_contains "$TMP/unit2.out" "unit: 4 passed, 0 failed, 0 skipped"
        expect_eq "$(xpath "$X" 'count(//testcase[not(skipped) and not(failure)])')" "4" "passed in the XML"
    fi
fi
case_end

finish
