#!/bin/sh
# End-to-end: the accuracy gate.  Metric values against scikit-learn's
# (fixtures/demo/reference_metrics.json, written by reference_metrics.py),
# baselines, and champion vs challenger.
. "$(dirname "$0")/lib.sh"

DEMO="$ROOT/fixtures/demo"
cp "$DEMO/transactions.csv" "$TMP/t.csv"
REF="$DEMO/reference_metrics.json"

case_begin "every binary metric equals scikit-learn's to 1e-9"
cat >"$TMP/m.json" <<'JSON'
{"data": {"path": "t.csv", "label": "is_fraud", "prediction": "score"},
 "checks": [{"check": "metric", "metric": "roc_auc", "min": 0.5}]}
JSON
run_mgate run "$TMP/m.json" --json "$TMP/m-report.json"
expect_rc 0
for m in accuracy balanced_accuracy precision recall f1 roc_auc average_precision log_loss brier; do
    got=$(jqr "$TMP/m-report.json" ".results[] | select(.name==\"all_metrics\") | .properties[\"metric.$m\"]")
    want=$(jqr "$REF" ".metrics.$m")
    expect_near "$got" "$want" 1e-9 "$m"
done
for k in tn fp fn tp; do
    expect_eq "$(jqr "$TMP/m-report.json" ".results[] | select(.name==\"all_metrics\") | .properties[\"confusion.$k\"]")" \
        "$(jqr "$REF" ".confusion.$k")" "confusion $k"
done
case_end

case_begin "a label column not in the data is an error testcase, not a crash"
printf '{"data": {"path": "t.csv", "label": "no_such", "prediction": "score"}, "checks": [{"check": "metric", "metric": "roc_auc"}]}\n' >"$TMP/nolabel.json"
run_mgate run "$TMP/nolabel.json" --junit "$TMP/nolabel.xml"
expect_rc 1
expect_stdout_contains "ERROR metrics/roc_auc: the label column 'no_such' (data.label) is not in"
expect_junit_valid "$TMP/nolabel.xml"
case_end

# A challenger whose scores are inverted on every third row: a real regression.
awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0 ",bad"; next } { print $0 "," ((NR % 3 == 0) ? 1 - $11 : $11) }' \
    "$DEMO/transactions.csv" >"$TMP/cc.csv"

case_begin "champion vs challenger: a real regression fails, significantly"
cat >"$TMP/cc.json" <<'JSON'
{"data": {"path": "cc.csv", "label": "is_fraud", "prediction": "bad", "baseline_prediction": "score"},
 "checks": [{"check": "metric", "metric": "roc_auc", "max_drop": 0.01, "significance": 0.05, "seed": 3},
            {"check": "champion", "significance": 0.05}]}
JSON
run_mgate run "$TMP/cc.json" --json "$TMP/cc-report.json" --junit "$TMP/cc.xml"
expect_rc 1
expect_stdout_contains "95% CI of drop ["
expect_junit_valid "$TMP/cc.xml"
lo=$(jqr "$TMP/cc-report.json" '.results[] | select(.name=="roc_auc") | .properties.ci_upper')
awk -v u="$lo" 'BEGIN { exit !(u < 0) }' || fail "the interval of the difference should exclude 0 (upper $lo)"
expect_eq "$(jqr "$TMP/cc-report.json" '.results[] | select(.name=="champion") | .status')" "failed" "champion check"
r2w=$(jqr "$TMP/cc-report.json" '.results[] | select(.name=="champion") | .properties.right_to_wrong')
[ "${r2w:-0}" -gt 100 ] || fail "right-to-wrong flips: $r2w"
case_end

case_begin "champion vs challenger: a drop within noise on a small set passes with its interval"
head -n 301 "$TMP/cc.csv" >"$TMP/small.csv"
cat >"$TMP/small.json" <<'JSON'
{"data": {"path": "small.csv", "label": "is_fraud", "prediction": "score", "baseline_prediction": "champion_score"},
 "checks": [{"check": "metric", "metric": "roc_auc", "max_drop": 0.001, "significance": 0.05, "resamples": 500},
            {"check": "champion", "significance": 0.05}]}
