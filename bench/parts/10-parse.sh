#!/bin/sh
# Parse speed and memory of the row sources.  Generates (once, cached under
# $BENCH_DATA) CSV files of 1,000,000 and 4,000,000 rows x 30 columns and a
# file with one 100 MB field, then prints one line per figure:
#   parse.libcsv ...   bare libcsv, callbacks that only count
#   parse.source ...   mg_source_next over every row
# Usage: sh bench/parts/10-parse.sh BUILD_DIR
set -eu
build=$1
data=${BENCH_DATA:-build/bench-data}
mkdir -p "$data"
gen="$build/bench/gen_csv"
bench="$build/bench/bench_parse"

for rows in 1000000 4000000; do
    f="$data/parse-$rows.csv"
    if [ ! -s "$f" ]; then
        "$gen" "$rows" "$f.tmp"
        mv "$f.tmp" "$f"
    fi
    echo "# $f ($rows rows x 30 columns, $(wc -c < "$f") bytes)"
    "$bench" libcsv "$f"
    "$bench" source "$f"
done

# One 100 MB field (a sparse run of NUL bytes): with a 1 MiB field limit the
# row is skipped and memory stays small; without a limit it is buffered.
f="$data/parse-bigfield.csv"
if [ ! -s "$f" ]; then
    printf 'a,b\n1,' > "$f.tmp"
    truncate -s +100M "$f.tmp"
    printf ',x\n2,after\n' >> "$f.tmp"
    mv "$f.tmp" "$f"
fi
echo "# $f (one 100 MB field; --max-field-bytes 1048576, then no limit)"
"$bench" source "$f" --max-field-bytes 1048576
"$bench" source "$f"
