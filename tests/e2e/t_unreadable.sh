#!/bin/sh
# End-to-end, issue 8 item 1 (audit): a check never passes on what it could
# not read or score.  (Unreadable times: t_time.sh.)
. "$(dirname "$0")/lib.sh"

SRC="$ROOT/fixtures/adversarial"
PY=/usr/bin/python3

if [ -x "$PY" ]; then
case_begin "monotonic: rows the scorer rejects at every grid point are not tried, so the check is skipped, not passed"
mkdir -p "$TMP/m"
cp "$SRC/rows.csv" "$TMP/m/rows.csv"
cat >"$TMP/m/gate.json" <<JSON
{"data": {"path": "rows.csv", "id": "id", "label": "label"},
 "model": {"command": ["$PY", "$SRC/scorers/reject_negative.py"], "timeout": 5},
 "checks": [{"check": "monotonic", "sample": 5, "seed": 1, "grid": 4,
             "features": {"amount": {"direction": "increasing", "min": -10, "max": -1}}}],
 "reports": {"json": "report.json", "junit": "junit.xml"}}
JSON
run_mgate run "$TMP/m/gate.json"
expect_rc 0
expect_junit_valid "$TMP/m/junit.xml"
expect_eq "$(jqr "$TMP/m/report.json" '.results[] | select(.name=="monotonic") | .status')" "skipped" "status"
expect_eq "$(jqr "$TMP/m/report.json" '.results[] | select(.name=="monotonic") | .properties.tries')" "0" "tries"
expect_stdout_contains "nothing could be tried"
case_end
fi

finish
