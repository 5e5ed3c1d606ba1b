#!/bin/sh
# Adds up the fuzz run log (fuzz/runs.tsv, one line per libFuzzer run, written
# by fuzz/run.sh) per target: runs, seconds, executions, their rate, and the
# highest coverage reached (cov: edges, ft: features; each run starts from
# the committed corpus, so the highest is the best any run saw).  Prints a
# Markdown table, the one docs/development.md shows.
#
#   sh fuzz/report.sh [RUNS_LOG]
set -eu
log=${1:-${FUZZ_RUNS_LOG:-fuzz/runs.tsv}}
if [ ! -s "$log" ]; then
    echo "fuzz-report: no runs recorded in $log (make fuzz writes them)" >&2
    exit 1
fi
awk -F '\t' '
    function group(n,   s) {   # 12345678 -> 12,345,678
        s = sprintf("%d", n)
        while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
        return s
    }
    NR == 1 { next }               # the header
    $4 == "" { next }
    {
        t = $2
        if (!(t in runs)) order[++n] = t
        runs[t]++; secs[t] += $3; execs[t] += $4
        if ($6 + 0 > cov[t]) cov[t] = $6 + 0
        if ($7 + 0 > ft[t]) ft[t] = $7 + 0
        # 72: libFuzzer stopped by SIGINT or SIGTERM ("run interrupted"),
        # its executions counted up to then; not a finding.
        if ($9 != 0 && $9 != 72) failed[t]++
    }
    END {
        print "| target | runs | seconds | executions | exec/s | cov (edges) | ft (features) | failed runs |"
        print "|---|---|---|---|---|---|---|---|"
        # Sorted by name, so the table reads the same whatever ran first.
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (order[j] < order[i]) {
            x = order[i]; order[i] = order[j]; order[j] = x
        }
        for (i = 1; i <= n; i++) {
            t = order[i]
            printf "| `%s` | %d | %s | %s | %s | %s | %s | %d |\n", t, runs[t], group(secs[t]),
                group(execs[t]), group(secs[t] ? int(execs[t] / secs[t]) : 0), group(cov[t]), group(ft[t]), failed[t]
            all += execs[t]; allsecs += secs[t]
        }
        printf "\n%s executions in %s s over %d targets\n", group(all), group(allsecs), n
    }' "$log"
