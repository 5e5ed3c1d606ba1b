#!/bin/sh
# End-to-end: the sharded CI examples (issue 12, item 6): ci/github-actions-sharded.yml,
# ci/gitlab-ci-sharded.yml and ci/Jenkinsfile.sharded.  Each is checked for structure
# (tests/e2e/ci_shard_steps.py: N shard jobs as a matrix, `parallel: N` or parallel
# stages; a merge that needs them all and publishes JUnit; promotion only after it;
# nothing lenient), the workflow with @action-validator/cli, and then RUN: the shell
# steps of each shard job and of the merge job, taken from the example itself, run on
# the demo gate in a scratch repository, one fresh copy per job as on a CI, the CI's
# artifact store (upload/download-artifact, GitLab artifacts and needs, stash/unstash)
# standing in as a folder.  The merged JSON report must equal a single run's, timings,
# run id and host aside.  The machine (apt-get, sudo, make, the pinned mgate
# clone) is tests/e2e/ci_machine.sh's, as for t_ci_examples.sh.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
STEPS="$E2E/ci_shard_steps.py"
VALIDATOR="$ROOT/tests/tools/node_modules/.bin/action-validator"
have_yaml() { "$PY" -c 'import yaml' 2>/dev/null; }
example_file() {
    case $1 in
        github) echo "$ROOT/ci/github-actions-sharded.yml" ;;
        gitlab) echo "$ROOT/ci/gitlab-ci-sharded.yml" ;;
        jenkins) echo "$ROOT/ci/Jenkinsfile.sharded" ;;
    esac
}

# A report without what differs between two runs (timings, run id, host:
# tests/shards/normalise.py).  The demo's one file is split into byte ranges, which no
# shard reads whole: the merged report has no data_sha256 (docs/sharding.md).
normalised() { "$PY" "$ROOT/tests/shards/normalise.py" "$1" --no-data-sha256; }

# refused KIND FILE WHAT WORD: the variant FILE of KIND's example must be refused,
# the error naming WORD.
refused() {
    if "$PY" "$STEPS" check "$1" "$2" >/dev/null 2>"$TMP/refusal"; then
        fail "$1: $3 accepted"
    else
        grep -q -- "$4" "$TMP/refusal" || fail "$1: the refusal of $3 does not say '$4': $(cat "$TMP/refusal")"
    fi
}

case_begin "the sharded examples: 3 shards, a merge that needs them all, promotion after it"
if ! have_yaml; then
    fail "python3-yaml missing: run sh ci/install-deps.sh"
