#!/bin/sh
# examples.sh - regenerates every example output shown in README.md and docs/*.md from real
# runs of mgate, so that what the pages show is what the binary prints.
#
#   sh docs/examples.sh            run the examples and rewrite the blocks in place
#   sh docs/examples.sh --check    run them and compare with the pages (exit 1 on a
#                                  difference, showing it); tests/e2e/t_docs_examples.sh
#   MGATE=build/release/mgate sh docs/examples.sh    another binary (default ./mgate; run
#                                  `make` first)
#
# A generated block is a fenced code block right after a marker line
#
#   <!-- example: NAME -->
#
# and holds, for each command of example NAME, the line `$ COMMAND` and what it printed
# (stdout and stderr, in order). The commands run in scratch folders laid out as a user
# would have them (the example team repository of docs/example-repo.sh, or a copy of a
# fixture), with `mgate` on PATH, so the paths shown are the ones a user sees. The
# comparison of --check ignores what changes from run to run: durations, run ids, times.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-write}
MGATE=${MGATE:-$root/mgate}
case "$MGATE" in /*) ;; *) MGATE="$root/$MGATE" ;; esac
[ -x "$MGATE" ] || { echo "examples.sh: no mgate binary at $MGATE (run make)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mgate-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/out"
ln -s "$MGATE" "$work/bin/mgate"
PATH="$work/bin:$PATH"
export PATH
# What users see on a terminal of their own: no CI environment, C locale numbers.
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY
LC_ALL=C.UTF-8
export LC_ALL

# example NAME DIR [FILTER] <<EOF ... EOF: runs each line of stdin in DIR with sh, writing
# `$ LINE` and its output to $work/out/NAME.  FILTER (a sed script) shortens the output of
# every command; a line it drops is never shown, and the page says "..." where it matters.
example() {
    name=$1 dir=$2 filter=${3:-}
    : >"$work/out/$name"
    while IFS= read -r cmd; do
        printf '$ %s\n' "$cmd" >>"$work/out/$name"
        if [ -n "$filter" ]; then
            (cd "$dir" && sh -c "$cmd" 2>&1 </dev/null) | sed -e "$filter" >>"$work/out/$name"
        else
            (cd "$dir" && sh -c "$cmd" 2>&1 </dev/null) >>"$work/out/$name"
        fi
    done
}

# ---- the README's walk-through: a team repository called my-model ----------------------
team=$work/my-model
sh "$root/docs/example-repo.sh" "$team" production

example init "$team" <<'EOF'
mkdir -p gate
mgate init data/eval.csv --model build/model.json -o gate/gate.json
EOF

# The edit the README asks for: a name for the gate.
sed -i 's/"name": "eval.csv"/"name": "churn-model"/' "$team/gate/gate.json"

example baseline "$team" <<'EOF'
mgate baseline gate/gate.json
EOF

example run-pass "$team" <<'EOF'
mgate run gate/gate.json --set model.path=build/model.json
EOF

# The gate step of the CI examples, taken from ci/gitlab-ci.yml (the three run the same
# command; tests/e2e/t_ci_examples.sh runs each), with mgate where their build puts it.
mkdir -p "$team/.mgate"
ln -s "$MGATE" "$team/.mgate/mgate"
ci_step=$(grep -o '\.mgate/mgate run .*' "$root/ci/gitlab-ci.yml")
[ -n "$ci_step" ] || { echo "examples.sh: no gate step in ci/gitlab-ci.yml" >&2; exit 2; }
example ci-step "$team" '/^PASS /d' <<EOF
$ci_step
ls mgate-reports
EOF

example summary "$team" <<'EOF'
head -n 9 mgate-reports/mgate.md
EOF

# The next training run builds a worse model.
sh "$root/docs/example-repo.sh" "$team" candidate-worse
example run-fail "$team" <<'EOF'
mgate run gate/gate.json --set model.path=build/model.json --quiet; echo "exit status $?"
EOF

example typo "$team" <<'EOF'
mgate run gate/gate.json --set data.lable=label; echo "exit status $?"
EOF

# ---- the demo, from the repository's root ---------------------------------------------
# Shown shortened: the first data check, the first metric, the verdict.
mkdir -p "$work/mgate/build"
cp -R "$root/fixtures" "$work/mgate/fixtures"
ln -s "$MGATE" "$work/mgate/mgate"
example demo "$work/mgate" "$(cat <<'SED'
/^gate '/b
/PASS  data\/missing/b
/PASS  metrics\/roc_auc/{s/^/...\n/;b
}
/^gate \(passed\|FAILED\)/{s/^/...\n/;b
}
/report:/b
d
SED
)" <<'EOF'
./mgate run fixtures/demo/gate.json
EOF

# ---- docs/html-report.md: the HTML report of the demo ----------------------------------
example html-demo "$work/mgate" <<'EOF'
./mgate run fixtures/demo/gate.json --html build/demo/mgate-report.html --quiet
EOF

# ---- docs/drift.md: the drift gate on a fresh and on a drifted month ----------------------
example drift-fresh "$work/mgate" <<'EOF'
./mgate run fixtures/demo/drift-gate.json
EOF
example drift-drifted "$work/mgate" <<'EOF'
./mgate run fixtures/demo/drift-gate.json --set data.path=fixtures/demo/drift/transactions-drifted.csv; echo "exit status $?"
EOF

# ---- docs/spec.md: misspelt copies of the demo spec --------------------------------------
mkdir -p "$work/spec-typos"
sed 's/"checks": \[/"chekcs": [/' "$root/fixtures/demo/gate.json" >"$work/spec-typos/chekcs.json"
sed 's/"check": "duplicates"/"check": "duplicate"/' "$root/fixtures/demo/gate.json" >"$work/spec-typos/duplicate.json"
example spec-typos "$work/spec-typos" <<'EOF'
mgate run chekcs.json
mgate run duplicate.json
EOF

# ---- docs/checks.md: mgate baseline replacing the demo's baseline ---------------------
cp -R "$root/fixtures/demo" "$work/demo"
example baseline-replace "$work/demo" <<'EOF'
mgate baseline gate.json
EOF

# ---- docs/sharding.md: the shards of the demo data --------------------------------------
example shards "$work/demo" <<'EOF'
mgate shards gate.json 3
EOF

# ---- docs/init.md: mgate init on the demo data -----------------------------------------
mkdir -p "$work/init-demo"
cp "$root/fixtures/demo/transactions.csv" "$work/init-demo/"
example init-demo "$work/init-demo" <<'EOF'
mgate init transactions.csv
mgate run gate.json
EOF
# With the label column, the prediction column is found and metric checks are added;
# shown shortened to what differs from the block above.
mkdir -p "$work/init-demo-model"
cp "$root/fixtures/demo/transactions.csv" "$work/init-demo-model/"
example init-demo-model "$work/init-demo-model" "$(cat <<'SED'
/^transactions\.csv: /{s/.*/.../;b
}
/<- prediction/{s/$/\n.../;b
}
/^  mgate/b
/^  /d
/^PASS  data/d
/^gate '/{s/.*/.../;b
}
SED
)" <<'EOF'
mgate init transactions.csv --label is_fraud
mgate baseline gate.json
mgate run gate.json
EOF

