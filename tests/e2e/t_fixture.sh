#!/bin/sh
# End-to-end: `mgate fixture add|update` and the `fixtures` check: add cases
# from a data row and from JSON, fail after a model change with a diff per
# case, update with every change shown, pass again.  Nothing is written
# without being shown; --dry-run writes nothing.
. "$(dirname "$0")/lib.sh"

SRC="$ROOT/fixtures/adversarial"
G="$TMP/fx"
mkdir -p "$G"
cp "$SRC"/sound.json "$SRC"/nonmonotonic.json "$SRC"/rows.csv "$G"/
cat >"$G/gate.json" <<'JSON'
{"name": "fx", "data": {"path": "rows.csv", "id": "id", "label": "label"},
 "model": "sound.json",
 "checks": [{"check": "fixtures", "path": "cases/"}],
 "reports": {"json": "out/report.json"}}
JSON

case_begin "add from a data row records the model's current output and prints it"
run_mgate fixture add "$G/gate.json" --row "$G/rows.csv:5" --id r003 --note "ticket 7"
expect_rc 0
expect_stdout_contains "added case 'r003' to"
expect_stdout_contains '"input":{"amount":110.75,"age":48,"zip":5039}'
expect_file "$G/cases/cases.jsonl"
expect_eq "$(jq -r .expect.label "$G/cases/cases.jsonl")" 0 "recorded label"
expect_eq "$(jq -r .note "$G/cases/cases.jsonl")" "ticket 7" "note"
case_end

case_begin "add from JSON appends; a rejected input is recorded as a rejection"
run_mgate fixture add "$G/gate.json" --json '{"amount": 800, "age": 25}' --tag edge
expect_rc 0
expect_stdout_contains "added case 'case-2'"
run_mgate fixture add "$G/gate.json" --json '{"amount": "lots"}'
expect_rc 0
expect_stdout_contains "the model rejects this input"
expect_eq "$(wc -l <"$G/cases/cases.jsonl" | tr -d ' ')" 3 "case lines"
expect_eq "$(sed -n 3p "$G/cases/cases.jsonl" | jq -c .expect)" '{"reject":true}' "rejection"
case_end

case_begin "add refuses a duplicate id, a bad row reference and bad JSON, writing nothing"
cp "$G/cases/cases.jsonl" "$TMP/before.jsonl"
run_mgate fixture add "$G/gate.json" --json '{"amount": 1}' --id r003
expect_rc 2
expect_stderr_contains "a case with id 'r003' exists"
run_mgate fixture add "$G/gate.json" --row "$G/rows.csv:1"
expect_rc 2
expect_stderr_contains "no data row starts on that line"
run_mgate fixture add "$G/gate.json" --json '{"amount": '
expect_rc 2
expect_stderr_contains "--json:1:"
cmp -s "$TMP/before.jsonl" "$G/cases/cases.jsonl" || fail "the case file changed"
case_end

case_begin "the fixtures check passes with the model the cases were recorded with"
run_mgate run "$G/gate.json"
expect_rc 0
expect_eq "$(jqr "$G/out/report.json" '.results[] | select(.check=="fixtures") | .properties.cases')" 3 "cases"
case_end

jq '.model = "nonmonotonic.json"' "$G/gate.json" >"$G/gate2.json"

case_begin "after a model change the check fails with a diff per case"
run_mgate run "$G/gate2.json"
expect_rc 1
expect_stdout_contains "case 'r003': score 0.529"
expect_stdout_contains "expected 0.18287"
expect_stdout_contains "label 1, expected 0"
expect_stdout_contains "case 'case-2'"
case_end

case_begin "update --dry-run shows old -> new and writes nothing"
run_mgate fixture update "$G/gate2.json" --dry-run
expect_rc 0
expect_stdout_contains "case 'r003': {\"label\":0,\"score\":0.18287"
expect_stdout_contains "-> {\"label\":1,\"score\":0.529"
expect_stdout_contains "2 of 3 cases would change (dry run: nothing written)"
cmp -s "$TMP/before.jsonl" "$G/cases/cases.jsonl" || fail "dry run changed the case file"
case_end

case_begin "update shows the changes, rewrites only the changed lines, and the check passes again"
run_mgate fixture update "$G/gate2.json"
expect_rc 0
expect_stdout_contains "case 'case-2': {\"label\":1"
expect_stdout_contains "2 of 3 cases updated"
expect_eq "$(sed -n 3p "$G/cases/cases.jsonl")" "$(sed -n 3p "$TMP/before.jsonl")" "unchanged line kept verbatim"
expect_eq "$(sed -n 1p "$G/cases/cases.jsonl" | jq -r .note)" "ticket 7" "note kept"
run_mgate run "$G/gate2.json"
expect_rc 0
run_mgate fixture update "$G/gate2.json"
expect_rc 0
expect_stdout_contains "3 cases: no expectation changed"
case_end

case_begin "a broken case file is an error with its position"
printf '{"id": "x", "input": {"amount": 1}}\n{"id": "y", "input": \n' >"$G/cases/broken.jsonl"
run_mgate run "$G/gate.json"
expect_rc 1
expect_stdout_contains "ERROR fixtures/fixtures"
expect_stdout_contains "broken.jsonl:2:"
run_mgate fixture update "$G/gate.json"
expect_rc 2
expect_stderr_contains "broken.jsonl:2:"
rm "$G/cases/broken.jsonl"
case_end

case_begin "a gate without a fixtures check is a usage error"
jq '.checks = [{"check": "format"}]' "$G/gate.json" >"$G/nofx.json"
run_mgate fixture add "$G/nofx.json" --json '{"amount": 1}'
expect_rc 2
expect_stderr_contains "has no \"fixtures\" check"
run_mgate fixture frob "$G/gate.json"
expect_rc 2
case_end

finish
