#!/bin/sh
# End-to-end: the GitHub Action (issue 10, item 1).  action.yml and the workflow examples
# validate with @action-validator/cli; the Action's gate step (ci/gate-action.sh) writes
# the step outputs and the reports, and exits with the gate's status.
. "$(dirname "$0")/lib.sh"

VALIDATOR="$ROOT/tests/tools/node_modules/.bin/action-validator"

case_begin "action.yml and the workflow examples validate; a broken action does not"
if [ ! -x "$VALIDATOR" ]; then
    fail "action-validator missing: run sh ci/install-deps.sh"
else
    for f in "$ROOT/action.yml" "$ROOT"/ci/*.yml; do
        case "$f" in *gitlab*) continue ;; esac # GitLab CI, not a GitHub workflow
        "$VALIDATOR" "$f" >"$TMP/av.out" 2>&1 || fail "$(basename "$f") invalid: $(head -c 400 "$TMP/av.out")"
    done
    sed 's/using: composite/using: compost/' "$ROOT/action.yml" >"$TMP/action.yml"
    "$VALIDATOR" "$TMP/action.yml" >"$TMP/av.out" 2>&1 && fail "a broken action.yml validated"
fi
case_end

# Runs the Action's gate step in $TMP/ws (the workspace) with a fake GITHUB_OUTPUT.
gate_step() {
    rm -rf "$TMP/ws"; mkdir -p "$TMP/ws"; : >"$TMP/ws/out"
    (cd "$TMP/ws" && MGATE="$MGATE" MGATE_SPEC="$1" MGATE_ARGS="$2" GITHUB_OUTPUT="$TMP/ws/out" \
        GITHUB_ACTIONS= GITHUB_STEP_SUMMARY= timeout 120 sh "$ROOT/ci/gate-action.sh") \
        >"$TMP/ws/stdout" 2>"$TMP/ws/stderr"
    RC=$?
}
expect_output() { grep -qx "$1" "$TMP/ws/out" || fail "GITHUB_OUTPUT lacks '$1': $(tr '\n' ' ' <"$TMP/ws/out")"; }

case_begin "a passing gate: exit 0, outputs verdict=passed, all four reports"
gate_step "$ROOT/fixtures/demo/gate.json" "--quiet"
[ "$RC" = 0 ] || fail "exit $RC, expected 0: $(tail -c 400 "$TMP/ws/stderr")"
expect_output "verdict=passed"
expect_output "exit-code=0"
expect_output "junit=mgate-reports/mgate.xml"
expect_output "html=mgate-reports/mgate.html"
for f in mgate.xml mgate.json mgate.md mgate.html; do
    [ -s "$TMP/ws/mgate-reports/$f" ] || fail "report $f not written"
done
expect_junit_valid "$TMP/ws/mgate-reports/mgate.xml"
case_end

case_begin "a failing gate (args tighten a bound): the step exits 1, verdict=failed, reports written"
gate_step "$ROOT/fixtures/demo/gate.json" "--set checks[0].max_rate=0 --quiet"
[ "$RC" = 1 ] || fail "exit $RC, expected 1"
expect_output "verdict=failed"
expect_output "exit-code=1"
[ "$(jq -r .verdict "$TMP/ws/mgate-reports/mgate.json")" = failed ] || fail "JSON verdict is not failed"
case_end

case_begin "a spec that cannot be read: the step exits 2, verdict=error"
gate_step "$TMP/absent.json" ""
[ "$RC" = 2 ] || fail "exit $RC, expected 2"
expect_output "verdict=error"
expect_output "exit-code=2"
case_end

finish
