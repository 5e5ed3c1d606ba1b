#!/bin/sh
# End-to-end: the adversarial checks of fixtures/adversarial/gate.json.
# Each check catches a model built to fail it and passes the sound model;
# results are seeded (same run, same report; run as shards and merged, the
# same report too: here with an external scorer, the example gate in
# t_shards.sh) and land in valid JUnit.  The example gate, monotonic,
# invariance, input_handling and the error cases are golden cases:
# tests/golden/adversarial-*, spec-unknown-variant.
. "$(dirname "$0")/lib.sh"

SRC="$ROOT/fixtures/adversarial"
G="$TMP/adv"
mkdir -p "$G"
cp "$SRC"/*.json "$SRC"/rows.csv "$G"/
cp -r "$SRC/cases" "$G/cases"

# gate_with MODEL CHECK-TYPE [JQ-EDIT]: the example gate reduced to one
# check (edited by JQ-EDIT), with the given model and reports in $G/out.
gate_with() {
    jq --arg m "$1" --arg c "$2" "${3:-.}"' | .model = $m
        | .checks = [.checks[] | select(.check == $c)]
        | .reports = {"junit": "out/junit.xml", "json": "out/report.json"}' \
        "$G/gate.json" >"$G/g.json" || fail "jq could not edit the gate"
}

result() { jqr "$G/out/report.json" ".results[] | select(.check == \"$1\") | $2"; }

case_begin "robustness: a steep model fails on the largest score change"
gate_with steep.json robustness '.checks |= map(if .check == "robustness" then .features.amount.rel = 0.05 else . end)'
run_mgate run "$G/g.json"
expect_rc 1
expect_stdout_contains "exceeds max_flip_rate"
# Issue 8 item 5: the decision threshold is reported under its own name.
expect_eq "$(result robustness .properties.decision_threshold)" "0.5" "robustness decision_threshold"
case_end

case_begin "robustness: the sound model passes the same bounds"
gate_with sound.json robustness '.checks |= map(if .check == "robustness" then .features.amount.rel = 0.05 | .max_flip_rate = 0.05 else . end)'
run_mgate run "$G/g.json"
expect_rc 0
case_end

case_begin "adversarial_search: a model that turns on the zip code is flipped; candidates are fixture cases"
gate_with fragile.json adversarial_search '.checks |= map(if .check == "adversarial_search" then .candidates = "out/attacks.jsonl" else . end)'
run_mgate run "$G/g.json"
expect_rc 1
expect_stdout_contains "flips the decision"
expect_file "$G/out/attacks.jsonl"
expect_eq "$(result adversarial_search .properties.decision_threshold)" "0.5" "adversarial_search decision_threshold"
found=$(result adversarial_search .properties.successes)
# The candidates are fixture cases that fail while the model stays fragile:
# the attack found today is the regression case of tomorrow.
jq '.checks = [{"check": "fixtures", "path": "out/attacks.jsonl"}]' "$G/g.json" >"$G/g2.json"
run_mgate run "$G/g2.json"
expect_rc 1
expect_eq "$(result fixtures .properties.cases)" "$found" "candidate cases"
expect_eq "$(result fixtures .properties.count)" "$found" "failing candidate cases"
case_end

case_begin "order_invariance passes a native model and reports the repeats"
gate_with sound.json order_invariance
run_mgate run "$G/g.json"
expect_rc 0
expect_eq "$(result order_invariance .status)" passed "status"
case_end

case_begin "same seed, same report (examples and figures)"
gate_with fragile.json adversarial_search
run_mgate run "$G/g.json"
jq -S '[.results[] | del(.seconds)]' "$G/out/report.json" >"$TMP/r1.json"
run_mgate run "$G/g.json"
jq -S '[.results[] | del(.seconds)]' "$G/out/report.json" >"$TMP/r2.json"
cmp -s "$TMP/r1.json" "$TMP/r2.json" || fail "two runs with the same seed differ"
case_end

case_begin "reordered columns and unknown extra fields do not change a native model's scores"
# Features are bound by name: the same rows with the columns reversed and an
# extra column, as CSV and as JSON Lines, score the same.
awk -F, 'BEGIN { OFS = "," } { extra = (NR == 1) ? "extra" : "junk" NR; print $5, $4, extra, $3, $2, $1 }' \
    "$G/rows.csv" >"$G/reordered.csv"
jq -R -c 'split(",") as $f | {label: $f[4], zip: ($f[3] | tonumber? // .), extra_field: "x",
          age: ($f[2] | tonumber? // .), amount: ($f[1] | tonumber? // .), id: $f[0]}' "$G/rows.csv" |
    tail -n +2 >"$G/rows.jsonl"
run_mgate score "$G/sound.json" "$G/rows.csv" -o "$G/a.csv"
expect_rc 0
run_mgate score "$G/sound.json" "$G/reordered.csv" -o "$G/b.csv"
expect_rc 0
run_mgate score "$G/sound.json" "$G/rows.jsonl" -o "$G/c.csv"
expect_rc 0
cmp -s "$G/a.csv" "$G/b.csv" || fail "reordered columns changed the scores"
cmp -s "$G/a.csv" "$G/c.csv" || fail "JSON Lines with an extra field changed the scores"
case_end

# External scorers (JSON Lines protocol): the checks must turn a crash, a
# hang or hidden state into a failed check, never a crash or hang of mgate.
PY=/usr/bin/python3
SC="$SRC/scorers"
# ext_gate SCORER CHECK-TYPE: one check, the scorer as the model, 2 s timeout.
ext_gate() {
    jq --arg s "$SC/$1.py" --arg py "$PY" --arg c "$2" '.model = {"command": [$py, $s], "timeout": 2}
        | .checks = [.checks[] | select(.check == $c)]
        | .reports = {"junit": "out/junit.xml", "json": "out/report.json"}' "$G/gate.json" >"$G/g.json"
}

if [ -x "$PY" ]; then
case_begin "order_invariance: an external scorer that keeps state between rows fails, per id"
ext_gate stateful order_invariance
run_mgate run "$G/g.json"
expect_rc 1
expect_eq "$(result order_invariance .status)" failed "status"
expect_stdout_contains "in data order,"
expect_stdout_contains "after shuffling and repeating rows"
case_end

case_begin "order_invariance and input_handling pass a sound external scorer"
ext_gate sound order_invariance
run_mgate run "$G/g.json"
expect_rc 0
ext_gate sound input_handling
run_mgate run "$G/g.json"
expect_rc 0
expect_junit_valid "$G/out/junit.xml"
case_end

case_begin "sharded (2 and 3 shards) with an external scorer: the merged report is one run's"
# A scorer process of its own in the merge scores the merged samples as the
# one run's process did.
jq --arg s "$SC/sound.py" --arg py "$PY" '.model = {"command": [$py, $s], "timeout": 10}
    | .checks |= map(if .check == "adversarial_search" then .candidates = "out/attacks.jsonl" else . end)' \
    "$G/gate.json" >"$G/g.json"
sh "$ROOT/tests/shards/compare.sh" "$(dirname "$MGATE")" "$G/g.json" 2 3 >"$G/compare.out" 2>&1 ||
    fail "a sharded run differs from one run: $(grep -v 'no data_sha256' "$G/compare.out" | head -c 1500)"
case_end

case_begin "input_handling: a scorer that crashes on an empty field fails with the variant and its stderr"
ext_gate crash_on_empty input_handling
run_mgate run "$G/g.json"
expect_rc 1
expect_no_crash
expect_stdout_contains "(variant missing): the scorer broke"
expect_stdout_contains "exited with status 3"
expect_stdout_contains "empty field 'amount'"
expect_stdout_contains "rows.csv:"
case_end

case_begin "input_handling: a scorer that hangs on a 1 MB string fails after one timeout"
ext_gate hang_on_long input_handling
start=$(date +%s)
run_mgate run "$G/g.json"
took=$(( $(date +%s) - start ))
expect_rc 1
expect_stdout_contains "(variant long_string): the scorer broke"
expect_stdout_contains "no complete reply within 2 s"
[ "$took" -lt 30 ] || fail "took ${took}s: the check should stop after the first timeout"
case_end
fi

finish
