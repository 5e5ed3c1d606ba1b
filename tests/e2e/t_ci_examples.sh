#!/bin/sh
# End-to-end: the CI examples gate a model in ANOTHER repository (issue 10, item 1).
# A scratch git repository plays the team's model repository (docs/example-repo.sh:
# its data, its spec from `mgate init`, its baseline, the model "this CI run" built).
# The shell steps of each example's gate job are taken from the example itself by
# tests/e2e/ci_steps.py (GitLab's before_script + script, the Jenkinsfile's `sh` steps,
# the GitHub workflow's mgate step run as a composite action) and run there in order,
# as the CI would, for a passing and a failing model.
#
# What stands in for the CI machine: `git clone https://github.com/OWNER/mgate.git` is
# redirected (git's url.<base>.insteadOf) to a bare clone of this repository tagged
# with the tag the examples pin; apt-get only records the packages asked for; `make`
# checks the target with `make -n` in the fresh clone, then puts the mgate under test
# where `make mgate` would (building it again would take minutes; every other test
# covers the build).  Everything else (git clone, install-deps.sh, mgate run, the
# Action's gate-action.sh) runs for real.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
STEPS="$E2E/ci_steps.py"
have_yaml() { "$PY" -c 'import yaml' 2>/dev/null; }

case_begin "the CI examples are well-formed and publish the reports mgate writes"
if ! have_yaml; then
    fail "python3-yaml missing: run sh ci/install-deps.sh"
else
    for p in gitlab:gitlab-ci.yml jenkins:Jenkinsfile github:github-actions.yml; do
        kind=${p%%:*}; file=$ROOT/ci/${p#*:}
        "$PY" "$STEPS" "$kind-paths" "$file" >"$TMP/paths" 2>"$TMP/err" ||
            { fail "$(cat "$TMP/err")"; continue; }
        grep -qx "junit mgate-reports/mgate.xml" "$TMP/paths" ||
            fail "$kind publishes no mgate-reports/mgate.xml: $(tr '\n' ' ' <"$TMP/paths")"
        [ "$("$PY" "$STEPS" version "$file")" = v0.1.0 ] || fail "$kind does not pin v0.1.0"
    done
    "$PY" "$STEPS" jenkins-paths "$ROOT/ci/Jenkinsfile" >"$TMP/jp" 2>&1
    grep -qx "html-file mgate.html" "$TMP/jp" || fail "Jenkinsfile: publishHTML does not name mgate.html"
    grep -qx "artifact mgate-reports/mgate.\*" "$TMP/jp" || fail "Jenkinsfile: archiveArtifacts does not name mgate-reports/mgate.*"
    # The gate steps write exactly the files published above.
    for f in gitlab-ci.yml Jenkinsfile; do
        grep -q -- "--junit mgate-reports/mgate.xml .*--html mgate-reports/mgate.html" "$ROOT/ci/$f" ||
            fail "$f: the gate step does not write mgate-reports/mgate.xml and mgate.html"
    done
    # A lenient or broken example is refused, not run.
    sed 's/^  needs: \[train\]/  allow_failure: true/' "$ROOT/ci/gitlab-ci.yml" >"$TMP/lenient.yml"
    "$PY" "$STEPS" gitlab "$TMP/lenient.yml" >/dev/null 2>"$TMP/err" && fail "allow_failure on the gate job accepted"
    grep -q "allow_failure" "$TMP/err" || fail "the refusal does not name allow_failure: $(cat "$TMP/err")"
    sed 's/when: always/when: on_success/' "$ROOT/ci/gitlab-ci.yml" >"$TMP/onsuccess.yml"
    "$PY" "$STEPS" gitlab "$TMP/onsuccess.yml" >/dev/null 2>&1 && fail "artifacts when: on_success accepted"
    printf 'gate: [unclosed\n' >"$TMP/bad.yml"
    "$PY" "$STEPS" gitlab "$TMP/bad.yml" >/dev/null 2>&1 && fail "malformed YAML accepted"
    sed "s/publishHTML/publishLater/" "$ROOT/ci/Jenkinsfile" >"$TMP/Jenkinsfile"
    "$PY" "$STEPS" jenkins-paths "$TMP/Jenkinsfile" >/dev/null 2>&1 && fail "a Jenkinsfile without publishHTML accepted"
fi
case_end

# ---- the machine the CI would run on (apt-get, sudo and make shims; a tagged upstream)
. "$E2E/ci_machine.sh"

# The team's repository, once: data, spec from `mgate init`, baseline from the
# production model, committed; build/ and the reports are not.
TEMPLATE=$TMP/team
template_ok=0
if sh "$ROOT/docs/example-repo.sh" "$TEMPLATE" production &&
    (cd "$TEMPLATE" && mkdir -p gate && "$MGATE" init data/eval.csv --model build/model.json -o gate/gate.json &&
        "$MGATE" baseline gate/gate.json) >"$TMP/init.out" 2>&1 &&
    (cd "$TEMPLATE" && printf 'build/\nmgate-reports/\n.mgate/\n' >.gitignore && git init -q &&
        git add . && git -c user.name=team -c user.email=team@example.com commit -qm "model repo") >/dev/null 2>&1; then
    template_ok=1
fi

# run_example KIND MODEL: a fresh copy of the team repository with build/model.json
# from MODEL, the example's gate steps run in it; sets RC, REPO.
run_example() {
    REPO=$TMP/run-$1-$2
    rm -rf "$REPO" "$TMP/apt.log" "$TMP/make.log"
    cp -R "$TEMPLATE" "$REPO"
    sh "$ROOT/docs/example-repo.sh" "$REPO" "$2"
    case $1 in
        gitlab) "$PY" "$STEPS" gitlab "$ROOT/ci/gitlab-ci.yml" >"$TMP/steps.sh" ;;
        jenkins) "$PY" "$STEPS" jenkins "$ROOT/ci/Jenkinsfile" >"$TMP/steps.sh" ;;
        github)
            # The runner fetches OWNER/mgate@REF into the action's folder.
            set -- $("$PY" "$STEPS" github-uses "$ROOT/ci/github-actions.yml") "$1" "$2"
            rm -rf "$TMP/action"
            git clone -q --depth 1 --branch "$2" "https://github.com/$1.git" "$TMP/action" 2>"$TMP/err" ||
                fail "the runner's fetch of $1@$2: $(cat "$TMP/err")"
            shift 2
            "$PY" "$STEPS" github "$ROOT/ci/github-actions.yml" "$ROOT/action.yml" "$TMP/action" >"$TMP/steps.sh" ;;
    esac || { fail "ci_steps.py $1 failed"; RC=99; return; }
    : >"$TMP/gh_output"; : >"$TMP/gh_summary"
    (cd "$REPO" && PATH="$SHIMS:$PATH" GITHUB_OUTPUT="$TMP/gh_output" GITHUB_STEP_SUMMARY="$TMP/gh_summary" \
        GITHUB_ACTIONS=$([ "$1" = github ] && echo true) timeout 300 sh "$TMP/steps.sh") \
        >"$TMP/ci.out" 2>"$TMP/ci.err"
    RC=$?
    OUT_FILE=$TMP/ci.out ERR_FILE=$TMP/ci.err
}

