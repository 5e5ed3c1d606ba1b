#!/bin/sh
# Makes seed inputs for the fuzz targets from the project's fixtures and,
# when present, the shared corpora in ../shared/corpus (read where they are,
# never copied into the tree).  Seeds are small on purpose: XGBoost models
# are cut to their first trees, data files to their first lines.
#
#   sh fuzz/make-seeds.sh OUT     writes OUT/<target>/<seed>
#
# Run from the project root; needs jq (already an e2e dependency).
set -eu
out=$1
shared=${MGATE_SHARED_CORPUS:-../shared/corpus}
rm -rf "$out"
for t in fuzz_spec fuzz_csv fuzz_jsonl fuzz_model_xgboost fuzz_model_linear fuzz_model_pmml \
         fuzz_fixture_cases fuzz_baseline fuzz_profile; do
    mkdir -p "$out/$t"
done

# heads TARGET LINES FILE...: the first LINES lines of each FILE, named after
# its path (one awk for all: process starts are what costs on a busy machine).
heads() {
    target=$1; lines=$2; shift 2
    [ $# -gt 0 ] || return 0
    awk -v dir="$out/$target" -v lines="$lines" '
        FNR == 1 { if (dest) close(dest); name = FILENAME; gsub("/", "_", name); dest = dir "/" name }
        FNR <= lines { print > dest }' "$@"
}

# The project's own inputs (data files cut to their first lines).
heads fuzz_spec 100000 fixtures/demo/gate.json fixtures/demo/champion.json fixtures/adversarial/gate.json
heads fuzz_csv 20 $(find fixtures -name '*.csv' | sort)
heads fuzz_jsonl 20 $(find fixtures -name '*.jsonl' | sort)
heads fuzz_fixture_cases 100000 $(find fixtures -name '*.jsonl' | sort)
cp fixtures/models/linear/*.json "$out/fuzz_model_linear/"
cp fixtures/models/pmml/*.pmml "$out/fuzz_model_pmml/"
cp fixtures/demo/baseline.json "$out/fuzz_baseline/demo_baseline.json"

# XGBoost models cut to one tree per output group (dart keeps its weights in
# step), so each seed is a few KB instead of tens.
for f in fixtures/models/xgb/*/model.json; do
    name=$(basename "$(dirname "$f")")
    jq -c '
      ((.learner.learner_model_param.num_class | tonumber) as $k | if $k > 1 then $k else 1 end) as $n
      | (.. | objects | select(has("trees") and has("tree_info"))) |=
          (.trees |= .[:$n] | .tree_info |= .[:$n] | .gbtree_model_param.num_trees = ($n | tostring))
      | (.. | objects | select(has("weight_drop"))) |= (.weight_drop |= .[:$n])
    ' "$f" > "$out/fuzz_model_xgboost/$name.json"
done

# The shared corpora, when there.
if [ -d "$shared/csv-spectrum/csvs" ]; then
    cp "$shared"/csv-spectrum/csvs/*.csv "$out/fuzz_csv/"
fi
if [ -d "$shared/json-test-suite/test_parsing" ]; then
    # The small ones: the large nesting cases say nothing new per byte.
    for t in fuzz_spec fuzz_jsonl fuzz_fixture_cases fuzz_baseline; do
        find "$shared/json-test-suite/test_parsing" -name '*.json' -size -4k -exec cp -t "$out/$t" {} +
    done
fi
