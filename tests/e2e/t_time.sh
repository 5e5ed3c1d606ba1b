#!/bin/sh
# End-to-end, issue 8 item 1: `order` on pandas' default zone-less times
# ("2025-03-01 05:18:03") passed while reading nothing.  An unreadable time
# is now an offence; with "time_zone" the times are read.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/t"
# Sorted by time; shuffled below.
cat >"$TMP/t/sorted.csv" <<'CSV'
id,user,event_time,amount
1,u1,2025-03-01 00:00:00,1
2,u2,2025-03-01 01:02:03,2
3,u1,2025-03-01 02:30:00.250,3
4,u3,2025-03-01 04:00:00,4
5,u2,2025-03-01 05:18:03,5
6,u1,2025-03-01 06:00:00,6
7,u3,2025-03-02 00:00:00,7
8,u2,2025-03-02 10:11:12,8
CSV
{ head -n 1 "$TMP/t/sorted.csv"; sed 1d "$TMP/t/sorted.csv" | sort -t, -k4,4nr; } >"$TMP/t/shuffled.csv"

gate() { # gate NAME DATA DATA_EXTRA
    cat >"$TMP/t/$1.json" <<JSON
{"data": {"path": "$2", "time": "event_time"$3},
 "checks": [{"check": "order"}],
 "reports": {"junit": "$1.xml", "json": "$1.report.json"}}
JSON
}

case_begin "issue 8: zone-less times, shuffled: order fails with the reason, not a pass"
gate plain shuffled.csv ""
run_mgate run "$TMP/t/plain.json"
expect_rc 1
J="$TMP/t/plain.xml"; R="$TMP/t/plain.report.json"
expect_junit_valid "$J"
expect_eq "$(xpath "$J" 'count(//testcase[@name="order"]/failure)')" "1" "order failed"
xpath "$J" 'string(//testcase[@name="order"]/failure)' >"$TMP/t/failure.txt"
expect_file_contains "$TMP/t/failure.txt" "shuffled.csv:2: event_time: found '2025-03-02 10:11:12', expected an RFC 3339 time"
expect_file_contains "$TMP/t/failure.txt" '(add a timezone, or set "time_zone")'
expect_eq "$(jqr "$R" '.results[] | select(.name=="order") | .properties.unparsable_times')" "8" "unparsable_times"
expect_eq "$(jqr "$R" '.results[] | select(.name=="order") | .properties.count')" "8" "count"
expect_eq "$(jqr "$R" '.results[] | select(.name=="order") | .examples[0]')" \
    "$TMP/t/shuffled.csv:2: event_time: found '2025-03-02 10:11:12', expected an RFC 3339 time with a timezone such as '2024-05-01T12:00:00Z', or epoch seconds (add a timezone, or set \"time_zone\")" "first example"
case_end

case_begin "zone-less times, sorted, no time_zone: still fails (the order cannot be known)"
gate sorted_plain sorted.csv ""
run_mgate run "$TMP/t/sorted_plain.json"
expect_rc 1
expect_stdout_contains "without a readable time"
case_end

case_begin "time_zone UTC: the shuffled data fails for being out of order"
gate utc shuffled.csv ', "time_zone": "UTC"'
run_mgate run "$TMP/t/utc.json"
expect_rc 1
R="$TMP/t/utc.report.json"
expect_eq "$(jqr "$R" '.results[] | select(.name=="order") | .properties.unparsable_times')" "0" "unparsable_times"
expect_eq "$(jqr "$R" '.results[] | select(.name=="order") | .properties.out_of_order')" "7" "out_of_order"
expect_file_contains "$TMP/t/utc.xml" "shuffled.csv:3: event_time: found '2025-03-02 00:00:00', 36672 s before the event at line 2"
case_end

case_begin "time_zone UTC: the sorted data passes"
gate utc_sorted sorted.csv ', "time_zone": "UTC"'
run_mgate run "$TMP/t/utc_sorted.json"
expect_rc 0
expect_eq "$(jqr "$TMP/t/utc_sorted.report.json" '.results[] | select(.name=="order") | .properties.keys')" "1" "keys"
case_end

case_begin "a named time zone is a spec error at its position"
gate paris sorted.csv ',
  "time_zone": "Europe/Paris"'
run_mgate run "$TMP/t/paris.json"
expect_rc 2
expect_stderr_contains "paris.json:2:16: data.time_zone: named time zone 'Europe/Paris' is not supported"
case_end

finish