JSON
run_mgate run "$TMP/small.json" --json "$TMP/small-report.json"
expect_rc 0
expect_stdout_contains "but not significant at 0.05"
expect_eq "$(jqr "$TMP/small-report.json" '.results[] | select(.name=="roc_auc") | .properties.resamples')" "500" "resamples"
# The same drop without significance fails: the option is what keeps small sets from flaking.
sed 's/, "significance": 0.05, "resamples": 500//' "$TMP/small.json" >"$TMP/small-strict.json"
run_mgate run "$TMP/small-strict.json"
expect_rc 1
# Reproducible: the same seed gives the same interval.
run_mgate run "$TMP/small.json" --json "$TMP/small-report2.json"
expect_eq "$(jqr "$TMP/small-report2.json" '.results[] | select(.name=="roc_auc") | .properties.ci_lower')" \
    "$(jqr "$TMP/small-report.json" '.results[] | select(.name=="roc_auc") | .properties.ci_lower')" "seeded interval"
case_end

# Issue 8 item 11: with no tolerance the champion check failed on a single
# right-to-wrong flip, so a far better retrained model failed too.
case_begin "issue 8.11: champion by default: a better candidate with many flips passes, a worse one fails"
cat >"$TMP/better.json" <<'JSON'
{"data": {"path": "cc.csv", "label": "is_fraud", "prediction": "score", "baseline_prediction": "bad"},
 "checks": [{"check": "champion"}]}
JSON
run_mgate run "$TMP/better.json" --json "$TMP/better-report.json"
expect_rc 0
champ='.results[] | select(.name=="champion")'
expect_eq "$(jqr "$TMP/better-report.json" "$champ | .status")" "passed" "better candidate, default mode"
expect_eq "$(jqr "$TMP/better-report.json" "$champ | .properties.mode")" "mcnemar" "default mode"
expect_eq "$(jqr "$TMP/better-report.json" "$champ | .properties.significance")" "0.05" "default significance"
expect_eq "$(jqr "$TMP/better-report.json" "$champ | .properties.bound_option")" "significance" "bound_option"
r2w=$(jqr "$TMP/better-report.json" "$champ | .properties.right_to_wrong")
w2r=$(jqr "$TMP/better-report.json" "$champ | .properties.wrong_to_right")
[ "${r2w:-0}" -gt 20 ] || fail "the better candidate should still flip many rows right-to-wrong: $r2w"
[ "${w2r:-0}" -gt $((r2w * 5)) ] || fail "and far more wrong-to-right: $w2r vs $r2w"
expect_stdout_contains "McNemar p = "
expect_stdout_contains "(significantly better at 0.05)"
# The strict form stays: explicitly, or implied by a tolerance on the flips.
sed 's/{"check": "champion"}/{"check": "champion", "mode": "strict"}/' "$TMP/better.json" >"$TMP/better-strict.json"
run_mgate run "$TMP/better-strict.json" --json "$TMP/better-strict-report.json"
expect_rc 1
expect_eq "$(jqr "$TMP/better-strict-report.json" "$champ | .properties.mode")" "strict" "strict mode"
expect_eq "$(jqr "$TMP/better-strict-report.json" "$champ | .properties.bound_option")" "max_count" "strict bound"
expect_stdout_contains "rows flipped from right to wrong"
sed 's/{"check": "champion"}/{"check": "champion", "max_count": 5}/' "$TMP/better.json" >"$TMP/better-count.json"
run_mgate run "$TMP/better-count.json"
expect_rc 1
sed 's/{"check": "champion"}/{"check": "champion", "max_rate": 0.5}/' "$TMP/better.json" >"$TMP/better-rate.json"
run_mgate run "$TMP/better-rate.json"
expect_rc 0
# A clearly worse candidate fails by default.
cat >"$TMP/worse.json" <<'JSON'
{"data": {"path": "cc.csv", "label": "is_fraud", "prediction": "bad", "baseline_prediction": "score"},
 "checks": [{"check": "champion"}]}
