# lib.sh - helpers for end-to-end tests of the mgate binary.  Sourced by
# tests/e2e/t_*.sh, each of which is a list of cases:
#
#   case_begin "a spec from a FIFO is read whole"
#   mkfifo "$TMP/spec.fifo"
#   ...
#   run_mgate run "$TMP/spec.fifo"
#   expect_rc 0
#   expect_stdout_contains "PASS  data/format"
#   case_end
#
# A case makes its own inputs under $TMP (or in the script's setup above the
# first case), never from another case's files.  One command with fixed
# inputs and whole expected outputs is better written as a golden case
# (tests/golden/README.md).  A failed expectation marks the case failed and
# the script goes on.
# Paths: $ROOT (repo), $SHARED (the shared corpora: ../shared beside the
# repo, or $MGATE_SHARED), $TMP (a scratch folder removed at exit), $MGATE
# (the binary under test).  A case that needs a part of $SHARED calls
# needs_shared first: when that part is absent the case is skipped, saying
# what it needs and why, and the other cases run.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${MGATE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
E2E="$ROOT/tests/e2e"
MGATE=${MGATE:-$ROOT/mgate}
case "$MGATE" in /*) ;; *) MGATE="$ROOT/$MGATE" ;; esac
# Runs are hermetic: on a GitHub runner these would turn on annotations on
# stdout and append to the job's summary; cases set them when they test that.
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_WORKSPACE
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mgate-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
JUNIT_XSD="$SHARED/junit/junit-10.xsd"

_passed=0
_failed=0
_skipped=0
_case=""
_case_ok=1

case_begin() { _case=$1; _case_ok=1; }

# needs_shared SUB WHY: 0 when $SHARED/SUB exists; else prints a skip line
# naming the case, the path and the reason, counts the case as skipped and
# returns 1.  Use: case_begin "..."; if needs_shared corpus/x "why"; then ...
# case_end; fi
needs_shared() {
    [ -e "$SHARED/$1" ] && return 0
    _skipped=$((_skipped + 1))
    printf '  skip %s: needs %s (%s); not found\n' "$_case" "$SHARED/$1" "$2"
    return 1
}

fail() {
    _case_ok=0
    printf '  FAIL %s: %s\n' "$_case" "$*" >&2
}

case_end() {
    if [ $_case_ok -eq 1 ]; then
        _passed=$((_passed + 1))
        printf '  ok   %s\n' "$_case"
    else
        _failed=$((_failed + 1))
        printf '  not ok %s\n' "$_case"
        if [ -n "${OUT_FILE:-}" ]; then
            printf '    --- stdout ---\n' >&2; head -c 2000 "$OUT_FILE" >&2
            printf '    --- stderr ---\n' >&2; head -c 2000 "$ERR_FILE" >&2
        fi
    fi
}

# Runs mgate with the given arguments; sets RC, OUT_FILE, ERR_FILE.
# A run over 120 s is killed and counts as a hang (RC 124).
run_mgate() {
    OUT_FILE="$TMP/stdout"; ERR_FILE="$TMP/stderr"
    timeout 120 "$MGATE" "$@" >"$OUT_FILE" 2>"$ERR_FILE" </dev/null
    RC=$?
}

expect_rc() {
    [ "$RC" = "$1" ] || fail "exit status $RC, expected $1"
    # 128+N means a signal: a crash is never acceptable.
    [ "$RC" -lt 124 ] || fail "mgate crashed or hung (exit $RC)"
}

expect_no_crash() {
    [ "$RC" -lt 124 ] || fail "mgate crashed or hung (exit $RC)"
    grep -q 'AddressSanitizer\|runtime error:\|LeakSanitizer\|ThreadSanitizer' "$ERR_FILE" && fail "sanitizer report in stderr"
    return 0
}

expect_stderr_contains() { grep -qF -- "$1" "$ERR_FILE" || fail "stderr lacks '$1'"; }
expect_stdout_contains() { grep -qF -- "$1" "$OUT_FILE" || fail "stdout lacks '$1'"; }
expect_stderr_empty() { [ ! -s "$ERR_FILE" ] || fail "stderr not empty"; }
expect_file() { [ -f "$1" ] || fail "file '$1' was not written"; }
expect_no_file() { [ ! -e "$1" ] || fail "file '$1' should not exist"; }
expect_file_contains() { grep -qF -- "$2" "$1" 2>/dev/null || fail "'$1' lacks '$2'"; }

# Validates a JUnit file against Jenkins' junit-10.xsd (from $SHARED; when
# it is absent, the file is only checked to be well-formed XML and a skip
# line says the schema check was left out).
expect_junit_valid() {
    [ -f "$1" ] || { fail "JUnit file '$1' missing"; return; }
    if [ ! -f "$JUNIT_XSD" ]; then
        printf "  skip the JUnit schema check in '%s': needs %s (Jenkins' JUnit schema); not found\n" "$_case" "$JUNIT_XSD"
        _schema_skips=$((${_schema_skips:-0} + 1))
        xmllint --noout "$1" >"$TMP/xmllint.out" 2>&1 || fail "JUnit '$1' is not XML: $(head -c 500 "$TMP/xmllint.out")"
        return
    fi
    xmllint --noout --schema "$JUNIT_XSD" "$1" >"$TMP/xmllint.out" 2>&1 ||
        fail "JUnit '$1' invalid: $(head -c 500 "$TMP/xmllint.out")"
}

# Prints the result of an XPath expression over an XML file.
xpath() { xmllint --xpath "$2" "$1" 2>/dev/null; }

# Prints a jq filter's result over a JSON file (raw output).
jqr() { jq -r "$2" "$1" 2>/dev/null; }

expect_eq() {
    [ "$1" = "$2" ] || fail "${3:-value}: got '$1', expected '$2'"
}

# Numeric comparison with an absolute tolerance: expect_near GOT WANT TOL what
expect_near() {
    awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t) }' ||
        fail "${4:-value}: got '$1', expected '$2' within $3"
}

# Prints the closing line, 'NAME: N passed, N failed, N skipped' (skipped:
# cases that need an absent part of $SHARED); exit status 1 when any case
# failed.
finish() {
    [ "${_schema_skips:-0}" -eq 0 ] ||
        printf '  (%d JUnit schema checks left out: %s is absent)\n' "$_schema_skips" "$JUNIT_XSD"
    printf '%s: %d passed, %d failed, %d skipped\n' "$(basename "$0" .sh)" "$_passed" "$_failed" "$_skipped"
    [ $_failed -eq 0 ]
}
