#!/bin/sh
# End-to-end: a gate run as shards on a real Dask cluster (issue 12, item 6), with
# ci/dask_shards.py and Debian's python3-distributed (installed by ci/install-deps.sh).
# The demo's data as 4 part files (data.path a glob); the merged JSON report must equal
# a single run's, timings, run id and host aside.  Shards cross the part files'
# boundaries with the demo's late events and duplicate ids, so `order`, `duplicates`
# and the examples are merged across shards, not only counted.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
DASK="$ROOT/ci/dask_shards.py"
# A report without what differs between two runs (timings, run id, host); the part
# files are read whole by the shards, so data_sha256 is compared too.
normalised() { "$PY" "$ROOT/tests/shards/normalise.py" "$1"; }

have_dask=0
"$PY" -c 'import distributed' 2>/dev/null && have_dask=1
skip_no_dask() {
    _skipped=$((_skipped + 1))
    printf '  skip %s: python3-distributed is not installed and `sh ci/install-deps.sh` could not install it\n' "$_case"
}

# The demo's 3002 rows as part-1.csv .. part-4.csv (each with the header), and its gate
# reading them by a glob, with its baseline.
PARTS=$TMP/parts
mkdir -p "$PARTS"
demo=$ROOT/fixtures/demo
tail -n +2 "$demo/transactions.csv" >"$TMP/rows.csv"
split -n l/4 -a 1 --numeric-suffixes=1 --additional-suffix=.body "$TMP/rows.csv" "$PARTS/part-"
for b in "$PARTS"/part-*.body; do
    { head -n 1 "$demo/transactions.csv"; cat "$b"; } >"${b%.body}.csv" && rm "$b"
done
jq 'del(.reports) | .data.path = "part-*.csv"' "$demo/gate.json" >"$PARTS/gate.json"
# The demo's baseline is tied to its one file's sha256: recorded again on the parts.
"$MGATE" baseline "$PARTS/gate.json" >"$TMP/baseline.out" 2>&1
"$MGATE" run "$PARTS/gate.json" --json "$TMP/single.json" >"$TMP/single.out" 2>&1
single_rc=$?

# dask_py ARGS...: ci/dask_shards.py with the binary under test; sets RC, OUT_FILE, ERR_FILE.
dask_py() {
    OUT_FILE=$TMP/dask.out ERR_FILE=$TMP/dask.err
    timeout 300 "$PY" "$DASK" --mgate "$MGATE" "$@" >"$OUT_FILE" 2>"$ERR_FILE" </dev/null
    RC=$?
}

# expect_same_report FILE: FILE equals the single run's report, timings, run id and host aside.
expect_same_report() {
    normalised "$TMP/single.json" >"$TMP/single.norm"
    normalised "$1" >"$TMP/merged.norm" 2>&1
    diff "$TMP/single.norm" "$TMP/merged.norm" >"$TMP/diff" || fail "the merged report differs: $(head -c 800 "$TMP/diff")"
}

case_begin "the 4 part files: a single run reads them as one data set and passes"
expect_eq "$single_rc" 0 "single run's exit status"
expect_eq "$(ls "$PARTS"/part-*.csv | wc -l)" 4 "part files"
expect_eq "$(jqr "$TMP/single.json" .facts.rows_read)" 3002 "rows read"
case_end

case_begin "LocalCluster, 2 worker processes, 2 shards of 2 part files: the merged report equals one run's"
if [ $have_dask = 0 ]; then skip_no_dask; else
    dask_py "$PARTS/gate.json" --workers 2 --json "$TMP/merged.json" --junit "$TMP/merged.xml"
    expect_rc 0
    expect_stdout_contains "gate passed: 12 passed, 0 failed, 0 errors"
    expect_same_report "$TMP/merged.json"
    expect_junit_valid "$TMP/merged.xml"
    case_end
fi

case_begin "a scheduler given by address (dask-scheduler, 2 dask-workers), 4 shards, states on a shared folder"
if [ $have_dask = 0 ]; then skip_no_dask; else
    # The cluster is started here and stopped by its process ids at the end of the case.
    dask-scheduler --host 127.0.0.1 --port 0 --dashboard-address 127.0.0.1:0 \
        --scheduler-file "$TMP/scheduler.json" >"$TMP/scheduler.log" 2>&1 &
    sched_pid=$!
    i=0; while [ ! -s "$TMP/scheduler.json" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    dask-worker --scheduler-file "$TMP/scheduler.json" --nworkers 2 --nthreads 1 --no-dashboard \
        >"$TMP/workers.log" 2>&1 &
    workers_pid=$!
    address=$(jq -r .address "$TMP/scheduler.json" 2>/dev/null)
    [ -n "$address" ] || fail "dask-scheduler did not start: $(tail -c 400 "$TMP/scheduler.log")"
    mkdir -p "$TMP/states"
    dask_py "$PARTS/gate.json" --scheduler "$address" --shards 4 --state-dir "$TMP/states" --json "$TMP/merged4.json"
    expect_rc 0
    expect_same_report "$TMP/merged4.json"
    expect_eq "$(ls "$TMP/states" | wc -l)" 4 "states written to the shared folder"
    kill "$workers_pid" "$sched_pid" 2>/dev/null
    wait "$workers_pid" "$sched_pid" 2>/dev/null
    case_end
fi

case_begin "a gate that fails on the merged data: exit 1, the report says failed"
if [ $have_dask = 0 ]; then skip_no_dask; else
    jq '(.checks[] | select(.metric == "roc_auc")).min = 0.95' "$PARTS/gate.json" >"$PARTS/strict.json"
    dask_py "$PARTS/strict.json" --workers 2 --json "$TMP/strict.json"
    expect_rc 1
    expect_stdout_contains "FAIL  metrics/roc_auc"
    expect_eq "$(jqr "$TMP/strict.json" .verdict)" failed "verdict"
    case_end
fi

case_begin "a shard that cannot read its data: exit 2, the shard and mgate's error named, no merge"
if [ $have_dask = 0 ]; then skip_no_dask; else
    jq '.data.path = "absent-*.csv"' "$PARTS/gate.json" >"$PARTS/absent.json"
    dask_py "$PARTS/absent.json" --workers 2 --json "$TMP/absent.json"
    expect_rc 2
    expect_stderr_contains "shard 1/2 failed"
    expect_stderr_contains "absent-*.csv"
    expect_no_file "$TMP/absent.json"
    case_end
fi

case_begin "usage errors: exit 2 with the reason"
dask_py "$PARTS/gate.json" --workers 0
expect_rc 2
expect_stderr_contains "expected --workers from 1"
OUT_FILE=$TMP/dask.out ERR_FILE=$TMP/dask.err
"$PY" "$DASK" --mgate "$TMP/no-such-mgate" "$PARTS/gate.json" >"$OUT_FILE" 2>"$ERR_FILE"; RC=$?
expect_rc 2
expect_stderr_contains "no mgate binary"
case_end

finish
