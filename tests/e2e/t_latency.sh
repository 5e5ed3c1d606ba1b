#!/bin/sh
# End-to-end: the latency check (suite mgate.serving) on a native model, on
# an external scorer that sleeps 50 ms per request (tests/e2e/slow_scorer.py)
# and on HTTP services (tests/serving/serve.py, --slow 0.05).  Bounds are 200 times apart from the figures
# they judge, so no case depends on the machine's speed: 50 ms sleeps fail
# max_p50_ms 10 and pass max_p50_ms 5000; a native model (microseconds)
# passes max_p99_ms 1000.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
DATA="$ROOT/fixtures/models/data/binary_clean.csv"
NATIVE="$ROOT/fixtures/models/linear/logistic.json"
SLOW="$E2E/slow_scorer.py"
G="$TMP/lat"
mkdir -p "$G"

# gate MODEL-JSON CHECK-JSON [BASELINE-MODEL-JSON]: writes $G/g.json with
# every report under $G/out.
gate() {
    jq -n --arg data "$DATA" --argjson model "$1" --argjson check "$2" --argjson champ "${3:-null}" '
        {"name": "lat", "data": {"path": $data, "id": "id", "label": "label"}, "model": $model,
         "checks": [$check],
         "reports": {"junit": "out/junit.xml", "json": "out/report.json", "summary": "out/summary.md",
                     "html": "out/report.html"}}
        | if $champ then .baseline_model = $champ else . end' >"$G/g.json" || fail "jq could not write the gate"
}
slow() { # slow MS [DIE-AFTER-REQUESTS]: the slow scorer as a model
    jq -n --arg py "$PY" --arg s "$SLOW" --arg m "$NATIVE" --arg ms "$1" --arg die "${2:-}" \
        '{"command": ([$py, $s, $m, $ms] + (if $die == "" then [] else [$die] end)), "timeout": 20}'
}
prop() { jqr "$G/out/report.json" ".results[] | select(.check == \"latency\") | .properties.$1"; }
status() { jqr "$G/out/report.json" '.results[] | select(.check == "latency") | .status'; }
# Few calls of the slow scorer: a sample of 10, one warm-up call, 3 timed calls.
QUICK='"sample": 10, "warmup": 1, "requests": 3, "repeats": 1, "batch_size": 4'

case_begin "a native model passes generous bounds; figures in JUnit, JSON, Markdown and HTML"
gate "\"$NATIVE\"" '{"check": "latency", "max_p50_ms": 1000, "max_p99_ms": 1000, "min_rows_per_s": 1}'
run_mgate run "$G/g.json"
expect_rc 0
expect_stdout_contains "PASS  serving/latency: p99 "
expect_junit_valid "$G/out/junit.xml"
expect_eq "$(xpath "$G/out/junit.xml" 'string(//testsuite[@name="lat.mgate.serving"]/testcase/@name)')" latency "testcase in mgate.serving"
expect_eq "$(xpath "$G/out/junit.xml" 'count(//testsuite[@name="lat.mgate.serving"]//property[@name="latency.p99_ms"])')" 1 "p99_ms property"
expect_eq "$(status)" passed "status"
expect_eq "$(prop calls)" 100 "calls per run"
expect_eq "$(prop repeats)" 3 "repeats"
expect_eq "$(prop rows_sampled)" 100 "rows sampled"
# Nearest-rank percentiles of the same calls are ordered.
jq -e '.results[] | select(.check == "latency") | .properties
       | .p50_ms > 0 and .p50_ms <= .p95_ms and .p95_ms <= .p99_ms and .p99_ms <= .max_ms and .rows_per_s > 0' \
    "$G/out/report.json" >/dev/null || fail "figures out of order"
