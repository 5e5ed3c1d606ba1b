#!/bin/sh
# End-to-end: gate spec errors give exit 2 and FILE:LINE:COL messages.
# Single spec errors, usage errors and help are golden cases (tests/golden/spec-*,
# usage-*, help*); these are the ones a golden case cannot hold.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/data.csv" <<'CSV'
id,x
1,2
CSV

case_begin "issue 9: options come from one table per command"
# A misspelt option names the close one; help and the parser agree.
run_mgate run "$TMP/typo.json" --jnuit "$TMP/x.xml"
expect_rc 2
expect_stderr_contains "mgate: error: unknown option '--jnuit' (did you mean '--junit'?); see 'mgate run --help'"
run_mgate help baseline
expect_rc 0
expect_stdout_contains "-o, --output FILE"
expect_stdout_contains "--set KEY.PATH=VALUE"
run_mgate fixture updte "$TMP/typo.json"
expect_rc 2
expect_stderr_contains "unknown subcommand 'updte' (did you mean 'update'?)"
# '--' ends the options: a spec whose name starts with '-' can be run.
cp "$TMP/typo.json" "$TMP/-typo.json"
cd "$TMP" || fail "cd $TMP"
run_mgate run -- -typo.json
cd "$ROOT" || fail "cd $ROOT"
expect_rc 2
expect_stderr_contains "mgate: error: -typo.json:"
run_mgate help frobnicate
expect_rc 2
expect_stderr_contains "'frobnicate' is not a command"
case_end

# Every JSON text that JSONTestSuite says a parser must reject, given as a
# gate spec: a clean exit 2 naming the file and a position, never a crash.
case_begin "every JSONTestSuite n_*.json as a gate spec gives exit 2 with a position"
if needs_shared corpus/json-test-suite "the public JSONTestSuite corpus"; then
    count=0
    for f in "$SHARED"/corpus/json-test-suite/test_parsing/n_*.json; do
        count=$((count + 1))
        run_mgate run "$f"
        if [ "$RC" != 2 ]; then
            fail "$(basename "$f"): exit $RC"
            continue
        fi
        grep -q "^mgate: error: $f:[0-9]*:[0-9]*: " "$ERR_FILE" || fail "$(basename "$f"): no FILE:LINE:COL in: $(head -c 200 "$ERR_FILE")"
    done
    [ $count -gt 150 ] || fail "only $count corpus files found under $SHARED/corpus"
    case_end
fi

# Issue 15, item 8: the spec's size is read first; over 16 MiB is refused
# unread (a sparse file: the test costs no disk).
case_begin "a spec over the 16 MiB maximum is a clear error naming its size"
truncate -s 16777217 "$TMP/huge.json"
run_mgate run "$TMP/huge.json"
expect_rc 2
expect_stderr_contains "mgate: error: $TMP/huge.json: the spec is 16777217 bytes, more than the 16 MiB maximum"
truncate -s 16777216 "$TMP/huge.json"
run_mgate run "$TMP/huge.json"
expect_rc 2
expect_stderr_contains "not valid JSON"
rm -f "$TMP/huge.json"
case_end

case_begin "a spec from a FIFO is read whole; an endless one stops at the maximum"
mkfifo "$TMP/spec.fifo"
printf '{"data": {"path": "%s"}}\n' "$TMP/data.csv" >"$TMP/fifo-spec.json"
cat "$TMP/fifo-spec.json" >"$TMP/spec.fifo" &
run_mgate run "$TMP/spec.fifo"
wait
expect_rc 0
expect_stdout_contains "PASS  data/format"
head -c 20000000 /dev/zero >"$TMP/spec.fifo" 2>/dev/null &
run_mgate run "$TMP/spec.fifo"
wait
expect_rc 2
expect_stderr_contains "mgate: error: $TMP/spec.fifo: the spec is more than the 16 MiB maximum"
case_end

case_begin "a folder given as the spec is a read error, not a crash"
run_mgate run "$TMP"
expect_rc 2
expect_stderr_contains "cannot read the gate spec: Is a directory"
case_end

finish
