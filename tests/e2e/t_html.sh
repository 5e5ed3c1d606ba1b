#!/bin/sh
# End-to-end: the HTML report (--html / reports.html).  The real binary on
# the demo gate, a champion gate with slices, a regression and a multiclass
# gate; every report must pass html-validate (tests/tools), hold one <svg>
# per plot, escape data text, and load in headless Chromium (network off)
# with no console message.  A screenshot of the demo's report is written to
# build/html/demo-report.png.
. "$(dirname "$0")/lib.sh"

DEMO="$ROOT/fixtures/demo"
HTML_VALIDATE="$ROOT/tests/tools/node_modules/.bin/html-validate"
MODELS="$ROOT/fixtures/models"

# html-validate starts node, which is slow on a busy machine: reports are
# queued here and validated in one run by the case "every report passes
# html-validate" below.
VALIDATE=""
expect_html_valid() {
    expect_file "$1"
    VALIDATE="$VALIDATE $1"
}

# Number of <svg> elements and of one figure's polylines in a file.
svg_count() { grep -o '<svg' "$1" | wc -l | tr -d ' '; }
# The report is self-contained: no script, no reference to another file or URL.
expect_self_contained() {
    grep -qiE '<script|<link|<img|<iframe|src=|href=|url\(|@import' "$1" && fail "'$1' refers to something outside itself"
    grep -o 'http[s]*://[^"]*' "$1" | grep -qv '^http://www.w3.org/2000/svg$' && fail "'$1' holds a URL"
    return 0
}

# The demo gate with its reports in $TMP; its HTML report is $H.
cp "$DEMO/transactions.csv" "$DEMO/baseline.json" "$TMP/"
sed 's#"../../build/demo/#"#' "$DEMO/gate.json" >"$TMP/gate.json"
H="$TMP/mgate-report.html"
# Runs the demo gate unless an earlier case did (its reports are reused).
demo_reports() {
    [ -f "$TMP/demo.json" ] && [ -f "$H" ] && return 0
    run_mgate run "$TMP/gate.json" --json "$TMP/demo.json"
    expect_rc 0
}

case_begin "the demo gate writes reports.html: valid, self-contained, verdict, facts, metrics and 5 plots"
run_mgate run "$TMP/gate.json" --json "$TMP/demo.json"
expect_rc 0
expect_stdout_contains "html report: $TMP/mgate-report.html"
expect_file "$H"
expect_html_valid "$H"
expect_self_contained "$H"
expect_file_contains "$H" '<span id="verdict" class="verdict v-passed">gate passed</span>'
expect_file_contains "$H" "$(jqr "$TMP/demo.json" .facts.data_sha256)"
expect_file_contains "$H" "<th>mgate version</th><td>0.1.0</td>"
expect_file_contains "$H" "<th>baseline metrics sha256</th><td class=\"sha\">$(sha256sum "$TMP/baseline.json" | cut -c1-64)</td>"
expect_file_contains "$H" '<td>roc_auc</td><td>roc_auc</td><td class="num">0.8804</td><td>min 0.85, max_drop 0.02</td><td class="num">0.8756</td><td class="num">0.004813</td>'
expect_eq "$(svg_count "$H")" 5 "svg count"
for id in plot-roc plot-pr plot-calibration plot-confusion plot-histogram; do
    expect_file_contains "$H" "<figure id=\"$id\">"
done
case_end

case_begin "legends show the AUC, AP and ECE of the metrics; curves are thinned to at most 512 points"
demo_reports
for m in roc_auc:AUC average_precision:AP ece:ECE; do
    v=$(jqr "$TMP/demo.json" ".results[] | select(.name==\"all_metrics\") | .properties[\"metric.${m%%:*}\"]")
    want=$(awk -v v="$v" 'BEGIN { printf "%.4g", v }')
    expect_file_contains "$H" "candidate ${m#*:} $want"
done
# The demo's precision-recall curve has more distinct scores than 512.
pr=$(grep -o '<figure id="plot-pr">.*</figure>' "$H" | sed 's#</figure>.*##' | grep -o 'data-points="[0-9]*"' | grep -o '[0-9]*')
[ -n "$pr" ] && [ "$pr" -le 512 ] && [ "$pr" -ge 300 ] || fail "PR curve drawn with '$pr' points, expected 300..512"
for n in $(grep -o 'data-points="[0-9]*"' "$H" | grep -o '[0-9]*'); do
    [ "$n" -le 512 ] || fail "a curve drawn with $n points"
done
case_end

case_begin "a failing check shows its examples, and data text is escaped, never markup"
printf 'id,is_fraud,score,name\n1,0,0.1,ok\n2,1,0.9,"<script>alert(""x"")</script> & <b>"\n3,0,0.4,fine\n4,1,0.7,ok\n' >"$TMP/esc.csv"
cat >"$TMP/esc.json" <<'JSON'
{"name": "<i>gate</i>", "data": {"path": "esc.csv", "label": "is_fraud", "prediction": "score"},
 "schema": {"name": {"type": "string", "values": ["ok", "fine"]}},
 "checks": [{"check": "ranges"}, {"check": "metric", "metric": "roc_auc", "min": 0.5}]}
