#!/bin/sh
# make bench: runs every bench/parts/*.sh in order with the build folder as
# $1.  Each part prints its own figures.  Benchmarks never fail the build on
# speed; they print numbers to compare.
set -eu
build=$1
export BENCH_BUILD="$build"
export BENCH_DATA="${BENCH_DATA:-build/bench-data}"
mkdir -p "$BENCH_DATA"
for part in bench/parts/*.sh; do
    [ -f "$part" ] || continue
    echo "== $(basename "$part" .sh)"
    sh "$part" "$build"
done
