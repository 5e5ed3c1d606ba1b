#!/bin/sh
# End-to-end: `mgate profile DATA [--spec GATE.json] [-o FILE] [--force]` writes the drift
# profile of a data file (issue 13, item 1; format in docs/profile-format.md).
. "$(dirname "$0")/lib.sh"
DEMO="$ROOT/fixtures/demo"

case_begin "without a spec: every column profiled, kinds from the values"
run_mgate profile "$DEMO/transactions.csv" -o "$TMP/p.json"
expect_rc 0
expect_stdout_contains "3002 rows, 12 columns (5 number, 7 text)"
expect_eq "$(jqr "$TMP/p.json" '.format + " " + (.version|tostring) + " " + (.rows|tostring)')" "mgate-profile 1 3002" header
# amount: 3 empty values and one that is not a number (the demo's planted flaws)
expect_eq "$(jqr "$TMP/p.json" '.columns[] | select(.name=="amount") | [.kind, .missing, .wrong_type, .moments.count, .quantiles.n, .quantiles.exact] | @tsv')" \
    "$(printf 'number\t3\t1\t2998\t2998\ttrue')" amount
expect_eq "$(jqr "$TMP/p.json" '.columns[] | select(.name=="currency") | .kind + " " + (.values.total|tostring) + " " + (.values.untracked|tostring)')" "text 3002 0" currency
# every text column's counts add up; every number column's sketch holds its count
expect_eq "$(jqr "$TMP/p.json" '[.columns[] | select(.kind=="text") | .values | (([.counts[][1]] | add) + .untracked == .total)] | all')" true "text totals"
expect_eq "$(jqr "$TMP/p.json" '[.columns[] | select(.kind=="number") | .quantiles.n == .moments.count] | all')" true "sketch sizes"
expect_eq "$(jqr "$TMP/p.json" 'has("label") or has("scores")')" false "no label or scores without a spec"
case_end

case_begin "with the demo's spec: schema kinds, label distribution, scores from the prediction column"
run_mgate profile "$DEMO/transactions.csv" --spec "$DEMO/gate.json" -o "$TMP/ps.json"
expect_rc 0
expect_stdout_contains "label 'is_fraud', scores from score"
expect_eq "$(jqr "$TMP/ps.json" '.columns[] | select(.name=="card_present") | .kind')" text "boolean field"
expect_eq "$(jqr "$TMP/ps.json" '.label.column + " " + ([.label.values.counts[][1]] | add | tostring)')" "is_fraud 3002" label
expect_eq "$(jqr "$TMP/ps.json" '.label.values.counts | map(.[0]) | sort | join(",")')" "0,1" "label classes"
expect_eq "$(jqr "$TMP/ps.json" '.scores.from + " " + (.scores.moments.count|tostring) + " " + (.scores.missing|tostring)')" "score 3002 0" scores
# the score summary is the score column's
expect_eq "$(jqr "$TMP/ps.json" '(.columns[] | select(.name=="score") | .moments) == .scores.moments')" true "scores = score column"
case_end

