#!/bin/sh
# End-to-end: how the data is read (issue 15, items 1-3): pipes, FIFOs and
# standard input ("-", /dev/stdin) for CSV and JSON Lines in `run` and
# `score`, read once, with data_sha256 equal to sha256sum of the input; and
# a file that changes while it is read is an input error, never a verdict.
. "$(dirname "$0")/lib.sh"
M="$ROOT/fixtures/models"
MODEL="$M/xgb/binary_logistic/model.json"

# mgate with stdin from a pipe of FILE: run_piped FILE ARGS...
run_piped() {
    OUT_FILE="$TMP/stdout"; ERR_FILE="$TMP/stderr"
    _in=$1; shift
    cat "$_in" | timeout 120 "$MGATE" "$@" >"$OUT_FILE" 2>"$ERR_FILE"
    RC=$?
}

# mgate reading FIFO, fed FILE by a background writer: run_fifo FIFO FILE ARGS...
run_fifo() {
    OUT_FILE="$TMP/stdout"; ERR_FILE="$TMP/stderr"
    _fifo=$1; _in=$2; shift 2
    rm -f "$_fifo"; mkfifo "$_fifo"
    cat "$_in" >"$_fifo" &
    _writer=$!
    timeout 120 "$MGATE" "$@" >"$OUT_FILE" 2>"$ERR_FILE" </dev/null
    RC=$?
    # A writer left blocked (mgate never opened the FIFO) must not hang the test.
    kill "$_writer" 2>/dev/null
    wait "$_writer" 2>/dev/null
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- mgate score ------------------------------------------------------------

for fmt in csv jsonl; do
    DATA="$M/data/binary_missing.$fmt"
    timeout 120 "$MGATE" score "$MODEL" "$DATA" >"$TMP/want.$fmt" 2>/dev/null ||
        fail "score from the $fmt file failed"

    case_begin "score: $fmt piped to '-' gives every row, as from the file"
    run_piped "$DATA" score "$MODEL" - --format "$fmt"
    expect_rc 0
    cmp -s "$OUT_FILE" "$TMP/want.$fmt" || fail "output differs from the file's ($(wc -l <"$OUT_FILE") lines)"
    expect_eq "$(wc -l <"$OUT_FILE" | tr -d ' ')" 201 "lines"
    case_end

    case_begin "score: $fmt piped to /dev/stdin gives every row"
    run_piped "$DATA" score "$MODEL" /dev/stdin --format "$fmt"
    expect_rc 0
    cmp -s "$OUT_FILE" "$TMP/want.$fmt" || fail "output differs from the file's ($(wc -l <"$OUT_FILE") lines)"
    case_end

    case_begin "score: $fmt from a FIFO gives every row"
    run_fifo "$TMP/in.$fmt" "$DATA" score "$MODEL" "$TMP/in.$fmt"
    expect_rc 0
    cmp -s "$OUT_FILE" "$TMP/want.$fmt" || fail "output differs from the file's ($(wc -l <"$OUT_FILE") lines)"
    case_end

    case_begin "score: $fmt redirected from the file to '-' gives every row"
    OUT_FILE="$TMP/stdout"; ERR_FILE="$TMP/stderr"
    timeout 120 "$MGATE" score "$MODEL" - --format "$fmt" <"$DATA" >"$OUT_FILE" 2>"$ERR_FILE"; RC=$?
    expect_rc 0
    cmp -s "$OUT_FILE" "$TMP/want.$fmt" || fail "output differs from the file's"
    case_end
done

if command -v bash >/dev/null 2>&1; then
    case_begin "score: JSON Lines from bash process substitution <(cat ...) gives every row"
    OUT_FILE="$TMP/stdout"; ERR_FILE="$TMP/stderr"
    MODEL="$MODEL" DATA="$M/data/binary_missing.jsonl" timeout 120 bash -c \
        '"$0" score "$MODEL" <(cat "$DATA") --format jsonl' "$MGATE" >"$OUT_FILE" 2>"$ERR_FILE"; RC=$?
    expect_rc 0
    cmp -s "$OUT_FILE" "$TMP/want.jsonl" || fail "output differs from the file's ($(wc -l <"$OUT_FILE") lines)"
    case_end
fi

case_begin "score: '-' without --format says to name the format"
run_piped "$M/data/binary_missing.csv" score "$MODEL" -
expect_rc 2
expect_stderr_contains "'-': cannot tell the data format"
case_end

# --- mgate run on pipes and FIFOs -------------------------------------------

mkdir -p "$TMP/p"
# 100,000 rows, so that two readers of one FIFO would split it.
awk 'BEGIN { print "id,x,y"; for (i = 0; i < 100000; i++) printf "%d,%d.%d,%d\n", i, i % 97, i % 10, i % 2 }' >"$TMP/p/rows.csv"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "{\"id\": %d, \"x\": %d.%d, \"y\": %d}\n", i, i % 97, i % 10, i % 2 }' >"$TMP/p/rows.jsonl"
# Schema: the JSONL columns are named.  No schema and no id: the JSONL
# columns are learnt from the first object (read ahead, then replayed).
cat >"$TMP/p/schema.json" <<'JSON'
{"data": {"path": "PATH", "format": "FMT", "id": "id"},
 "schema": {"id": {"type": "integer"}, "x": {"type": "number", "min": 0}, "y": {"type": "integer", "values": [0, 1]}},
 "checks": [{"check": "format"}, {"check": "types"}, {"check": "ranges"}, {"check": "missing"}, {"check": "duplicates"}]}
