#!/bin/sh
# Installs the Debian packages mgate builds and tests with.
#   sh ci/install-deps.sh               install (apt-get update + install)
#   sh ci/install-deps.sh --if-missing  only when something is missing
# Then the npm test tools (tests/tools) are installed when absent.
#   sh ci/install-deps.sh --runtime     only what the mgate binary needs to run
#                                       (for a machine that runs a built mgate)
#   sh ci/install-deps.sh --build       only what building mgate needs (the GitHub Action)
set -eu
# The libraries the binary links (readelf -d mgate | grep NEEDED): jansson, libxml2,
# libcsv, libcrypto, GSL (the drift statistics' distribution functions, and its
# CBLAS that pkg-config's gsl links), libcurl (HTTP scorers, OpenSSL flavour); libc6 is
# always there.  tests/e2e/t_install.sh checks this list.
RUNTIME_PACKAGES="libjansson4 libxml2 libcsv3 libssl3 libgsl27 libgslcblas0 libcurl4"
BUILD_PACKAGES="gcc make pkg-config libjansson-dev libcsv-dev libxml2-dev libssl-dev libgsl-dev libcurl4-openssl-dev"
PACKAGES="gcc make libcmocka-dev libjansson-dev libcsv-dev libxml2-dev libssl-dev libgsl-dev libcurl4-openssl-dev libxml2-utils lcov pkg-config jq time clang libclang-rt-14-dev python3-yaml python3-distributed groovy"
# python3-yaml: tests/e2e/ci_steps.py reads the CI examples' YAML (t_ci_examples).
# python3-distributed: Dask, the cluster engine ci/dask_shards.py runs shards on (t_dask).
# groovy: parses the Jenkinsfile examples (t_ci_sharded).
# clang and its runtime (libFuzzer, sanitizers: only recommended by clang, so
# named) build the `make fuzz` targets; `make test` replays them with gcc.
# Node.js runs the test tools; a machine that already has it (from any source) keeps its own.
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs npm"

missing() {
    command -v pkg-config >/dev/null 2>&1 || return 0
    pkg-config --exists cmocka jansson libxml-2.0 libcrypto gsl libcurl || return 0
    [ -f /usr/include/csv.h ] || return 0
    command -v xmllint >/dev/null 2>&1 || return 0
    command -v lcov >/dev/null 2>&1 || return 0
    command -v jq >/dev/null 2>&1 || return 0
    [ -x /usr/bin/time ] || return 0
    /usr/bin/python3 -c 'import yaml' 2>/dev/null || return 0
    /usr/bin/python3 -c 'import distributed' 2>/dev/null || return 0
    command -v groovy >/dev/null 2>&1 || return 0
    command -v clang >/dev/null 2>&1 || return 0
    set -- /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a
    [ -f "$1" ] || return 0
    command -v npm >/dev/null 2>&1 || return 0
    command -v chromium >/dev/null 2>&1 || return 0
    return 1
}

# The npm validators and report readers the tests run (tests/tools/package.json, pinned
# by its package-lock.json) go into tests/tools/node_modules.
TOOLS=$(cd "$(dirname "$0")/.." && pwd)/tests/tools

install_test_tools() {
    [ -d "$TOOLS/node_modules" ] && return 0
    echo "mgate: installing the test tools (npm ci in tests/tools)" >&2
    (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

case "${1:-}" in
    --runtime) PACKAGES=$RUNTIME_PACKAGES ;;
    --build) PACKAGES=$BUILD_PACKAGES ;;
esac
if [ "${1:-}" = "--if-missing" ] && ! missing; then
    install_test_tools
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
echo "mgate: installing ${1:+$1 }dependencies: $PACKAGES" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
case "${1:-}" in --runtime | --build) exit 0 ;; esac
# Chromium renders the HTML report in tests/e2e/t_html.sh (headless, network off).  It is
# large, so it is installed only when absent, and a failure to install it only skips
# those browser cases (they say so) instead of stopping the build.
if ! command -v chromium >/dev/null 2>&1; then
    $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null ||
        echo "mgate: warning: cannot install chromium; the browser cases of tests/e2e/t_html.sh will be skipped" >&2
fi
install_test_tools
