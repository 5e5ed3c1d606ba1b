#!/usr/bin/python3
"""The issue 11 peer: what a data scientist would write instead of mgate, with
pandas, scikit-learn and xgboost (Debian's python3-*), for the same gate as
bench/workload/gate.json: missing / wrong-type / out-of-range / not-in-values
counts per column, time order, the model's scores, six metrics against their
bounds, and an exit status (0 pass, 1 fail).

    /usr/bin/python3 bench/workload/peer.py GATE.json DATA.csv MODEL.json
"""
import json
import sys

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn import metrics


def data_checks(df, schema, time_col):
    bad = {"missing": 0, "types": 0, "ranges": 0}
    for name, rule in schema.items():
        col = df[name]
        missing = col.isna()
        bad["missing"] += int(missing.sum())
        kind = rule.get("type")
        if kind in ("number", "integer"):
            num = pd.to_numeric(col, errors="coerce")
            wrong = num.isna() & ~missing
            if kind == "integer":
                wrong |= num.notna() & (num != np.floor(num))
            bad["types"] += int(wrong.sum())
            out = (num < rule.get("min", -np.inf)) | (num > rule.get("max", np.inf))
            bad["ranges"] += int(out.sum())
            if "values" in rule:
                bad["ranges"] += int((~num.isin(rule["values"]) & num.notna()).sum())
        elif kind == "timestamp":
            t = pd.to_datetime(col, errors="coerce", utc=True)
            bad["types"] += int((t.isna() & ~missing).sum())
            lo, hi = pd.Timestamp(rule["min"]), pd.Timestamp(rule["max"])
            bad["ranges"] += int(((t < lo) | (t > hi)).sum())
        elif "values" in rule:
            bad["ranges"] += int((~col.isin(rule["values"]) & ~missing).sum())
    t = pd.to_datetime(df[time_col], errors="coerce", utc=True)
    bad["order"] = int((t < t.cummax().shift(1)).sum())
    return bad


def main():
    gate_path, data_path, model_path = sys.argv[1:4]
    gate = json.load(open(gate_path))
    schema = gate["schema"]
    df = pd.read_csv(data_path)
    bad = data_checks(df, schema, gate["data"]["time"])
    failed = sum(1 for v in bad.values() if v > 0)
    booster = xgb.Booster(model_file=model_path)
    booster.set_param({"nthread": 1})
    X = df[booster.feature_names].astype("float32")
    p = booster.predict(xgb.DMatrix(X, feature_names=booster.feature_names, nthread=1))
    y = df[gate["data"]["label"]].to_numpy()
    decided = (p >= 0.5).astype(int)
    values = {
        "accuracy": metrics.accuracy_score(y, decided),
        "precision": metrics.precision_score(y, decided),
        "recall": metrics.recall_score(y, decided),
        "f1": metrics.f1_score(y, decided),
        "roc_auc": metrics.roc_auc_score(y, p),
        "log_loss": metrics.log_loss(y, p),
    }
    for check in gate["checks"]:
        if check["check"] != "metric":
            continue
        v = values[check["metric"]]
        ok = v >= check.get("min", -np.inf) and v <= check.get("max", np.inf)
        failed += not ok
        print("%s  %s %.6f" % ("PASS" if ok else "FAIL", check["metric"], v))
    print("data: %s; %d rows; checksum %.6f" % (bad, len(df), float(np.sum(p, dtype=np.float64))))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
