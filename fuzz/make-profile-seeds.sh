#!/bin/sh
# Writes the seed inputs of fuzz_profile to fuzz/corpus/fuzz_profile/:
# profiles written by the real `mgate profile` (with and without a spec, CSV
# and JSON Lines, an exact and a KLL sketch, a label and scores, a merge),
# cut small where the fixture is large.  Run once from the project root after
# `make`; the outputs are committed (make-seeds.sh cannot run mgate).
#
#   sh fuzz/make-profile-seeds.sh [MGATE]
set -eu
mgate=${1:-build/release/mgate}
out=fuzz/corpus/fuzz_profile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
prof() { name=$1; shift; "$mgate" profile "$@" -o "$out/seed-$name.json" --force > /dev/null; }

# The demo data with its spec (label, scores, typed columns), its first 40
# rows in two shards merged, and without a spec (kinds settled from values).
head -n 41 fixtures/demo/transactions.csv > "$tmp/head.csv"
prof demo-spec "$tmp/head.csv" --spec fixtures/demo/gate.json
{ head -n 21 "$tmp/head.csv"; } > "$tmp/a.csv"
{ head -n 1 "$tmp/head.csv"; tail -n 20 "$tmp/head.csv"; } > "$tmp/b.csv"
"$mgate" profile "$tmp/a.csv" --spec fixtures/demo/gate.json -o "$tmp/a.json" > /dev/null
"$mgate" profile "$tmp/b.csv" --spec fixtures/demo/gate.json -o "$tmp/b.json" > /dev/null
"$mgate" profile --merge "$tmp/a.json" "$tmp/b.json" -o "$out/seed-demo-merged.json" --force > /dev/null
prof demo-nospec "$tmp/head.csv"
# JSON Lines with missing values and a column of mixed kinds.
head -n 30 fixtures/models/data/binary_missing.jsonl > "$tmp/missing.jsonl"
prof jsonl-missing "$tmp/missing.jsonl"
# 10 050 values: the number column's sketch is KLL (levels, state).
awk 'BEGIN { print "x,t"; for (i = 0; i < 10050; i++) printf "%.3f,v%d\n", (i * 7919) % 10007 / 10.0, i % 20 }' \
    > "$tmp/kll.csv"
prof kll "$tmp/kll.csv"
echo "fuzz_profile seeds: $(ls "$out" | wc -l) files, $(du -sk "$out" | cut -f1) KB"
