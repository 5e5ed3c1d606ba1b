#!/bin/sh
# End-to-end: the JUnit report as its consumers read it (issue 10, item 4):
# classnames carry the gate's name so several gates' reports never collide,
# every testcase has its figures in <system-out>, times are the real time
# per check, junit2json and xunit-viewer (npm, tests/tools) read it, and it
# still validates against junit-10.xsd.
. "$(dirname "$0")/lib.sh"

TOOLS="$ROOT/tests/tools/node_modules/.bin"
for t in junit2json xunit-viewer; do
    [ -x "$TOOLS/$t" ] || { echo "t_junit_consumers: $TOOLS/$t missing; run 'sh ci/install-deps.sh --if-missing'" >&2; exit 1; }
done

# Two gates over the demo data: the demo as shipped (passes) and a strict
# variant under another name (missing and ranges fail).
G="$TMP/g"
mkdir -p "$G/reports"
cp "$ROOT/fixtures/demo/transactions.csv" "$ROOT/fixtures/demo/baseline.json" "$G/"
jq 'del(.reports)' "$ROOT/fixtures/demo/gate.json" >"$G/candidate.json"
jq '.name = "fraud-model-strict" | .checks[0].max_rate = 0 | .checks[2].max_rate = 0 | del(.reports)' \
    "$ROOT/fixtures/demo/gate.json" >"$G/strict.json"
run_mgate run "$G/candidate.json" --junit "$G/reports/candidate.xml"
RC_A=$RC
run_mgate run "$G/strict.json" --junit "$G/reports/strict.xml"
RC_B=$RC
A="$G/reports/candidate.xml"
B="$G/reports/strict.xml"

case_begin "testcase classname carries the gate's name; the xsd still validates"
expect_eq "$RC_A/$RC_B" "0/1" "exit statuses"
expect_junit_valid "$A"
expect_junit_valid "$B"
expect_eq "$(xpath "$A" 'string(//testcase[@name="missing"]/@classname)')" "fraud-model-candidate.mgate.data" "classname"
expect_eq "$(xpath "$A" 'string(//testcase[@name="roc_auc"]/@classname)')" "fraud-model-candidate.mgate.metrics" "classname"
expect_eq "$(xpath "$A" 'count(//testcase[not(starts-with(@classname, "fraud-model-candidate.mgate."))])')" "0" "foreign classnames"
expect_eq "$(xpath "$B" 'string(/testsuites/testsuite[1]/@name)')" "fraud-model-strict.mgate.data" "suite name"
case_end

case_begin "two gates' reports in one folder never share a classname and name"
for f in "$A" "$B"; do
    xmllint --xpath '//testcase' "$f" 2>/dev/null | grep -o '<testcase classname="[^"]*" name="[^"]*"'
done >"$TMP/cases.txt"
expect_eq "$(wc -l <"$TMP/cases.txt" | tr -d ' ')" "24" "testcases in both"
expect_eq "$(sort "$TMP/cases.txt" | uniq -d | wc -l | tr -d ' ')" "0" "shared classname+name"
case_end

case_begin "reports.junit_prefix replaces the gate's name; \"\" gives the bare classname"
jq '.reports = {"junit_prefix": "team-a/fraud"}' "$G/candidate.json" >"$G/prefixed.json"
run_mgate run "$G/prefixed.json" --junit "$TMP/prefixed.xml"
expect_rc 0
expect_junit_valid "$TMP/prefixed.xml"
expect_eq "$(xpath "$TMP/prefixed.xml" 'string(//testcase[@name="types"]/@classname)')" "team-a/fraud.mgate.data" "prefixed"
jq '.reports = {"junit_prefix": ""}' "$G/candidate.json" >"$G/bare.json"
run_mgate run "$G/bare.json" --junit "$TMP/bare.xml"
expect_rc 0
expect_eq "$(xpath "$TMP/bare.xml" 'string(//testcase[@name="types"]/@classname)')" "mgate.data" "bare"
case_end

case_begin "every testcase, passed ones too, has its summary and figures in system-out"
expect_eq "$(xpath "$A" 'count(//testcase[not(system-out)])')" "0" "cases without system-out"
out=$(xpath "$A" 'string(//testcase[@name="missing"]/system-out)')
expect_eq "$(printf '%s\n' "$out" | head -n 1)" \
    "passed: 9 rows with a missing required field (rate 0.002998 of 3002 rows), within max_rate 0.01" "summary line"
for kv in count=9 rows=3002 rate=0.0029980013324450365 bound=0.01 bound_option=max_rate max_rate=0.01; do
    printf '%s\n' "$out" | grep -qx "$kv" || fail "missing system-out lacks '$kv'"
done
out=$(xpath "$A" 'string(//testcase[@name="roc_auc"]/system-out)')
for kv in value=0.8803921568627451 bound=0.85 baseline=0.8755795114656032 delta=0.004812645397141879 n=3002; do
    printf '%s\n' "$out" | grep -qx "$kv" || fail "roc_auc system-out lacks '$kv'"
done
out=$(xpath "$B" 'string(//testcase[@name="ranges"]/system-out)')
expect_eq "$(printf '%s\n' "$out" | head -n 1)" \
    "failed: 4 rows with a value out of range (rate 0.001332 of 3002 rows) exceeds max_rate 0" "failed summary"
