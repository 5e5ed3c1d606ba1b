#!/bin/sh
# Writes the seed inputs of fuzz_state to fuzz/corpus/fuzz_state/: the state
# the real `mgate run --shard 2/2` writes for fuzz_state's gate and data
# (read out of fuzz/fuzz_state.c).  Run once from the project root after
# `make`; the outputs are committed.
#
#   sh fuzz/make-state-seeds.sh [MGATE]
set -eu
mgate=${1:-build/release/mgate}
out=fuzz/corpus/fuzz_state
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
# The data and gate are the C strings of fuzz_state.c, printed by the C
# compiler's preprocessor-free route: extract them with awk.
awk '/^static const char data_csv\[\] =/{on=1; next} on && /;$/{sub(/;$/, ""); print; on=0; next} on{print}' \
    fuzz/fuzz_state.c | sed -e 's/^ *"//' -e 's/\\n"$//' >"$tmp/data.csv"
awk '/^static const char gate_json\[\] =/{on=1; next} on && /;$/{sub(/;$/, ""); print; on=0; next} on{print}' \
    fuzz/fuzz_state.c | sed -e 's/^ *"//' -e 's/"$//' -e 's/\\"/"/g' | tr -d '\n' >"$tmp/gate.json"
"$mgate" run "$tmp/gate.json" --shard 2/2 --state "$out/seed-shard-2-of-2.json" >/dev/null
jq -c .checks "$out/seed-shard-2-of-2.json" >"$out/seed-checks-of-shard-2.json"
ls -l "$out"
