#!/bin/sh
# End-to-end: the drift checks (drift, prediction_drift, label_drift; suite
# mgate.drift) on the demo's drift gate and on a synthetic set whose shifts
# are known (fixtures/drift-synth/generate.py), against reference data and
# against a profile; figures equal to scipy's (fixtures/drift-synth/expected.json);
# bad references refused with their position.  (issue 13, items 2-6)
. "$(dirname "$0")/lib.sh"
DEMO="$ROOT/fixtures/demo"
SYN="$ROOT/fixtures/drift-synth"

# The drifted features of the drift check in a JSON report, "a,b".
drifted() { jqr "$1" '[.results[] | select(.check=="'"${2:-drift}"'") | .properties | to_entries[] | select((.key | endswith(".drifted")) and .value == 1) | .key | rtrimstr(".drifted")] | sort | join(",")'; }

case_begin "demo: this month's fresh sample passes against the committed reference profile"
run_mgate run "$DEMO/drift-gate.json" --set reports.json="$TMP/fresh.json" --set reports.junit="$TMP/fresh.xml"
expect_rc 0
expect_stdout_contains "PASS  drift/drift: no drift in 6 features against reference profile"
expect_eq "$(drifted "$TMP/fresh.json")" "" "drifted features"
expect_junit_valid "$TMP/fresh.xml"
expect_eq "$(xpath "$TMP/fresh.xml" 'count(//testsuite[@name="fraud-model-drift.mgate.drift"]/testcase)')" 3 "mgate.drift testcases"
case_end

case_begin "demo: the drifted month fails drift on exactly amount and merchant_category"
run_mgate run "$DEMO/drift-gate.json" --set data.path="$DEMO/drift/transactions-drifted.csv" \
    --set reports.json="$TMP/drifted.json" --set reports.junit="$TMP/drifted.xml" \
    --set reports.summary="$TMP/drifted.md" --set reports.html="$TMP/drifted.html"
expect_rc 1
expect_eq "$(drifted "$TMP/drifted.json")" "amount,merchant_category" "drifted features"
expect_stdout_contains "FAIL  drift/drift: 2 of 6 features drifted"
expect_junit_valid "$TMP/drifted.xml"
# each feature's figures are JUnit properties; the drifted ones are the examples
expect_eq "$(xpath "$TMP/drifted.xml" 'string(//testsuite[@name="fraud-model-drift.mgate.drift"]/properties/property[@name="drift.customer_age.psi"]/@value)' | cut -c1-4)" "0.04" "customer_age.psi property"
expect_file_contains "$TMP/drifted.xml" "amount: drifted, psi"
# Markdown: drifted features first; HTML: one histogram per drifted feature
expect_eq "$(grep -A4 '^| feature | drifted' "$TMP/drifted.md" | sed -n '3p;4p' | cut -d' ' -f2 | tr '\n' ' ')" "amount merchant\\_category " "markdown order"
expect_eq "$(grep -o 'id="plot-drift-[0-9]*"' "$TMP/drifted.html" | wc -l | tr -d ' ')" 4 "histograms (2 features, scores, label)"
case_end

case_begin "synthetic set: each test flags exactly the features shifted on purpose"
for nt in psi ks wasserstein; do
    for tt in jensen_shannon chi2 unseen psi; do
        run_mgate run "$SYN/gate.json" --set "checks[0].number_test=$nt" --set "checks[0].text_test=$tt" \
            --set reports.json="$TMP/syn.json"
        expect_rc 1
        expect_eq "$(drifted "$TMP/syn.json")" "n_mean,n_scale,t_shift" "$nt/$tt drifted"
    done
done
run_mgate run "$SYN/gate.json" --set data.path="$SYN/current-same.csv" --set "checks[0].number_test=ks" \
    --set "checks[0].text_test=chi2"
expect_rc 0
expect_stdout_contains "no drift in 7 features"
case_end

