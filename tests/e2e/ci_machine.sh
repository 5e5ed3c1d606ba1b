# ci_machine.sh - the machine a CI example's steps run on, for the tests that run them
# (t_ci_examples.sh, t_ci_sharded.sh).  Sourced after lib.sh; sets up:
#   $SHIMS      put first on PATH when running the steps: `apt-get` only records the
#               packages asked for ($TMP/apt.log); `sudo` runs its command; `make` records
#               its arguments ($TMP/make.log), checks the target with `make -n` in the
#               fresh clone (the first time: every clone is of the same commit), then puts
#               the mgate under test where `make mgate` would (building it again would
#               take minutes; every other test covers the build)
#   $UPSTREAM   a bare clone of this repository tagged v0.1.0 (the tag the examples pin);
#               upstream_ok=1 when it could be made
#   git config  `git clone https://github.com/OWNER/mgate.git` is redirected there
#               (url.<base>.insteadOf), so the step text runs unchanged
REAL_MAKE=$(command -v make)
SHIMS=$TMP/shims
mkdir -p "$SHIMS"
cat >"$SHIMS/apt-get" <<EOF
#!/bin/sh
echo "apt-get \$*" >>"$TMP/apt.log"
EOF
cat >"$SHIMS/sudo" <<'EOF'
#!/bin/sh
exec "$@"
EOF
cat >"$SHIMS/make" <<EOF
#!/bin/sh
echo "make \$*" >>"$TMP/make.log"
if [ ! -f "$TMP/make-n.ok" ]; then
    "$REAL_MAKE" -n "\$@" >"$TMP/make-n.out" 2>&1 || exit \$?
    : >"$TMP/make-n.ok"
fi
dir=.; prev=
for a in "\$@"; do [ "\$prev" = -C ] && dir=\$a; prev=\$a; done
cp "$MGATE" "\$dir/mgate"
EOF
chmod +x "$SHIMS"/*

UPSTREAM=$TMP/upstream.git
upstream_ok=0
if git -C "$ROOT" rev-parse HEAD >/dev/null 2>&1 &&
    git clone -q --bare --shared "$ROOT" "$UPSTREAM" 2>/dev/null &&
    git -C "$UPSTREAM" tag v0.1.0 HEAD 2>/dev/null; then
    upstream_ok=1
fi
# git clone https://github.com/OWNER/mgate.git -> the local upstream, the step text unchanged.
export GIT_CONFIG_COUNT=3
export GIT_CONFIG_KEY_0="url.file://$UPSTREAM.insteadOf" GIT_CONFIG_VALUE_0="https://github.com/OWNER/mgate.git"
export GIT_CONFIG_KEY_1=advice.detachedHead GIT_CONFIG_VALUE_1=false
export GIT_CONFIG_KEY_2=init.defaultBranch GIT_CONFIG_VALUE_2=main
