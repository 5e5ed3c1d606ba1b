#!/bin/sh
# Drift profile benchmark (issue 13, item 4): `mgate profile` of the 1M-row
# benchmark CSV (30 columns, from 10-data.sh), with the bench gate's schema
# and without one (every column kept both ways until settled), against a
# `mgate run` of every data check on the same file: time, peak RSS and the
# profile's time as a multiple of the data checks'.
set -eu
build=$1
data=$BENCH_DATA
rows=1000000
f="$data/bench-$rows.csv"
[ -f "$f" ] || { echo "generating $f"; "$build/bench/gen_csv" "$rows" "$f"; }
gate="$data/bench-gate-$rows.json"
[ -f "$gate" ] || { echo "50-profile: $gate is written by 10-data.sh; run 'make bench'" >&2; exit 1; }
measure() { # label, command...: prints "label secs rss_kb" to stdout
    label=$1; shift
    /usr/bin/time -f '%e %M' -o "$data/time.out" "$@" >/dev/null 2>&1 || true
    read -r secs rss <"$data/time.out"
    echo "$label $secs $rss"
}
{
    measure checks "$build/mgate" run "$gate" -q
    measure profile_spec "$build/mgate" profile "$f" --spec "$gate" -o "$data/profile.json" --force
    measure profile_auto "$build/mgate" profile "$f" -o "$data/profile-auto.json" --force
} >"$data/profile-times.txt"
awk -v r="$rows" -v size="$(stat -c %s "$data/profile.json")" '
    { s[$1] = $2; k[$1] = $3 }
    END {
        printf "%-34s %7.2f s  %10.0f rows/s  peak RSS %6.1f MB\n", "mgate run (every data check)", s["checks"], r / s["checks"], k["checks"] / 1024
        printf "%-34s %7.2f s  %10.0f rows/s  peak RSS %6.1f MB  (%.2fx the checks)\n", "mgate profile --spec", s["profile_spec"], r / s["profile_spec"], k["profile_spec"] / 1024, s["profile_spec"] / s["checks"]
        printf "%-34s %7.2f s  %10.0f rows/s  peak RSS %6.1f MB  (%.2fx the checks)\n", "mgate profile (no schema)", s["profile_auto"], r / s["profile_auto"], k["profile_auto"] / 1024, s["profile_auto"] / s["checks"]
        printf "%-34s %7.0f KB\n", "profile file (with --spec)", size / 1024
    }' "$data/profile-times.txt"