# expect_reports KIND VERDICT: the reports the example publishes exist and say VERDICT.
expect_reports() {
    r=$REPO/mgate-reports
    for f in mgate.xml mgate.json mgate.md mgate.html; do
        [ -s "$r/$f" ] || fail "$1: report $f not written"
    done
    expect_junit_valid "$r/mgate.xml"
    expect_eq "$(jqr "$r/mgate.json" .verdict)" "$2" "$1: JSON verdict"
    grep -q "<svg" "$r/mgate.html" || fail "$1: the HTML report has no plot"
    "$PY" "$STEPS" "$1-paths" "$ROOT/ci/$3" >"$TMP/paths"
    while read -r what path; do
        case $what in
            html-dir) [ -d "$REPO/$path" ] || fail "$1: publishHTML dir $path missing" ;;
            html-file) [ -f "$r/$path" ] || fail "$1: publishHTML file $path missing" ;;
            *) # a file, a folder or a glob, relative to the workspace
                (cd "$REPO" && set -- $path && [ -e "$1" ]) || fail "$1: published $what '$path' matches nothing" ;;
        esac
    done <"$TMP/paths"
    # Built from the pinned tag with the build packages only.
    grep -q "install .*libjansson-dev" "$TMP/apt.log" 2>/dev/null ||
        fail "$1: install-deps.sh --build asked apt-get for no build packages: $(cat "$TMP/apt.log" 2>/dev/null)"
    grep -q "mgate$" "$TMP/make.log" 2>/dev/null || fail "$1: make mgate was not run"
}

for kind in gitlab jenkins github; do
    case $kind in gitlab) file=gitlab-ci.yml ;; jenkins) file=Jenkinsfile ;; github) file=github-actions.yml ;; esac
    case_begin "$kind example in another repository: a model as good as production passes (exit 0)"
    if [ $upstream_ok = 0 ]; then
        _skipped=$((_skipped + 1)); printf '  skip %s: needs %s as a git repository (to clone a tagged mgate from)\n' "$_case" "$ROOT"
    elif [ $template_ok = 0 ] || ! have_yaml; then
        fail "cannot set up the team repository: $(tail -c 400 "$TMP/init.out")"; case_end
    else
        run_example $kind production
        expect_rc 0
        expect_reports $kind passed $file
        src=$REPO/.mgate; [ $kind = github ] && src=$TMP/action
        [ "$(git -C "$src" rev-parse HEAD)" = "$(git -C "$UPSTREAM" rev-parse 'v0.1.0^{commit}')" ] ||
            fail "$kind: mgate was not fetched at the pinned tag v0.1.0"
        if [ $kind = github ]; then
            grep -qx "verdict=passed" "$TMP/gh_output" || fail "github: no verdict=passed output"
            grep -q "mgate: eval.csv passed" "$TMP/gh_summary" || fail "github: no job summary"
        fi
        case_end
    fi

    case_begin "$kind example in another repository: a worse candidate fails the job (exit 1), reports published"
    if [ $upstream_ok = 0 ]; then
        _skipped=$((_skipped + 1)); printf '  skip %s: needs %s as a git repository\n' "$_case" "$ROOT"
    elif [ $template_ok = 0 ] || ! have_yaml; then
        fail "cannot set up the team repository"; case_end
    else
        run_example $kind candidate-worse
        expect_rc 1
        expect_reports $kind failed $file
        grep -q "FAIL  metrics/roc_auc" "$TMP/ci.out" || fail "$kind: the log does not show the failing check"
        [ $kind != github ] || grep -qx "verdict=failed" "$TMP/gh_output" || fail "github: no verdict=failed output"
        case_end
    fi
done

finish
