#!/bin/sh
# End-to-end: point a spec at this run's files (issue 10, item 3).
# ${NAME} / ${NAME:-default} in the spec come from the environment; --set
# KEY.PATH=VALUE changes the spec before it is validated; both for run,
# baseline and fixture, and the reports record them.  Paths from the
# environment resolve against the spec's folder, paths from --set against
# the current folder (where CI runs the command).  The ${VAR} run and the
# unset-variable error are golden cases: tests/golden/overrides-*.
. "$(dirname "$0")/lib.sh"

SRC="$ROOT/fixtures/adversarial"
G="$TMP/gate"
W="$TMP/work"   # the "CI checkout" the commands run in
mkdir -p "$G" "$W/build" "$W/eval"
cp "$SRC"/sound.json "$SRC"/rows.csv "$G"/
cp "$SRC"/sound.json "$W/build/model.json"
head -11 "$SRC/rows.csv" >"$W/eval/ten.csv"   # header + 10 rows
cat >"$G/gate.json" <<'JSON'
{"name": "ov", "data": {"path": "${EVAL_DATA:-rows.csv}", "id": "id", "label": "label"},
 "model": "${MODEL_PATH}",
 "checks": [{"check": "metric", "metric": "accuracy", "min": 0.5},
            {"check": "metric", "metric": "recall", "min": 0.5}],
 "reports": {"json": "out/report.json"}}
JSON
cat >"$G/fixtures.json" <<'JSON'
{"data": {"path": "rows.csv", "id": "id", "label": "label"}, "model": "${MODEL_PATH}",
 "checks": [{"check": "fixtures", "path": "cases/"}]}
JSON
unset EVAL_DATA MODEL_PATH
R="$G/out/report.json"

case_begin "run: a malformed reference is a spec error at its position"
sed 's/\${EVAL_DATA:-rows.csv}/${1X}/' "$G/gate.json" >"$G/bad.json"
MODEL_PATH=sound.json run_mgate run "$G/bad.json"
expect_rc 2
expect_stderr_contains "bad.json:1:33: data.path: malformed reference '\${1X}'"
case_end

case_begin "run: --set data.path and model.path, relative to the current folder, change what is read"
cd "$W" || exit 1
run_mgate run "$G/gate.json" --set data.path=eval/ten.csv --set model.path=build/model.json
cd "$ROOT" || exit 1
expect_rc 0
expect_stdout_contains "gate 'ov' on 'eval/ten.csv' (10 rows)"
expect_eq "$(jqr "$R" .facts.data_path)" "eval/ten.csv" "data path"
expect_eq "$(jqr "$R" .facts.model_path)" "build/model.json" "model path"
expect_eq "$(jqr "$R" .facts.rows_read)" 10 "rows"
expect_eq "$(jqr "$R" '.results[] | select(.check == "all_metrics") | .properties.n')" 10 "rows scored"
expect_eq "$(jqr "$R" '.facts.overrides | join(" ")')" "data.path=eval/ten.csv model.path=build/model.json" "overrides"
case_end

case_begin "run: a misspelt --set key is refused with a suggestion (exit 2)"
MODEL_PATH=sound.json run_mgate run "$G/gate.json" --set modle.path=build/model.json
expect_rc 2
expect_stderr_contains "mgate: error: --set modle.path=build/model.json: unknown key 'modle' in the gate spec; did you mean 'model'?"
MODEL_PATH=sound.json run_mgate run "$G/gate.json" --set 'checks[5].min=1'
expect_rc 2
expect_stderr_contains "--set checks[5].min=1: no element [5] in 'checks' (it has 2)"
case_end

case_begin "run: a --set JSON number is a number; a quoted one is a string and refused"
MODEL_PATH=sound.json run_mgate run "$G/gate.json" --set 'checks[0].min=0.99'
expect_rc 1
expect_stdout_contains "FAIL  metrics/accuracy: accuracy 0.933333 < min 0.99"
MODEL_PATH=sound.json run_mgate run "$G/gate.json" --set 'checks[0].min="0.99"'
expect_rc 2
expect_stderr_contains "--set checks[0].min=\"0.99\": expected a number, found a string"
run_mgate run "$G/gate.json" --set model.path
expect_rc 2
expect_stderr_contains "'--set' needs KEY.PATH=VALUE"
case_end

case_begin "baseline: --set and \${VAR}, recorded in the baseline's facts"
cd "$W" || exit 1
EVAL_DATA=rows.csv run_mgate baseline "$G/gate.json" -o "$TMP/base.json" --set model=build/model.json \
    --set data.path=eval/ten.csv
cd "$ROOT" || exit 1
expect_rc 0
expect_eq "$(jqr "$TMP/base.json" .facts.rows)" 10 "rows"
expect_eq "$(jqr "$TMP/base.json" .facts.model_path)" "build/model.json" "model path"
expect_eq "$(jqr "$TMP/base.json" '.facts.overrides | join(" ")')" "model=build/model.json data.path=eval/ten.csv" "overrides"
run_mgate baseline "$G/gate.json" -o "$TMP/base2.json"
expect_rc 2
expect_stderr_contains "gate.json:2:11: model: environment variable 'MODEL_PATH' is not set"
expect_no_file "$TMP/base2.json"
case_end

case_begin "fixture add and update take --set (and fail on an unset variable)"
cd "$W" || exit 1
run_mgate fixture add "$G/fixtures.json" --set model.path=build/model.json --json '{"amount": 800, "age": 25}' --id c1
expect_rc 0
expect_file "$G/cases/cases.jsonl"
run_mgate fixture update "$G/fixtures.json" --dry-run --set model.path=build/model.json
expect_rc 0
expect_stdout_contains "1 cases: no expectation changed"
MODEL_PATH=sound.json run_mgate fixture update "$G/fixtures.json" --set modle.path=x
expect_rc 2
expect_stderr_contains "--set modle.path=x: unknown key 'modle' in the gate spec; did you mean 'model'?"
run_mgate fixture add "$G/fixtures.json" --json '{"amount": 1}'
expect_rc 2
expect_stderr_contains "environment variable 'MODEL_PATH' is not set"
cd "$ROOT" || exit 1
case_end

finish