# ---- docs/models.md: mgate score ---------------------------------------------------------
example score "$work/mgate" '4s/.*/.../;5,$d' <<'EOF'
./mgate score fixtures/models/xgb/binary_logistic/model.json fixtures/models/data/binary_missing.csv
EOF

# ---- docs/checks.md: the adversarial example gate ---------------------------------------
example adversarial "$work/mgate" "$(cat <<'SED'
/^gate '/b
/fixtures\/fixtures/b
/input_handling/b
/^gate \(passed\|FAILED\)/{s/^/...\n/;b
}
d
SED
)" <<'EOF'
./mgate run fixtures/adversarial/gate.json
EOF

# ---- docs/overrides.md: ${VAR} and --set on a small credit gate -------------------------
ov=$work/overrides
mkdir -p "$ov/gates/cases" "$ov/build" "$ov/eval"
cp "$root/fixtures/adversarial/rows.csv" "$ov/gates/holdout.csv"
cp "$root/fixtures/adversarial/sound.json" "$ov/gates/model.json"
cp "$root/fixtures/adversarial/sound.json" "$ov/build/model.json"
head -n 21 "$root/fixtures/adversarial/rows.csv" >"$ov/eval/latest.csv"
cat >"$ov/gates/gate.json" <<'EOF'
{
  "name": "credit",
  "data": {"path": "${EVAL_DATA:-holdout.csv}", "id": "id", "label": "label"},
  "model": {"path": "${MODEL_PATH}"},
  "checks": [{"check": "metric", "metric": "accuracy", "min": 0.9}],
  "reports": {"json": "out/report.json"}
}
EOF
sed -e 's/"${EVAL_DATA:-holdout.csv}"/"${1X}"/' -e 's/"${MODEL_PATH}"/"model.json"/' "$ov/gates/gate.json" >"$ov/gates/bad.json"
sed 's/{"check": "metric", "metric": "accuracy", "min": 0.9}/{"check": "fixtures", "path": "cases\/"}/' \
    "$ov/gates/gate.json" >"$ov/gates/fixtures.json"