case_end

# A realistic file: 200 000 rows, every data check streaming over them.
awk 'BEGIN {
    print "id,customer,event_time,amount,country"
    for (i = 1; i <= 200000; i++)
        printf "%d,c%d,2026-03-%02dT%02d:%02d:00Z,%d.%02d,%s\n", i, i % 5000, 1 + int(i / 8000), int(i / 60) % 24,
               i % 60, i % 997, i % 100, (i % 3 ? "DE" : "FR")
}' >"$TMP/big.csv"
cat >"$TMP/big.json" <<'EOF'
{"name": "big", "data": {"path": "big.csv", "id": "id", "key": "customer", "time": "event_time"},
 "schema": {"id": {"type": "integer"}, "customer": {"type": "string"}, "event_time": {"type": "timestamp"},
            "amount": {"type": "number", "min": 0}, "country": {"values": ["DE", "FR"]}},
 "checks": [{"check": "missing"}, {"check": "types"}, {"check": "ranges"}, {"check": "order", "max_rate": 1},
            {"check": "duplicates"}]}
EOF

case_begin "times are the real time of each streaming check on a 200k-row file"
run_mgate run "$TMP/big.json" --junit "$TMP/big.xml" --json "$TMP/big.json.out"
expect_rc 0
expect_junit_valid "$TMP/big.xml"
for c in missing types ranges order duplicates format limits; do
    t=$(xpath "$TMP/big.xml" "string(//testcase[@name=\"$c\"]/@time)")
    awk -v t="$t" 'BEGIN { exit !(t + 0 > 0) }' || fail "$c: time '$t' is not above zero"
done
# The checks' times are part of the run's: their sum cannot exceed it (a
# sampled, scaled estimate once reported 25 s of checks in a 7 s run).
sum=$(jqr "$TMP/big.json.out" '[.results[].seconds] | add')
total=$(jqr "$TMP/big.json.out" '.facts.seconds')
awk -v s="$sum" -v t="$total" 'BEGIN { exit !(s > 0 && s <= t) }' || fail "checks took $sum s of a $total s run"
case_end

case_begin "junit2json reads the counts, names, classnames and failure messages"
"$TOOLS/junit2json" "$B" >"$TMP/strict.json" 2>"$TMP/j2j.err" || fail "junit2json failed: $(head -c 300 "$TMP/j2j.err")"
expect_eq "$(jqr "$TMP/strict.json" '[.tests, .failures, .errors] | join(" ")')" "12 2 0" "totals"
expect_eq "$(jqr "$TMP/strict.json" '[.testsuite[].name] | join(" ")')" \
    "fraud-model-strict.mgate.data fraud-model-strict.mgate.metrics" "suites"
expect_eq "$(jqr "$TMP/strict.json" '[.testsuite[] | .tests] | join(" ")')" "7 5" "suite tests"
expect_eq "$(jqr "$TMP/strict.json" '[.testsuite[].testcase[] | select(.failure) | .name] | join(" ")')" \
    "missing ranges" "failed cases"
expect_eq "$(jqr "$TMP/strict.json" '.testsuite[0].testcase[] | select(.name == "missing") | .failure[0].message')" \
    "9 rows with a missing required field (rate 0.002998 of 3002 rows) exceeds max_rate 0" "failure message"
expect_eq "$(jqr "$TMP/strict.json" '.testsuite[0].testcase[] | select(.name == "missing") | .classname')" \
    "fraud-model-strict.mgate.data" "classname"
expect_eq "$(jqr "$TMP/strict.json" '[.testsuite[].testcase[] | select((."system-out" // []) | length == 0)] | length')" \
    "0" "cases without system-out"
expect_eq "$(jqr "$TMP/strict.json" '.testsuite[1].testcase[] | select(.name == "roc_auc") | ."system-out"[0] | split("\n")[0]')" \
    "passed: roc_auc 0.880392 (baseline 0.87558, better by 0.00481265)" "passed case output"
case_end

case_begin "xunit-viewer renders both reports to HTML and to the console"
(cd "$TMP" && timeout 120 "$TOOLS/xunit-viewer" -r "$G/reports" -o "$TMP/view.html" >"$TMP/xv.out" 2>&1) ||
    fail "xunit-viewer failed: $(head -c 300 "$TMP/xv.out")"
[ -s "$TMP/view.html" ] || fail "no HTML written"
grep -q '<html' "$TMP/view.html" || fail "view.html is not HTML"
# Console mode also writes index.html into the working folder: run it in $TMP.
(cd "$TMP" && timeout 120 "$TOOLS/xunit-viewer" -r "$B" -c -n -C false >"$TMP/xv.txt" 2>&1) ||
    fail "xunit-viewer console failed"
grep -q "fraud-model-strict.mgate.data" "$TMP/xv.txt" || fail "console lacks the suite"
grep -q "✗ missing" "$TMP/xv.txt" || fail "console lacks the failed case"
grep -q "failed: 4 rows with a value out of range" "$TMP/xv.txt" || fail "console lacks the case's system-out"
case_end

finish
