#!/bin/sh
# make bench part: wide inputs.  A CSV of 100,000 columns (header and two
# rows) through `mgate run` (the format check looks for a repeated column
# name), and a linear model of 100,000 features scored on it with
# `mgate score` (load, duplicate-feature check, binding by name).  Before
# the hash index these compared every pair: 11-17 s each.
#   BENCH_WIDE_COLUMNS=N changes the width.
set -eu
build=$1
data=${BENCH_DATA:-build/bench-data}
n=${BENCH_WIDE_COLUMNS:-100000}
mkdir -p "$data"
csv="$data/wide-$n.csv"
model="$data/wide-$n-linear.json"
[ -f "$csv" ] || awk -v n="$n" 'BEGIN {
    for (i = 1; i <= n; i++) printf "c%d%s", i, (i < n ? "," : "\n");
    for (r = 1; r <= 2; r++) for (i = 1; i <= n; i++) printf "%d%s", r, (i < n ? "," : "\n");
}' >"$csv"
[ -f "$model" ] || awk -v n="$n" 'BEGIN {
    printf "{\"type\": \"linear\", \"bias\": 0, \"features\": [";
    for (i = 1; i <= n; i++) printf "\"c%d\"%s", i, (i < n ? "," : "");
    printf "], \"weights\": [";
    for (i = 1; i <= n; i++) printf "0.5%s", (i < n ? "," : "");
    printf "]}\n";
}' >"$model"
printf '{"data": {"path": "wide-%s.csv"}, "limits": {"max_columns": 0}}\n' "$n" >"$data/wide-gate.json"

# timed LABEL CMD...: prints LABEL, wall and CPU (user + system) seconds
# and peak RSS.
timed() {
    label=$1; shift
    /usr/bin/time -f '%e %U %S %M' -o "$data/time.out" "$@" >/dev/null 2>"$data/wide.err" ||
        { echo "$label: failed:"; cat "$data/wide.err"; return 0; }
    read -r secs user sys rss <"$data/time.out"
    awk -v l="$label" -v s="$secs" -v c="$(echo "$user $sys" | awk '{ print $1 + $2 }')" -v k="$rss" \
        'BEGIN { printf "%-48s %6.2f s wall  %6.2f s CPU  peak RSS %6.1f MB\n", l, s, c, k / 1024 }'
}
timed "mgate run, format check, $n-column header" "$build/mgate" run "$data/wide-gate.json" -q
timed "mgate score, $n-feature linear model, 2 rows" "$build/mgate" score "$model" "$csv" --max-columns 0