JSON
run_mgate run "$TMP/esc.json" --html "$TMP/esc.html"
expect_rc 1
expect_html_valid "$TMP/esc.html"
expect_self_contained "$TMP/esc.html"
expect_file_contains "$TMP/esc.html" '<span id="verdict" class="verdict v-failed">gate failed</span>'
expect_file_contains "$TMP/esc.html" "esc.csv:3: name: found '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;', expected one of"
expect_file_contains "$TMP/esc.html" '<h1>mgate: &lt;i&gt;gate&lt;/i&gt;</h1>'
grep -q '<i>\|<b>' "$TMP/esc.html" && fail "data text became markup"
case_end

case_begin "with a champion the curves overlay it; per-slice bars show each slice and the bound"
cat >"$TMP/champ.json" <<'JSON'
{"data": {"path": "transactions.csv", "label": "is_fraud", "prediction": "score", "baseline_prediction": "champion_score"},
 "checks": [{"check": "metric", "metric": "roc_auc", "min": 0.5, "slice_by": "currency", "slice_min": 0.8, "min_slice_size": 10}]}
JSON
run_mgate run "$TMP/champ.json" --html "$TMP/champ.html" --json "$TMP/champ-report.json"
expect_no_crash
expect_html_valid "$TMP/champ.html"
expect_eq "$(svg_count "$TMP/champ.html")" 6 "svg count (5 plots + slices)"
roc=$(grep -o '<figure id="plot-roc">.*</figure>' "$TMP/champ.html" | sed 's#</figure>.*##')
expect_eq "$(printf '%s' "$roc" | grep -o '<polyline' | wc -l | tr -d ' ')" 2 "ROC curves"
printf '%s' "$roc" | grep -q 'champion AUC 0\.[0-9]' || fail "ROC legend lacks the champion's AUC"
expect_file_contains "$TMP/champ.html" '<figure id="plot-slices-0"><figcaption>roc_auc by currency</figcaption>'
for cur in EUR USD GBP CHF; do
    expect_file_contains "$TMP/champ.html" ">$cur</text>"
done
case_end

case_begin "regression: predicted vs actual and residuals, from a bounded sample"
cat >"$TMP/reg.json" <<JSON
{"data": {"path": "$MODELS/data/regression_clean.csv", "label": "label"},
 "model": {"path": "$MODELS/xgb/reg_squarederror/model.json"},
 "checks": [{"check": "metric", "metric": "rmse", "max": 1000}]}
JSON
run_mgate run "$TMP/reg.json" --html "$TMP/reg.html"
expect_rc 0
expect_html_valid "$TMP/reg.html"
expect_eq "$(svg_count "$TMP/reg.html")" 2 "svg count"
rows=$(($(wc -l <"$MODELS/data/regression_clean.csv") - 1))
expect_file_contains "$TMP/reg.html" "<figcaption>Predicted vs actual ($rows of $rows rows, uniform sample)</figcaption>"
expect_file_contains "$TMP/reg.html" '<figure id="plot-residuals">'
expect_eq "$(grep -o '<circle' "$TMP/reg.html" | wc -l | tr -d ' ')" $((2 * rows)) "dots"
case_end

case_begin "multiclass: the confusion matrix (argmax), its counts summing to the rows"
cat >"$TMP/mc.json" <<JSON
{"data": {"path": "$MODELS/data/multiclass_clean.csv", "label": "label"},
 "model": {"path": "$MODELS/xgb/multi_softprob/model.json"},
 "checks": [{"check": "metric", "metric": "accuracy", "min": 0.2}]}
JSON
run_mgate run "$TMP/mc.json" --html "$TMP/mc.html" --json "$TMP/mc-report.json"
expect_rc 0
expect_html_valid "$TMP/mc.html"
expect_eq "$(svg_count "$TMP/mc.html")" 1 "svg count"
fig=$(grep -o '<figure id="plot-confusion">.*</figure>' "$TMP/mc.html")
expect_eq "$(printf '%s' "$fig" | grep -o '<rect' | wc -l | tr -d ' ')" 9 "3 x 3 cells"
sum=$(printf '%s' "$fig" | grep -o 'middle">[0-9]*</text>' | grep -o '[0-9]*' | awk '{ s += $1 } END { print s }')
# The column labels 0, 1, 2 are in the sum too.
expect_eq "$sum" $(($(jqr "$TMP/mc-report.json" '.results[] | select(.name=="all_metrics") | .properties.n') + 3)) "counts"
case_end

case_begin "an HTML path that cannot be written: exit 3 and the path named, never a silent pass"
: >"$TMP/afile"
run_mgate run "$TMP/gate.json" --html "$TMP/afile/report.html"
expect_rc 3
expect_stderr_contains "afile"
case_end