JSON
run_mgate run "$TMP/worse.json" --json "$TMP/worse-report.json"
expect_rc 1
expect_eq "$(jqr "$TMP/worse-report.json" "$champ | .status")" "failed" "worse candidate, default mode"
expect_stdout_contains "(significantly worse at 0.05)"
# confidence is the other way to set the level; a wrong mode is a spec error.
sed 's/{"check": "champion"}/{"check": "champion", "confidence": 0.99}/' "$TMP/worse.json" >"$TMP/worse-conf.json"
run_mgate run "$TMP/worse-conf.json" --json "$TMP/worse-conf-report.json"
expect_rc 1
expect_near "$(jqr "$TMP/worse-conf-report.json" "$champ | .properties.significance")" 0.01 1e-12 "significance from confidence"
sed 's/{"check": "champion"}/{"check": "champion", "mode": "lenient"}/' "$TMP/worse.json" >"$TMP/bad-mode.json"
run_mgate run "$TMP/bad-mode.json"
expect_rc 2
expect_stderr_contains "checks[0].mode: expected \"mcnemar\""
sed 's/{"check": "champion"}/{"check": "champion", "mode": "mcnemar", "max_count": 3}/' "$TMP/worse.json" >"$TMP/bad-mix.json"
run_mgate run "$TMP/bad-mix.json"
expect_rc 2
expect_stderr_contains "in mode \"strict\""
case_end

case_begin "slices: roc_auc per country equals scikit-learn's; a weak slice fails, a small one is not judged"
cp "$DEMO/transactions.csv" "$TMP/t.csv"
cat >"$TMP/sl.json" <<'JSON'
{"data": {"path": "t.csv", "label": "is_fraud", "prediction": "score"},
 "checks": [{"check": "metric", "metric": "roc_auc", "slice_by": "country", "slice_min": 0.82, "min_slice_size": 100}]}
JSON
run_mgate run "$TMP/sl.json" --json "$TMP/sl-report.json" --junit "$TMP/sl.xml"
expect_rc 1
expect_junit_valid "$TMP/sl.xml"
for c in CH DE ES FR GB IT NL US; do
    got=$(jqr "$TMP/sl-report.json" ".results[] | select(.name==\"roc_auc [country=$c]\") | .properties.value")
    expect_near "$got" "$(jqr "$REF" ".roc_auc_by_country.$c")" 1e-9 "roc_auc for $c"
done
expect_eq "$(jqr "$TMP/sl-report.json" '.results[] | select(.name=="roc_auc [country=FR]") | .status')" "failed" "FR slice"
expect_eq "$(jqr "$TMP/sl-report.json" '.results[] | select(.name=="roc_auc [country=FR]") | .properties | "\(.bound_option) \(.bound) \(.decision_threshold)"')" \
    "slice_min 0.82 0.5" "FR slice bound and decision threshold"
expect_stdout_contains "roc_auc 0.803993 < min 0.82 on the 376 rows where country is FR"
expect_eq "$(jqr "$TMP/sl-report.json" '.results[] | select(.name=="roc_auc [country=(missing)]") | .status')" "skipped" "small slice"
expect_eq "$(xpath "$TMP/sl.xml" 'count(//testcase[@name="roc_auc [country=(missing)]"]/skipped)')" "1" "skipped in JUnit"
case_end

# Issue 8, item 2: 'mgate baseline' writes the file the spec names without
# needing it, and refreshes it after the data changed.
case_begin "issue 8.2: mgate baseline creates the spec's absent baseline, then refreshes it on new data"
mkdir -p "$TMP/b2" && cp "$DEMO/transactions.csv" "$TMP/b2/t.csv"
cat >"$TMP/b2/gate.json" <<'JSON'
{"data": {"path": "t.csv", "label": "is_fraud", "prediction": "score"}, "baseline": "base.json",
 "checks": [{"check": "metric", "metric": "roc_auc", "max_drop": 0.0}]}
JSON
run_mgate baseline "$TMP/b2/gate.json"
expect_rc 0
expect_file "$TMP/b2/base.json"
expect_stdout_contains "written to $TMP/b2/base.json"
run_mgate run "$TMP/b2/gate.json" --json "$TMP/b2/report.json"
expect_rc 0
expect_near "$(jqr "$TMP/b2/report.json" '.results[] | select(.name=="roc_auc") | .properties.baseline')" \
    "$(jqr "$TMP/b2/base.json" '.metrics.roc_auc')" 1e-12 "baseline used by run"
