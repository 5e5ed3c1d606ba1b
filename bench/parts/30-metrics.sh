#!/bin/sh
# Metrics benchmark: all binary metrics over 1,000,000 rows (rows/s, bytes
# per row kept by the rank metrics, peak RSS), the paired bootstrap, and -
# when Debian's python3 with sklearn is there - the largest difference from
# sklearn's values on the same rows.
set -eu
build=$1
rows=${METRICS_BENCH_ROWS:-1000000}
out=$(mktemp "${TMPDIR:-/tmp}/mgate-bench-metrics.XXXXXX")
trap 'rm -f "$out" "$out.py"' EXIT
"$build/bench/bench_metrics" "$rows" --values >"$out"
grep -v '^value ' "$out"
if /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
    /usr/bin/python3 fixtures/metrics/generate_reference.py --bench "$rows" >"$out.py"
    awk 'FNR == NR { want[$2] = $3; next }
         $1 == "value" && ($2 in want) {
             d = $3 - want[$2]; if (d < 0) d = -d
             s = want[$2] < 0 ? -want[$2] : want[$2]; if (s < 1) s = 1
             if (d / s > max) { max = d / s; worst = $2 }
             n++
         }
         END { printf "metrics: %d metrics vs sklearn on the same rows: max |diff| %.3g (%s)\n", n, max, worst ? worst : "all equal" }' \
        "$out.py" "$out"
else
    echo "metrics: sklearn not available: skipped the comparison"
fi
