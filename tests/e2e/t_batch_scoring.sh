#!/bin/sh
# Issue 11: inside `mgate run` a native model scores rows in batches (256 at
# a time, from the runner's typed fields).  What the checks see must be what
# one row at a time gave: each unscorable row's own reason, and the scores
# `mgate score` writes.
. "$(dirname "$0")/lib.sh"

# 800 rows: the 200 of binary_clean.csv four times, with damage in one batch.
mkdir -p "$TMP/b"
cp "$ROOT/fixtures/models/xgb/binary_logistic/model.json" "$TMP/b/model.json"
awk -F, 'BEGIN { OFS = "," }
         NR == 1 { print; next }
         { rows[NR] = $0 }
         END { n = 0
               for (k = 0; k < 4; k++) for (i = 2; i <= 201; i++) {
                   n++; $0 = rows[i]
                   if (n == 299) $3 = "abc"      # line 300: age
                   if (n == 300) $4 = "x1"       # line 301: income
                   if (n == 301) $5 = ""         # line 302: score missing (scored)
                   print } }' "$ROOT/fixtures/models/data/binary_clean.csv" >"$TMP/b/data.csv"
cat >"$TMP/b/gate.json" <<'JSON'
{"name": "batch", "data": {"path": "data.csv", "label": "label"},
 "schema": {"age": {"type": "number"}, "income": {"type": "number"}, "visits": {"type": "integer"}},
 "model": "model.json",
 "checks": [{"check": "metric", "metric": "log_loss", "max": 10, "max_count": 5}]}
JSON

case_begin "issue 11: batched scoring in run names each unscorable row's own reason"
run_mgate run "$TMP/b/gate.json" --json "$TMP/b/r.json" --junit "$TMP/b/r.xml" --summary "$TMP/b/r.md"
expect_rc 0
expect_eq "$(jqr "$TMP/b/r.json" '.results[] | select(.name == "log_loss") | .examples[0]')" \
    "$TMP/b/data.csv:300: feature 'age': expected a number, found 'abc'" "first example"
expect_eq "$(jqr "$TMP/b/r.json" '.results[] | select(.name == "log_loss") | .examples[1]')" \
    "$TMP/b/data.csv:301: feature 'income': expected a number, found 'x1'" "second example"
expect_eq "$(jqr "$TMP/b/r.json" '.results[] | select(.name == "log_loss") | .examples | length')" 2 "examples"
case_end

case_begin "issue 11: batched scoring in run gives the scores mgate score gives, row for row"
run_mgate score "$TMP/b/model.json" "$TMP/b/data.csv" -o "$TMP/b/scores.csv"
expect_rc 1
# log_loss from mgate score's scores, over the rows it scored, as the run's check computes it.
want=$(awk -F, 'NR == FNR { if (FNR > 1) y[FNR] = $2; next }
               FNR > 1 && $2 != "" { p = $2 + 0; if (p < 1e-15) p = 1e-15; if (p > 1 - 1e-15) p = 1 - 1e-15
                                      s += y[FNR] ? -log(p) : -log(1 - p); n++ }
               END { printf "%.9f", s / n }' "$TMP/b/data.csv" "$TMP/b/scores.csv")
got=$(jqr "$TMP/b/r.json" '.results[] | select(.name == "log_loss") | .properties.value')
expect_near "$got" "$want" 1e-9 "log_loss from mgate score's scores"
case_end

case_begin "issue 11: a native model beside an external scorer with larger batches"
cp "$ROOT/fixtures/models/linear/logistic.json" "$TMP/b/logistic.json"
cat >"$TMP/b/gate2.json" <<JSON
{"name": "mixed", "data": {"path": "data.csv", "label": "label"},
 "model": "model.json",
 "baseline_model": {"command": ["/usr/bin/python3", "$ROOT/fixtures/models/scorers/logistic.py", "$TMP/b/logistic.json"],
                    "batch_size": 600},
 "checks": [{"check": "metric", "metric": "accuracy", "min": 0, "max_count": 10}, {"check": "champion"}]}
JSON
run_mgate run "$TMP/b/gate2.json" --json "$TMP/b/r2.json" --junit "$TMP/b/r2.xml" --summary "$TMP/b/r2.md"
expect_no_crash
expect_eq "$(jqr "$TMP/b/r2.json" '.results[] | select(.name == "accuracy") | .examples[0]')" \
    "$TMP/b/data.csv:300: feature 'age': expected a number, found 'abc'" "first example"
case_end

finish