case_begin "with a spec naming a model: the model's scores, equal to mgate score's"
ADV="$ROOT/fixtures/adversarial"
run_mgate profile "$ADV/rows.csv" --spec "$ADV/gate.json" -o "$TMP/adv.json"
expect_rc 0
expect_stdout_contains "scores from model"
"$MGATE" score "$ADV/sound.json" "$ADV/rows.csv" >"$TMP/scores.csv" || fail "mgate score failed"
want=$(awk -F, 'NR > 1 { s += $2; n++ } END { printf "%d %.12f %.12f %.12f", n, s / n, min, max }
                NR == 2 { min = $2; max = $2 } NR > 2 { if ($2 < min) min = $2; if ($2 > max) max = $2 }' "$TMP/scores.csv")
got=$(jqr "$TMP/adv.json" '.scores | "\(.moments.count) \(.moments.mean) \(.moments.min) \(.moments.max)"' |
      awk '{ printf "%d %.12f %.12f %.12f", $1, $2, $3, $4 }')
expect_eq "$got" "$want" "score count, mean, min, max"
expect_eq "$(jqr "$TMP/adv.json" '.scores.quantiles.values | length')" 60 "exact score sketch"
case_end

case_begin "an existing profile is not replaced without --force"
printf 'keep me\n' >"$TMP/old.json"
run_mgate profile "$DEMO/transactions.csv" -o "$TMP/old.json"
expect_rc 2
expect_stderr_contains "'$TMP/old.json' exists; use --force to replace it"
expect_eq "$(cat "$TMP/old.json")" "keep me" "untouched file"
run_mgate profile "$DEMO/transactions.csv" -o "$TMP/old.json" --force
expect_rc 0
expect_eq "$(jqr "$TMP/old.json" .rows)" 3002 "replaced with --force"
case_end

case_begin "over 10000 values a number column's sketch is KLL, its weights adding up to the count"
awk 'BEGIN { print "x,t"; for (i = 0; i < 25000; i++) printf "%d,%s\n", (i * 7919) % 25013, (i % 3 ? "a" : "b") }' >"$TMP/big.csv"
run_mgate profile "$TMP/big.csv" -o "$TMP/big.json"
expect_rc 0
expect_eq "$(jqr "$TMP/big.json" '.columns[0].quantiles | [.exact, .k, .n, ([.levels | to_entries[] | (.value | length) * pow(2; .key)] | add)] | @tsv')" \
    "$(printf 'false\t200\t25000\t25000')" "KLL sketch"
expect_eq "$(jqr "$TMP/big.json" '.columns[1].values.counts | map(.[0] + "=" + (.[1]|tostring)) | join(" ")')" "a=16666 b=8334" "text counts"
case_end

case_begin "--merge: the profiles of two shards merge into the profile of the whole"
head -n 1 "$DEMO/transactions.csv" >"$TMP/part2.csv"
head -n 1201 "$DEMO/transactions.csv" >"$TMP/part1.csv"
tail -n +1202 "$DEMO/transactions.csv" >>"$TMP/part2.csv"
for part in part1 part2; do
    run_mgate profile "$TMP/$part.csv" --spec "$DEMO/gate.json" -o "$TMP/$part.json"
    expect_rc 0
done
run_mgate profile --merge "$TMP/part1.json" "$TMP/part2.json" -o "$TMP/merged.json"
expect_rc 0
expect_stdout_contains "merged 2 profiles: 3002 rows, 12 columns"
# everything but mean, m2 and variance exactly; those to rounding
strip='del(.columns[].moments.mean, .columns[].moments.m2, .columns[].moments.variance, .scores.moments.mean, .scores.moments.m2, .scores.moments.variance)'
expect_eq "$(jq -S "$strip" "$TMP/merged.json")" "$(jq -S "$strip" "$TMP/ps.json")" "merged profile"
expect_eq "$(jq -n --slurpfile a "$TMP/merged.json" --slurpfile b "$TMP/ps.json" '
    [$a[0].columns, $b[0].columns] | transpose | map(select(.[0].kind == "number")) |
    all(.[0].moments as $x | .[1].moments as $y | (($x.mean - $y.mean) | fabs) <= 1e-12 * ($y.mean | fabs) and
        (($x.m2 - $y.m2) | fabs) <= 1e-12 * $y.m2)')" true "moments to 1e-12"
# shards of other data do not merge
run_mgate profile --merge "$TMP/part1.json" "$TMP/p.json" -o "$TMP/bad.json"
expect_rc 2
expect_stderr_contains "p.json: cannot merge profiles with labels 'is_fraud' and '(none)'"
expect_no_file "$TMP/bad.json"
# a damaged profile is refused with its position
sed 's/"version": 1/"version": 7/' "$TMP/part2.json" >"$TMP/damaged.json"
run_mgate profile --merge "$TMP/part1.json" "$TMP/damaged.json" -o "$TMP/bad.json"
expect_rc 2
expect_stderr_contains "damaged.json:3:13: version: version 7 was written by a newer mgate; this mgate reads version 1"
case_end

case_begin "usage and input errors exit 2 with a message"
run_mgate profile
expect_rc 2
expect_stderr_contains "usage: mgate profile DATA"
run_mgate profile "$DEMO/transactions.csv" --bogus
expect_rc 2
expect_stderr_contains "unknown option '--bogus'"
run_mgate profile "$TMP/absent.csv" -o "$TMP/none.json"
expect_rc 2
expect_stderr_contains "absent.csv"
expect_no_file "$TMP/none.json"
printf 'a,b\n' >"$TMP/header-only.csv"
run_mgate profile "$TMP/header-only.csv" -o "$TMP/empty.json"
expect_rc 2
expect_stderr_contains "header-only.csv': no data rows to profile"
expect_no_file "$TMP/empty.json"
run_mgate profile --merge
expect_rc 2
expect_stderr_contains "usage: mgate profile --merge PROFILE..."
run_mgate help profile
expect_rc 0
expect_stdout_contains "docs/profile-format.md"
case_end

finish
