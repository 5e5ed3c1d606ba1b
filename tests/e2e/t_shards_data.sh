#!/bin/sh
# Issue 12, item 4, for the data checks: a gate of missing, types, ranges,
# format, limits, duplicates and order over damaged data (late events and
# repeated ids near and far from every shard boundary) gives, as 2, 3, 7 and
# 13 shards merged, the single run's JSON report (tests/shards/compare.sh),
# for one file cut into byte ranges and for part files, with few and many
# examples; and `run --threads`, which splits the same way, agrees.
. "$(dirname "$0")/lib.sh"

BUILD=$(dirname "$MGATE")

# 6,000 events of 60 keys, times rising within each key but for late ones
# (some within the allowed hour), ids repeated at random distances, and a
# few rows with a missing or mistyped amount, an unknown currency, an
# unreadable time, no key, an extra field or an oversized field.
mkdir -p "$TMP/d" "$TMP/p"
awk 'function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % n }
     BEGIN { seed = 12; print "id,k,t,amount,cur"
             for (n = 1; n <= 6000; n++) {
                 k = "c" rnd(60); t = (k in last ? last[k] : 1767225600 + rnd(90000)) + rnd(4000)
                 if (rnd(100) < 8) t -= rnd(20000)
                 if (!(k in last) || t > last[k]) last[k] = t
                 id = rnd(100) < 3 ? "t" rnd(n) : "t" n
                 amount = rnd(1000) / 2; cur = rnd(50) == 0 ? "XXX" : "EUR"; tt = t
                 if (rnd(100) == 0) amount = ""
                 if (rnd(200) == 0) amount = "abc"
                 if (rnd(300) == 0) tt = "garbage"
                 if (rnd(500) == 0) k = ""
                 line = id "," k "," tt "," amount "," cur
                 if (rnd(400) == 0) line = line ",extra"
                 if (rnd(700) == 0) line = id "," k "," tt "," sprintf("%0300d", 1) "," cur
                 print line } }' >"$TMP/d/events.csv"
# The same rows as four part files, each with the header.
awk -v dir="$TMP/p" 'NR == 1 { header = $0; next }
     { f = sprintf("%s/part-%d.csv", dir, int((NR - 2) / 1500)); if (!(f in seen)) { print header > f; seen[f] = 1 }
       print > f }' "$TMP/d/events.csv"
gate='"id": "id", "key": "k", "time": "t"},
 "schema": {"id": {"type": "string"}, "amount": {"type": "number", "min": 0}, "cur": {"values": ["EUR", "USD"]}},
 "limits": {"max_field_bytes": 100, "max_rows": 100000},
 "checks": [{"check": "missing"}, {"check": "types"}, {"check": "ranges"}, {"check": "format"}, {"check": "limits"},
            {"check": "duplicates"}, {"check": "order", "allowed_lateness": "1h"}]}'
echo "{\"data\": {\"path\": \"events.csv\", $gate" >"$TMP/d/gate.json"
echo "{\"data\": {\"path\": \"part-*.csv\", $gate" >"$TMP/p/gate.json"

# compared GATE EXAMPLES: the sharded runs merge into the single run's report.
compared() {
    sh "$ROOT/tests/shards/compare.sh" "$BUILD" "$1" 2 3 7 13 -- --set "reports.examples=$2" >"$TMP/compare.out" 2>&1 ||
        fail "$(grep -v data_sha256 "$TMP/compare.out" | head -8)"
}

case_begin "issue 12: the data checks merge exactly, one file in byte ranges, 5 examples"
run_mgate run "$TMP/d/gate.json"
for c in missing types ranges format limits duplicates order; do
    expect_stdout_contains "FAIL  data/$c:"
done
compared "$TMP/d/gate.json" 5
case_end

case_begin "issue 12: the data checks merge exactly, one file in byte ranges, 1000 examples"
compared "$TMP/d/gate.json" 1000
case_end

case_begin "issue 12: the data checks merge exactly, part files (first seen at another part's line)"
run_mgate run "$TMP/p/gate.json" --set reports.examples=1000 --json "$TMP/p/one.json"
jq -r '.results[] | select(.name == "duplicates") | .examples[]' "$TMP/p/one.json" | grep -q 'part-1.csv:.*first seen at .*part-0.csv:' ||
    fail "no duplicate of another part file's row to merge"
jq -r '.results[] | select(.name == "order") | .examples[]' "$TMP/p/one.json" | grep -q 'part-2.csv:.*event at .*part-1.csv:' ||
    fail "no event late against another part file's to merge"
compared "$TMP/p/gate.json" 3
compared "$TMP/p/gate.json" 1000
case_end

case_begin "issue 12: run --threads 2 and 3 (split as shards) report what one thread does"
for t in 1 2 3; do
    run_mgate run "$TMP/d/gate.json" --threads "$t" --set 'reports={"examples": 1000}' --json "$TMP/d/t$t.json"
    expect_rc 1
    python3 "$ROOT/tests/shards/normalise.py" "$TMP/d/t$t.json" >"$TMP/d/t$t.norm"
done
cmp -s "$TMP/d/t1.norm" "$TMP/d/t2.norm" || fail "--threads 2 differs: $(diff "$TMP/d/t1.norm" "$TMP/d/t2.norm" | head -4)"
cmp -s "$TMP/d/t1.norm" "$TMP/d/t3.norm" || fail "--threads 3 differs: $(diff "$TMP/d/t1.norm" "$TMP/d/t3.norm" | head -4)"
case_end

case_begin "issue 12: with as many rows as limits.max_rows, shards are refused and --threads runs as one thread"
printf 'a\n1\n2\n3\n4\n' >"$TMP/m.csv"
echo '{"data": {"path": "m.csv"}, "limits": {"max_rows": 4}}' >"$TMP/m.json"
run_mgate run "$TMP/m.json" --threads 2
expect_rc 1
expect_stdout_contains "found more than max_rows 4 rows"
run_mgate run "$TMP/m.json" --shard 1/2 --state "$TMP/m1.json"
expect_rc 0
run_mgate run "$TMP/m.json" --shard 2/2 --state "$TMP/m2.json"
expect_rc 0
run_mgate merge "$TMP/m.json" "$TMP/m1.json" "$TMP/m2.json"
expect_rc 2
expect_stderr_contains "limits.max_rows is 4"
case_end

finish