expect_eq "$(jqr "$G/out/report.json" '.results[] | select(.check == "latency") | .histogram.series[0].name')" candidate "histogram series"
expect_eq "$(jqr "$G/out/report.json" '.results[] | select(.check == "latency") | [.histogram.series[0].counts[]] | add')" 300 "histogram counts every timed one-row call"
expect_file_contains "$G/out/summary.md" "serving/latency: p99 "
expect_file_contains "$G/out/report.html" 'id="plot-latency-'
expect_file_contains "$G/out/report.html" 'milliseconds per one-row call'
case_end

case_begin "an external scorer sleeping 50 ms per call fails max_p50_ms 10"
gate "$(slow 50)" "{\"check\": \"latency\", \"max_p50_ms\": 10, $QUICK}"
run_mgate run "$G/g.json"
expect_rc 1
expect_eq "$(status)" failed "status"
expect_stdout_contains "> max_p50_ms 10"
expect_stdout_contains "(median of 1 run of 3 calls)"
awk -v p="$(prop p50_ms)" 'BEGIN { exit !(p >= 50) }' || fail "p50 $(prop p50_ms) ms is below the 50 ms the scorer sleeps"
case_end

case_begin "a failed latency check is a GitHub annotation naming the suite"
run_mgate run "$G/g.json" --annotations github
expect_rc 1
expect_stdout_contains "::error title=mgate serving/latency::p99 "
case_end

case_begin "the same scorer passes max_p50_ms 5000 and min_rows_per_s 1"
gate "$(slow 50)" "{\"check\": \"latency\", \"max_p50_ms\": 5000, \"min_rows_per_s\": 1, $QUICK}"
run_mgate run "$G/g.json"
expect_rc 0
expect_eq "$(status)" passed "status"
case_end

case_begin "champion: a candidate that sleeps fails max_p99_increase against a native champion; the line names both"
gate "$(slow 50)" "{\"check\": \"latency\", \"max_p99_increase\": 0.5, $QUICK}" "\"$NATIVE\""
run_mgate run "$G/g.json"
expect_rc 1
expect_stdout_contains "(champion "
expect_stdout_contains "> max_p99_increase 0.5"
awk -v c="$(prop champion_p99_ms)" -v p="$(prop p99_ms)" 'BEGIN { exit !(c > 0 && p > 10 * c) }' ||
    fail "candidate p99 $(prop p99_ms) not far above champion p99 $(prop champion_p99_ms)"
expect_file_contains "$G/out/summary.md" "(champion "
case_end

case_begin "champion: a native candidate against a sleeping champion passes max_p99_increase 0"
gate "\"$NATIVE\"" "{\"check\": \"latency\", \"max_p99_increase\": 0, $QUICK}" "$(slow 50)"
run_mgate run "$G/g.json"
expect_rc 0
expect_stdout_contains "(champion "
case_end

case_begin "a scorer that dies while it is timed fails the check, naming the call and its stderr"
# Request 1 screens the sample, 2 is the warm-up, 3 the first timed call; it dies on 4.
gate "$(slow 1 3)" "{\"check\": \"latency\", \"max_p50_ms\": 5000, $QUICK}"
run_mgate run "$G/g.json"
expect_rc 1
expect_no_crash
expect_eq "$(status)" failed "status"
expect_stdout_contains "while it was timed"
expect_stdout_contains "out of memory on request 4"
case_end

case_begin "max_p99_increase without a baseline_model is an error, not a pass"
gate "\"$NATIVE\"" '{"check": "latency", "max_p99_increase": 0.2}'
run_mgate run "$G/g.json"
expect_rc 1
expect_eq "$(status)" error "status"
expect_stdout_contains "name the champion model with \"baseline_model\""
case_end

case_begin "a latency check without a bound is refused with the options it can take"
gate "\"$NATIVE\"" '{"check": "latency"}'
run_mgate run "$G/g.json"
expect_rc 2
expect_stderr_contains "give at least one of \"max_p50_ms\""
case_end

