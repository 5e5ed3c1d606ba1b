#!/bin/sh
# gate-action.sh - the GitHub Action's gate step (action.yml), kept here so that the
# e2e suite tests it (tests/e2e/t_action.sh) with a fake GITHUB_OUTPUT.
#
#   MGATE          the mgate binary
#   MGATE_SPEC     the gate spec
#   MGATE_ARGS     extra arguments for `mgate run`, split on spaces (no globbing)
#   MGATE_REPORTS  the reports folder (default mgate-reports)
#   GITHUB_OUTPUT  where the step's outputs go (verdict, exit-code, junit, json, html)
#
# Exits with mgate's own status, so the step fails exactly when the gate does.
set -u
: "${MGATE:?MGATE names the mgate binary}"
: "${MGATE_SPEC:?MGATE_SPEC names the gate spec}"
reports=${MGATE_REPORTS:-mgate-reports}
mkdir -p "$reports" || exit 2
junit="$reports/mgate.xml"
json="$reports/mgate.json"
html="$reports/mgate.html"

set -f # MGATE_ARGS is split on spaces, never globbed
# shellcheck disable=SC2086
"$MGATE" run "$MGATE_SPEC" --junit "$junit" --json "$json" --summary "$reports/mgate.md" \
    --html "$html" ${MGATE_ARGS:-}
rc=$?
set +f

case $rc in
    0) verdict=passed ;;
    1) verdict=failed ;;
    *) verdict=error ;;
esac
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
        echo "verdict=$verdict"
        echo "exit-code=$rc"
        echo "junit=$junit"
        echo "json=$json"
        echo "html=$html"
    } >>"$GITHUB_OUTPUT"
fi
exit $rc
