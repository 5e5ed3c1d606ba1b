#!/bin/sh
# End-to-end: data.path as several files (issue 12, item 1): a glob or a list
# of part files reads as their concatenation (same counts, rates and metrics;
# examples and annotations name the part file and its line), a header that
# differs is a format failure naming both files, a glob that matches nothing
# is an input error naming the pattern; `mgate shards` (item 2's preview)
# lists ranges that tile a file exactly.
. "$(dirname "$0")/lib.sh"
DEMO="$ROOT/fixtures/demo/transactions.csv"

# The demo's 3002 rows as 3 part files (1000, 1000, 1002 rows), each with the header.
mkdir -p "$TMP/parts"
head -1 "$DEMO" >"$TMP/header"
{ cat "$TMP/header"; sed -n 2,1001p "$DEMO"; } >"$TMP/parts/part-0.csv"
{ cat "$TMP/header"; sed -n 1002,2001p "$DEMO"; } >"$TMP/parts/part-1.csv"
{ cat "$TMP/header"; sed -n '2002,$p' "$DEMO"; } >"$TMP/parts/part-2.csv"
cp "$DEMO" "$TMP/whole.csv"

# gate_for PATH_JSON: a gate over data.path PATH_JSON (a JSON string or list).
gate_for() {
    cat <<EOF2
{
  "name": "parts",
  "data": {"path": $1, "id": "transaction_id", "key": "customer_id", "time": "event_time",
           "label": "is_fraud", "prediction": "score"},
  "schema": {
    "transaction_id": {"type": "string", "max_length": 16},
    "event_time": {"type": "timestamp"},
    "amount": {"type": "number", "min": 0, "max": 100000},
    "country": {"type": "string", "max_length": 2},
    "card_present": {"type": "boolean"},
    "customer_age": {"type": "integer", "min": 18, "max": 120},
    "score": {"type": "number", "min": 0, "max": 1}
  },
  "checks": [
    {"check": "missing"}, {"check": "types"}, {"check": "ranges"}, {"check": "format"}, {"check": "limits"},
    {"check": "order", "allowed_lateness": "1h"}, {"check": "duplicates"},
    {"check": "metric", "metric": "roc_auc", "min": 0.5}, {"check": "metric", "metric": "log_loss", "max": 1},
    {"check": "metric", "metric": "recall", "min": 0.01, "threshold": 0.5}
  ]
}
EOF2
}
gate_for '"whole.csv"' >"$TMP/whole.json"
gate_for '"parts/part-*.csv"' >"$TMP/glob.json"
gate_for '["parts/part-0.csv", "parts/part-1.csv", "parts/part-2.csv"]' >"$TMP/list.json"