case_begin "scores from a prediction column have no latency: an error"
awk -F, 'BEGIN { OFS = "," } { print $0, (NR == 1 ? "p" : 0.5) }' "$DATA" >"$G/pred.csv"
jq -n --arg d "$G/pred.csv" '{"data": {"path": $d, "id": "id", "label": "label", "prediction": "p"},
    "checks": [{"check": "latency", "max_p99_ms": 1000}], "reports": {"json": "out/report.json"}}' >"$G/g.json"
run_mgate run "$G/g.json"
expect_rc 1
expect_eq "$(status)" error "status"
expect_stdout_contains "scores from a prediction column have no latency"
case_end

case_begin "sharded (2, 3, 7 shards): the merge times the same sample, with the same counts and status"
# tests/shards/normalise.py leaves out only the timings.
gate "\"$NATIVE\"" '{"check": "latency", "max_p99_ms": 1000, "sample": 30, "seed": 3}'
sh "$ROOT/tests/shards/compare.sh" "$(dirname "$MGATE")" "$G/g.json" 2 3 7 >"$G/compare.out" 2>&1 ||
    fail "a sharded run differs from one run: $(grep -v 'no data_sha256' "$G/compare.out" | head -c 1500)"
case_end

# HTTP services (tests/serving/serve.py on 127.0.0.1, started by the gate):
# the same margins, 50 ms sleeps against max_p50_ms 10 and 5000.
SERVE="$ROOT/tests/serving/serve.py"
FEATURES='["age", "income", "score", "tenure", "visits", "ratio", "delta", "z"]'
# service PROTOCOL PATH 'EXTRA SERVE ARGS as JSON list items': a service as a model.
service() {
    shape=""
    [ "$1" = jsonl ] || shape="\"task\": \"binary\", \"features\": $FEATURES,"
    printf '{"url": "http://127.0.0.1:{PORT}%s", "protocol": "%s", %s "timeout": 10, "concurrency": 1, "batch_size": 8, "start": ["%s", "%s", "--protocol", "%s", "--port", "{PORT}"%s], "ready": "/health", "start_timeout": 20}' \
        "$2" "$1" "$shape" "$PY" "$SERVE" "$1" "$3"
}

case_begin "an HTTP service (v2) that sleeps 50 ms per request fails max_p50_ms 10 and passes max_p50_ms 5000"
gate "$(service v2 /v2/models/logistic/infer ', "--slow", "0.05"')" "{\"check\": \"latency\", \"max_p50_ms\": 10, $QUICK}"
run_mgate run "$G/g.json"
expect_rc 1
expect_stdout_contains "> max_p50_ms 10"
gate "$(service v2 /v2/models/logistic/infer ', "--slow", "0.05"')" "{\"check\": \"latency\", \"max_p50_ms\": 5000, $QUICK}"
run_mgate run "$G/g.json"
expect_rc 0
case_end

case_begin "each HTTP protocol's service passes generous bounds"
for p in jsonl:/score v1:/v1/models/logistic:predict mlflow:/invocations; do
    gate "$(service "${p%%:*}" "${p#*:}" '')" "{\"check\": \"latency\", \"max_p99_ms\": 5000, $QUICK}"
    run_mgate run "$G/g.json"
    expect_rc 0
    expect_eq "$(status)" passed "${p%%:*} status"
done
case_end

case_begin "an HTTP service that answers 500 while it is timed fails the check naming the URL"
# Requests 1-25 score the 200 rows of the data pass (8 a request), 26 and 27
# screen the sample of 10, 28 is the warm-up, 29 the first timed call.
gate "$(service v1 /v1/models/logistic:predict ', "--fail-every", "29"')" "{\"check\": \"latency\", \"max_p50_ms\": 5000, $QUICK}"
run_mgate run "$G/g.json"
expect_rc 1
expect_eq "$(status)" failed "status"
expect_stdout_contains "while it was timed"
expect_stdout_contains "HTTP 500"
expect_stdout_contains "http://127.0.0.1:"
case_end

finish
