#!/bin/sh
# Sharded runs: `mgate run --shard K/N --state FILE` and `mgate merge`
# (docs/sharding.md).  The merged report equals one run's for every shipped
# gate (tests/shards/compare.sh); states that do not belong together are
# refused with exit 2 naming the file.
. "$(dirname "$0")/lib.sh"

# A small data set in three part files, and a gate with data checks only.
mkdir -p "$TMP/g/parts"
i=0
for part in 0 1 2; do
    {
        echo "id,key,t,x,label,score"
        n=0
        while [ $n -lt 40 ]; do
            i=$((i + 1))
            x=$((i * 7 % 23))
            [ $((i % 17)) -eq 0 ] && x=""
            echo "r$i,k$((i % 5)),2026-01-01T00:$(printf %02d $((i % 60))):00Z,$x,$((i % 3 == 0)),0.$((i * 37 % 100))"
            n=$((n + 1))
        done
    } >"$TMP/g/parts/part-$part.csv"
done
cat >"$TMP/g/gate.json" <<'JSON'
{"name": "parts", "data": {"path": "parts/part-*.csv", "id": "id", "label": "label", "prediction": "score"},
 "schema": {"id": {"type": "string"}, "x": {"type": "number", "min": 0, "max": 20}},
 "checks": [{"check": "missing"}, {"check": "ranges", "max_rate": 0.5}]}
JSON

shard_states() { # gate N [--set ...]: writes $TMP/s/state-K.json for every K
    rm -rf "$TMP/s"; mkdir -p "$TMP/s"
    _gate=$1 _n=$2; shift 2
    _k=1
    while [ $_k -le "$_n" ]; do
        "$MGATE" run "$_gate" --shard "$_k/$_n" --state "$TMP/s/state-$_k.json" "$@" >/dev/null 2>"$TMP/shard.err" ||
            fail "shard $_k/$_n: $(cat "$TMP/shard.err")"
        _k=$((_k + 1))
    done
}

case_begin "a sharded run over part files merges to one run's report (1, 2, 3 and 7 shards)"
sh "$ROOT/tests/shards/compare.sh" "$(dirname "$MGATE")" "$TMP/g/gate.json" 1 2 3 7 >"$TMP/cmp.out" 2>&1 ||
    fail "$(cat "$TMP/cmp.out")"
case_end

for gate in demo/gate.json demo/drift-gate.json drift-synth/gate.json adversarial/gate.json; do
    case_begin "the shipped gate fixtures/$gate as 1, 2, 3 and 7 shards gives one run's report"
    sh "$ROOT/tests/shards/compare.sh" "$(dirname "$MGATE")" "$ROOT/fixtures/$gate" 1 2 3 7 >"$TMP/cmp.out" 2>&1 ||
        fail "$(cat "$TMP/cmp.out")"
    case_end
done

case_begin "a shard writes its state and no report; the merge writes the reports"
shard_states "$TMP/g/gate.json" 2
expect_file "$TMP/s/state-1.json"
expect_eq "$(jq -r '.format, .version, .shard, .shards' "$TMP/s/state-2.json" | tr '\n' ' ')" \
    "mgate-shard-state 1 2 2 "
run_mgate merge "$TMP/g/gate.json" "$TMP/s/state-2.json" "$TMP/s/state-1.json" --json "$TMP/m.json" --junit "$TMP/m.xml"
expect_rc 1
expect_stdout_contains "FAIL  data/missing"
expect_eq "$(jqr "$TMP/m.json" .facts.rows_read)" "120"
expect_junit_valid "$TMP/m.xml"
case_end

case_begin "shards whose checkouts sit in different folders merge (data paths kept relative to the spec)"
mkdir -p "$TMP/agent1" "$TMP/agent2"
cp -r "$TMP/g" "$TMP/agent1/"
cp -r "$TMP/g" "$TMP/agent2/"
"$MGATE" run "$TMP/agent1/g/gate.json" --shard 1/2 --state "$TMP/a1.json" >/dev/null 2>&1 || fail "shard 1 failed"
"$MGATE" run "$TMP/agent2/g/gate.json" --shard 2/2 --state "$TMP/a2.json" >/dev/null 2>&1 || fail "shard 2 failed"
run_mgate merge "$TMP/g/gate.json" "$TMP/a1.json" "$TMP/a2.json" --json "$TMP/agents.json"
expect_rc 1
expect_eq "$(jqr "$TMP/agents.json" .facts.rows_read)" "120"
case_end

