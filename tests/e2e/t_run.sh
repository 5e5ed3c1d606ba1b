#!/bin/sh
# End-to-end: `mgate run` on real files: exit statuses, JUnit validity and
# the figures in the reports.  The plain runs (a failing gate, a clean pass,
# report paths, model facts) are golden cases: tests/golden/run-*.
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
# The same gate on data that passes.
cat >"$TMP/g/clean.csv" <<'CSV'
id,user,time,amount,country
1,u1,2024-05-01T10:00:00Z,10.5,DE
2,u1,2024-05-01T11:00:00Z,3,FR
CSV
sed 's/events.csv/clean.csv/' "$TMP/g/gate.json" >"$TMP/g/clean.json"

case_begin "GITHUB_STEP_SUMMARY gets the summary appended, keeping what was there"
echo "earlier step" >"$TMP/step.md"
GITHUB_STEP_SUMMARY="$TMP/step.md" run_mgate run "$TMP/g/clean.json"
expect_rc 0
expect_file_contains "$TMP/step.md" "earlier step"
expect_file_contains "$TMP/step.md" "clean.csv"
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

# Issue 15 item 5: kill -9 between the renames left *.tmp.* files and a
# folder mixing reports of two runs that nothing told apart.
run_ids() {
    printf '%s %s %s' \
        "$(xpath "$1/junit.xml" 'string((//property[@name="run_id"])[1]/@value)')" \
        "$(jqr "$1/report.json" '.facts.run_id')" \
        "$(sed -n 's/.* · run \([0-9a-f]*\) · .*/\1/p' "$1/summary.md")"
}
case_begin "issue 15.5: reports carry one run id; a later run removes a killed run's temporary files only"
K="$TMP/g/out"
run_mgate run "$TMP/g/gate.json"
expect_rc 1
set -- $(run_ids "$K")
first=$1
[ ${#first} -eq 32 ] || fail "run id '$first' is not 32 hex digits"
[ "$1" = "$2" ] && [ "$2" = "$3" ] || fail "one run, several run ids: $*"
expect_eq "$(jqr "$K/report.json" '.facts.started_at')" \
    "$(xpath "$K/junit.xml" 'string((//property[@name="started_at"])[1]/@value)')" "started_at in JSON and JUnit"
# A second run killed between its renames: its JUnit is in place, its JSON
# was half written (a temporary file), the Markdown is the first run's.
run_mgate run "$TMP/g/gate.json" --junit "$TMP/g/other.xml" --json "$TMP/g/other.json" --summary "$TMP/g/other.md"
cp "$TMP/g/other.xml" "$K/junit.xml"
printf '{"half": ' >"$K/report.json.tmp.Ab12Cd"
printf 'half' >"$K/junit.xml.tmp.x9Y8z7"
set -- $(run_ids "$K")
[ "$1" != "$2" ] && [ "$2" = "$3" ] || fail "the mixed set cannot be told apart: $*"
# Not ours to remove: another name, a name mkstemp would not make, and a
# temporary file a live writer holds (flock, as mgate's writer does).
printf 'keep' >"$K/notes.json.tmp.Ab12Cd"
printf 'keep' >"$K/report.json.tmp.keep"
printf 'keep' >"$K/report.json.tmp.Ab12Cd9"
printf 'live' >"$K/report.json.tmp.LiVe01"
exec 9<"$K/report.json.tmp.LiVe01"
flock 9 || fail "could not lock the live writer's file"
run_mgate run "$TMP/g/gate.json"
expect_rc 1
exec 9<&-
expect_no_file "$K/report.json.tmp.Ab12Cd"
expect_no_file "$K/junit.xml.tmp.x9Y8z7"
expect_file "$K/notes.json.tmp.Ab12Cd"
expect_file "$K/report.json.tmp.keep"
expect_file "$K/report.json.tmp.Ab12Cd9"
expect_file "$K/report.json.tmp.LiVe01"
set -- $(run_ids "$K")
[ ${#1} -eq 32 ] && [ "$1" = "$2" ] && [ "$2" = "$3" ] || fail "after a full run, several run ids: $*"
[ "$1" != "$first" ] || fail "two runs got the same run id $1"
expect_eq "$(ls "$K" | grep -c '\.tmp\.')" "4" "temporary files left (the four not ours)"
rm -f "$K"/*.tmp.*
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
