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
expect_eq "$(wc -l <"$OUT_FILE" | tr -d ' ')" "3" "lines printed"
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

finish
