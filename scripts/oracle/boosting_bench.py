#!/usr/bin/env python3
"""Baseline and model maker for bench/boosting.ts: a 500-tree XGBoost or LightGBM model, timed in Python.

Usage (one JSON object on stdin):
  {"library": "xgboost" | "lightgbm", "dir": OUT_DIR, "trees": 500, "features": 20,
   "trainRows": 20000, "rows": [1, 10000, 1000000], "oneRowCalls": 200}
XGBoost runs under Debian's python3-xgboost 1.7.4 (/usr/bin/python3), LightGBM under the lightgbm-4.7.0
venv. The script trains the model (seeded, one thread), saves it to OUT_DIR (xgboost: model.json and
model.ubj; lightgbm: model.txt), writes the benchmark rows to OUT_DIR/rows.f64 (little-endian float64,
row-major, the same for both libraries) and, for the largest row count, the library's predictions to
OUT_DIR/<library>.pred.f64 so the caller can check it computed the same numbers. It prints wall-clock
seconds (one thread): load (best of 5), predict per row count (best of 3; 1,000,000 rows once), and a
single-row call (median of oneRowCalls).
"""
import json
import os
import statistics
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


def best(f, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - t)
    return min(times), value


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
        import xgboost as xgb
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

        def predict(b, rows):
            return b.predict(xgb.DMatrix(rows, nthread=1))
    else:
        import lightgbm as lgb
        result["version"] = lgb.__version__
        booster = lgb.train({"objective": "binary", "num_leaves": 63, "num_threads": 1, "verbose": -1,
                             "deterministic": True, "seed": 0}, lgb.Dataset(X, y), trees)
        path = os.path.join(out, "model.txt")
        booster.save_model(path)

        def load():
            return lgb.Booster(model_file=path)

        def predict(b, rows):
            return b.predict(rows, num_threads=1)

    result["load"], b = best(load, 5)
    result["predict"] = {}
    for n in counts:
        rows = R[:n]
        seconds, pred = best(lambda: predict(b, rows), 1 if n >= 1_000_000 else 3)
        result["predict"][str(n)] = seconds
    np.asarray(pred, dtype="<f8").tofile(os.path.join(out, f"{lib}.pred.f64"))
    one = R[:1]
    calls = []
    for _ in range(task["oneRowCalls"]):
        t = time.perf_counter()
        predict(b, one)
        calls.append(time.perf_counter() - t)
    result["oneRow"] = statistics.median(calls)
    print(json.dumps(result))


main()
