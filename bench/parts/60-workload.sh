#!/bin/sh
# make bench part: the issue 11 workload.  WORKLOAD_ROWS rows (default
# 1,000,000; about 212 MB) x 33 columns from bench/gen_workload, the gate
# bench/workload/gate.json (schema of every column; missing, types, ranges,
# order; an xgboost model of 100 trees of depth 6; six metrics with bounds)
# and the pandas peer bench/workload/peer.py doing the same, run one after the
# other WORKLOAD_REPEAT times (default 3): median wall, CPU (user + sys) and
# peak RSS of each (/usr/bin/time), and their ratio.  Then the parts: the data
# checks alone against a bare libcsv parse, and scoring against xgboost's own
# predict on the same rows (checksums side by side), and peak RSS at larger
# sizes (WORKLOAD_MEMORY_ROWS).  Quick run:
#   WORKLOAD_ROWS=100000 WORKLOAD_REPEAT=1 sh bench/parts/60-workload.sh build/release
set -eu
build=$1
data=${BENCH_DATA:-build/bench-data}
rows=${WORKLOAD_ROWS:-1000000}
repeat=${WORKLOAD_REPEAT:-3}
threads=${WORKLOAD_THREADS:-}
mkdir -p "$data"
csv="$data/workload-$rows.csv"
[ -f "$csv" ] || { echo "generating $csv"; "$build/bench/gen_workload" "$rows" "$csv"; }
model="$data/workload-model.json"
[ -f "$model" ] || gzip -dc bench/workload/model.json.gz >"$model"
gate="$data/workload-gate-$rows.json"
sed -e "s|\"workload.csv\"|\"$(basename "$csv")\"|" -e "s|\"model.json\"|\"$(basename "$model")\"|" \
    bench/workload/gate.json >"$gate"
# The same gate without the model and the metric checks: the data checks alone.
/usr/bin/python3 - "$gate" "$data/workload-data-gate-$rows.json" <<'PY' 2>/dev/null ||
import json, sys
g = json.load(open(sys.argv[1]))
del g["model"]
g["checks"] = [c for c in g["checks"] if c["check"] != "metric"]
json.dump(g, open(sys.argv[2], "w"), indent=1)
PY
    jq 'del(.model) | .checks |= map(select(.check != "metric"))' "$gate" >"$data/workload-data-gate-$rows.json"
mb=$(( $(stat -c %s "$csv") / 1000000 ))
echo "-- $rows rows x 33 columns, $mb MB; $repeat runs each"

have_peer=1
/usr/bin/python3 -c 'import pandas, sklearn, xgboost' 2>/dev/null || have_peer=0

# median FILE COLUMN: the median of a column of numbers
median() { sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timed NAME CMD...: appends "wall cpu rss_kb" of one run to $data/NAME.times
timed() {
    name=$1
    shift
    /usr/bin/time -f '%e %U %S %M %x' -o "$data/time.out" "$@" >"$data/$name.out" 2>&1 || true
    read -r w u s m x <"$data/time.out"
    [ "$x" = 0 ] || echo "   $name exited $x (see $data/$name.out)"
    echo "$w $(echo "$u $s" | awk '{ print $1 + $2 }') $m" >>"$data/$name.times"
}

rm -f "$data"/wl-*.times
mgate_args="run $gate -q --json $data/wl-report.json --junit $data/wl-junit.xml --summary $data/wl-summary.md"
[ -z "$threads" ] || mgate_args="$mgate_args --threads $threads"
i=0
while [ "$i" -lt "$repeat" ]; do
    # shellcheck disable=SC2086
    timed wl-mgate "$build/mgate" $mgate_args
    # shellcheck disable=SC2086
    [ -n "$threads" ] || timed wl-mgate2 "$build/mgate" $mgate_args --threads 2
    [ "$have_peer" = 0 ] || timed wl-peer /usr/bin/python3 bench/workload/peer.py "$gate" "$csv" "$model"
    # shellcheck disable=SC2086
    timed wl-data "$build/mgate" run "$data/workload-data-gate-$rows.json" -q --json "$data/wl-data.json" \
        --junit "$data/wl-data.xml" --summary "$data/wl-data.md"
    i=$((i + 1))
done
report() {
    printf '%-34s wall %7.2f s  CPU %7.2f s  peak RSS %7.1f MB\n' "$1" "$(median "$data/$2.times" 1)" \
        "$(median "$data/$2.times" 2)" "$(awk '{ print $3 / 1024 }' "$data/$2.times" | sort -n | tail -1)"
}
report "mgate run (whole gate)" wl-mgate
[ ! -f "$data/wl-mgate2.times" ] || report "mgate run --threads 2 (split)" wl-mgate2
if [ "$have_peer" = 1 ]; then
    report "pandas peer (same gate)" wl-peer
    awk -v a="$(median "$data/wl-peer.times" 1)" -v b="$(median "$data/wl-mgate.times" 1)" \
        -v c="$(median "$data/wl-peer.times" 2)" -v d="$(median "$data/wl-mgate.times" 2)" \
        'BEGIN { printf "%-34s wall %.1fx, CPU %.1fx faster than the peer\n", "mgate / peer", a / b, c / d }'
    [ ! -f "$data/wl-mgate2.times" ] || awk -v a="$(median "$data/wl-peer.times" 1)" -v b="$(median "$data/wl-mgate2.times" 1)" \
        'BEGIN { printf "%-34s wall %.1fx faster than the peer\n", "mgate --threads 2 / peer", a / b }'
else
    echo "pandas peer skipped: /usr/bin/python3 lacks pandas, scikit-learn or xgboost (apt install python3-pandas python3-sklearn python3-xgboost)"
fi
report "mgate run, data checks only" wl-data
rm -f "$data/wl-libcsv.times"
timed wl-libcsv "$build/bench/bench_parse" libcsv "$csv"
cat "$data/wl-libcsv.out"
# CPU times: on a shared machine they move far less than wall times.
awk -v d="$(median "$data/wl-data.times" 2)" '{ c = $2 }
    END { printf "%-34s %.0f%% of a bare libcsv parse'"'"'s speed (CPU %.2f s against %.2f s)\n",
                  "data checks alone", 100 * c / d, d, c }' "$data/wl-libcsv.times"

# Scoring: xgboost's own predict on the same rows (features loaded first, not
# timed) against mgate's scoring inside run, estimated in CPU time as the
# whole gate less the data checks alone less the metric checks' own time
# (from the JSON report).
if command -v jq >/dev/null; then
    metric_s=$(jq '[.results[] | select(.group == "metrics") | .seconds] | add // 0' "$data/wl-report.json" 2>/dev/null || echo 0)
    awk -v a="$(median "$data/wl-mgate.times" 2)" -v b="$(median "$data/wl-data.times" 2)" -v m="$metric_s" -v r="$rows" \
        'BEGIN { s = a - b - m; if (s <= 0) s = 0.001
                 printf "%-34s %.2f s CPU = %.0f rows/s (whole gate %.2f s - data checks %.2f s - metric checks %.2f s)\n",
                        "mgate run: scoring, 1 thread", s, r / s, a, b, m }'
