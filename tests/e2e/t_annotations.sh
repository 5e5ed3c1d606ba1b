#!/bin/sh
# End-to-end: GitHub annotations (issue 10, item 5).  `mgate run` under
# GITHUB_ACTIONS=true or with --annotations github prints workflow commands
# on stdout; the lines are compared byte for byte.  The plain runs (with
# --annotations github, none, and GITHUB_ACTIONS=true or false) are golden
# cases: tests/golden/annotations-*.
. "$(dirname "$0")/lib.sh"

# A failing variant of the demo gate, run from its parent folder so that
# paths are relative as on a runner: missing and ranges tolerate nothing,
# roc_auc needs 0.95, and data.time names a column the data lacks (order
# cannot run).  At most 2 annotations per check.
W="$TMP/ws"
mkdir -p "$W/g"
cp "$ROOT/fixtures/demo/transactions.csv" "$ROOT/fixtures/demo/baseline.json" "$W/g/"
jq '.checks[0].max_rate = 0 | .checks[2].max_rate = 0 | .checks[7].min = 0.95 | .data.time = "when"
    | .reports = {"annotations": 2}' "$ROOT/fixtures/demo/gate.json" >"$W/g/gate.json"

cat >"$TMP/want.txt" <<'EOF'
::error file=g/transactions.csv,line=240,title=mgate data/missing::amount: found an empty field, expected a value (required)
::error file=g/transactions.csv,line=335,title=mgate data/missing::country: found an empty field, expected a value (required)
::error file=g/transactions.csv,line=2110,title=mgate data/ranges::customer_age: found '230', expected at most 120
::error file=g/transactions.csv,line=2438,title=mgate data/ranges::amount: found '-40.00', expected at least 0
::warning title=mgate data/order::the time column 'when' (data.time) is not in 'g/transactions.csv'
::error title=mgate metrics/roc_auc::roc_auc 0.880392 < min 0.95 (baseline 0.87558, better by 0.00481265)
::notice title=mgate fraud-model-candidate::gate FAILED: 8 passed, 3 failed, 1 errors
EOF

# The workflow-command lines of the last run's stdout.
commands() { grep '^::' "$OUT_FILE" >"$TMP/got.txt"; }
expect_commands() {
    commands
    cmp -s "$TMP/got.txt" "$1" || fail "annotations differ: $(diff "$1" "$TMP/got.txt" | head -20)"
}

case_begin "reports.annotations bounds the annotations per check"
jq '.reports.annotations = 1' "$W/g/gate.json" >"$W/g/one.json"
cd "$W" && run_mgate run g/one.json --annotations github; cd "$ROOT"
expect_rc 1
expect_eq "$(grep -c '^::error file=g/transactions.csv,line=[0-9]*,title=mgate data/missing::' "$OUT_FILE")" "1" "missing annotations"
expect_eq "$(grep -c '^::error file=g/transactions.csv,line=[0-9]*,title=mgate data/ranges::' "$OUT_FILE")" "1" "ranges annotations"
case_end

case_begin "absolute paths under GITHUB_WORKSPACE become relative to it"
GITHUB_WORKSPACE="$W" run_mgate run "$W/g/gate.json" --annotations github
expect_rc 1
# The file= properties are relative; messages keep the path as mgate shows it.
grep '^::error file=' "$TMP/want.txt" >"$TMP/want-files.txt"
grep '^::error file=' "$OUT_FILE" >"$TMP/got-files.txt"
cmp -s "$TMP/got-files.txt" "$TMP/want-files.txt" || fail "got: $(cat "$TMP/got-files.txt")"
case_end

case_begin "a passing gate prints only the notice"
cd "$ROOT" && run_mgate run fixtures/demo/gate.json --annotations github --junit "$TMP/pass.xml"
expect_rc 0
commands
printf '%s\n' '::notice title=mgate fraud-model-candidate::gate passed: 12 passed, 0 failed, 0 errors' >"$TMP/want-pass.txt"
cmp -s "$TMP/got.txt" "$TMP/want-pass.txt" || fail "got: $(cat "$TMP/got.txt")"
case_end

case_begin "spec errors are annotations at their spec position"
cat >"$W/g/bad.json" <<'EOF'
{
  "data": {"path": "transactions.csv"},
  "checks": [{"check": "mising"}],
  "reports": {"annotations": "ten"}
}
EOF
cd "$W" && run_mgate run g/bad.json --annotations github; cd "$ROOT"
expect_rc 2
expect_stderr_contains "mgate: error: g/bad.json:3:24: checks[0].check: unknown check 'mising'"
commands
head -n 1 "$TMP/got.txt" | grep -qx "::error file=g/bad.json,line=3,col=24,title=mgate spec::checks\[0\]\.check: unknown check 'mising'.*" ||
    fail "first annotation: $(head -n 1 "$TMP/got.txt")"
sed -n 2p "$TMP/got.txt" | grep -qx "::error file=g/bad.json,line=4,col=[0-9]*,title=mgate spec::reports\.annotations: expected a whole number >= 0, found a string" ||
    fail "second annotation: $(sed -n 2p "$TMP/got.txt")"
expect_eq "$(wc -l <"$TMP/got.txt" | tr -d ' ')" "2" "annotation lines"
case_end

case_begin "an unreadable spec is an annotation without a position"
cd "$W" && run_mgate run g/absent.json --annotations github; cd "$ROOT"
expect_rc 2
commands
grep -qx "::error title=mgate spec::g/absent.json: cannot open the gate spec: .*" "$TMP/got.txt" || fail "got: $(cat "$TMP/got.txt")"
case_end

case_begin "file names and values are escaped as GitHub requires"
mkdir -p "$W/e"
printf 'id,rate\n1,0.5\n2,50%%\n' >"$W/e/a,b:c.csv"
cat >"$W/e/gate.json" <<'EOF'
{"name": "esc", "data": {"path": "a,b:c.csv"}, "schema": {"rate": {"type": "number"}},
 "checks": [{"check": "types", "name": "rate, 100%"}]}
EOF
cd "$W" && run_mgate run e/gate.json --annotations github; cd "$ROOT"
expect_rc 1
commands
printf '%s\n' "::error file=e/a%2Cb%3Ac.csv,line=3,title=mgate data/rate%2C 100%25::rate: found '50%25', expected a finite number" \
    '::notice title=mgate esc::gate FAILED: 2 passed, 1 failed, 0 errors' >"$TMP/want-esc.txt"
cmp -s "$TMP/got.txt" "$TMP/want-esc.txt" || fail "got: $(cat "$TMP/got.txt")"
case_end

case_begin "a wrong --annotations value is a usage error"
run_mgate run "$W/g/gate.json" --annotations gitlab
expect_rc 2
expect_stderr_contains "mgate: error: '--annotations' expects 'github' or 'none', found 'gitlab'"
run_mgate run "$W/g/gate.json" --annotations
expect_rc 2
expect_stderr_contains "mgate: error: '--annotations' needs a value, e.g. '--annotations github'"
case_end

finish
