#!/bin/sh
# Issue 11, target 2: `mgate run --threads N` gives the same reports, timings
# aside, for any N: on clean data, on data with every kind of damage, and
# with an external scorer beside a native model.
. "$(dirname "$0")/lib.sh"

# The JSON report without what changes from run to run (times, run id, host).
normalised() {
    jq -S 'del(.facts.run_id, .facts.started_at, .facts.seconds, .facts.hostname) | del(.results[].seconds)' "$1"
}

# same_for_threads NAME SPEC: runs SPEC with --threads 1, 2 and 4; the JSON
# reports and the Markdown summaries must be byte-identical once normalised.
same_for_threads() {
    for t in 1 2 4; do
        run_mgate run "$2" --threads "$t" --json "$TMP/$1-$t.json" --junit "$TMP/$1-$t.xml" --summary "$TMP/$1-$t.md"
        expect_no_crash
        echo "$RC" >"$TMP/$1-$t.rc"
        normalised "$TMP/$1-$t.json" >"$TMP/$1-$t.norm" || fail "--threads $t: no JSON report"
        sed -e 's/ · run [0-9a-f]* · started [^·]* · [0-9.]* s · / · run R · started S · T s · /' \
            -e 's/[0-9.]* s\b/T s/g' "$TMP/$1-$t.md" >"$TMP/$1-$t.mdn"
    done
    for t in 2 4; do
        cmp -s "$TMP/$1-1.rc" "$TMP/$1-$t.rc" || fail "--threads $t exits $(cat "$TMP/$1-$t.rc"), --threads 1 $(cat "$TMP/$1-1.rc")"
        cmp -s "$TMP/$1-1.norm" "$TMP/$1-$t.norm" ||
            fail "--threads $t: JSON differs: $(diff "$TMP/$1-1.norm" "$TMP/$1-$t.norm" | head -5)"
        cmp -s "$TMP/$1-1.mdn" "$TMP/$1-$t.mdn" || fail "--threads $t: summary differs"
    done
}

case_begin "issue 11: the demo gate (clean data) reports the same with --threads 1, 2 and 4"
same_for_threads demo "$ROOT/fixtures/demo/gate.json"
expect_eq "$(jqr "$TMP/demo-1.json" '.verdict')" passed "verdict"
case_end

# 12,000 rows (twelve read chunks, many score batches) with every kind of
# damage spread over them: malformed records, a field over the limit, short
# rows, wrong types, out-of-range and missing values, times out of order,
# duplicate ids, text in a model feature.
mkdir -p "$TMP/d"
cp "$ROOT/fixtures/models/xgb/binary_logistic/model.json" "$ROOT/fixtures/models/linear/logistic.json" "$TMP/d/"
awk -F, 'BEGIN { OFS = "," }
         NR == 1 { print $0 ",event_time"; next }
         { rows[NR - 1] = $0 }
         END { for (n = 1; n <= 12000; n++) {
                   $0 = rows[(n - 1) % 200 + 1]; $1 = n
                   t = sprintf("2026-01-01T%02d:%02d:%02dZ", int(n / 3600) % 24, int(n / 60) % 60, n % 60)
                   if (n % 997 == 0) $3 = "abc"                 # wrong type, unscorable
                   if (n % 1009 == 0) $4 = ""                   # missing
                   if (n % 1013 == 0) $7 = "-5"                 # out of range
                   if (n % 1019 == 0) t = "2025-12-31T00:00:00Z" # out of order
                   if (n % 1021 == 0) $1 = n - 1                # duplicate id
                   if (n % 2003 == 0) { print $0, t, "extra", "fields"; continue }  # too many fields
                   if (n % 3001 == 0) { print n ",0"; continue }             # short row
                   if (n % 4001 == 0) $10 = sprintf("%0300d", 1)             # over max_field_bytes
                   print $0, t } }' "$ROOT/fixtures/models/data/binary_clean.csv" >"$TMP/d/data.csv"
cat >"$TMP/d/gate.json" <<JSON
{"name": "damaged", "data": {"path": "data.csv", "id": "id", "label": "label", "time": "event_time"},
 "schema": {"id": {"type": "integer"}, "label": {"type": "integer", "values": [0, 1]},
            "age": {"type": "number"}, "income": {"type": "number", "min": 0},
            "visits": {"type": "integer", "min": 0}, "event_time": {"type": "timestamp"}},
 "limits": {"max_field_bytes": 200}, "reports": {"examples": 50},
 "model": "model.json",
 "baseline_model": {"command": ["/usr/bin/python3", "$ROOT/fixtures/models/scorers/logistic.py", "$TMP/d/logistic.json"],
                    "batch_size": 100},
 "checks": [{"check": "missing"}, {"check": "types"}, {"check": "ranges"}, {"check": "order"},
            {"check": "duplicates"}, {"check": "limits"}, {"check": "format"},
            {"check": "metric", "metric": "roc_auc", "min": 0.5, "max_count": 100},
            {"check": "metric", "metric": "log_loss", "max": 5, "max_count": 100},
            {"check": "champion"}]}
JSON

case_begin "issue 11: damaged data, a model and an external scorer report the same with --threads 1, 2 and 4"
same_for_threads damaged "$TMP/d/gate.json"
for c in missing types ranges order duplicates limits format; do
    n=$(jqr "$TMP/damaged-1.json" ".results[] | select(.name == \"$c\") | .properties.count")
    [ "${n:-0}" -gt 0 ] 2>/dev/null || fail "$c found nothing ($n): the damage did not reach it"
done
expect_eq "$(jqr "$TMP/damaged-1.json" '.results[] | select(.name == "roc_auc") | .examples[0]')" \
    "$TMP/d/data.csv:998: feature 'age': expected a number, found 'abc'" "first unscorable row"
case_end

case_begin "issue 11: --threads takes a whole number from 1 to 256"
run_mgate run "$TMP/d/gate.json" --threads 0
expect_rc 2
expect_stderr_contains "'--threads' expects a whole number from 1 to 256, found '0'"
run_mgate run "$TMP/d/gate.json" --threads
expect_rc 2
expect_stderr_contains "'--threads' needs a value"
case_end

finish