case_begin "synthetic set against reference data: every figure equals scipy's"
run_mgate run "$SYN/gate.json" --set reports.json="$TMP/syn.json"
expect_rc 1
worst=$(jq -r --slurpfile e "$SYN/expected.json" '
    [.results[] | select(.check=="drift") | .properties] [0] as $p
    | [$e[0] | to_entries[] | .key as $f | .value | to_entries[]
       | (($p[$f + "." + .key] - .value) | fabs) / ([(.value | fabs), 1e-300] | max)] | max' "$TMP/syn.json")
expect_near "$worst" 0 1e-9 "largest relative difference to scipy"
case_end

case_begin "synthetic set against its profile (exact sketches): the same figures as against the data"
run_mgate profile "$SYN/reference.csv" --spec "$SYN/gate.json" -o "$TMP/ref-profile.json"
expect_rc 0
jq --arg p "$TMP/ref-profile.json" '.checks[0].reference = {profile: $p} | .data.path = "'"$SYN"'/current.csv"' \
    "$SYN/gate.json" >"$TMP/gate-profile.json"
run_mgate run "$TMP/gate-profile.json" --set reports.json="$TMP/synp.json"
expect_rc 1
expect_eq "$(drifted "$TMP/synp.json")" "n_mean,n_scale,t_shift" "drifted against the profile"
# the same figures to rounding (the profile lists text values in another order)
worst=$(jq -r --slurpfile d "$TMP/syn.json" '
    [.results[] | select(.check=="drift") | .properties] [0] as $p
    | [$d[0].results[] | select(.check=="drift") | .properties] [0] as $q
    | [$p | to_entries[] | select(.key | test("\\.(psi|ks_statistic|ks_p_value|wasserstein|jensen_shannon|chi2|chi2_p_value|unseen_share)$"))
       | ((.value - $q[.key]) | fabs) / ([(.value | fabs), 1e-300] | max)] | max' "$TMP/synp.json")
expect_near "$worst" 0 1e-12 "largest relative difference, profile vs data"
case_end

case_begin "a KLL profile (over 10000 values): each statistic's error bound is stated"
awk 'BEGIN { srand(7); print "x,t"; for (i = 0; i < 30000; i++) printf "%.6f,%s\n", rand() * 10, (rand() < 0.5 ? "a" : "b") }' >"$TMP/big-ref.csv"
awk 'BEGIN { srand(8); print "x,t"; for (i = 0; i < 30000; i++) printf "%.6f,%s\n", 2 + rand() * 10, (rand() < 0.5 ? "a" : "b") }' >"$TMP/big-cur.csv"
printf '{"data": {"path": "big-cur.csv"}, "schema": {"x": {"type": "number"}, "t": {"type": "string"}},\n "checks": [{"check": "drift", "reference": {"profile": "big-profile.json"}, "number_test": "ks"}]}\n' >"$TMP/big.json"
run_mgate profile "$TMP/big-ref.csv" --spec "$TMP/big.json" -o "$TMP/big-profile.json"
expect_rc 0
run_mgate run "$TMP/big.json" --set reports.json="$TMP/big-report.json"
expect_rc 1
expect_eq "$(drifted "$TMP/big-report.json")" "x" "drifted"
expect_eq "$(jqr "$TMP/big-report.json" '.results[] | select(.check=="drift") | .properties | [."x.reference_rank_error" > 0, ."x.ks_statistic_bound" > 0, ."x.psi_low" <= ."x.psi", ."x.psi" <= ."x.psi_high", ."x.ks_method"] | map(tostring) | join(" ")')" \
    "true true true true asymptotic" "bounds"
expect_stdout_contains "sketch rank error 1.65% (reference)"
# uniform [0,10] vs [2,12]: the true D is 0.2; the sketched one within its bound
expect_near "$(jqr "$TMP/big-report.json" '.results[] | select(.check=="drift") | .properties."x.ks_statistic"')" 0.2 0.04 "ks statistic"
case_end

case_begin "prediction_drift scoring the reference data equals prediction_drift against its profile"
run_mgate run "$DEMO/drift-gate.json" --set data.path="$DEMO/drift/transactions-drifted.csv" \
    --set 'checks[1].reference=transactions.csv' --set reports.json="$TMP/pd.json"
expect_rc 1
expect_eq "$(jqr "$TMP/pd.json" '.results[] | select(.check=="prediction_drift") | .properties."scores.psi"')" \
    "$(jqr "$TMP/drifted.json" '.results[] | select(.check=="prediction_drift") | .properties."scores.psi"')" "scores psi"
expect_eq "$(jqr "$TMP/pd.json" '.results[] | select(.check=="prediction_drift") | .properties.reference_kind')" data "reference kind"
case_end

case_begin "max_drift_share and per-feature options"
run_mgate run "$SYN/gate.json" --set checks[0].max_drift_share=0.5
expect_rc 0
expect_stdout_contains "3 of 7 features drifted (n_mean, n_scale, t_shift): share 0.4286 <= max_drift_share 0.5"
run_mgate run "$SYN/gate.json" --set checks[0].max_drift_share=0.4
expect_rc 1
sed 's|"current.csv"|"'"$SYN"'/current.csv"|; s|"reference.csv"|"'"$SYN"'/reference.csv"|' "$SYN/gate.json" |
    jq '.checks[0].feature_options = {"n_mean": {"threshold": 5}, "t_same": {"test": "unseen"}}' >"$TMP/syn-fo.json"
run_mgate run "$TMP/syn-fo.json" --set reports.json="$TMP/fo.json"
expect_rc 1
expect_eq "$(drifted "$TMP/fo.json")" "n_scale,t_shift" "n_mean let through by its own threshold"
expect_eq "$(jqr "$TMP/fo.json" '.results[0].properties | ."n_mean.threshold", ."t_same.test"' | tr '\n' ' ')" "5 unseen " "options"
case_end

case_begin "a bad reference is refused with its position"
jq '.checks[0].reference = 5' "$SYN/gate.json" >"$TMP/gate-ref5.json"
run_mgate run "$TMP/gate-ref5.json"
expect_rc 2
expect_stderr_contains "gate-ref5.json:37:20: checks[0].reference"
expect_stderr_contains "checks[0].reference: expected a data file name"
run_mgate run "$SYN/gate.json" --set checks[0].number_test=chi2
expect_rc 2
expect_stderr_contains "checks[0].number_test=chi2: expected \"psi\", \"ks\" or \"wasserstein\""
printf '{"format": "mgate-profile",\n "version": 1,\n "rows": "many"}\n' >"$TMP/bad-profile.json"
jq --arg p "$TMP/bad-profile.json" '.checks[0].reference = {profile: $p} | .data.path = "'"$SYN"'/current.csv"' "$SYN/gate.json" >"$TMP/gate-bad.json"
run_mgate run "$TMP/gate-bad.json" --set reports.json="$TMP/bad.json"
expect_rc 1
expect_eq "$(jqr "$TMP/bad.json" '.results[] | select(.check=="drift") | .status')" error "status"
expect_stdout_contains "$TMP/bad-profile.json:3:"
printf 'id,n_mean,n_scale,n_same,n_exp,t_shift,t_same,t_ten\n1,0,0,0,0,a,x,v1\n2,"broken\n' >"$TMP/bad-ref.csv"
run_mgate run "$SYN/gate.json" --set checks[0].reference="$TMP/bad-ref.csv"
expect_rc 1
expect_stdout_contains "reference data"
expect_stdout_contains "bad-ref.csv"
run_mgate run "$SYN/gate.json" --set checks[0].features=nope
expect_stdout_contains "features: 'nope' is not a schema field"
case_end

finish
