#!/bin/sh
# Latency benchmark: the latency check (checks/serving/latency.c) on the
# same sample of fixtures/models/data/binary_clean.csv (100 rows, seed 0)
# for the same logistic model as a native model, as an external scorer
# (fixtures/models/scorers/logistic.py, one process) and, when the HTTP
# scorers are built in, behind tests/serving/serve.py on 127.0.0.1 in each
# protocol.  Per model: p50, p95, p99 and max of one-row calls, p99 of
# calls of 32 rows and rows/s of those, each the median of 3 runs of 200
# calls after 10 warm-up calls.  The bound (1e9 ms) only makes the check
# legal: this part prints figures, it judges nothing.
set -eu
build=$1
ROOT=$(pwd)
MGATE="$build/mgate"
DATA="$ROOT/fixtures/models/data/binary_clean.csv"
MODEL="$ROOT/fixtures/models/linear/logistic.json"
PY=/usr/bin/python3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mgate-bench-latency.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
FEATURES='["age", "income", "score", "tenure", "visits", "ratio", "delta", "z"]'

# measure NAME MODEL-JSON: one gate with the latency check, one line of figures.
measure() {
    jq -n --arg d "$DATA" --argjson m "$2" '{"name": "bench-latency",
        "data": {"path": $d, "id": "id", "label": "label"}, "model": $m,
        "checks": [{"check": "latency", "sample": 100, "seed": 0, "warmup": 10, "requests": 200,
                    "repeats": 3, "batch_size": 32, "max_p99_ms": 1e9}],
        "reports": {"json": "report.json"}}' >"$TMP/gate.json"
    if ! "$MGATE" run -q "$TMP/gate.json" >"$TMP/out" 2>&1; then
        printf '%-14s failed: %s\n' "$1" "$(head -c 300 "$TMP/out")"
        return
    fi
    jq -r --arg n "$1" '.results[] | select(.check == "latency") | .properties
        | [$n, .p50_ms, .p95_ms, .p99_ms, .max_ms, .batch_p99_ms, .rows_per_s]
        | "\(.[0]) \(.[1]) \(.[2]) \(.[3]) \(.[4]) \(.[5]) \(.[6])"' "$TMP/report.json" |
        awk '{ printf "%-14s %9.3g %9.3g %9.3g %9.3g %13.3g %12.0f\n", $1, $2, $3, $4, $5, $6, $7 }'
}

echo "latency on 127.0.0.1, $(nproc) cores; ms per call, median of 3 runs of 200 calls:"
printf "%-14s %9s %9s %9s %9s %13s %12s\n" model p50 p95 p99 max "p99 (32 rows)" "rows/s (32)"
measure native "\"$MODEL\""
measure external "{\"command\": [\"$PY\", \"$ROOT/fixtures/models/scorers/logistic.py\", \"$MODEL\"]}"
SERVE="$ROOT/tests/serving/serve.py"
if [ -f "$SERVE" ]; then
    for p in jsonl v2 v1 mlflow; do
        case $p in
        jsonl) path=/score; shape="" ;;
        v2) path=/v2/models/logistic/infer ;;
        v1) path=/v1/models/logistic:predict ;;
        mlflow) path=/invocations ;;
        esac
        [ $p = jsonl ] || shape="\"task\": \"binary\", \"features\": $FEATURES,"
        measure "http-$p" "{\"url\": \"http://127.0.0.1:{PORT}$path\", \"protocol\": \"$p\", $shape
            \"batch_size\": 32, \"concurrency\": 1,
            \"start\": [\"$PY\", \"$SERVE\", \"--protocol\", \"$p\", \"--port\", \"{PORT}\"], \"ready\": \"/health\"}"
    done
else
    echo "(no tests/serving/serve.py: HTTP scorers not built in)"
fi
