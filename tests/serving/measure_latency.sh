#!/bin/sh
# Per-call latency of each HTTP protocol against tests/serving/serve.py on
# 127.0.0.1 (a measurement, not a test): the gate scores R rows one request
# per row (batch_size 1, concurrency 1) and R/10 rows the same way; the
# difference of the two wall times over the difference of the row counts is
# the time of one call, free of the service's start and the gate's fixed
# costs.  Usage: sh tests/serving/measure_latency.sh [MGATE] [ROWS]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MGATE=${1:-$ROOT/mgate}
ROWS=${2:-2000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mgate-latency.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
DATA=$ROOT/fixtures/models/data/binary_clean.csv
FEATURES='["age", "income", "score", "tenure", "visits", "ratio", "delta", "z"]'
# ROWS and ROWS/10 rows, cycling through the 200 fixture rows.
for n in $ROWS $((ROWS / 10)); do
    { head -n 1 "$DATA"; i=0; while [ $i -lt $n ]; do tail -n +2 "$DATA"; i=$((i + 200)); done; } |
        head -n $((n + 1)) >"$TMP/rows$n.csv"
done
now() { date +%s.%N; }
run() { # MODEL_JSON ROWS -> seconds
    printf '{"data": {"path": "%s", "id": "id", "label": "label"}, "model": %s, "checks": [{"check": "metric", "metric": "roc_auc"}]}\n' \
        "$TMP/rows$2.csv" "$1" >"$TMP/gate.json"
    t0=$(now)
    "$MGATE" run -q "$TMP/gate.json" >/dev/null 2>&1 || { echo "gate failed: $1" >&2; exit 1; }
    t1=$(now)
    echo "$t0 $t1" | awk '{ printf "%.6f", $2 - $1 }'
}
measure() { # NAME MODEL_JSON
    big=$(run "$2" $ROWS); small=$(run "$2" $((ROWS / 10)))
    echo "$1 $big $small" | awk -v n=$ROWS '{ printf "%-12s %7.3f ms per call  (%d rows in %.2f s, %d rows in %.2f s)\n", $1, ($2 - $3) * 1000 / (n - n / 10), n, $2, n / 10, $3 }'
}
echo "per-call latency, one row per call, on 127.0.0.1 ($(nproc) cores):"
measure native "\"$ROOT/fixtures/models/linear/logistic.json\""
measure external "{\"command\": [\"/usr/bin/python3\", \"$ROOT/fixtures/models/scorers/logistic.py\", \"$ROOT/fixtures/models/linear/logistic.json\"], \"batch_size\": 1}"
for p in jsonl v2 v1 mlflow; do
    case $p in jsonl) path=/score; shape="" ;; v2) path=/v2/models/logistic/infer ;; v1) path=/v1/models/logistic:predict ;; mlflow) path=/invocations ;; esac
    [ $p = jsonl ] || shape="\"task\": \"binary\", \"features\": $FEATURES,"
    measure "http-$p" "{\"url\": \"http://127.0.0.1:{PORT}$path\", \"protocol\": \"$p\", $shape \"batch_size\": 1, \"concurrency\": 1, \"start\": [\"/usr/bin/python3\", \"$ROOT/tests/serving/serve.py\", \"--protocol\", \"$p\", \"--port\", \"{PORT}\"], \"ready\": \"/health\"}"
done