# The data changes: run refuses the stale baseline, baseline rewrites it.
head -n 2000 "$DEMO/transactions.csv" >"$TMP/b2/t.csv"
run_mgate run "$TMP/b2/gate.json"
expect_rc 2
run_mgate baseline "$TMP/b2/gate.json" -o "$TMP/b2/base.json"
expect_rc 0
expect_stdout_contains "replacing $TMP/b2/base.json:"
expect_eq "$(jqr "$TMP/b2/base.json" '.facts.data_sha256')" "$(sha256sum "$TMP/b2/t.csv" | cut -d' ' -f1)" "refreshed sha"
expect_eq "$(jqr "$TMP/b2/base.json" '.facts.rows')" "1999" "refreshed rows"
run_mgate run "$TMP/b2/gate.json"
expect_rc 0
# An unreadable old baseline is simply replaced; no output named is a usage error.
echo 'not json' >"$TMP/b2/base.json"
run_mgate baseline "$TMP/b2/gate.json"
expect_rc 0
expect_eq "$(jqr "$TMP/b2/base.json" '.facts.rows')" "1999" "rewritten over garbage"
printf '{"data": {"path": "t.csv", "label": "is_fraud", "prediction": "score"}}\n' >"$TMP/b2/nobase.json"
run_mgate baseline "$TMP/b2/nobase.json"
expect_rc 2
expect_stderr_contains "names no \"baseline\" to write; give the file with '-o baseline.json'"
case_end

# Issue 8, item 3: the task of scores from a prediction column.
cp "$ROOT/fixtures/metrics/regression_offset.csv" "$TMP/reg.csv"
REGREF="$ROOT/fixtures/metrics/reference.json"
case_begin "issue 8.3: mgate baseline honours all_metrics' task and data.task, as run does"
cat >"$TMP/reg-all.json" <<'JSON'
{"data": {"path": "reg.csv", "label": "target", "prediction": "prediction"},
 "checks": [{"check": "all_metrics", "task": "regression"}]}
JSON
run_mgate baseline "$TMP/reg-all.json" -o "$TMP/reg-base.json"
expect_rc 0
expect_eq "$(jqr "$TMP/reg-base.json" '.facts.task')" "regression" "baseline task"
expect_eq "$(jqr "$TMP/reg-base.json" '.metrics | keys | join(",")')" "mae,mape,max_error,r2,rmse" "regression metrics"
want=$(jqr "$REGREF" '.datasets.regression_offset.metrics.rmse')
expect_near "$(jqr "$TMP/reg-base.json" '.metrics.rmse')" "$want" 1e-9 "rmse against scikit-learn"
printf '{"data": {"path": "reg.csv", "label": "target", "prediction": "prediction", "task": "regression"}}\n' >"$TMP/reg-task.json"
run_mgate baseline "$TMP/reg-task.json" -o "$TMP/reg-base2.json"
expect_rc 0
expect_eq "$(jqr "$TMP/reg-base2.json" '.metrics | length')" "5" "data.task regression"
# Nothing says the task: the error says to set data.task.
printf '{"data": {"path": "reg.csv", "label": "target", "prediction": "prediction"}}\n' >"$TMP/reg-none.json"
run_mgate baseline "$TMP/reg-none.json" -o "$TMP/reg-base3.json"
expect_rc 2
expect_stderr_contains 'set "data.task" to "binary", "multiclass" or "regression"'
case_end

case_begin "issue 8.3: rmse/r2 checks make the task regression for the implicit all_metrics too"
cat >"$TMP/reg-run.json" <<'JSON'
{"data": {"path": "reg.csv", "label": "target", "prediction": "prediction"},
 "checks": [{"check": "metric", "metric": "rmse", "max": 100}, {"check": "metric", "metric": "r2", "min": 0}]}
