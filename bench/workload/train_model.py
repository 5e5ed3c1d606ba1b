#!/usr/bin/python3
"""Trains the issue 11 workload's model: XGBoost binary:logistic, 100 trees
of depth 6 on the 26 numeric columns (f00..f19, i00..i05) of a sample of the
workload, written by bench/gen_workload.  Run with Debian's python3-xgboost
and python3-pandas:

    build/release/bench/gen_workload 200000 build/sample.csv 7
    /usr/bin/python3 bench/workload/train_model.py build/sample.csv build/model.json
    gzip -9n <build/model.json >bench/workload/model.json.gz

The sample uses another seed (7) than the benchmark data (the default), so
the model is judged on rows it has not seen.
"""
import sys

import pandas as pd
import xgboost as xgb

FEATURES = ["f%02d" % i for i in range(20)] + ["i%02d" % i for i in range(6)]


def main():
    sample, out = sys.argv[1], sys.argv[2]
    df = pd.read_csv(sample)
    d = xgb.DMatrix(df[FEATURES].astype("float32"), label=df["label"], feature_names=FEATURES)
    params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "nthread": 1,
              "tree_method": "hist", "seed": 0, "eval_metric": "auc"}
    booster = xgb.train(params, d, num_boost_round=100)
    booster.save_model(out)
    print("trained on %d rows (xgboost %s), training AUC %s"
          % (len(df), xgb.__version__, booster.eval(d).split(":")[-1]))


if __name__ == "__main__":
    main()
