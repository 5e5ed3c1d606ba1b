#!/bin/sh
# example-repo.sh DIR [production|candidate-worse] - lays out the example team repository
# the README's walk-through and tests/e2e/t_ci_examples.sh use: a model repository of
# someone else's, with its evaluation data and the model its training step built.
#
#   DIR/data/eval.csv     200 labelled rows (fixtures/models/data/binary_clean.csv)
#   DIR/build/model.json  what "this CI run" built:
#                           production       a logistic model (fixtures/models/linear/logistic.json)
#                           candidate-worse  an XGBoost model of the same features that ranks
#                                            the rows less well (fixtures/models/xgb/binary_logistic)
#
# The spec (gate/gate.json) and baseline are not laid out here: the walk-through makes them
# with `mgate init` and `mgate baseline`, as a team would.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: example-repo.sh DIR [production|candidate-worse]}
case "${2:-production}" in
    production) model=$root/fixtures/models/linear/logistic.json ;;
    candidate-worse) model=$root/fixtures/models/xgb/binary_logistic/model.json ;;
    *) echo "example-repo.sh: unknown model '$2'" >&2; exit 2 ;;
esac
mkdir -p "$dir/data" "$dir/build"
cp "$root/fixtures/models/data/binary_clean.csv" "$dir/data/eval.csv"
cp "$model" "$dir/build/model.json"
