#!/usr/bin/env python3
"""Baseline and model maker for bench/boosting.ts: a 500-tree XGBoost or LightGBM model, timed in Python.

Usage (one JSON object on stdin):
  {"library": "xgboost" | "lightgbm", "dir": OUT_DIR, "trees": 500, "features": 20, "trainRows": 20000,
   "rows": [1, 10000, 1000000], "repeats": {"1": 200, "10000": 5, "1000000": 3}, "loads": 10,
   "checkRows": 10000}
XGBoost runs under Debian's python3-xgboost 1.7.4 (/usr/bin/python3), LightGBM under a venv with
lightgbm 4.7.0; both on one thread (nthread=1 / num_threads=1). The script trains the model (seeded),
saves it to OUT_DIR (xgboost: model.json and model.ubj; lightgbm: model.txt), writes the benchmark rows
to OUT_DIR/rows.f64 (little-endian float64, row-major, shared by both libraries: uniform noise in the
data's range, 5% missing) and the library's answers for the caller to check against:
OUT_DIR/<library>.pred.f64 (Booster.predict on every row: probabilities) and OUT_DIR/<library>.raw.f64
(margins / raw scores of the first checkRows rows). It prints one JSON object with wall-clock seconds
of every repeat: import of the library (numpy and scikit-learn already loaded), load (first, then
`loads` more), predict per row count (one call each repeat; a row count of 1 is one Booster.predict of
a one-row array).
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.datasets import make_classification


def rows_file(path, n, features):
    """The benchmark rows: uniform noise in the data's range, 5% missing; written once, reused."""
    if os.path.exists(path) and os.path.getsize(path) == n * features * 8:
        return np.fromfile(path, dtype="<f8").reshape(n, features)
    rng = np.random.RandomState(42)
    X = rng.uniform(-4, 4, size=(n, features))
    X[rng.rand(n, features) < 0.05] = np.nan
    X.astype("<f8").tofile(path)
    return X


def times(f, repeats):
    out = []
    value = None
    for _ in range(repeats):
        t = time.perf_counter()
        value = f()
        out.append(time.perf_counter() - t)
    return out, value


def main():
    task = json.load(sys.stdin)
    lib, out, trees = task["library"], task["dir"], task["trees"]
    features = task["features"]
    X, y = make_classification(n_samples=task["trainRows"], n_features=features, n_informative=10,
                               random_state=0)
    counts = task["rows"]
    R = rows_file(os.path.join(out, "rows.f64"), max(counts), features)
    result = {"library": lib}
    if lib == "xgboost":
        t = time.perf_counter()
        import xgboost as xgb
        result["import"] = time.perf_counter() - t
        result["version"] = xgb.__version__
        booster = xgb.train({"objective": "binary:logistic", "max_depth": 6, "tree_method": "hist", "nthread": 1,
                             "seed": 0}, xgb.DMatrix(X, label=y), trees)
        path = os.path.join(out, "model.json")
        booster.save_model(path)
        booster.save_model(os.path.join(out, "model.ubj"))

        def load():
            b = xgb.Booster(model_file=path)
            b.set_param({"nthread": 1})
            return b

        def predict(b, rows, raw=False):
            return b.predict(xgb.DMatrix(rows, nthread=1), output_margin=raw)
    else:
        t = time.perf_counter()
        import lightgbm as lgb
        result["import"] = time.perf_counter() - t
        result["version"] = lgb.__version__
        booster = lgb.train({"objective": "binary", "num_leaves": 63, "num_threads": 1, "verbose": -1,
                             "deterministic": True, "seed": 0}, lgb.Dataset(X, y), trees)
        path = os.path.join(out, "model.txt")
        booster.save_model(path)

        def load():
            return lgb.Booster(model_file=path, params={"num_threads": 1})

        def predict(b, rows, raw=False):
            return b.predict(rows, num_threads=1, raw_score=raw)

    first, b = times(load, 1)
    result["firstLoad"] = first[0]
    result["load"], _ = times(load, task["loads"])
    result["predict"] = {}
    pred = None
    for n in counts:
        rows = R[:n]
        result["predict"][str(n)], p = times(lambda: predict(b, rows), task["repeats"][str(n)])
        if n == max(counts):
            pred = p
    np.asarray(pred, dtype="<f8").tofile(os.path.join(out, f"{lib}.pred.f64"))
    raw = predict(b, R[: task["checkRows"]], raw=True)
    np.asarray(raw, dtype="<f8").tofile(os.path.join(out, f"{lib}.raw.f64"))
    print(json.dumps(result))


main()
