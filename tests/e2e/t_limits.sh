#!/bin/sh
# End-to-end: abnormally large input is reported with its position and
# skipped, and memory stays bounded (peak RSS measured with getrusage via
# /proc, not time).  max_rows and min_rows are golden cases:
# tests/golden/run-max-rows, run-no-rows*.
. "$(dirname "$0")/lib.sh"

# Peak RSS bounds mean nothing under ASan (its allocator quarantine holds
# freed blocks), so `make sanitize` checks behaviour only.
check_rss() {
    [ -n "${MGATE_SANITIZED:-}" ] && return 0
    [ "${RSS_KB:-0}" -lt "$1" ] || fail "peak RSS ${RSS_KB} KiB, over $1 KiB: $2"
}

# Peak RSS in KiB of the last run_mgate_rss.
run_mgate_rss() {
    OUT_FILE="$TMP/stdout"; ERR_FILE="$TMP/stderr"
    if [ -x /usr/bin/time ]; then
        timeout 300 /usr/bin/time -f '%M' -o "$TMP/rss" "$MGATE" "$@" >"$OUT_FILE" 2>"$ERR_FILE" </dev/null
        RC=$?
        RSS_KB=$(tail -n 1 "$TMP/rss")
    else
        run_mgate "$@"
        RSS_KB=0
    fi
}

printf '{"data": {"path": "big.csv"}, "schema": {"id": {"type": "integer"}, "blob": {}}}\n' >"$TMP/gate.json"

case_begin "a 100 MB field is skipped with its line, memory stays bounded"
{
    printf 'id,blob\n1,small\n2,'
    head -c 100000000 /dev/zero | tr '\0' 'x'
    printf '\n3,small\n'
} >"$TMP/big.csv"
run_mgate_rss run "$TMP/gate.json" --json "$TMP/r.json"
expect_rc 1
expect_stdout_contains "big.csv:3: blob:"
expect_eq "$(jqr "$TMP/r.json" '.results[] | select(.name=="limits") | .properties.fields_too_big')" "1" "fields too big"
expect_eq "$(jqr "$TMP/r.json" '.facts.rows_read')" "2" "rows read around it"
# The field is 100 MB; holding it would need over 100 MB.  Bounded: < 40 MB.
check_rss 40960 "the field was buffered"
case_end

case_begin "a 100 MB JSON Lines row is skipped with its line, memory bounded"
printf '{"data": {"path": "big.jsonl"}, "schema": {"id": {"type": "integer"}}}\n' >"$TMP/gatej.json"
{
    printf '{"id": 1}\n{"id": 2, "blob": "'
    head -c 100000000 /dev/zero | tr '\0' 'x'
    printf '"}\n{"id": 3}\n'
} >"$TMP/big.jsonl"
run_mgate_rss run "$TMP/gatej.json" --json "$TMP/rj.json"
expect_rc 1
expect_stdout_contains "big.jsonl:2"
expect_eq "$(jqr "$TMP/rj.json" '.facts.rows_read')" "2" "rows read around it"
# The line buffer stops at max_row_bytes (16 MiB) plus two chunks; doubling
# past it (to 32 MiB) cost twice the limit.  Bounded: < 32 MB.
check_rss 32768 "the row was buffered, or the buffer grew past max_row_bytes"
case_end
rm -f "$TMP/big.csv" "$TMP/big.jsonl"

case_begin "many columns: a header over max_columns fails the limits check"
awk 'BEGIN { for (i = 1; i <= 5000; i++) printf "c%d%s", i, (i < 5000 ? "," : "\n");
             for (i = 1; i <= 5000; i++) printf "%d%s", i, (i < 5000 ? "," : "\n") }' >"$TMP/wide.csv"
printf '{"data": {"path": "wide.csv"}, "limits": {"max_columns": 1000}}\n' >"$TMP/wide.json"
run_mgate run "$TMP/wide.json" --json "$TMP/w.json"
expect_rc 1
expect_stdout_contains "found 5000 columns in the header, expected at most 1000"
case_end

finish