else
    for kind in github gitlab jenkins; do
        n=$("$PY" "$STEPS" check $kind "$(example_file $kind)" 2>"$TMP/err") || fail "$kind: $(cat "$TMP/err")"
        expect_eq "$n" 3 "$kind: shards"
        # Every generated job script is valid sh (the Jenkinsfile's sh '...' steps included).
        for job in "shard $kind $(example_file $kind) 1" "merge $kind $(example_file $kind)"; do
            "$PY" "$STEPS" $job >"$TMP/job.sh" 2>"$TMP/err" || fail "$kind: $(cat "$TMP/err")"
            sh -n "$TMP/job.sh" 2>"$TMP/err" || fail "$kind: a step is not valid sh: $(cat "$TMP/err")"
        done
    done
    if [ ! -x "$VALIDATOR" ]; then
        fail "action-validator missing: run sh ci/install-deps.sh"
    else
        "$VALIDATOR" "$ROOT/ci/github-actions-sharded.yml" >"$TMP/av.out" 2>&1 ||
            fail "the workflow is invalid: $(head -c 400 "$TMP/av.out")"
    fi
    gh=$(example_file github) gl=$(example_file gitlab) jk=$(example_file jenkins)
    sed 's/shard: \[1, 2, 3\]/shard: [1, 2]/' "$gh" >"$TMP/v.yml"
    refused github "$TMP/v.yml" "a matrix shorter than SHARDS" "not 1..SHARDS"
    sed 's/^      - name: Merge the shards and judge the gate/&\n        continue-on-error: true/' "$gh" >"$TMP/v.yml"
    refused github "$TMP/v.yml" "continue-on-error on the merge" "lenient"
    sed "s/if: github.event_name == 'push'.*/if: always()/" "$gh" >"$TMP/v.yml"
    refused github "$TMP/v.yml" "promote if: always()" "would run after a failed merge"
    sed 's/^    needs: shard$/    needs: []/' "$gh" >"$TMP/v.yml"
    refused github "$TMP/v.yml" "a merge that needs no shard" "does not need 'shard'"
    sed 's/^  needs: \[gate-shard\].*/  allow_failure: true/' "$gl" >"$TMP/v.yml"
    refused gitlab "$TMP/v.yml" "allow_failure on gate-merge" "lenient"
    sed 's/when: always/when: on_success/' "$gl" >"$TMP/v.yml"
    refused gitlab "$TMP/v.yml" "merge reports kept on success only" "when: always"
    grep -v "unstash 'mgate-state-3'" "$jk" >"$TMP/Jenkinsfile"
    refused jenkins "$TMP/Jenkinsfile" "a merge missing a shard's unstash" "unstashes"
    sed "s/SHARDS = '3'/SHARDS = '4'/" "$jk" >"$TMP/Jenkinsfile"
    refused jenkins "$TMP/Jenkinsfile" "SHARDS unequal to the stages" "not 1..SHARDS"
    sed 's/--state "mgate-state\/state-$SHARD.json"/& || true/' "$jk" >"$TMP/Jenkinsfile"
    refused jenkins "$TMP/Jenkinsfile" "a shard step made lenient" "lenient"
    sed "s/^                unstash 'mgate-state-1'/                unstash 'mgate-state-1'; deleteDir()/" "$jk" >"$TMP/Jenkinsfile"
    "$PY" "$STEPS" merge jenkins "$TMP/Jenkinsfile" >/dev/null 2>"$TMP/err" && fail "jenkins: an unknown Groovy statement ran"
    grep -q "cannot run the Groovy statement" "$TMP/err" || fail "jenkins: $(cat "$TMP/err")"
fi
case_end

case_begin "the Jenkinsfiles (single and sharded) parse as Groovy; one with a stray brace does not"
if ! command -v groovy >/dev/null 2>&1; then
    fail "groovy missing: run sh ci/install-deps.sh"
else
    # Debian's groovy looks for Java in default-java, which a JRE installed without the
    # default-jre package lacks: then the java on PATH.
    [ -x /usr/lib/jvm/default-java/bin/java ] || [ -n "${JAVA_HOME:-}" ] ||
        export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    groovy "$E2E/groovy_parse.groovy" "$ROOT/ci/Jenkinsfile" "$ROOT/ci/Jenkinsfile.sharded" >"$TMP/groovy.out" 2>&1 ||
        fail "$(head -c 600 "$TMP/groovy.out")"
    sed 's/^    stages {$/    stages {{/' "$ROOT/ci/Jenkinsfile.sharded" >"$TMP/Jenkinsfile.groovy"
    groovy "$E2E/groovy_parse.groovy" "$TMP/Jenkinsfile.groovy" >"$TMP/groovy.out" 2>&1 && fail "a stray brace parsed"
    grep -q "Jenkinsfile.groovy: [0-9]*:" "$TMP/groovy.out" || fail "the Groovy error names no line: $(head -c 300 "$TMP/groovy.out")"
fi
case_end

case_begin "the Spark and Dask scripts compile"
for f in spark_shards.py dask_shards.py; do
    PYTHONPYCACHEPREFIX=$TMP/pycache "$PY" -m py_compile "$ROOT/ci/$f" 2>"$TMP/err" || fail "$f: $(cat "$TMP/err")"
done
grep -q -- '"--shard", "%d/%d" % (k, n), "--state"' "$ROOT/ci/spark_shards.py" || fail "spark_shards.py runs no mgate run --shard K/N --state"
case_end