case_begin "data changed while read: the report says the gate could not run and draws no plot"
mkdir -p "$TMP/c"
awk 'BEGIN { print "id,x,y"; for (i = 0; i < 20000; i++) printf "%d,%d,%d\n", i, i % 7, i % 2 }' >"$TMP/c/data.csv"
for action in none truncate-rows; do
    cp "$TMP/c/data.csv" "$TMP/c/$action.csv"
    cat >"$TMP/c/$action.json" <<JSON
{"data": {"path": "$action.csv", "label": "y"},
 "model": {"command": ["sh", "$E2E/mutating_scorer.sh", "$action", "$TMP/c/$action.csv", "12001"], "timeout": 60},
 "checks": [{"check": "metric", "metric": "log_loss", "max": 10}]}
JSON
    run_mgate run "$TMP/c/$action.json" --html "$TMP/c/$action.html"
done
expect_rc 2
expect_html_valid "$TMP/c/truncate-rows.html"
expect_file_contains "$TMP/c/truncate-rows.html" 'class="verdict v-error">gate failed: a check could not run</span>'
expect_file_contains "$TMP/c/truncate-rows.html" "data changed while being read"
expect_eq "$(svg_count "$TMP/c/truncate-rows.html")" 0 "svg count when the data changed"
expect_eq "$(svg_count "$TMP/c/none.html")" 5 "svg count of the unchanged control run"
case_end

case_begin "every report passes html-validate (tests/tools, pinned)"
if [ ! -x "$HTML_VALIDATE" ]; then
    fail "html-validate is not installed (run: sh ci/install-deps.sh)"
else
    # shellcheck disable=SC2086
    "$HTML_VALIDATE" $VALIDATE >"$TMP/hv.out" 2>&1 || fail "html-validate: $(head -c 1500 "$TMP/hv.out")"
    expect_eq "$(echo $VALIDATE | wc -w | tr -d ' ')" 6 "reports validated"
fi
case_end

# --- headless Chromium, network off -----------------------------------------
# Each run has its own profile; the four runs go in parallel (chromium spends
# most of its start-up waiting, so this keeps the cases well under a minute).
chromium_run() {
    profile=$1; shift
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$TMP/chromium-$profile" --no-first-run \
        --disable-extensions --disable-background-networking --disable-component-update --disable-sync \
        --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' --enable-logging=stderr --v=0 "$@"
}

if ! command -v chromium >/dev/null 2>&1; then
    echo "  SKIP browser cases: chromium is not installed and ci/install-deps.sh could not install it" >&2
else
    printf '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><p>x</p><script>console.error("mgate-deliberate"); undefinedCall();</script></body></html>\n' >"$TMP/bad.html"
    mkdir -p "$ROOT/build/html"
    SHOT="$ROOT/build/html/demo-report.png"
    rm -f "$SHOT"
    chromium_run bad --dump-dom "file://$TMP/bad.html" >"$TMP/bad.dom" 2>"$TMP/bad.err" &
    chromium_run demo --dump-dom "file://$H" >"$TMP/demo.dom" 2>"$TMP/demo.err" &
    chromium_run esc --dump-dom "file://$TMP/esc.html" >"$TMP/esc.dom" 2>"$TMP/esc.err" &
    chromium_run shot --hide-scrollbars --window-size=1000,1700 --screenshot="$SHOT" "file://$H" \
        >/dev/null 2>"$TMP/shot.err" &
    wait

    case_begin "the console check sees a deliberate console error (a page made to fail)"
    grep -q ':CONSOLE.*mgate-deliberate' "$TMP/bad.err" || fail "console.error not seen in chromium's log"
    grep -q ':CONSOLE.*undefinedCall' "$TMP/bad.err" || fail "uncaught error not seen in chromium's log"
    case_end

    case_begin "chromium loads the demo report with no console message; the DOM has the verdict and 5 svg"
    grep ':CONSOLE' "$TMP/demo.err" "$TMP/shot.err" >&2 && fail "console messages while loading the report"
    grep -q '<span id="verdict" class="verdict v-passed">gate passed</span>' "$TMP/demo.dom" || fail "DOM lacks the verdict"
    expect_eq "$(svg_count "$TMP/demo.dom")" 5 "svg in the DOM"
    case_end

    case_begin "in the browser the data's <script> is text, not an element"
    grep ':CONSOLE' "$TMP/esc.err" >&2 && fail "console messages while loading the escaping report"
    grep -q '<span id="verdict" class="verdict v-failed">gate failed</span>' "$TMP/esc.dom" || fail "DOM lacks the verdict"
    grep -q '<script' "$TMP/esc.dom" && fail "a <script> from the data became an element"
    grep -qF '&lt;script&gt;alert("x")&lt;/script&gt;' "$TMP/esc.dom" || fail "the data's <script> is not shown as text"
    case_end

    case_begin "a screenshot of the demo report is written under build/"
    expect_file "$SHOT"
    [ "$(head -c 8 "$SHOT" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the screenshot is not a PNG"
    case_end
fi

finish
