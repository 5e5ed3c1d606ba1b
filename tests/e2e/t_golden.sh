#!/bin/sh
# End-to-end: the golden-case runner itself (tests/golden/run.sh) on copies
# of real cases in a scratch folder (MGATE_GOLDEN_CASES): a mismatch fails
# with a unified diff, --update rewrites the expectations, a file the case
# did not expect is a mismatch, and without ../shared the JUnit schema check
# is skipped with a line saying so.
. "$(dirname "$0")/lib.sh"

RUNNER="$ROOT/tests/golden/run.sh"
C="$TMP/cases"
mkdir -p "$C"
cp -R "$ROOT/tests/golden/version" "$ROOT/tests/golden/run-missing-data-file" "$C/"

# golden ARGS...: runs the runner on $C; sets RC and OUT_FILE (both streams).
golden() {
    OUT_FILE="$TMP/golden.out"
    MGATE_GOLDEN_CASES="$C" sh "$RUNNER" "$@" >"$OUT_FILE" 2>&1
    RC=$?
}

case_begin "the copied cases pass as they are"
golden "$MGATE"
expect_rc 0
expect_stdout_contains "golden: 2 passed, 0 failed, 0 skipped"
case_end

case_begin "a changed expectation fails with a unified diff naming the file"
echo "mgate 9.9.9" >"$C/version/expect/stdout"
golden "$MGATE" version
expect_rc 1
expect_stdout_contains "FAIL version: output differs"
expect_stdout_contains "--- expected/stdout"
expect_stdout_contains "+++ actual/stdout"
expect_stdout_contains "-mgate 9.9.9"
expect_stdout_contains "+mgate %VERSION%"
expect_stdout_contains "golden: 0 passed, 1 failed, 0 skipped"
case_end

case_begin "--update rewrites the expectation; the case passes again"
golden --update "$MGATE" version
expect_rc 0
expect_stdout_contains "updated version"
expect_eq "$(cat "$C/version/expect/stdout")" "mgate %VERSION%" "rewritten stdout"
golden "$MGATE" version
expect_rc 0
case_end

case_begin "an output file the case does not expect is a mismatch"
rm "$C/run-missing-data-file/expect/files/junit.xml"
golden "$MGATE" run-missing-data-file
expect_rc 1
expect_stdout_contains "+++ actual/files/junit.xml"
case_end

case_begin "without ../shared the JUnit schema check is skipped by name, the rest still compared"
cp -R "$ROOT/tests/golden/run-missing-data-file" "$C/"
MGATE_SHARED="$TMP/empty" golden "$MGATE" run-missing-data-file
expect_rc 0
expect_stdout_contains "skip the JUnit schema check in 'run-missing-data-file': needs $TMP/empty/junit/junit-10.xsd (Jenkins' JUnit schema); not found"
case_end

case_begin "an unknown case name is a failure, not a silent pass"
golden "$MGATE" no-such-case
expect_rc 1
expect_stdout_contains "no case"
case_end

finish
