#!/bin/sh
# compare.sh BUILD GATE.json N... [-- --set K=V ...]
#
# Runs the gate once and, for each N, as N shards (`mgate run --shard K/N
# --state`) merged by `mgate merge`, and compares the merged JSON report and
# exit status with the single run's (timings, run id, start time and host
# aside: tests/shards/normalise.py).  The spec's own report paths are
# turned off (--set reports={}) so nothing beside the spec is written.
# Prints the first differences; exits 0 when every N matched, 1 otherwise,
# 2 when a command could not run.
set -u
build=$1 gate=$2
shift 2
counts=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do counts="$counts $1"; shift; done
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
mgate=$build/mgate
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mgate-shards.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$mgate" run "$gate" --set 'reports={}' "$@" --json "$tmp/single.json" >"$tmp/single.out" 2>&1
want=$?
if [ ! -s "$tmp/single.json" ]; then
    echo "compare: the single run wrote no JSON report (exit $want):"; cat "$tmp/single.out"; exit 2
fi
python3 "$here/normalise.py" "$tmp/single.json" >"$tmp/single.norm"
failed=0
for n in $counts; do
    k=1
    states=""
    while [ "$k" -le "$n" ]; do
        if ! "$mgate" run "$gate" --set 'reports={}' "$@" --shard "$k/$n" --state "$tmp/state-$k.json" \
            >"$tmp/shard.out" 2>&1; then
            echo "compare: $gate shard $k/$n failed:"; cat "$tmp/shard.out"; exit 2
        fi
        states="$states $tmp/state-$k.json"
        k=$((k + 1))
    done
    # shellcheck disable=SC2086
    "$mgate" merge "$gate" --set 'reports={}' "$@" $states --json "$tmp/merged-$n.json" >"$tmp/merge.out" 2>&1
    got=$?
    if [ ! -s "$tmp/merged-$n.json" ]; then
        echo "compare: $gate merge of $n shards wrote no JSON report (exit $got):"; cat "$tmp/merge.out"; exit 2
    fi
    python3 "$here/normalise.py" "$tmp/merged-$n.json" >"$tmp/merged-$n.norm"
    if grep -q '"data_sha256": null' "$tmp/merged-$n.norm"; then
        echo "compare: $gate with $n shards: a file was split into byte ranges, so the merge has no data_sha256"
        python3 "$here/normalise.py" "$tmp/merged-$n.json" --no-data-sha256 >"$tmp/merged-$n.norm"
        python3 "$here/normalise.py" "$tmp/single.json" --no-data-sha256 >"$tmp/single-$n.norm"
    else
        cp "$tmp/single.norm" "$tmp/single-$n.norm"
    fi
    if [ "$got" != "$want" ]; then
        echo "compare: $gate with $n shards: exit $got, one run: exit $want"; failed=1
    fi
    if ! diff -u "$tmp/single-$n.norm" "$tmp/merged-$n.norm" >"$tmp/diff-$n"; then
        echo "compare: $gate with $n shards differs from one run:"; head -40 "$tmp/diff-$n"; failed=1
    else
        echo "compare: $gate with $n shards: same report as one run"
    fi
    rm -f "$tmp"/state-*.json
done
exit $failed
