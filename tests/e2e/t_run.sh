#!/bin/sh
# End-to-end: `mgate run` on real files: exit statuses, JUnit validity and
# the figures in the reports.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/g"
cat >"$TMP/g/events.csv" <<'CSV'
id,user,time,amount,country
1,u1,2024-05-01T10:00:00Z,10.5,DE
2,u1,2024-05-01T11:00:00Z,-3,FR
3,u2,2024-05-01T09:00:00Z,7,
4,u1,2024-05-01T08:00:00Z,"12,5",DE
4,u2,2024-05-01T12:00:00Z,1,XX
CSV
cat >"$TMP/g/gate.json" <<'JSON'
{
  "name": "events",
  "data": {"path": "events.csv", "id": "id", "key": "user", "time": "time"},
  "schema": {
    "amount": {"type": "number", "min": 0},
    "country": {"type": "string", "values": ["DE", "FR"]}
  },
  "checks": [
    {"check": "missing"},
    {"check": "types"},
    {"check": "ranges", "max_count": 5},
    {"check": "order"},
    {"check": "duplicates"}
  ],
  "reports": {"junit": "out/junit.xml", "json": "out/report.json", "summary": "out/summary.md"}
}
JSON
mkdir -p "$TMP/g/out"

case_begin "a failing gate exits 1 and writes valid reports with the figures"
run_mgate run "$TMP/g/gate.json"
expect_rc 1
expect_stdout_contains "gate FAILED"
J="$TMP/g/out/junit.xml"
expect_junit_valid "$J"
expect_eq "$(xpath "$J" 'string(/testsuites/testsuite[@name="mgate.data"]/@tests)')" "7" "data tests"
expect_eq "$(xpath "$J" 'count(//testcase[failure])')" "4" "failed cases"
expect_eq "$(xpath "$J" 'string(//testcase[@name="missing"]/failure/@type)')" "missing" "failure type"
expect_eq "$(xpath "$J" 'count(//testcase[@name="ranges"]/failure)')" "0" "ranges within max_count"
R="$TMP/g/out/report.json"
expect_eq "$(jqr "$R" '.results[] | select(.name=="order") | .properties.count')" "1" "order count"
expect_eq "$(jqr "$R" '.results[] | select(.name=="order") | .properties.worst_lateness_seconds')" "10800" "worst lateness"
expect_eq "$(jqr "$R" '.results[] | select(.name=="duplicates") | .properties.count')" "1" "duplicates"
expect_eq "$(jqr "$R" '.results[] | select(.name=="ranges") | .properties.count')" "2" "ranges count"
expect_eq "$(jqr "$R" '.facts.rows_read')" "5" "rows read"
expect_eq "$(jqr "$R" '.facts.data_sha256')" "$(sha256sum "$TMP/g/events.csv" | cut -d' ' -f1)" "data sha256"
expect_file_contains "$TMP/g/out/summary.md" "| data | missing |"
case_end

case_begin "command-line report paths override the spec's"
run_mgate run "$TMP/g/gate.json" --junit "$TMP/cli.xml"
expect_rc 1
expect_junit_valid "$TMP/cli.xml"
case_end

case_begin "a clean dataset passes with exit 0"
cat >"$TMP/g/clean.csv" <<'CSV'
id,user,time,amount,country
1,u1,2024-05-01T10:00:00Z,10.5,DE
2,u1,2024-05-01T11:00:00Z,3,FR
CSV
sed 's/events.csv/clean.csv/' "$TMP/g/gate.json" >"$TMP/g/clean.json"
run_mgate run "$TMP/g/clean.json" --junit "$TMP/clean.xml"
expect_rc 0
expect_stdout_contains "gate passed"
expect_junit_valid "$TMP/clean.xml"
expect_eq "$(xpath "$TMP/clean.xml" 'count(//failure)')" "0" "failures"
case_end

case_begin "GITHUB_STEP_SUMMARY gets the summary appended, keeping what was there"
echo "earlier step" >"$TMP/step.md"
GITHUB_STEP_SUMMARY="$TMP/step.md" run_mgate run "$TMP/g/clean.json"
expect_rc 0
expect_file_contains "$TMP/step.md" "earlier step"
expect_file_contains "$TMP/step.md" "clean.csv"
case_end

case_begin "report folders are created; an unwritable report path is an error, not a silent pass"
run_mgate run "$TMP/g/clean.json" --junit "$TMP/new/dir/j.xml"
expect_rc 0
expect_junit_valid "$TMP/new/dir/j.xml"
run_mgate run "$TMP/g/clean.json" --junit "$TMP/g/clean.csv/j.xml"
[ "$RC" != 0 ] || fail "exit 0 without the report"
expect_stderr_contains "clean.csv/j.xml"
case_end

case_begin "the shipped demo gate runs and its report validates"
run_mgate run "$ROOT/fixtures/demo/gate.json" --junit "$TMP/demo.xml" --json "$TMP/demo.json"
expect_rc 0
expect_junit_valid "$TMP/demo.xml"
expect_eq "$(jqr "$TMP/demo.json" '.facts.rows_read')" "3002" "demo rows"
# Every data check found something in the demo (it exercises them all).
for c in missing types ranges order duplicates; do
    n=$(jqr "$TMP/demo.json" ".results[] | select(.name==\"$c\") | .properties.count")
    [ "${n:-0}" -gt 0 ] 2>/dev/null || fail "demo: $c found nothing ($n)"
done
case_end

# Each malformed JSON text of JSONTestSuite as a row between two good rows
# of a JSON Lines file: a failed `format` check at that line, never a crash.
case_begin "every JSONTestSuite n_*.json as a JSONL row is a format failure, not a crash"
if needs_shared corpus/json-test-suite "the public JSONTestSuite corpus"; then
    printf '{"data": {"path": "rows.jsonl", "id": "id"}, "schema": {"id": {}}}\n' >"$TMP/jl.json"
    for f in "$SHARED"/corpus/json-test-suite/test_parsing/n_*.json; do
        # Rows are lines: a sample with a raw newline is several lines; fine.
        # An empty or all-blank sample is a blank line, which JSON Lines skips.
        [ -n "$(tr -d ' \t\r\n' <"$f")" ] || continue
        { printf '{"id": "first"}\n'; cat "$f"; printf '\n{"id": "last"}\n'; } >"$TMP/rows.jsonl"
        run_mgate run "$TMP/jl.json" --json "$TMP/jl-report.json"
        if [ "$RC" != 1 ] && [ "$RC" != 0 ]; then
            fail "$(basename "$f"): exit $RC"; continue
        fi
        expect_no_crash
        u=$(jqr "$TMP/jl-report.json" '.results[] | select(.name=="format") | .properties.unparsable')
        [ "${u:-0}" -ge 1 ] 2>/dev/null || fail "$(basename "$f"): not reported as unparsable"
        rows=$(jqr "$TMP/jl-report.json" '.facts.rows_read')
        [ "${rows:-0}" -ge 2 ] 2>/dev/null || fail "$(basename "$f"): the good rows around it were not read ($rows)"
    done
    case_end
fi

finish
