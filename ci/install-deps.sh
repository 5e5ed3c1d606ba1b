#!/bin/sh
# Installs the Debian packages mgate builds and tests with.
#   sh ci/install-deps.sh               install (apt-get update + install)
#   sh ci/install-deps.sh --if-missing  only when something is missing
set -eu
PACKAGES="gcc make libcmocka-dev libjansson-dev libcsv-dev libxml2-dev libssl-dev libxml2-utils lcov pkg-config jq time clang libclang-rt-14-dev"
# clang and its runtime (libFuzzer, sanitizers: only recommended by clang, so
# named) build the `make fuzz` targets; `make test` replays them with gcc.

missing() {
    command -v pkg-config >/dev/null 2>&1 || return 0
    pkg-config --exists cmocka jansson libxml-2.0 libcrypto || return 0
    [ -f /usr/include/csv.h ] || return 0
    command -v xmllint >/dev/null 2>&1 || return 0
    command -v lcov >/dev/null 2>&1 || return 0
    command -v jq >/dev/null 2>&1 || return 0
    [ -x /usr/bin/time ] || return 0
    command -v clang >/dev/null 2>&1 || return 0
    set -- /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a
    [ -f "$1" ] || return 0
    return 1
}

if [ "${1:-}" = "--if-missing" ] && ! missing; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
    command -v sudo >/dev/null 2>&1 || {
        echo "mgate: error: missing build dependencies; run as root: sh ci/install-deps.sh" >&2
        exit 1
    }
else
    SUDO=
fi
echo "mgate: installing build dependencies: $PACKAGES" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