JSON
run_mgate run "$TMP/reg-run.json" --json "$TMP/reg-run-report.json"
expect_rc 0
expect_eq "$(jqr "$TMP/reg-run-report.json" '.results[] | select(.name=="all_metrics") | .properties.task')" "regression" "task"
expect_eq "$(jqr "$TMP/reg-run-report.json" '.results[] | select(.name=="all_metrics") | .status')" "passed" "all_metrics"
run_mgate baseline "$TMP/reg-run.json" -o "$TMP/reg-base4.json"
expect_rc 0
expect_eq "$(jqr "$TMP/reg-base4.json" '.facts.task')" "regression" "baseline on the same spec"
# Checks of two tasks, or against data.task, are spec errors at the check.
printf '{"data": {"path": "reg.csv", "label": "target", "prediction": "prediction"},\n "checks": [{"check": "metric", "metric": "rmse"},\n            {"check": "metric", "metric": "roc_auc"}]}\n' >"$TMP/reg-mixed.json"
run_mgate run "$TMP/reg-mixed.json"
expect_rc 2
expect_stderr_contains "reg-mixed.json:3:43: checks[1].metric: 'roc_auc' is a binary metric, but metric 'rmse' makes the task regression"
printf '{"data": {"path": "reg.csv", "label": "target", "prediction": "prediction", "task": "binary"},\n "checks": [{"check": "metric", "metric": "r2"}]}\n' >"$TMP/reg-vs.json"
run_mgate run "$TMP/reg-vs.json"
expect_rc 2
expect_stderr_contains "checks[0].metric: 'r2' is a regression metric, but data.task is 'binary'"
# f1_macro makes the task multiclass, which one score per row cannot be.
printf '{"data": {"path": "t.csv", "label": "is_fraud", "prediction": "score"},\n "checks": [{"check": "metric", "metric": "f1_macro"}]}\n' >"$TMP/mc-col.json"
run_mgate run "$TMP/mc-col.json"
expect_rc 1
expect_stdout_contains "ERROR metrics/all_metrics: multiclass metrics need class probabilities; column 'score' gives one score per row"
# A model's own task must agree with data.task.
cp "$ROOT/fixtures/models/xgb/reg_squarederror/model.json" "$TMP/reg-model.json"
cp "$ROOT/fixtures/models/data/regression_clean.csv" "$TMP/reg-clean.csv"
printf '{"data": {"path": "reg-clean.csv", "label": "label", "task": "binary"}, "model": "reg-model.json",\n "checks": [{"check": "metric", "metric": "accuracy"}]}\n' >"$TMP/reg-model-task.json"
run_mgate run "$TMP/reg-model-task.json"
expect_rc 2
expect_stderr_contains "is a regression model, but data.task is 'binary'"
case_end

# Issue 8, item 4: max_count / max_rate on metric checks bound unusable rows.
head -n 229 "$DEMO/transactions.csv" | awk -F, 'BEGIN { OFS = "," } NR == 5 || NR == 9 { $10 = "" } { print }' >"$TMP/u.csv"
case_begin "issue 8.4: max_count on a metric check tolerates 2 unusable rows in 228, and both figures are reported"
cat >"$TMP/u.json" <<'JSON'
{"data": {"path": "u.csv", "label": "is_fraud", "prediction": "score"},
 "checks": [{"check": "metric", "metric": "roc_auc", "min": 0.5, "max_count": 5}]}
JSON
run_mgate run "$TMP/u.json" --json "$TMP/u-report.json" --junit "$TMP/u.xml"
expect_rc 0
expect_stdout_contains "PASS  metrics/roc_auc: 2 rows had no usable label or score (rate 0.008772 of 228), within max_count 5; roc_auc"
expect_junit_valid "$TMP/u.xml"
expect_eq "$(jqr "$TMP/u-report.json" '.results[] | select(.name=="roc_auc") | .properties.unusable_rows')" "2" "unusable"
expect_eq "$(jqr "$TMP/u-report.json" '.results[] | select(.name=="roc_auc") | .properties.n')" "226" "n"
expect_eq "$(jqr "$TMP/u-report.json" '.results[] | select(.name=="roc_auc") | .properties.max_count')" "5" "max_count"
sed 's/"max_count": 5/"max_count": 1/' "$TMP/u.json" >"$TMP/u1.json"
run_mgate run "$TMP/u1.json"
expect_rc 1
expect_stdout_contains "FAIL  metrics/roc_auc: 2 rows had no usable label or score (rate 0.008772 of 228), over max_count 1"
expect_stdout_contains "u.csv:5: is_fraud: found an empty field"
sed 's/"max_count": 5/"max_rate": 0.01/' "$TMP/u.json" >"$TMP/u2.json"
run_mgate run "$TMP/u2.json"
expect_rc 0
sed 's/"max_count": 5/"max_rate": 0.005/' "$TMP/u.json" >"$TMP/u3.json"
run_mgate run "$TMP/u3.json"
expect_rc 1
# all_metrics judges nothing: a tolerance on it is refused where it is written.
printf '{"data": {"path": "u.csv", "label": "is_fraud", "prediction": "score"},\n "checks": [{"check": "all_metrics", "max_count": 5}]}\n' >"$TMP/u4.json"
run_mgate run "$TMP/u4.json"
expect_rc 2
expect_stderr_contains "u4.json:2:51: checks[0].max_count: all_metrics reports figures without judging them"
case_end

