#!/bin/sh
# End-to-end: issue 8 (usability reports from a user), one block per item.
. "$(dirname "$0")/lib.sh"

M="$ROOT/fixtures/models"
mkdir -p "$TMP/g"
cp "$M/data/binary_clean.csv" "$TMP/g/data.csv"

# ---- item 10: --quiet prints no SKIP; slice_by on an id column ----------

cat >"$TMP/g/slices.json" <<JSON
{
  "name": "slices",
  "data": {"path": "data.csv", "label": "label", "id": "id"},
  "model": "$M/xgb/binary_logistic/model.json",
  "checks": [
    {"check": "metric", "metric": "roc_auc", "min": 0.5, "slice_by": "id"},
    {"check": "metric", "name": "few slices", "metric": "roc_auc", "slice_by": "id", "max_slices": 250}
  ],
  "reports": {"junit": "out/slices.xml", "json": "out/slices.json"}
}
JSON

case_begin "issue 8.10: slice_by over max_slices (default 100) is one error testcase, not 200"
run_mgate run "$TMP/g/slices.json"
expect_rc 1
J="$TMP/g/out/slices.xml"
expect_junit_valid "$J"
expect_eq "$(xpath "$J" 'count(//testcase[starts-with(@name, "roc_auc [id=")])')" "0" "per-value testcases"
expect_eq "$(xpath "$J" 'count(//testcase[@name="roc_auc [id]"]/error)')" "1" "one error testcase"
expect_stdout_contains "ERROR metrics/roc_auc [id]: the slice column 'id' (slice_by) has 200 distinct values, more than max_slices 100"
expect_eq "$(jqr "$TMP/g/out/slices.json" '.results[] | select(.name=="roc_auc [id]") | .properties.distinct_values')" "200" "distinct_values"
# max_slices raised: one testcase per value, each skipped (1 row < min_slice_size)
expect_eq "$(xpath "$J" 'count(//testcase[starts-with(@name, "few slices [id=")]/skipped)')" "200" "slices under max_slices"
case_end

case_begin "issue 8.10: --quiet prints failures, errors and the verdict, no SKIP or PASS"
run_mgate run "$TMP/g/slices.json" --quiet
expect_rc 1
grep -q '^SKIP' "$OUT_FILE" && fail "--quiet printed SKIP lines"
grep -q '^PASS' "$OUT_FILE" && fail "--quiet printed PASS lines"
expect_stdout_contains "ERROR metrics/roc_auc [id]"
expect_stdout_contains "gate FAILED"
case_end

case_begin "issue 8.10: max_slices needs slice_by and is at least 1"
printf '{"data": {"path": "data.csv", "label": "label"}, "model": "%s",\n "checks": [{"check": "metric", "metric": "roc_auc", "max_slices": 5},\n {"check": "metric", "name": "b", "metric": "roc_auc", "slice_by": "id", "max_slices": 0}]}\n' \
    "$M/xgb/binary_logistic/model.json" >"$TMP/g/ms.json"
run_mgate run "$TMP/g/ms.json"
expect_rc 2
expect_stderr_contains "ms.json:3:"
expect_stderr_contains "max_slices needs slice_by"
expect_stderr_contains "expected at least 1 slice"
case_end

# ---- item 8: a ';'-separated file read with ',' ---------------------------

tr ',' ';' <"$M/data/binary_clean.csv" >"$TMP/g/semi.csv"
sed 's/data.csv/semi.csv/' "$TMP/g/slices.json" >"$TMP/g/semi.json"

case_begin "issue 8.8: a one-column header holding ';' names data.delimiter, printed once"
run_mgate run "$TMP/g/semi.json"
expect_rc 2
expect_stderr_contains "mgate: error: $TMP/g/semi.csv:1: the header is one column 'id;label;age;income;score;tenure;visits;ratio;delta;z' holding ';'"
expect_stderr_contains "set \"data.delimiter\": \";\""
expect_eq "$(grep -c 'holding' "$ERR_FILE")" "1" "error lines on stderr"
expect_eq "$(grep -c 'holding' "$OUT_FILE")" "0" "error lines on stdout"
grep -q 'not in the data\|not found' "$OUT_FILE" "$ERR_FILE" && fail "per-row or per-feature errors printed"
expect_junit_valid "$TMP/g/out/slices.xml"
expect_eq "$(xpath "$TMP/g/out/slices.xml" 'count(//testcase/error)')" "1" "one error testcase in the report"
case_end

case_begin "issue 8.8: tab- and '|'-separated files get the hint; data.delimiter reads them"
tr ',' '|' <"$M/data/binary_clean.csv" >"$TMP/g/pipe.csv"
sed 's/data.csv/pipe.csv/' "$TMP/g/slices.json" >"$TMP/g/pipe.json"
run_mgate run "$TMP/g/pipe.json"
expect_rc 2
expect_stderr_contains "holding '|': the file looks '|'-separated; set \"data.delimiter\": \"|\""
tr ',' '\t' <"$M/data/binary_clean.csv" >"$TMP/g/tab.csv"
sed 's/data.csv/tab.csv/' "$TMP/g/slices.json" >"$TMP/g/tab.json"
run_mgate run "$TMP/g/tab.json"
expect_rc 2
expect_stderr_contains "set \"data.delimiter\": \"tab\""
sed 's/"path": "semi.csv"/"path": "semi.csv", "delimiter": ";"/' "$TMP/g/semi.json" >"$TMP/g/semi_ok.json"
run_mgate run "$TMP/g/semi_ok.json"
expect_rc 1
expect_stdout_contains "ERROR metrics/roc_auc [id]"
case_end

case_begin "issue 8.8: a model feature missing from the data is printed once (stderr)"
cut -d, -f1-3 "$M/data/binary_clean.csv" >"$TMP/g/narrow.csv"
sed 's/data.csv/narrow.csv/' "$TMP/g/slices.json" >"$TMP/g/narrow.json"
run_mgate run "$TMP/g/narrow.json"
expect_rc 2
expect_eq "$(grep -c 'model features not found' "$ERR_FILE")" "1" "on stderr"
expect_eq "$(grep -c 'model features not found' "$OUT_FILE")" "0" "on stdout"
case_end

# ---- item 9: fixture add --json with a field the model does not know ------

SRC="$ROOT/fixtures/adversarial"
mkdir -p "$TMP/fx"
cp "$SRC"/sound.json "$SRC"/rows.csv "$TMP/fx"/
cat >"$TMP/fx/gate.json" <<'JSON'
{"name": "fx", "data": {"path": "rows.csv", "id": "id", "label": "label"},
 "model": "sound.json",
 "checks": [{"check": "fixtures", "path": "cases/"}]}
JSON

case_begin "issue 8.9: fixture add --json with a misspelt field is an error with a suggestion"
run_mgate fixture add "$TMP/fx/gate.json" --json '{"amout": 1, "age": 30, "colour": "red"}'
expect_rc 2
expect_stderr_contains "mgate: error: --json: the model has no feature 'amout' (did you mean 'amount'?)"
expect_stderr_contains "mgate: error: --json: the model has no feature 'colour'; give --allow-unknown"
expect_no_file "$TMP/fx/cases/cases.jsonl"
case_end

case_begin "issue 8.9: --allow-unknown records the case; known fields need no flag"
run_mgate fixture add "$TMP/fx/gate.json" --json '{"amout": 1}' --allow-unknown
expect_rc 0
expect_eq "$(wc -l <"$TMP/fx/cases/cases.jsonl" | tr -d ' ')" 1 "case lines"
run_mgate fixture add "$TMP/fx/gate.json" --json '{"amount": 1, "age": 30, "zip": 5039}'
expect_rc 0
expect_eq "$(wc -l <"$TMP/fx/cases/cases.jsonl" | tr -d ' ')" 2 "case lines"
# a --row takes the model's features from a wider row: no error for its other columns
run_mgate fixture add "$TMP/fx/gate.json" --row "$TMP/fx/rows.csv:3"
expect_rc 0
case_end

# ---- item 6: a model without feature names binds by position -------------

U="$M/xgb/binary_unnamed/model.json"
# The same rows with the id and label columns last: position i is feature i.
cut -d, -f3- "$M/data/binary_clean.csv" >"$TMP/g/feat.csv"
cut -d, -f1,2 "$M/data/binary_clean.csv" | paste -d, "$TMP/g/feat.csv" - >"$TMP/g/last.csv"
unnamed_gate() { # FILE DATA [MODEL-EXTRA]
    cat >"$TMP/g/$1" <<JSON
{
  "name": "unnamed",
  "data": {"path": "$2", "label": "label", "id": "id"},
  "model": {"path": "$U"$3},
  "checks": [{"check": "metric", "metric": "roc_auc", "min": 0.5}],
  "reports": {"junit": "out/$1.xml", "json": "out/$1.report.json", "summary": "out/$1.md"}
}
JSON
}

case_begin "issue 8.6: positional binding onto the id and label columns is refused (exit 2)"
unnamed_gate pos_id.json data.csv
run_mgate run "$TMP/g/pos_id.json"
expect_rc 2
expect_stderr_contains "names no features, so they bind by position, and f0 would read the id column 'id' (data.id), f1 would read the label column 'label' (data.label)"
expect_stderr_contains '"model": {"features": [...]}'
expect_stderr_contains "(the binding: f0 -> id, f1 -> label, f2 -> age,"
expect_eq "$(jqr "$TMP/g/out/pos_id.json.report.json" '.summary.errors')" "1" "error testcase"
case_end

case_begin "issue 8.6: positional binding is shown once on stderr and in the JSON, JUnit and Markdown reports"
unnamed_gate pos.json last.csv
run_mgate run "$TMP/g/pos.json"
expect_rc 0
want="f0 -> age, f1 -> income, f2 -> score, f3 -> tenure, f4 -> visits, f5 -> ratio, f6 -> delta, f7 -> z"
expect_eq "$(grep -c 'mgate: warning: the model names no features: bound by position' "$ERR_FILE")" "1" "warnings on stderr"
expect_stderr_contains "bound by position: $want;"
expect_eq "$(jqr "$TMP/g/out/pos.json.report.json" '.facts.model_binding')" "$want" "JSON fact"
expect_junit_valid "$TMP/g/out/pos.json.xml"
expect_eq "$(xpath "$TMP/g/out/pos.json.xml" 'string((//property[@name="model_binding"])[1]/@value)')" "$want" "JUnit property"
expect_file_contains "$TMP/g/out/pos.json.md" "> **Warning:** the model names no features: bound by position: f0 -\> age, f1 -\> income"
auc_pos=$(jqr "$TMP/g/out/pos.json.report.json" '.results[] | select(.name=="roc_auc") | .properties.value')
case_end

case_begin "issue 8.6: model.features names the columns: no warning, same scores as the positional run"
if [ -z "${auc_pos:-}" ]; then  # the case above did not run: its positional run
    unnamed_gate pos.json last.csv
    run_mgate run "$TMP/g/pos.json"
    auc_pos=$(jqr "$TMP/g/out/pos.json.report.json" '.results[] | select(.name=="roc_auc") | .properties.value')
fi
unnamed_gate named.json data.csv ', "features": ["age", "income", "score", "tenure", "visits", "ratio", "delta", "z"]'
run_mgate run "$TMP/g/named.json"
expect_rc 0
grep -q 'warning' "$ERR_FILE" && fail "a warning with model.features"
R="$TMP/g/out/named.json.report.json"
expect_eq "$(jqr "$R" '.facts.model_binding')" "null" "no binding fact"
expect_eq "$(jqr "$R" '.results[] | select(.name=="roc_auc") | .properties.value')" "$auc_pos" "roc_auc"
# and the scores are the reference library's: mgate score on the reordered data
run_mgate score "$U" "$TMP/g/last.csv" -o "$TMP/g/pred.csv"
expect_rc 0
expect_stderr_contains "mgate: warning: the model names no features: bound by position: f0 -> age,"
# (the reference: xgboost's predictions, one per line, no header)
tail -n +2 "$TMP/g/pred.csv" | cut -d, -f2 | paste -d, - "$M/xgb/binary_unnamed/pred_clean.csv" >"$TMP/g/both.csv"
expect_eq "$(wc -l <"$TMP/g/both.csv" | tr -d ' ')" "200" "scored rows"
expect_eq "$(awk -F, '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-6) n++ } END { print n + 0 }' "$TMP/g/both.csv")" "0" "rows off xgboost's"
case_end

case_begin "issue 8.6: model.features is checked: count, columns (with a suggestion), kinds"
unnamed_gate few.json data.csv ', "features": ["age", "income"]'
run_mgate run "$TMP/g/few.json"
expect_rc 2
expect_stderr_contains "few.json:4:"
expect_stderr_contains "model.features: 2 columns named for the 8 features of '$U'"
unnamed_gate typo.json data.csv ', "features": ["age", "incme", "score", "tenure", "visits", "ratio", "delta", "z"]'
run_mgate run "$TMP/g/typo.json"
expect_rc 2
expect_stderr_contains "typo.json:4:"
expect_stderr_contains "model.features[1]: 'incme' is not a column of '$TMP/g/data.csv'; did you mean 'income'?"
unnamed_gate kinds.json data.csv ', "features": ["age", 3, "age"]'
run_mgate run "$TMP/g/kinds.json"
expect_rc 2
expect_stderr_contains "model.features[1]: expected a column name, found a number"
expect_stderr_contains "model.features[2]: column 'age' is named twice"
case_end

case_begin "issue 8.6: columns named f0, f1, ... bind by name: no warning"
sed '1s/.*/f0,f1,f2,f3,f4,f5,f6,f7,id,label/' "$TMP/g/last.csv" >"$TMP/g/fnames.csv"
unnamed_gate fnames.json fnames.csv
run_mgate run "$TMP/g/fnames.json"
expect_rc 0
grep -q 'warning' "$ERR_FILE" && fail "a warning for f<i> columns"
case_end

finish
