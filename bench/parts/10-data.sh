#!/bin/sh
# Data benchmark: a 1M-row and a 4M-row CSV of 30 columns (generated once
# under $BENCH_DATA): bare libcsv parse, mgate's row source, and a full
# `mgate run` with every data check, with rows/s, MB/s and peak RSS.
set -eu
build=$1
data=$BENCH_DATA
for rows in 1000000 4000000; do
    f="$data/bench-$rows.csv"
    [ -f "$f" ] || { echo "generating $f"; "$build/bench/gen_csv" "$rows" "$f"; }
done
cat >"$data/bench-gate.json" <<'JSON'
{
  "name": "bench",
  "data": {"path": "bench.csv", "id": "id", "key": "customer", "time": "event_time", "label": "label"},
  "schema": {
    "id": {"type": "integer", "min": 1},
    "customer": {"type": "string", "max_length": 16},
    "event_time": {"type": "timestamp", "min": "2020-01-01T00:00:00Z"},
    "f0": {"type": "number", "min": 0, "max": 1000}, "f1": {"type": "number", "min": 0, "max": 1000},
    "f2": {"type": "number", "nullable": true}, "f3": {"type": "number", "nullable": true},
    "f4": {"type": "number", "nullable": true}, "f5": {"type": "number", "nullable": true},
    "f6": {"type": "number", "nullable": true}, "f7": {"type": "number", "nullable": true},
    "f8": {"type": "number", "nullable": true}, "f9": {"type": "number", "nullable": true},
    "n0": {"type": "integer", "min": 0}, "n1": {"type": "integer"}, "n2": {"type": "integer"},
    "n3": {"type": "integer"}, "n4": {"type": "integer"}, "n5": {"type": "integer"},
    "n6": {"type": "integer"}, "n7": {"type": "integer", "max": 100000},
    "category": {"values": ["grocery", "fuel", "travel", "electronics", "restaurants", "online"]},
    "country": {"type": "string", "max_length": 2}, "channel": {"values": ["web", "app"]},
    "device": {"type": "string"}, "segment": {"type": "string"},
    "flag_a": {"type": "boolean"}, "flag_b": {"type": "boolean"}, "flag_c": {"type": "boolean"},
    "note": {"required": false}, "label": {"type": "integer", "values": [0, 1]}
  },
  "checks": [
    {"check": "missing", "max_rate": 0.5}, {"check": "types"}, {"check": "ranges"},
    {"check": "limits"}, {"check": "format"}, {"check": "order"}, {"check": "duplicates"}
  ]
}
JSON
for rows in 1000000 4000000; do
    f="$data/bench-$rows.csv"
    mb=$(( $(stat -c %s "$f") / 1000000 ))
    echo "-- $rows rows x 30 columns, $mb MB"
    "$build/bench/bench_parse" libcsv "$f"
    "$build/bench/bench_parse" source "$f"
    sed "s|\"bench.csv\"|\"bench-$rows.csv\"|" "$data/bench-gate.json" >"$data/bench-gate-$rows.json"
    /usr/bin/time -f '%e %M' -o "$data/time.out" "$build/mgate" run "$data/bench-gate-$rows.json" -q >/dev/null || true
    read -r secs rss <"$data/time.out"
    awk -v r="$rows" -v s="$secs" -v m="$mb" -v k="$rss" 'BEGIN {
        printf "%-22s %9d rows  %7.2f s  %10.0f rows/s  %7.1f MB/s  peak RSS %6.1f MB\n",
               "mgate run, 7 checks", r, s, r / s, m / s, k / 1024 }'
done
