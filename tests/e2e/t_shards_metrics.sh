#!/bin/sh
# Issue 12, item 4, for the metric checks: metric (every binary metric,
# slices by value and by bin, too many slices, against a champion with the
# paired bootstrap), all_metrics and champion, binary, regression and
# multiclass, give as 2, 3 and 7 shards merged the single run's JSON report
# bit for bit (tests/shards/compare.sh), for one file cut into byte ranges
# and for part files; and `run --threads` agrees.
. "$(dirname "$0")/lib.sh"

BUILD=$(dirname "$MGATE")

# The demo's transactions with a few holes: every 97th row has no score
# (unscored), every 89th no champion score, every 101st an unreadable label.
mkdir -p "$TMP/b" "$TMP/p"
awk -F, -v OFS=, 'NR > 1 && NR % 97 == 0 { $11 = "" }
                  NR > 1 && NR % 89 == 0 { $12 = "" }
                  NR > 1 && NR % 101 == 0 { $10 = "x" } { print }' \
    "$ROOT/fixtures/demo/transactions.csv" >"$TMP/b/t.csv"
# The same rows as three part files, each with the header.
awk -v dir="$TMP/p" 'NR == 1 { header = $0; next }
     { f = sprintf("%s/part-%d.csv", dir, int((NR - 2) / 1100)); if (!(f in seen)) { print header > f; seen[f] = 1 }
       print > f }' "$TMP/b/t.csv"
checks='"checks": [
  {"check": "metric", "metric": "roc_auc", "max_drop": 0.02, "significance": 0.05, "slice_by": "merchant_category",
   "min_slice_size": 10, "max_count": 100},
  {"check": "metric", "metric": "log_loss", "max_increase": 0.01, "resamples": 300, "slice_by": "customer_age",
   "slice_bins": [30, 50, 70], "max_count": 100},
  {"check": "metric", "metric": "average_precision", "max_drop": 0.05, "seed": 3, "resamples": 300, "max_count": 100},
  {"check": "metric", "metric": "brier", "max": 0.2, "resamples": 200, "slice_by": "country", "max_slices": 3},
  {"check": "metric", "metric": "ece", "max": 0.2, "resamples": 200, "max_count": 100},
  {"check": "metric", "metric": "f1", "min": 0.1, "threshold": 0.3, "resamples": 200, "max_count": 100},
  {"check": "champion"},
  {"check": "champion", "name": "champion-strict", "mode": "strict", "max_count": 3}]}'
data='"label": "is_fraud", "prediction": "score", "baseline_prediction": "champion_score"}'
echo "{\"data\": {\"path\": \"t.csv\", $data, $checks" >"$TMP/b/gate.json"
echo "{\"data\": {\"path\": \"part-*.csv\", $data, $checks" >"$TMP/p/gate.json"
M="$ROOT/fixtures/models"
cat >"$TMP/reg.json" <<JSON
{"data": {"path": "$M/data/regression_clean.csv", "label": "label"},
 "model": "$M/xgb/reg_squarederror/model.json", "baseline_model": "$M/linear/linear.json",
 "checks": [{"check": "metric", "metric": "r2", "max_drop": 5, "resamples": 200, "slice_by": "visits", "slice_bins": [3, 6]},
            {"check": "metric", "metric": "rmse", "max_increase": 100}, {"check": "metric", "metric": "mape", "max": 1000}]}
JSON
cat >"$TMP/mc.json" <<JSON
{"data": {"path": "$M/data/multiclass_clean.csv", "label": "label"},
 "model": "$M/xgb/multi_softprob/model.json", "baseline_model": "$M/xgb/multi_softprob/model.json",
 "checks": [{"check": "metric", "metric": "log_loss", "max_increase": 0.5, "resamples": 200},
            {"check": "metric", "metric": "f1_macro", "min": 0.1, "slice_by": "visits", "slice_bins": [3, 6]},
            {"check": "champion"}]}
JSON

# compared GATE: the sharded runs merge into the single run's report.
compared() {
    sh "$ROOT/tests/shards/compare.sh" "$BUILD" "$1" 2 3 7 >"$TMP/compare.out" 2>&1 ||
        fail "$(grep -v data_sha256 "$TMP/compare.out" | head -8)"
}

case_begin "issue 12: binary metrics, slices and the paired bootstrap merge exactly, one file in byte ranges"
run_mgate run "$TMP/b/gate.json" --set 'reports={}' --json "$TMP/b/one.json"
expect_rc 1
# Lines 2 to 3003: 30 multiples of 97, 33 of 89, 29 of 101, none shared.
expect_eq "$(jqr "$TMP/b/one.json" '.results[] | select(.name == "roc_auc") | .properties.unusable_rows')" 92 \
    "roc_auc's unusable rows (no score, no champion score, unreadable label)"
jqr "$TMP/b/one.json" '.results[] | select(.name == "log_loss") | .properties.ci_lower' | grep -q '^-\?0\.' ||
    fail "log_loss has no interval"
expect_stdout_contains "ERROR metrics/brier [country]: the slice column 'country' (slice_by) has 9 distinct values"
compared "$TMP/b/gate.json"
case_end

case_begin "issue 12: the same over part files (rows keyed by file and line)"
compared "$TMP/p/gate.json"
case_end

case_begin "issue 12: regression and multiclass metrics against a champion merge exactly"
compared "$TMP/reg.json"
compared "$TMP/mc.json"
case_end

case_begin "issue 12: run --threads 2 and 3 (split as shards) report what one thread does"
for t in 1 2 3; do
    run_mgate run "$TMP/b/gate.json" --threads "$t" --set 'reports={}' --json "$TMP/b/t$t.json"
    expect_rc 1
    python3 "$ROOT/tests/shards/normalise.py" "$TMP/b/t$t.json" >"$TMP/b/t$t.norm"
done
cmp -s "$TMP/b/t1.norm" "$TMP/b/t2.norm" || fail "--threads 2 differs: $(diff "$TMP/b/t1.norm" "$TMP/b/t2.norm" | head -4)"
cmp -s "$TMP/b/t1.norm" "$TMP/b/t3.norm" || fail "--threads 3 differs: $(diff "$TMP/b/t1.norm" "$TMP/b/t3.norm" | head -4)"
case_end

finish