example ov-env "$ov" <<'EOF'
MODEL_PATH=model.json mgate run gates/gate.json
EOF
example ov-errors "$ov" <<'EOF'
mgate run gates/gate.json
mgate run gates/bad.json        # "path": "${1X}"
EOF
example ov-set "$ov" <<'EOF'
mgate run gates/gate.json --set model.path=build/model.json --set data.path=eval/latest.csv
mgate run gates/gate.json --set model.path=build/model.json --set 'checks[0].min=0.99'
EOF
example ov-set-errors "$ov" <<'EOF'
MODEL_PATH=model.json mgate run gates/gate.json --set modle.path=build/model.json
mgate run gates/gate.json --set model.path=build/model.json --set 'checks[0].min="0.99"'
mgate run gates/gate.json --set model.path=build/model.json --set 'checks[1].min=1'
mgate run gates/gate.json --set 'model={"pth": "build/model.json"}'
mgate run gates/gate.json --set model.path
EOF
example ov-baseline-fixture "$ov" <<'EOF'
mgate baseline gates/gate.json --set model.path=build/model.json -o baseline.json
mgate fixture add gates/fixtures.json --set model.path=build/model.json --json '{"amount": 800, "age": 25}' --id c1
mgate fixture update gates/fixtures.json --dry-run --set model.path=build/model.json
EOF
example ov-facts "$ov" <<'EOF'
mgate run gates/gate.json --set model.path=build/model.json --set data.path=eval/latest.csv --quiet
jq .facts gates/out/report.json
EOF

# ---- docs/fixtures.md: fixture cases on the adversarial example -------------------------
fx=$work/fixture-cases
cp -R "$root/fixtures/adversarial" "$fx"
example fx-add "$fx" <<'EOF'
mgate fixture add gate.json --row rows.csv:5 --note "ticket FR-12"
EOF
example fx-typo "$fx" <<'EOF'
mgate fixture add gate.json --json '{"amout": 110.75, "age": 48}'
EOF
# The intended model change: the spec's sound.json replaced by another model.
cp "$fx/nonmonotonic.json" "$fx/sound.json"
example fx-update "$fx" <<'EOF'
mgate fixture update gate.json
EOF

# ---- rewrite (or compare) every marked block ---------------------------------------------
# fill FILE: prints FILE with each marked block's body replaced by its example's output.
fill() {
    awk -v out="$work/out" '
        function emit(name,   line, f) {
            f = out "/" name
            if ((getline line < f) < 0) { print "examples.sh: no example named " name > "/dev/stderr"; bad = 1; return }
            print line
            while ((getline line < f) > 0) print line
            close(f)
        }
        state == 2 { if ($0 ~ /^```/) { print; state = 0 }; next }
        state == 1 { print; if ($0 ~ /^```/) { emit(name); state = 2 } else { print "examples.sh: no code block after the marker of " name > "/dev/stderr"; bad = 1; state = 0 }; next }
        match($0, /^<!-- example: [a-z0-9-]+ -->$/) { name = substr($0, 15, length($0) - 18); state = 1 }
        { print }
        END { if (state != 0) { print "examples.sh: unterminated block " name > "/dev/stderr"; bad = 1 }; exit bad }
    ' "$1"
}
# What changes from one run to the next.
normalise() {
    sed -E -e 's/[0-9]+\.[0-9]+ s\b/N s/g' -e 's/run [0-9a-f]{32}/run ID/g' \
        -e 's/started [0-9T:-]+( UTC)?/started T/g' -e 's/"run_id": "[0-9a-f]{32}"/"run_id": ID/' \
        -e 's/"(started_at|hostname)": "[^"]*"/"\1": T/' -e 's/"seconds": [0-9.e-]+/"seconds": N/' "$1"
}

status=0
for page in "$root/README.md" "$root"/docs/*.md; do
    grep -q '^<!-- example: ' "$page" || continue
    fill "$page" >"$work/page.new" || { status=2; continue; }
    rel=${page#"$root"/}
    if [ "$mode" = --check ]; then
        normalise "$page" >"$work/a"; normalise "$work/page.new" >"$work/b"
        if ! cmp -s "$work/a" "$work/b"; then
            echo "examples.sh: $rel: the examples differ from what mgate prints now (run sh docs/examples.sh):"
            diff -u "$work/a" "$work/b" | sed "s|$work/[ab]|$rel|" | head -60
            status=1
        fi
    elif ! cmp -s "$page" "$work/page.new" &&
        ! { normalise "$page" >"$work/a" && normalise "$work/page.new" >"$work/b" && cmp -s "$work/a" "$work/b"; }; then
        # (a page that differs only in durations, run ids and times is left alone)
        cp "$work/page.new" "$page"
        echo "examples.sh: updated $rel"
    fi
done
exit $status
