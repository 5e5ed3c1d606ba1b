#!/bin/sh
# End-to-end: `mgate init` writes a starter spec that passes on the data it
# came from and fails on damaged copies of it (issue 10, item 7).  Its
# output and spec on the demo, --force and the usage errors are golden
# cases: tests/golden/init-*.
. "$(dirname "$0")/lib.sh"

DEMO="$ROOT/fixtures/demo/transactions.csv"
MODELS="$ROOT/fixtures/models"
mkdir -p "$TMP/d/specs"
cp "$DEMO" "$TMP/d/transactions.csv"

# The checks that failed in a JSON report, sorted, space-separated.
failed_checks() { jq -r '[.results[] | select(.status == "failed") | .name] | sort | join(" ")' "$1"; }

# A copy of the demo spec (the first case's $TMP/d/gate.json, written here
# when that case did not run) reading another data file beside it.
spec_for() {
    [ -f "$TMP/d/gate.json" ] || (cd "$TMP/d" && "$MGATE" init transactions.csv >/dev/null) ||
        fail "init on the demo data failed"
    jq --arg p "$1" '.data.path = $p' "$TMP/d/gate.json" >"$TMP/d/$2"
}

case_begin "init on the demo data writes a spec that passes on it"
cd "$TMP/d" || exit 1
run_mgate init transactions.csv
expect_rc 0
expect_file "$TMP/d/gate.json"
expect_stdout_contains "transactions.csv: 3002 rows, 12 columns"
expect_stdout_contains "transaction_id       string     required, max_length 10  <- id"
expect_stdout_contains "customer_id          string     required, max_length 8  <- key"
expect_stdout_contains "event_time           timestamp  required, \"2026-09-27T00:00:00Z\"..\"2026-10-08T00:00:00Z\"  <- time"
expect_stdout_contains "currency             string     required, 4 values, 1 outside as flaws"
expect_stdout_contains "customer_age         integer    required, 10..98, 1 outside as flaws"
expect_stdout_contains "  mgate run gate.json"
expect_eq "$(jqr gate.json '.data.path')" "transactions.csv" "data.path"
# Not in time order as a whole, but per customer: customer_id is the key.
expect_eq "$(jqr gate.json '.data.id + " " + .data.key + " " + .data.time')" "transaction_id customer_id event_time" "roles"
expect_eq "$(jqr gate.json '.schema.customer_age | "\(.type) \(.min) \(.max)"')" "integer 10 98" "customer_age"
expect_eq "$(jqr gate.json '.schema.amount | "\(.type) \(.min) \(.max)"')" "number 0 1030" "amount"
expect_eq "$(jqr gate.json '.schema.currency.values | join(",")')" "CHF,EUR,GBP,USD" "currency values"
expect_eq "$(jqr gate.json '.schema.card_present.type')" "boolean" "card_present type"
expect_eq "$(jqr gate.json '.schema.merchant_category.values | length')" "7" "merchant_category values"
expect_eq "$(jqr gate.json '[.checks[].check] | join(" ")')" "missing types ranges format limits order duplicates" "checks"
# The demo's deliberate flaws (3 empty amounts, 6 empty countries, 2 values of
# the wrong type, a negative amount, an age of 230, currency XXX, 2 repeated
# ids) are within 1% and become tolerances.
expect_eq "$(jqr gate.json '[.checks[] | "\(.check)=\(.max_count // .allowed_lateness // "-")"] | join(" ")')" \
    "missing=9 types=2 ranges=4 format=- limits=- order=8 duplicates=2" "tolerances"
run_mgate run gate.json --json "$TMP/pass.json"
expect_rc 0
expect_eq "$(jqr "$TMP/pass.json" '.verdict')" "passed" "verdict"
cd "$ROOT" || exit 1
case_end

case_begin "paths in the spec are relative to the spec's folder"
run_mgate init "$TMP/d/transactions.csv" -o "$TMP/d/specs/gate.json"
expect_rc 0
expect_eq "$(jqr "$TMP/d/specs/gate.json" '.data.path')" "../transactions.csv" "data.path"
run_mgate run "$TMP/d/specs/gate.json"
expect_rc 0
case_end

# Damaged copies: 50 rows each, so every flaw is far over what was seen.
python3 - "$DEMO" "$TMP/d" <<'PY'
import csv, random, sys
src, out = sys.argv[1], sys.argv[2]
with open(src, newline="") as f:
    rows = list(csv.reader(f))
head, body = rows[0], rows[1:]
col = {n: i for i, n in enumerate(head)}
def write(name, rs):
    with open(f"{out}/{name}", "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([head] + rs)
def damaged(column, value):
    rs = [list(r) for r in body]
    for r in rs[100:150]:
        r[col[column]] = value
    return rs
write("missing.csv", damaged("amount", ""))
write("types.csv", damaged("customer_age", "forty"))
write("range.csv", damaged("amount", "99999999"))
rs = list(body)
random.Random(1).shuffle(rs)
write("shuffled.csv", rs)
PY

for damage in "missing.csv missing" "types.csv ranges_types" "range.csv ranges" "shuffled.csv order"; do
    set -- $damage
    case_begin "the inferred spec fails on a damaged copy: $1 -> $2"
    spec_for "$1" "g-$1.json"
    run_mgate run "$TMP/d/g-$1.json" --json "$TMP/r-$1.json"
    expect_rc 1
    # ranges also counts values it cannot compare (wrong type) with min/max.
    expect_eq "$(failed_checks "$TMP/r-$1.json")" "$(echo "$2" | tr _ ' ')" "failed checks"
    case_end
done

case_begin "with --model: metric checks just below the observed values, a baseline, then a passing run"
mkdir -p "$TMP/m/models"
cp "$MODELS/xgb/binary_logistic/model.json" "$TMP/m/models/model.json"
run_mgate init "$MODELS/data/binary_clean.csv" --model "$TMP/m/models/model.json" -o "$TMP/m/gate.json"
expect_rc 0
expect_stdout_contains "label                integer    required, 2 values  <- label"
expect_stdout_contains "  mgate baseline $TMP/m/gate.json"
expect_eq "$(jqr "$TMP/m/gate.json" '.model')" "models/model.json" "model path"
expect_eq "$(jqr "$TMP/m/gate.json" '.baseline')" "baseline.json" "baseline"
expect_eq "$(jqr "$TMP/m/gate.json" '[.checks[] | select(.check == "metric") | .metric] | join(" ")')" \
    "roc_auc average_precision log_loss brier" "metric checks"
run_mgate baseline "$TMP/m/gate.json"
expect_rc 0
auc=$(jqr "$TMP/m/baseline.json" '.metrics.roc_auc')
floor=$(jqr "$TMP/m/gate.json" '.checks[] | select(.metric == "roc_auc") | .min')
awk -v a="$auc" -v f="$floor" 'BEGIN { exit !(f < a && a - f <= 0.021) }' || fail "roc_auc floor $floor not just below $auc"
ll=$(jqr "$TMP/m/baseline.json" '.metrics.log_loss')
ceil=$(jqr "$TMP/m/gate.json" '.checks[] | select(.metric == "log_loss") | .max')
awk -v a="$ll" -v c="$ceil" 'BEGIN { exit !(c > a && c <= a * 1.05 + 0.0011) }' || fail "log_loss ceiling $ceil not just above $ll"
run_mgate run "$TMP/m/gate.json" --json "$TMP/m/r.json"
expect_rc 0
expect_eq "$(jqr "$TMP/m/r.json" '[.results[] | select(.check == "metric" and .status == "passed")] | length')" "4" \
    "metric checks passed"
case_end

case_begin "a prediction column and a 0/1 label give metric checks too"
mkdir -p "$TMP/p"
cp "$DEMO" "$TMP/p/t.csv"
run_mgate init "$TMP/p/t.csv" --label is_fraud -o "$TMP/p/gate.json"
expect_rc 0
expect_eq "$(jqr "$TMP/p/gate.json" '.data.prediction')" "score" "prediction column"
expect_eq "$(jqr "$TMP/p/gate.json" '.schema.is_fraud.values | map(tostring) | join(",")')" "0,1" "label values"
expect_eq "$(jqr "$TMP/p/gate.json" '[.checks[] | select(.check == "metric")] | length')" "4" "metric checks"
run_mgate baseline "$TMP/p/gate.json"
expect_rc 0
run_mgate run "$TMP/p/gate.json"
expect_rc 0
case_end

case_begin "JSON Lines: init, pass on the data, fail on a damaged copy"
mkdir -p "$TMP/j"
cp "$MODELS/data/binary_missing.jsonl" "$TMP/j/rows.jsonl"
run_mgate init "$TMP/j/rows.jsonl" -o "$TMP/j/gate.json"
expect_rc 0
expect_eq "$(jqr "$TMP/j/gate.json" '.data.format + " " + .data.id + " " + .data.label')" "jsonl id label" "data"
expect_eq "$(jqr "$TMP/j/gate.json" '.schema.age | "\(.type) \(.nullable)"')" "number true" "age"
run_mgate run "$TMP/j/gate.json"
expect_rc 0
jq -c 'if .id % 4 == 0 then .visits = "many" else . end' "$TMP/j/rows.jsonl" >"$TMP/j/bad.jsonl"
jq '.data.path = "bad.jsonl"' "$TMP/j/gate.json" >"$TMP/j/bad.json"
run_mgate run "$TMP/j/bad.json" --json "$TMP/j/r.json"
expect_rc 1
expect_eq "$(failed_checks "$TMP/j/r.json")" "ranges types" "failed checks"
case_end

case_begin "a missing time is tolerated by the order check too (it counts rows it cannot place)"
{ echo "id,at"; i=1; while [ $i -le 150 ]; do
    if [ $i = 2 ]; then echo "2,"; else printf '%d,2026-01-01T%02d:%02d:00Z\n' $i $((i / 60)) $((i % 60)); fi
    i=$((i + 1)); done; } >"$TMP/tm.csv"
run_mgate init "$TMP/tm.csv" -o "$TMP/tm.json"
expect_rc 0
expect_eq "$(jqr "$TMP/tm.json" '.checks[] | select(.check == "order") | .max_count')" "1" "order max_count"
run_mgate run "$TMP/tm.json"
expect_rc 0
case_end

finish