fi
"$build/mgate" score "$model" "$csv" -o "$data/wl-scores.csv" --id id >/dev/null 2>&1 &&
    awk -F, 'NR > 1 { s += $2 } END { printf "%-34s checksum %.6f (%d rows, mgate score)\n", "mgate scores", s, NR - 1 }' \
        "$data/wl-scores.csv"
# The same comparison on features already in memory at one and two threads:
# xgboost's predict at nthread=1 and 2 against mgate's scoring path
# (bench_score_features: mg_model_score_features on the rows split between
# the threads) on the very float32 rows xgboost gets.
if [ "$have_peer" = 1 ]; then
    feats="$data/workload-features-$rows.f32"
    /usr/bin/python3 - "$model" "$csv" "$feats" <<'PY'
import sys, time
import numpy as np
import pandas as pd
import xgboost as xgb
bst = xgb.Booster(model_file=sys.argv[1])
X = pd.read_csv(sys.argv[2], usecols=bst.feature_names)[bst.feature_names].astype("float32")
X.to_numpy(dtype=np.float32).tofile(sys.argv[3])
for n in (1, 2):
    bst.set_param({"nthread": n})
    d = xgb.DMatrix(X, feature_names=bst.feature_names, nthread=n)
    t0 = time.perf_counter()
    p = bst.predict(d)
    t = time.perf_counter() - t0
    print("%-34s %.2f s = %.0f rows/s, checksum %.6f" % ("xgboost %s predict, nthread=%d" % (xgb.__version__, n),
          t, len(p) / t, float(np.sum(p, dtype=np.float64))))
PY
    "$build/bench/bench_score_features" "$model" "$feats" 1 2
    rm -f "$feats"
fi

# Memory with input size: the whole gate (mgate only) on larger copies of the
# workload, WORKLOAD_MEMORY_ROWS (default 4,000,000; add 20000000 for the
# 4.2 GB file, which is generated once and kept under $BENCH_DATA).  Peak RSS
# stays flat but for the rank metrics' 16 bytes a row (roc_auc here) and the
# `order` check's table.
for big in ${WORKLOAD_MEMORY_ROWS-4000000}; do
    bcsv="$data/workload-$big.csv"
    [ -f "$bcsv" ] || { echo "generating $bcsv"; "$build/bench/gen_workload" "$big" "$bcsv"; }
    bgate="$data/workload-gate-$big.json"
    sed -e "s|\"workload.csv\"|\"$(basename "$bcsv")\"|" -e "s|\"model.json\"|\"$(basename "$model")\"|" \
        bench/workload/gate.json >"$bgate"
    rm -f "$data/wl-big.times"
    # shellcheck disable=SC2086
    timed wl-big "$build/mgate" run "$bgate" -q --json "$data/wl-big.json" --junit "$data/wl-big.xml" \
        --summary "$data/wl-big.md"
    report "mgate run, $big rows ($(( $(stat -c %s "$bcsv") / 1000000 )) MB)" wl-big
done