# What must not depend on how the data is cut into files.
verdicts() {
    jq -S '[.results[] | {name, status, message,
             properties: ((.properties // {}) | del(.worst_line, .worst_file)), examples_total}]' "$1"
}

run_mgate run "$TMP/whole.json" --json "$TMP/whole-report.json"
WHOLE_RC=$RC
verdicts "$TMP/whole-report.json" >"$TMP/whole.verdicts"

for form in glob list; do
    case_begin "$form of 3 part files: the same checks, counts, rates and metrics as their concatenation"
    run_mgate run "$TMP/$form.json" --json "$TMP/$form-report.json" --junit "$TMP/$form-junit.xml"
    expect_rc "$WHOLE_RC"
    verdicts "$TMP/$form-report.json" >"$TMP/$form.verdicts"
    cmp -s "$TMP/whole.verdicts" "$TMP/$form.verdicts" ||
        fail "results differ: $(diff "$TMP/whole.verdicts" "$TMP/$form.verdicts" | head -20)"
    expect_eq "$(jqr "$TMP/$form-report.json" .facts.rows_read)" 3002 "rows_read"
    expect_junit_valid "$TMP/$form-junit.xml"
    case_end
done

case_begin "part files: examples name the part file and its own line"
# whole.csv:2949 is the 948th row of part-2 (line 949 with its header).
expect_file_contains "$TMP/whole-report.json" "whole.csv:2949: amount: found '12,50'"
expect_file_contains "$TMP/glob-report.json" "parts/part-2.csv:949: amount: found '12,50'"
# Another row's line in a message names its file too.
expect_file_contains "$TMP/glob-report.json" "first seen at $TMP/parts/part-0.csv:319"
expect_file_contains "$TMP/glob-junit.xml" "parts/part-2.csv:949"
case_end

case_begin "part files: GitHub annotations point at the part file and line"
run_mgate run "$TMP/glob.json" --annotations github
expect_stdout_contains "part-2.csv,line=949"
case_end

case_begin "part files: data_sha256 is the SHA-256 of the files' SHA-256 lines, in order"
want=$(for f in 0 1 2; do sha256sum "$TMP/parts/part-$f.csv" | cut -d' ' -f1; done | sha256sum | cut -d' ' -f1)
expect_eq "$(jqr "$TMP/glob-report.json" .facts.data_sha256)" "$want" "data_sha256"
expect_eq "$(jqr "$TMP/glob-report.json" .facts.data_path)" "$TMP/parts/part-*.csv" "data_path"
case_end

case_begin "a part file whose header differs: a format failure naming both files and the column"
sed '1s/,country,/,land,/' "$TMP/parts/part-1.csv" >"$TMP/part-1.bad"
mkdir -p "$TMP/bad" && cp "$TMP/parts/part-0.csv" "$TMP/parts/part-2.csv" "$TMP/bad/" && cp "$TMP/part-1.bad" "$TMP/bad/part-1.csv"
gate_for '"bad/part-*.csv"' >"$TMP/bad.json"
run_mgate run "$TMP/bad.json" --json "$TMP/bad-report.json"
expect_rc 1
expect_eq "$(jqr "$TMP/bad-report.json" '.results[] | select(.name == "format") | .status')" failed "format status"
expect_file_contains "$TMP/bad-report.json" \
    "bad/part-1.csv:1: country: the header differs from '$TMP/bad/part-0.csv' at column 6: found 'land', expected 'country'"
# Its rows are not read: 2002 rows, not 3002.
expect_eq "$(jqr "$TMP/bad-report.json" .facts.rows_read)" 2002 "rows_read"
case_end

case_begin "a glob that matches nothing: an input error naming the pattern"
gate_for '"nothing/part-*.csv"' >"$TMP/none.json"
run_mgate run "$TMP/none.json"
expect_rc 2
expect_stderr_contains "'$TMP/nothing/part-*.csv': no file matches this data.path pattern"
case_end

case_begin "a file named twice: an input error, not rows counted twice"
gate_for '["parts/part-0.csv", "parts/part-*.csv"]' >"$TMP/twice.json"
run_mgate run "$TMP/twice.json"
expect_rc 2
expect_stderr_contains "names this file twice (entries 1 and 2)"
case_end

case_begin "an empty list in data.path: a spec error at the key"
gate_for '[]' >"$TMP/empty.json"
run_mgate run "$TMP/empty.json"
expect_rc 2
expect_stderr_contains "data.path"
expect_stderr_contains "non-empty list"
case_end

case_begin "mgate shards: whole files by size when there are enough files"
run_mgate shards "$TMP/glob.json" 2
expect_rc 0
expect_eq "$(grep -c 'whole' "$OUT_FILE")" 3 "whole files"
expect_eq "$(sed -n 1p "$OUT_FILE")" "shard 1/2:" "first line"
case_end

case_begin "mgate shards: the byte ranges of one file tile it exactly, cut after a newline"
for n in 2 3 7; do
    run_mgate shards "$TMP/whole.json" "$n"
    expect_rc 0
    : >"$TMP/tiled"
    grep ' bytes [0-9]*-[0-9]*$' "$OUT_FILE" | sed 's/.* bytes //' | while IFS=- read -r b e; do
        tail -c "+$((b + 1))" "$TMP/whole.csv" | head -c "$((e - b))" >>"$TMP/tiled"
        [ "$b" -eq 0 ] || [ "$(head -c "$b" "$TMP/whole.csv" | tail -c 1 | od -An -c | tr -d ' ')" = '\n' ] ||
            echo "cut at $b is not after a newline" >>"$TMP/cuts"
    done
    cmp -s "$TMP/tiled" "$TMP/whole.csv" || fail "$n shards: the ranges do not tile the file"
    expect_eq "$(grep -c '^shard' "$OUT_FILE")" "$n" "shards"
done
[ ! -s "$TMP/cuts" ] || fail "$(cat "$TMP/cuts")"
case_end

case_begin "mgate shards --check: a CSV with a quoted line break cannot be split by bytes"
{ echo 'id,text,label,score'; i=1; while [ $i -le 60 ]; do
    if [ $i -eq 30 ]; then printf '%d,"two\nlines",1,0.5\n' $i; else printf '%d,one,0,0.25\n' $i; fi
    i=$((i + 1)); done; } >"$TMP/quoted.csv"
printf '{"name": "q", "data": {"path": "quoted.csv", "label": "label", "prediction": "score"}}\n' >"$TMP/quoted.json"
run_mgate shards "$TMP/quoted.json" 3
expect_rc 0
run_mgate shards "$TMP/quoted.json" 3 --check
expect_rc 2
expect_stderr_contains "quoted.csv:31: a quoted field"
expect_stderr_contains "cannot be split into byte ranges for shards: split the data into several files"
run_mgate shards "$TMP/whole.json" 7 --check
expect_rc 0
run_mgate run "$TMP/quoted.json"
expect_rc 0
case_end

case_begin "mgate shards: a bad N is a usage error"
run_mgate shards "$TMP/whole.json" 0
expect_rc 2
expect_stderr_contains "expected a number of shards from 1 to 4096"
case_end

finish
