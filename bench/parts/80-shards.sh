#!/bin/sh
# make bench part: sharded runs (issue 12).  The workload of 60-workload
# (SHARD_BENCH_ROWS rows, default 1,000,000) with the workload gate is run
# as 8 shards (byte ranges of the one file), one after the other, then
# merged: prints each shard's state size (all, and per check), the merge's
# wall time, CPU time and peak RSS (/usr/bin/time), and one single run's for
# comparison; the merged report must equal the single run's (timings aside).
# Quick run: SHARD_BENCH_ROWS=100000 sh bench/parts/80-shards.sh build/release
set -eu
build=$1
data=${BENCH_DATA:-build/bench-data}
rows=${SHARD_BENCH_ROWS:-1000000}
shards=${SHARD_BENCH_SHARDS:-8}
mkdir -p "$data"
csv="$data/workload-$rows.csv"
[ -f "$csv" ] || { echo "generating $csv"; "$build/bench/gen_workload" "$rows" "$csv"; }
model="$data/workload-model.json"
[ -f "$model" ] || gzip -dc bench/workload/model.json.gz >"$model"
gate="$data/workload-gate-$rows.json"
sed -e "s|\"workload.csv\"|\"$(basename "$csv")\"|" -e "s|\"model.json\"|\"$(basename "$model")\"|" \
    bench/workload/gate.json >"$gate"
out="$data/shards"
rm -rf "$out"
mkdir -p "$out"
echo "-- $rows rows in $shards shards (byte ranges of one file), the workload gate"
k=1
while [ "$k" -le "$shards" ]; do
    /usr/bin/time -f '%e %U %S %M' -o "$out/time-$k" "$build/mgate" run "$gate" --shard "$k/$shards" \
        --state "$out/state-$k.json" -q >/dev/null
    k=$((k + 1))
done
total=$(cat "$out"/state-*.json | wc -c)
echo "   states: $total bytes in all ($((total / rows)) bytes a row), per shard about $((total / shards)) bytes"
/usr/bin/python3 - "$out/state-1.json" "$rows" "$shards" <<'PY' || true
import json, sys
s = json.load(open(sys.argv[1]))
rows_in_shard = s["rows"] or 1
for c in s["checks"]:
    n = len(json.dumps(c, separators=(",", ":")))
    print(f"     {c['check']:<24} {n:>10} bytes in shard 1 ({n / rows_in_shard:.2f} bytes a row)")
PY
/usr/bin/time -f '%e %U %S %M' -o "$out/time-merge" "$build/mgate" merge "$gate" "$out"/state-*.json \
    --json "$out/merged.json" -q >/dev/null || true
read -r w u s m <"$out/time-merge"
echo "   merge of $shards states: wall ${w} s, CPU $(echo "$u $s" | awk '{ print $1 + $2 }') s, peak RSS $((m / 1024)) MB"
/usr/bin/time -f '%e %U %S %M' -o "$out/time-single" "$build/mgate" run "$gate" --json "$out/single.json" -q \
    >/dev/null || true
read -r w u s m <"$out/time-single"
echo "   one run, for comparison: wall ${w} s, CPU $(echo "$u $s" | awk '{ print $1 + $2 }') s, peak RSS $((m / 1024)) MB"
if python3 tests/shards/normalise.py "$out/single.json" --no-data-sha256 >"$out/single.norm" &&
    python3 tests/shards/normalise.py "$out/merged.json" --no-data-sha256 >"$out/merged.norm" &&
    cmp -s "$out/single.norm" "$out/merged.norm"; then
    echo "   merged report: the same as one run's (timings and data_sha256 aside)"
else
    echo "   merged report: DIFFERS from one run's (diff $out/single.norm $out/merged.norm)"
fi