case_begin "report options are refused with --shard; --shard needs --state"
run_mgate run "$TMP/g/gate.json" --shard 1/2 --state "$TMP/x.json" --junit "$TMP/x.xml"
expect_rc 2
expect_stderr_contains "a shard writes no reports"
run_mgate run "$TMP/g/gate.json" --shard 1/2
expect_rc 2
expect_stderr_contains "--shard and --state go together"
run_mgate run "$TMP/g/gate.json" --shard 3/2 --state "$TMP/x.json"
expect_rc 2
expect_stderr_contains "expects K/N with 1 <= K <= N"
expect_no_file "$TMP/x.json"
case_end

case_begin "a missing shard, a shard given twice, and another shard count are refused"
shard_states "$TMP/g/gate.json" 3
run_mgate merge "$TMP/g/gate.json" "$TMP/s/state-1.json" "$TMP/s/state-3.json"
expect_rc 2
expect_stderr_contains "shard 2 of 3 is missing"
run_mgate merge "$TMP/g/gate.json" "$TMP/s/state-1.json" "$TMP/s/state-2.json" "$TMP/s/state-2.json"
expect_rc 2
expect_stderr_contains "are both shard 2 of 3"
cp "$TMP/s/state-1.json" "$TMP/one-of-3.json"
shard_states "$TMP/g/gate.json" 2
run_mgate merge "$TMP/g/gate.json" "$TMP/s/state-1.json" "$TMP/one-of-3.json"
expect_rc 2
expect_stderr_contains "one-of-3.json': shard 1 of 3, but"
case_end

case_begin "a truncated state, another spec, another data set and another version are refused"
shard_states "$TMP/g/gate.json" 2
head -c 300 "$TMP/s/state-2.json" >"$TMP/trunc.json"
run_mgate merge "$TMP/g/gate.json" "$TMP/s/state-1.json" "$TMP/trunc.json"
expect_rc 2
expect_stderr_contains "trunc.json': cannot read the state (truncated"
run_mgate merge "$TMP/g/gate.json" "$TMP/s/state-1.json" "$TMP/s/state-2.json" --set name=other
expect_rc 2
expect_stderr_contains "written for another spec"
jq -c '.version = 2' "$TMP/s/state-2.json" >"$TMP/v2.json"
run_mgate merge "$TMP/g/gate.json" "$TMP/s/state-1.json" "$TMP/v2.json"
expect_rc 2
expect_stderr_contains "state format version 2, this mgate reads version 1"
jq -c '.mgate_version = "0.0.9"' "$TMP/s/state-2.json" >"$TMP/old.json"
run_mgate merge "$TMP/g/gate.json" "$TMP/s/state-1.json" "$TMP/old.json"
expect_rc 2
expect_stderr_contains "written by mgate 0.0.9"
jq -c '.data.files[0].size = 1' "$TMP/s/state-2.json" >"$TMP/other-data.json"
run_mgate merge "$TMP/g/gate.json" "$TMP/s/state-1.json" "$TMP/other-data.json"
expect_rc 2
expect_stderr_contains "read another data set"
echo '{"hello": 1}' >"$TMP/not-state.json"
run_mgate merge "$TMP/g/gate.json" "$TMP/not-state.json"
expect_rc 2
expect_stderr_contains "not an mgate shard state"
case_end

case_begin "a single CSV file splits into byte ranges; the merge has no data_sha256 but the same checks"
{ echo "id,x"; i=0; while [ $i -lt 500 ]; do echo "r$i,$((i % 30))"; i=$((i + 1)); done; } >"$TMP/one.csv"
cat >"$TMP/one.json" <<'JSON'
{"name": "one", "data": {"path": "one.csv", "id": "id"}, "schema": {"x": {"type": "number", "max": 25}},
 "checks": [{"check": "ranges", "max_rate": 0.5}]}
JSON
sh "$ROOT/tests/shards/compare.sh" "$(dirname "$MGATE")" "$TMP/one.json" 3 >"$TMP/cmp.out" 2>&1 || fail "$(cat "$TMP/cmp.out")"
expect_file_contains "$TMP/cmp.out" "split into byte ranges"
case_end

case_begin "a CSV range with a quoted line break is refused by its shard"
{ echo "id,x"; i=0; while [ $i -lt 200 ]; do echo "r$i,\"a
b\""; i=$((i + 1)); done; } >"$TMP/q.csv"
cat >"$TMP/q.json" <<'JSON'
{"name": "q", "data": {"path": "q.csv"}, "schema": {"x": {"type": "string"}}, "checks": [{"check": "missing"}]}
JSON
run_mgate run "$TMP/q.json" --shard 2/2 --state "$TMP/q-state.json"
expect_rc 2
expect_stderr_contains "split the data into several files"
expect_no_file "$TMP/q-state.json"
case_end

finish
