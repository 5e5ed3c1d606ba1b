#!/bin/sh
# run.sh - runs the golden end-to-end cases (tests/golden/README.md).
#
#   sh tests/golden/run.sh MGATE [CASE...]           compare with expect/
#   sh tests/golden/run.sh --update MGATE [CASE...]  rewrite expect/
#
# CASE is a folder name under tests/golden (a path to it works too); none
# means every folder holding an `args` file.  Each case runs in a fresh
# temporary folder of its own, so no case depends on another.  A mismatch
# prints a unified diff (expected/ against actual/, both normalised) and the
# run exits 1; the closing line is 'golden: N passed, N failed, N skipped'.
# MGATE_SHARED names the shared corpora (default ../shared: the JUnit
# schema); MGATE_GOLDEN_CASES another folder of cases (the runner's tests).
set -u

update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
[ $# -ge 1 ] || { echo "usage: sh tests/golden/run.sh [--update] MGATE [CASE...]" >&2; exit 2; }
MGATE=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1"); shift
[ -x "$MGATE" ] || { echo "golden: $MGATE is not an executable; build it first (make)" >&2; exit 2; }
GOLDEN=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$GOLDEN/../.." && pwd -P)
# The cases' folder: tests/golden, or another one (the runner's own e2e test).
CASES_DIR=$(cd "${MGATE_GOLDEN_CASES:-$GOLDEN}" && pwd -P)
SHARED=${MGATE_SHARED:-$(cd "$ROOT/.." && pwd -P)/shared}
JUNIT_XSD="$SHARED/junit/junit-10.xsd"
VERSION=$("$MGATE" version | sed -n 's/^mgate //p')
[ -n "$VERSION" ] || { echo "golden: '$MGATE version' printed no version" >&2; exit 2; }

# Runs are hermetic: mgate gets an empty environment (see execute) and the
# runner's own tools the C locale.
export LC_ALL=C
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/mgate-golden.XXXXXX")
SCRATCH=$(cd "$SCRATCH" && pwd -P)
trap 'rm -rf "$SCRATCH"' EXIT

passed=0; failed=0; skipped=0; bad=""; schema_skips=0

# A text as a sed pattern, and as a replacement (the delimiter is '|').
re_quote() { printf '%s' "$1" | sed 's/[][\\.*^$|]/\\&/g'; }
repl_quote() { printf '%s' "$1" | sed 's/[\\&|]/\\&/g'; }

# The run's paths, each with its placeholder, the more specific first (the
# binary and the case folder lie under the root): 'PLACEHOLDER PATH' lines
# for WORK and case DIR.
path_table() {
    printf '%%MGATE%% %s\n%%TMP%% %s\n%%CASE%% %s\n%%SHARED%% %s\n%%ROOT%% %s\n' \
        "$MGATE" "$1" "$2" "$SHARED" "$ROOT"
}

# placeholders WORK DIR: the sed script putting the paths in place of the
# placeholders (args, env, fixtures).
placeholders() {
    path_table "$1" "$2" | while read -r name path; do
        printf 's|%s|%s|g\n' "$name" "$(repl_quote "$path")"
    done
}

# normaliser WORK DIR: the reverse (absolute paths back to placeholders,
# in the table's order) plus mgate's version; normalise.sed follows.
normaliser() {
    path_table "$1" "$2" | while read -r name path; do
        printf 's|%s|%s|g\n' "$(re_quote "$path")" "$name"
    done
    v=$(printf '%s' "$VERSION" | sed 's/[][\\.*^$/]/\\&/g')
    printf 's/\\(^\\|[^0-9.]\\)%s\\($\\|[^0-9.]\\)/\\1%%VERSION%%\\2/g\n' "$v"
}

# Lines of FILE that are not blank and not '#' comments.
content_lines() { grep -v '^[[:space:]]*\(#\|$\)' "$1" || true; }

# junit_check FILE WHAT: FILE validates against junit-10.xsd (or, when the
# schema is absent, is well-formed XML).  Prints why not; returns 1.
junit_check() {
    if [ -f "$JUNIT_XSD" ]; then
        xmllint --noout --schema "$JUNIT_XSD" "$1" >"$SCRATCH/xmllint.out" 2>&1 && return 0
    else
        xmllint --noout "$1" >"$SCRATCH/xmllint.out" 2>&1 && return 0
    fi
    printf '    %s is not valid JUnit:\n' "$2"; head -c 1000 "$SCRATCH/xmllint.out" | sed 's/^/      /'
    return 1
}

# needs_ok DIR: 0 when every '$SHARED' part the case's `needs` file names
# exists; else prints the skip line.
needs_ok() {
    [ -f "$1/needs" ] || return 0
    content_lines "$1/needs" | while read -r part why; do
        [ -e "$SHARED/$part" ] && continue
        printf '  skip %s: needs %s (%s); not found\n' "$(basename "$1")" "$SHARED/$part" "$why"
        echo x
    done | grep -q x && return 1
    return 0
}

# prepare DIR WORK SUBST: copies the case's inputs (in/ and the files its
# `fixtures` list names, placeholders replaced by SUBST) into WORK.
prepare() {
    if [ -d "$1/in" ]; then cp -R "$1/in/." "$2/"; fi
    [ -f "$1/fixtures" ] || return 0
    content_lines "$1/fixtures" | sed -f "$3" | while read -r src dest; do
        dest=${dest:-$(basename "$src")}
        mkdir -p "$(dirname "$2/$dest")"
        case "$src" in /*) ;; *) src="$ROOT/$src" ;; esac
        cp -R "$src" "$2/$dest" || echo "    fixtures: cannot copy '$src'" >&2
    done
}

# Every regular file under WORK with its sha256, sorted: 'HASH  ./PATH'.
snapshot() { (cd "$1" && find . -type f -print0 | xargs -0r sha256sum | sort); }

# execute DIR WORK OUT ERR SUBST: runs mgate in WORK with the case's args,
# env and stdin (placeholders replaced by SUBST); prints the exit status.
execute() {
    case_dir=$1; work_dir=$2; out=$3; err=$4; subst=$5
    # An empty environment but for these (and the case's env file).
    set -- -i PATH="$PATH" HOME="${HOME:-/}" LC_ALL=C TZ=UTC TMPDIR="${TMPDIR:-/tmp}"
    for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS MGATE_SANITIZED; do
        eval "[ -z \"\${$v+set}\" ] || set -- \"\$@\" \"$v=\$$v\""
    done
    if [ -f "$case_dir/env" ]; then
        while IFS= read -r line; do [ -z "$line" ] || set -- "$@" "$line"; done <<EOF
$(content_lines "$case_dir/env" | sed -f "$subst")
EOF
    fi
    set -- "$@" "$MGATE"
    while IFS= read -r line; do [ -z "$line" ] || set -- "$@" "$line"; done <<EOF
$(content_lines "$case_dir/args" | sed -f "$subst")
EOF
    input=/dev/null; [ -f "$case_dir/stdin" ] && input="$case_dir/stdin"
    (cd "$work_dir" && exec timeout 60 env "$@" <"$input" >"$out" 2>"$err")
    echo $?
}

# collect DIR WORK RUN STATUS: writes the normalised results to RUN/actual:
# status, stdout, stderr, files/ (every file the run created or changed in
# WORK) and `removed` (inputs the run deleted, if any).
collect() {
    norm="$3/norm.sed"; act="$3/actual"
    normaliser "$2" "$1" >"$norm"; cat "$GOLDEN/normalise.sed" >>"$norm"
    mkdir -p "$act"
    echo "$4" >"$act/status"
    sed -f "$norm" "$3/stdout.raw" >"$act/stdout"
    sed -f "$norm" "$3/stderr.raw" >"$act/stderr"
    snapshot "$2" >"$3/after"
    comm -13 "$3/before" "$3/after" | cut -c67- | while IFS= read -r f; do
        mkdir -p "$(dirname "$act/files/$f")"
        sed -f "$norm" "$2/$f" >"$act/files/$f"
    done
    cut -c67- "$3/before" | while IFS= read -r f; do
        [ -e "$2/$f" ] || echo "$f" >>"$act/removed"
    done
}

# check_junit NAME WORK EXPECT: every JUnit file the case expects, and the
# file mgate wrote in WORK, validate.  Without the schema, one skip line per
# case says so and the files are only checked to be well-formed.
check_junit() {
    ok=0
    [ -d "$3/files" ] || return 0
    files=$(cd "$3/files" && grep -rl '<testsuites' . 2>/dev/null)
    [ -n "$files" ] || return 0
    if [ ! -f "$JUNIT_XSD" ]; then
        schema_skips=$((schema_skips + 1))
        printf "  skip the JUnit schema check in '%s': needs %s (Jenkins' JUnit schema); not found\n" "$1" "$JUNIT_XSD"
    fi
    for f in $files; do
        junit_check "$3/files/$f" "expected ${f#./}" || ok=1
        [ ! -f "$2/$f" ] || junit_check "$2/$f" "the written ${f#./}" || ok=1
    done
    return $ok
}

run_case() {
    name=$1; dir="$CASES_DIR/$name"
    if [ ! -f "$dir/args" ]; then
        printf '  FAIL %s: no case %s (a case is a folder with an args file)\n' "$name" "$dir"
        return 1
    fi
    needs_ok "$dir" || return 2
    run="$SCRATCH/$name"; work="$run/work"
    rm -rf "$run"; mkdir -p "$work"
    placeholders "$work" "$dir" >"$run/subst.sed"
    prepare "$dir" "$work" "$run/subst.sed"
    snapshot "$work" >"$run/before"
    rc=$(execute "$dir" "$work" "$run/stdout.raw" "$run/stderr.raw" "$run/subst.sed")
    collect "$dir" "$work" "$run" "$rc"
    if [ "$rc" -ge 124 ] 2>/dev/null || [ -z "$rc" ]; then
        printf '  FAIL %s: mgate crashed or hung (exit %s)\n' "$name" "$rc"
        sed 's/^/    /' "$run/actual/stderr" | head -n 20
        return 1
    fi
    if [ $update -eq 1 ]; then
        rm -rf "$dir/expect"; cp -R "$run/actual" "$dir/expect"
        check_junit "$name" "$work" "$dir/expect" || return 1
        printf '  updated %s\n' "$name"
        return 0
    fi
    if [ ! -d "$dir/expect" ]; then
        printf '  FAIL %s: no expect/ folder yet (make golden-update CASES=%s writes it)\n' "$name" "$name"
        return 1
    fi
    ln -s "$dir/expect" "$run/expected"
    if ! out=$(cd "$run" && diff -ruN expected actual); then
        printf '  FAIL %s: output differs from %s/expect (make golden-update CASES=%s if intended)\n' \
            "$name" "$dir" "$name"
        printf '%s\n' "$out" | sed 's/^\(---\|+++\) \([^\t]*\)\t.*/\1 \2/; s/^/    /'
        return 1
    fi
    check_junit "$name" "$work" "$dir/expect" || { printf '  FAIL %s: JUnit schema\n' "$name"; return 1; }
    printf '  ok   %s\n' "$name"
}

if [ $# -eq 0 ]; then
    set -- $(cd "$CASES_DIR" && for d in */; do [ -f "$d/args" ] && printf '%s\n' "${d%/}"; done)
fi
for c in "$@"; do
    c=${c%/}; c=${c##*/}
    run_case "$c"
    case $? in
        0) passed=$((passed + 1)) ;;
        2) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)); bad="$bad $c" ;;
    esac
done
[ $schema_skips -eq 0 ] ||
    printf '  (%d cases had their JUnit schema check left out: %s is absent)\n' \
        "$schema_skips" "$JUNIT_XSD"
printf 'golden: %d %s, %d failed, %d skipped\n' "$passed" "$([ $update -eq 1 ] && echo updated || echo passed)" \
    "$failed" "$skipped"
[ -z "$bad" ] || { echo "golden: failing cases:$bad" >&2; exit 1; }
