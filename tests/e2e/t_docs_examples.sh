#!/bin/sh
# End-to-end: the outputs shown in README.md and docs/*.md are what the binary prints
# (issue 10, item 8).  docs/examples.sh reruns every marked example and compares; a
# changed figure in a page is caught, a changed duration or run id is not a change, and
# the write mode brings a stale page back in line.
. "$(dirname "$0")/lib.sh"

case_begin "every example in the README and docs matches what mgate prints now"
MGATE="$MGATE" timeout 300 sh "$ROOT/docs/examples.sh" --check >"$TMP/check.out" 2>&1
RC=$?
[ "$RC" = 0 ] || fail "docs/examples.sh --check exit $RC (run sh docs/examples.sh): $(head -c 1500 "$TMP/check.out")"
n=$(cat "$ROOT/README.md" "$ROOT"/docs/*.md | grep -c '^<!-- example: ')
[ "$n" -ge 8 ] || fail "only $n marked examples in the pages"
for name in init baseline run-pass run-fail ci-step demo; do
    grep -q "^<!-- example: $name -->" "$ROOT/README.md" || fail "README.md lacks the example '$name'"
done
case_end

case_begin "every relative link in the README and docs reaches a file and a heading"
/usr/bin/python3 "$E2E/doc_links.py" "$ROOT" >"$TMP/links.out" 2>&1 || fail "$(head -c 1500 "$TMP/links.out")"
printf '[x](spec.md#no-such-heading) [y](nowhere.md)\n' >"$TMP/bad.md"
mkdir -p "$TMP/links/docs"; cp "$ROOT/docs/spec.md" "$TMP/links/docs/"; cp "$TMP/bad.md" "$TMP/links/docs/bad.md"
: >"$TMP/links/README.md"
/usr/bin/python3 "$E2E/doc_links.py" "$TMP/links" >"$TMP/links.out" 2>&1 && fail "broken links not found"
grep -q "docs/bad.md: link to a missing heading: spec.md#no-such-heading" "$TMP/links.out" || fail "$(cat "$TMP/links.out")"
grep -q "docs/bad.md: link to a missing file: nowhere.md" "$TMP/links.out" || fail "$(cat "$TMP/links.out")"
case_end

# A scratch copy of what the script reads, to damage.
tree=$TMP/tree
mkdir -p "$tree"
cp -R "$ROOT/docs" "$ROOT/fixtures" "$ROOT/ci" "$ROOT/README.md" "$tree/"

case_begin "a stale figure in a page fails the check, naming the page and the line"
sed 's/^gate passed: 11 passed, 0 failed, 0 errors$/gate passed: 12 passed, 0 failed, 0 errors/' \
    "$ROOT/README.md" >"$tree/README.md"
cmp -s "$ROOT/README.md" "$tree/README.md" && fail "the README has no line to damage"
MGATE="$MGATE" timeout 300 sh "$tree/docs/examples.sh" --check >"$TMP/check.out" 2>&1
RC=$?
[ "$RC" = 1 ] || fail "exit $RC, expected 1"
grep -q "^examples.sh: README.md: the examples differ" "$TMP/check.out" || fail "the page is not named: $(head -c 600 "$TMP/check.out")"
grep -q "^-gate passed: 12 passed" "$TMP/check.out" || fail "the stale line is not shown"
case_end

case_begin "the write mode repairs a stale page; durations, run ids and times do not count"
cp "$ROOT/README.md" "$tree/README.md"
printf '\n<!-- example: run-pass -->\n```\nstale\n```\n' >>"$tree/docs/ci.md"
MGATE="$MGATE" timeout 300 sh "$tree/docs/examples.sh" >"$TMP/write.out" 2>&1 || fail "write mode failed: $(cat "$TMP/write.out")"
grep -q "updated docs/ci.md" "$TMP/write.out" || fail "docs/ci.md not updated: $(cat "$TMP/write.out")"
grep -q "^gate passed: 11 passed" "$tree/docs/ci.md" || fail "the stale block was not regenerated"
# Another run's id, start and duration in the generated Markdown facts line.
sed -i -e 's/started [0-9T:-]*/started 2001-01-01T00:00:00/' -e 's/run [0-9a-f]\{32\}/run 0123456789abcdef0123456789abcdef/' \
    -e 's/ [0-9.]* s · mgate/ 9.999 s · mgate/' "$tree/docs/reports.md"
grep -q "run 0123456789abcdef0123456789abcdef · started 2001-01-01T00:00:00 UTC · 9.999 s" "$tree/docs/reports.md" ||
    fail "docs/reports.md has no generated facts line to vary"
MGATE="$MGATE" timeout 300 sh "$tree/docs/examples.sh" --check >"$TMP/check.out" 2>&1 ||
    fail "check after write: $(head -c 600 "$TMP/check.out")"
case_end

case_begin "a marker without its code block is an error, not silently skipped"
printf '\n<!-- example: run-pass -->\nno block\n' >>"$tree/docs/ci.md"
MGATE="$MGATE" timeout 300 sh "$tree/docs/examples.sh" --check >"$TMP/check.out" 2>&1
RC=$?
[ "$RC" = 2 ] || fail "exit $RC, expected 2"
grep -q "no code block after the marker of run-pass" "$TMP/check.out" || fail "message: $(head -c 400 "$TMP/check.out")"
case_end

finish
