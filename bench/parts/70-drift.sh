#!/bin/sh
# Drift check benchmark (issue 13, item 4): the time a `drift` check adds
#  - to the issue 11 workload gate (bench/workload/gate.json: 1M rows x 33
#    columns, an xgboost model, metrics; WORKLOAD_ROWS as 60-workload.sh),
#    against the profile of the same data;
#  - to a gate of every data check on the 1M-row benchmark CSV (from
#    10-data.sh), against the file's profile (from 50-profile.sh: the current
#    side sketched, bounded memory) and against reference data (every value
#    of both sides kept for scipy-exact figures; the first 100000 rows).
# Target: at most 30% added with a profile.  Times are CPU seconds (user +
# system: mgate runs on one thread), each the lower of two runs, so that other
# work on a shared machine does not count.
set -eu
build=$1
data=$BENCH_DATA
rows=1000000
gate="$data/bench-gate-$rows.json"
f="$data/bench-$rows.csv"
[ -f "$gate" ] && [ -f "$data/profile.json" ] ||
    { echo "70-drift: $gate and $data/profile.json are written by 10-data.sh and 50-profile.sh; run 'make bench'" >&2; exit 1; }
head -n 100001 "$f" >"$data/bench-ref-100k.csv"
jq --arg p "$(cd "$data" && pwd)/profile.json" '.checks += [{"check": "drift", "reference": {"profile": $p}}]' \
    "$gate" >"$data/bench-drift-profile.json"
jq --arg r "$(cd "$data" && pwd)/bench-ref-100k.csv" '.checks += [{"check": "drift", "reference": $r}]' \
    "$gate" >"$data/bench-drift-data.json"
measure() { # label, command...: prints "label secs rss_kb" to stdout, the faster of two runs
    label=$1; shift
    best=
    for try in 1 2; do
        /usr/bin/time -f '%U %S %M' -o "$data/time.out" "$@" >/dev/null 2>&1 || true
        read -r user sys rss <"$data/time.out"
        secs=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; best_rss=$rss; fi
    done
    echo "$label $best $best_rss"
}
wrows=${WORKLOAD_ROWS:-1000000}
wcsv="$data/workload-$wrows.csv"
[ -f "$wcsv" ] || { echo "generating $wcsv"; "$build/bench/gen_workload" "$wrows" "$wcsv"; }
[ -f "$data/workload-model.json" ] || gzip -dc bench/workload/model.json.gz >"$data/workload-model.json"
sed -e "s|\"workload.csv\"|\"$(basename "$wcsv")\"|" -e "s|\"model.json\"|\"workload-model.json\"|" \
    bench/workload/gate.json >"$data/drift-workload-gate.json"
"$build/mgate" profile "$wcsv" --spec "$data/drift-workload-gate.json" -o "$data/workload-profile.json" --force >/dev/null
jq --arg p "$(cd "$data" && pwd)/workload-profile.json" '.checks += [{"check": "drift", "reference": {"profile": $p}}]' \
    "$data/drift-workload-gate.json" >"$data/drift-workload-gate-drift.json"
{
    measure workload "$build/mgate" run "$data/drift-workload-gate.json" -q
    measure workload_drift "$build/mgate" run "$data/drift-workload-gate-drift.json" -q
    measure checks "$build/mgate" run "$gate" -q
    measure drift_profile "$build/mgate" run "$data/bench-drift-profile.json" -q
    measure drift_data "$build/mgate" run "$data/bench-drift-data.json" -q
} >"$data/drift-times.txt"
features=$(jq '[.schema | to_entries[] | select(.key as $k | ["id", "customer", "event_time", "label"] | index($k) | not)] | length' "$gate")
awk -v r="$rows" -v nf="$features" '
    { s[$1] = $2; k[$1] = $3 }
    END {
        printf "%-44s %7.2f s  peak RSS %6.1f MB\n", "workload gate (issue 11, with model), CPU", s["workload"], k["workload"] / 1024
        printf "%-44s %7.2f s  peak RSS %6.1f MB  (%+.0f%% time; target <= +30%%)\n", "+ drift against its profile", s["workload_drift"], k["workload_drift"] / 1024, 100 * (s["workload_drift"] / s["workload"] - 1)
        printf "%-44s %7.2f s  peak RSS %6.1f MB\n", "mgate run (every data check), CPU", s["checks"], k["checks"] / 1024
        printf "%-44s %7.2f s  peak RSS %6.1f MB  (%+.0f%% time; target <= +30%%)\n", "+ drift against the profile (" nf " features)", s["drift_profile"], k["drift_profile"] / 1024, 100 * (s["drift_profile"] / s["checks"] - 1)
        printf "%-44s %7.2f s  peak RSS %6.1f MB  (%+.0f%% time)\n", "+ drift against 100k rows of reference data", s["drift_data"], k["drift_data"] / 1024, 100 * (s["drift_data"] / s["checks"] - 1)
    }' "$data/drift-times.txt"