case_begin "spark_shards.py's own code, with a stand-in for pyspark (NOT Spark): its merged report equals one run's"
# tests/e2e/pyspark_standin: SparkFiles.get, parallelize, mapPartitionsWithIndex and
# collect, run in this process, so the script's mgate command lines, states and exit
# statuses run for real.  The "shipped" files, as --files lays them out: the binary
# (without its execute bit, which --files may drop), the spec and its baseline, side by
# side; the data stays where it is, named by an absolute path.
FILES=$TMP/spark-files
mkdir -p "$FILES"
cp "$MGATE" "$FILES/mgate" && chmod 644 "$FILES/mgate"
cp "$ROOT/fixtures/demo/baseline.json" "$FILES/"
jq --arg data "$ROOT/fixtures/demo/transactions.csv" 'del(.reports) | .data.path = $data' \
    "$ROOT/fixtures/demo/gate.json" >"$FILES/gate.json"
spark_py() {
    OUT_FILE=$TMP/spark.out ERR_FILE=$TMP/spark.err
    (cd "$TMP" && PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$E2E/pyspark_standin" STANDIN_SPARK_FILES="$FILES" \
        timeout 300 "$PY" "$ROOT/ci/spark_shards.py" "$@") >"$OUT_FILE" 2>"$ERR_FILE"
    RC=$?
}
"$MGATE" run "$FILES/gate.json" --json "$TMP/spark-single.json" >/dev/null 2>&1
spark_py gate.json --shards 3 --json "$TMP/spark-merged.json"
expect_rc 0
expect_stdout_contains "gate passed: 12 passed"
normalised "$TMP/spark-single.json" >"$TMP/single.norm"
normalised "$TMP/spark-merged.json" >"$TMP/merged.norm" 2>&1
diff "$TMP/single.norm" "$TMP/merged.norm" >"$TMP/diff" || fail "the merged report differs: $(head -c 800 "$TMP/diff")"
jq '.data.path = "/nonexistent/part-*.csv"' "$FILES/gate.json" >"$FILES/absent.json"
spark_py absent.json --shards 3
expect_rc 2
expect_stderr_contains "shard 1/3 failed"
case_end

# ---- the machine, and the team repository: the demo gate on its one data file ----
. "$E2E/ci_machine.sh"
TEMPLATE=$TMP/team
template_ok=0
if mkdir -p "$TEMPLATE/gate" "$TEMPLATE/data" &&
    cp "$ROOT/fixtures/demo/transactions.csv" "$TEMPLATE/data/" &&
    cp "$ROOT/fixtures/demo/baseline.json" "$TEMPLATE/gate/" &&
    jq 'del(.reports) | .data.path = "../data/transactions.csv"' "$ROOT/fixtures/demo/gate.json" >"$TEMPLATE/gate/gate.json" &&
    (cd "$TEMPLATE" && "$MGATE" run gate/gate.json --json "$TMP/single.json" >/dev/null 2>&1); then
    template_ok=1
fi

# job KIND NAME SCRIPT_ARGS...: the job's steps in a fresh copy of the team repository
# ($TMP/job-KIND-NAME); its output in $TMP/KIND-NAME.out and .err, its status in .rc.
job() {
    kind=$1 name=$2; shift 2
    dir=$TMP/job-$kind-$name log=$TMP/$kind-$name
    rm -rf "$dir"; cp -R "$TEMPLATE" "$dir"
    if "$PY" "$STEPS" "$@" >"$log.sh" 2>"$log.err"; then
        (cd "$dir" && PATH="$SHIMS:$PATH" ARTIFACTS="$ARTIFACTS" timeout 300 sh "$log.sh") >"$log.out" 2>"$log.err"
        echo $? >"$log.rc"
    else
        echo 99 >"$log.rc"
    fi
}

# run_job KIND NAME SCRIPT_ARGS...: job, then sets RC, REPO, OUT_FILE, ERR_FILE.
run_job() {
    job "$@"
    REPO=$TMP/job-$1-$2 OUT_FILE=$TMP/$1-$2.out ERR_FILE=$TMP/$1-$2.err
    RC=$(cat "$TMP/$1-$2.rc")
}

# run_pipeline KIND: the 3 shard jobs side by side, as the CI runs them, then the merge
# job; sets RC (the merge's) and REPO; returns 1 (a failure recorded) when a shard failed.
run_pipeline() {
    ARTIFACTS=$TMP/artifacts-$1
    rm -rf "$ARTIFACTS"; mkdir -p "$ARTIFACTS"
    for k in 1 2 3; do
        job "$1" "shard-$k" shard "$1" "$(example_file "$1")" $k &
    done
    wait
    for k in 1 2 3; do
        rc=$(cat "$TMP/$1-shard-$k.rc")
        [ "$rc" = 0 ] || { fail "$1: shard $k exited $rc: $(tail -c 300 "$TMP/$1-shard-$k.err")"; return 1; }
        [ -s "$TMP/job-$1-shard-$k/mgate-state/state-$k.json" ] || fail "$1: shard $k wrote no mgate-state/state-$k.json"
        [ ! -e "$TMP/job-$1-shard-$k/mgate-reports" ] || fail "$1: shard $k wrote reports"
    done
    run_job "$1" merge merge "$1" "$(example_file "$1")"
}

for kind in github gitlab jenkins; do
    case_begin "$kind: the example's 3 shard jobs and merge job, run: the merged report equals one run's"
    if [ $upstream_ok = 0 ]; then
        _skipped=$((_skipped + 1)); printf '  skip %s: needs %s as a git repository (to clone a tagged mgate from)\n' "$_case" "$ROOT"
        continue
    fi
    if [ $template_ok = 0 ] || ! have_yaml; then
        fail "cannot set up the team repository (or python3-yaml is missing)"; case_end; continue
    fi
    run_pipeline $kind || { case_end; continue; }
    expect_rc 0
    grep -q "gate passed: 12 passed" "$OUT_FILE" || fail "$kind: the merge log has no verdict: $(tail -c 300 "$OUT_FILE")"
    for f in mgate.xml mgate.json mgate.md mgate.html; do
        [ -s "$REPO/mgate-reports/$f" ] || fail "$kind: report $f not written"
    done
    expect_junit_valid "$REPO/mgate-reports/mgate.xml"
    normalised "$TMP/single.json" >"$TMP/single.norm"
    normalised "$REPO/mgate-reports/mgate.json" >"$TMP/merged.norm" 2>&1
    diff "$TMP/single.norm" "$TMP/merged.norm" >"$TMP/diff" || fail "$kind: the merged report differs: $(head -c 800 "$TMP/diff")"
    grep -q "install .*libjansson-dev" "$TMP/apt.log" 2>/dev/null || fail "$kind: install-deps.sh --build asked for no build packages"
    case_end
done

case_begin "github: a model that falls behind the baseline fails the merge job (exit 1) and its reports are still uploaded; a missing shard is exit 2"
if [ $upstream_ok = 1 ] && [ $template_ok = 1 ] && have_yaml && [ -s "$TMP/artifacts-github/mgate-state-1/state-1.json" ]; then
    # The same shards' states, merged where the baseline (the model in production) ranks
    # better: the merge judges the gate, so only the merge job runs again.
    ARTIFACTS=$TMP/artifacts-github
    jq '.metrics.roc_auc = 0.95' "$TEMPLATE/gate/baseline.json" >"$TMP/better.json" &&
        mv "$TMP/better.json" "$TEMPLATE/gate/baseline.json"
    rm -rf "$ARTIFACTS/mgate-reports"
    run_job github merge-worse merge github "$(example_file github)"
    expect_rc 1
    expect_eq "$(jqr "$ARTIFACTS/mgate-reports/mgate.json" .verdict)" failed "uploaded JSON verdict"
    expect_junit_valid "$ARTIFACTS/mgate-reports/mgate.xml"
    grep -q "FAIL  metrics/roc_auc" "$OUT_FILE" || fail "the merge log does not show the failing check"
    # A shard whose job failed uploads nothing: a merge run anyway refuses, naming it.
    rm -rf "$ARTIFACTS/mgate-state-2" "$ARTIFACTS/mgate-reports"
    run_job github merge-missing merge github "$(example_file github)"
    expect_rc 2
    expect_stderr_contains "shard 2 of 3 is missing"
    case_end
else
    _skipped=$((_skipped + 1)); printf '  skip %s: needs the github pipeline above to have run\n' "$_case"
fi

finish
