#!/bin/sh
# End-to-end: installing mgate for users (issue 10, item 2).  `make install` puts the
# binary under PREFIX; the installed binary runs a gate from another folder; and the
# libraries it links are exactly those `ci/install-deps.sh --runtime` installs.
. "$(dirname "$0")/lib.sh"

case_begin "make install PREFIX=... installs a binary that runs the demo gate from elsewhere"
PREFIX_DIR="$TMP/prefix"
make -s -C "$ROOT" --no-print-directory install INSTALL_BIN="$MGATE" PREFIX="$PREFIX_DIR" \
    >"$TMP/install.out" 2>&1 || fail "make install failed: $(head -c 500 "$TMP/install.out")"
[ -x "$PREFIX_DIR/bin/mgate" ] || fail "no executable $PREFIX_DIR/bin/mgate"
MGATE="$PREFIX_DIR/bin/mgate"
(cd "$TMP" && "$MGATE" version) >"$TMP/version.out" 2>&1 || fail "installed mgate version failed"
grep -q '^mgate ' "$TMP/version.out" || fail "version output: $(cat "$TMP/version.out")"
cd "$TMP"
run_mgate run "$ROOT/fixtures/demo/gate.json" --junit "$TMP/j.xml" --json "$TMP/r.json" --summary "$TMP/s.md"
cd "$ROOT"
expect_rc 0
expect_stdout_contains "gate passed"
expect_junit_valid "$TMP/j.xml"
[ "$(jq -r .verdict "$TMP/r.json")" = passed ] || fail "verdict is not passed"
case_end

case_begin "the libraries mgate links come from the packages install-deps.sh --runtime installs"
runtime=$(sed -n 's/^RUNTIME_PACKAGES="\(.*\)"$/\1/p' "$ROOT/ci/install-deps.sh")
[ -n "$runtime" ] || fail "no RUNTIME_PACKAGES in ci/install-deps.sh"
needed=$(readelf -d "$MGATE" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || fail "readelf found no NEEDED libraries"
for lib in $needed; do
    path=$(ldd "$MGATE" | awk -v l="$lib" '$1 == l { print $3 }')
    case "$lib" in lib*san.so*) continue ;; esac # sanitizer runtimes of `make sanitize` builds
    [ -n "$path" ] || { fail "ldd does not resolve $lib"; continue; }
    real=$(readlink -f "$path")
    # dpkg knows a file by the path its package ships: /lib/... or /usr/lib/... (merged /usr).
    pkg=$({ dpkg -S "$path" || dpkg -S "$real" || dpkg -S "${real#/usr}"; } 2>/dev/null | head -n 1 | cut -d: -f1)
    case " $runtime libc6 " in
        *" $pkg "*) ;;
        *) fail "$lib comes from '$pkg', which install-deps.sh --runtime does not install" ;;
    esac
done
case_end

finish