# Issue 8, item 7: text labels.
/usr/bin/python3 - "$DEMO/transactions.csv" "$TMP/yn.csv" <<'PY' 2>/dev/null || awk -F, 'BEGIN { OFS = "," } NR > 1 && NF == 12 { $10 = ($10 == 1 ? "yes" : "no") } { print }' "$DEMO/transactions.csv" >"$TMP/yn.csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(rows[0])
    for r in rows[1:]:
        r[9] = "yes" if r[9] == "1" else "no"
        w.writerow(r)
PY
case_begin "issue 8.7: yes/no labels name the labels and data.positive_label; with it, metrics equal scikit-learn's"
cat >"$TMP/yn.json" <<'JSON'
{"data": {"path": "yn.csv", "label": "is_fraud", "prediction": "score"},
 "checks": [{"check": "metric", "metric": "roc_auc", "min": 0.5}]}
JSON
run_mgate run "$TMP/yn.json" --json "$TMP/yn-report.json"
expect_rc 1
expect_stdout_contains "ERROR metrics/roc_auc: roc_auc cannot be computed: no row has a usable label; labels found: 'no', 'yes'"
expect_stdout_contains "set data.positive_label"
run_mgate baseline "$TMP/yn.json" -o "$TMP/yn-base.json"
expect_rc 2
expect_stderr_contains "labels found: 'no', 'yes'"
sed 's/"prediction": "score"}/"prediction": "score", "positive_label": "yes"}/' "$TMP/yn.json" >"$TMP/yn-pos.json"
run_mgate run "$TMP/yn-pos.json" --json "$TMP/yn-pos-report.json"
expect_rc 0
for m in accuracy balanced_accuracy precision recall f1 roc_auc average_precision log_loss brier; do
    got=$(jqr "$TMP/yn-pos-report.json" ".results[] | select(.name==\"all_metrics\") | .properties[\"metric.$m\"]")
    expect_near "$got" "$(jqr "$REF" ".metrics.$m")" 1e-9 "$m with positive_label"
done
expect_eq "$(jqr "$TMP/yn-pos-report.json" '.results[] | select(.name=="all_metrics") | .properties["confusion.tp"]')" \
    "$(jqr "$REF" '.confusion.tp')" "confusion tp"
# A number is compared as text: 0/1 labels with positive_label 1 are as before.
sed 's/"prediction": "score"}/"prediction": "score", "positive_label": 1}/; s/yn.csv/t.csv/' "$TMP/yn.json" >"$TMP/yn-num.json"
run_mgate run "$TMP/yn-num.json" --json "$TMP/yn-num-report.json"
expect_rc 0
expect_near "$(jqr "$TMP/yn-num-report.json" '.results[] | select(.name=="roc_auc") | .properties.value')" \
    "$(jqr "$REF" '.metrics.roc_auc')" 1e-9 "roc_auc with positive_label 1"
case_end

case_begin "issue 8.7: multiclass labels the model does not know are named with the model's classes"
cp "$ROOT/fixtures/models/xgb/multi_softprob/model.json" "$TMP/mc-model.json"
sed 's/^\([0-9]*\),2,/\1,two,/' "$ROOT/fixtures/models/data/multiclass_clean.csv" >"$TMP/mc.csv"
cat >"$TMP/mc.json" <<'JSON'
{"data": {"path": "mc.csv", "label": "label"}, "model": "mc-model.json",
 "checks": [{"check": "metric", "metric": "accuracy", "min": 0.1}]}
JSON
run_mgate run "$TMP/mc.json"
expect_rc 1
expect_stdout_contains "labels found that are not among the model's classes: 'two'; the model's classes are '0', '1', '2'"
case_end

finish