JSON
cat >"$TMP/p/learnt.json" <<'JSON'
{"data": {"path": "PATH", "format": "FMT", "label": "y", "prediction": "x"},
 "checks": [{"check": "format"}, {"check": "metric", "metric": "roc_auc", "min": 0}]}
JSON

# check_full_read REPORT DATA: every row read once, nothing malformed, the
# fingerprint is sha256sum's.
check_full_read() {
    expect_eq "$(jqr "$1" '.facts.rows_read')" 100000 "rows read"
    expect_eq "$(jqr "$1" '.results[] | select(.name=="format") | .properties.count')" 0 "malformed rows"
    expect_eq "$(jqr "$1" '.facts.data_sha256')" "$(sha "$2")" "data sha256"
    expect_eq "$(jqr "$1" '.verdict')" passed "verdict"
}

for fmt in csv jsonl; do
    for kind in schema learnt; do
        case_begin "run: $fmt from a FIFO as data.path ($kind columns): read once, every row"
        sed -e "s|PATH|$TMP/p/in.fifo|" -e "s|FMT|$fmt|" "$TMP/p/$kind.json" >"$TMP/p/gate.json"
        run_fifo "$TMP/p/in.fifo" "$TMP/p/rows.$fmt" run "$TMP/p/gate.json" --json "$TMP/p/r.json"
        expect_rc 0
        check_full_read "$TMP/p/r.json" "$TMP/p/rows.$fmt"
        case_end

        for stdin in /dev/stdin -; do
            case_begin "run: $fmt piped to data.path '$stdin' ($kind columns)"
            sed -e "s|PATH|$stdin|" -e "s|FMT|$fmt|" "$TMP/p/$kind.json" >"$TMP/p/gate.json"
            run_piped "$TMP/p/rows.$fmt" run "$TMP/p/gate.json" --json "$TMP/p/r.json"
            expect_rc 0
            check_full_read "$TMP/p/r.json" "$TMP/p/rows.$fmt"
            case_end
        done
    done
done

case_begin "run: max_rows stops the checks, yet data_sha256 covers the whole input"
sed -e "s|PATH|/dev/stdin|" -e "s|FMT|csv|" -e 's|"checks"|"limits": {"max_rows": 10}, "checks"|' \
    "$TMP/p/schema.json" >"$TMP/p/gate.json"
run_piped "$TMP/p/rows.csv" run "$TMP/p/gate.json" --json "$TMP/p/r.json"
expect_rc 1
expect_eq "$(jqr "$TMP/p/r.json" '.facts.rows_read')" 10 "rows read"
expect_eq "$(jqr "$TMP/p/r.json" '.facts.data_sha256')" "$(sha "$TMP/p/rows.csv")" "data sha256"
case_end

# --- a file that changes while mgate reads it -------------------------------

mkdir -p "$TMP/c"
# ~330 KB: mgate has read only its first 64 KiB chunk when the scorer's
# first batch (the moment the scorer changes the file) arrives.
awk 'BEGIN { print "id,x,y"; for (i = 0; i < 20000; i++) printf "%d,%d,%d\n", i, i % 7, i % 2 }' >"$TMP/c/orig.csv"

# change_case ACTION [N]: runs the gate while the scorer applies ACTION.
change_case() {
    cp "$TMP/c/orig.csv" "$TMP/c/data.csv"
    cat >"$TMP/c/gate.json" <<JSON
{"data": {"path": "data.csv", "label": "y"},
 "model": {"command": ["sh", "$E2E/mutating_scorer.sh", "$1", "$TMP/c/data.csv", "${2:-0}"], "timeout": 60},
 "checks": [{"check": "format"}, {"check": "metric", "metric": "log_loss", "max": 10}]}
JSON
    rm -f "$TMP/c/j.xml" "$TMP/c/r.json"
    run_mgate run "$TMP/c/gate.json" --junit "$TMP/c/j.xml" --json "$TMP/c/r.json"
}

# expect_changed: exit 2, one error testcase, verdict error, no fingerprint.
expect_changed() {
    expect_rc 2
    expect_stderr_contains "data changed while being read"
    expect_stdout_contains "gate could not run"
    J="$TMP/c/j.xml"
    expect_junit_valid "$J"
    expect_eq "$(xpath "$J" 'count(//testcase)')" 1 "testcases"
    expect_eq "$(xpath "$J" 'count(//testcase/error)')" 1 "error testcases"
    expect_file_contains "$J" "data changed while being read"
    expect_eq "$(jqr "$TMP/c/r.json" '.verdict')" error "verdict"
    expect_eq "$(jqr "$TMP/c/r.json" '.summary.passed')" 0 "passed"
    expect_eq "$(jqr "$TMP/c/r.json" '.facts.data_sha256')" null "data sha256"
}

case_begin "changed data: the unchanged control run passes and fingerprints the file"
change_case none
expect_rc 0
expect_eq "$(jqr "$TMP/c/r.json" '.facts.rows_read')" 20000 "rows read"
expect_eq "$(jqr "$TMP/c/r.json" '.facts.data_sha256')" "$(sha "$TMP/c/orig.csv")" "data sha256"
case_end

case_begin "changed data: truncated at a row boundary while read is exit 2, not a pass"
change_case truncate-rows 12001
expect_changed
expect_stderr_contains "its size changed"
case_end

case_begin "changed data: truncated to 0 bytes while read is exit 2"
change_case empty
expect_changed
case_end

case_begin "changed data: replaced (renamed over) while read is exit 2"
change_case replace
expect_changed
expect_stderr_contains "another file"
case_end

case_begin "changed data: one byte rewritten in place (same size) while read is exit 2"
change_case touch-byte
expect_changed
expect_stderr_contains "modified"
case_end

finish
