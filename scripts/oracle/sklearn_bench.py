#!/usr/bin/python3
"""Timing baseline for bench/model-*.ts: scikit-learn (Debian's 1.2.1, n_jobs=1) on the same task.

Reads one JSON object from stdin:
  {"dataset": {...make_classification params...}, "model": {"RandomForestClassifier": {...}},
   "fitRepeats": int, "predictTile": int (rows = X tiled this many times, 0 = skip),
   "oneRowCalls": int (0 = skip), "joblibPath": str or null,
   "regression": {"trees": int, "nJobs": [int, ...]} or absent}
and prints JSON with wall-clock seconds: fit (best of fitRepeats), predictProba, oneRow (per call; oneRowTreesOnly is
the bare Cython tree walks for that row, without predict_proba's Python overhead), joblibBytes,
joblibLoad, the CPU seconds fitCpu / predictProbaCpu, and the sha256 of predict_proba's float64
bytes so the caller can check both sides computed the same numbers. With "regression": a
RandomForestRegressor (random_state 0) on the same X with y = 3*x0 - 2*x1 + x2*x3, fitted once per
n_jobs: regressionFit[i] = {nJobs, wall, cpu} and regressionSha256 over every tree's children_left,
children_right, feature (int32) and threshold, value (float64), little-endian, tree after tree.
"""
import hashlib
import json
import sys
import time

import joblib
import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor


def trees_sha256(model):
    h = hashlib.sha256()
    for e in model.estimators_:
        t = e.tree_
        for a, dt in ((t.children_left, "<i4"), (t.children_right, "<i4"), (t.feature, "<i4"),
                      (t.threshold, "<f8"), (t.value.ravel(), "<f8")):
            h.update(np.ascontiguousarray(a, dtype=dt).tobytes())
    return h.hexdigest()


def regression(X, task, out):
    reg = task.get("regression")
    if not reg:
        return
    y = 3 * X[:, 0] - 2 * X[:, 1] + X[:, 2] * X[:, 3]
    fits = []
    for n_jobs in reg["nJobs"]:
        t = time.perf_counter()
        c = time.process_time()
        model = RandomForestRegressor(n_estimators=reg["trees"], random_state=0, n_jobs=n_jobs).fit(X, y)
        fits.append({"nJobs": n_jobs, "cpu": time.process_time() - c, "wall": time.perf_counter() - t})
        out["regressionSha256"] = trees_sha256(model)
    out["regressionFit"] = fits


def main():
    task = json.load(sys.stdin)
    X, y = make_classification(**task["dataset"])
    (name, params), = task["model"].items()
    assert name == "RandomForestClassifier"
    params = dict(params, n_jobs=1)
    out = {}
    fits = []
    cpus = []
    for _ in range(max(1, task.get("fitRepeats", 1))):
        t = time.perf_counter()
        c = time.process_time()
        model = RandomForestClassifier(**params).fit(X, y)
        cpus.append(time.process_time() - c)
        fits.append(time.perf_counter() - t)
    out["fit"] = min(fits)
    out["fitCpu"] = min(cpus)
    out["nodes"] = int(sum(e.tree_.node_count for e in model.estimators_))
    tile = task.get("predictTile", 0)
    if tile:
        rows = np.tile(X, (tile, 1))
        t = time.perf_counter()
        c = time.process_time()
        proba = model.predict_proba(rows)
        out["predictProbaCpu"] = time.process_time() - c
        out["predictProba"] = time.perf_counter() - t
        out["rows"] = int(rows.shape[0])
        out["probaSha256"] = hashlib.sha256(np.ascontiguousarray(proba, dtype="<f8").tobytes()).hexdigest()
    calls = task.get("oneRowCalls", 0)
    if calls:
        row = X[:1]
        model.predict_proba(row)
        t = time.perf_counter()
        for _ in range(calls):
            model.predict_proba(row)
        out["oneRow"] = (time.perf_counter() - t) / calls
        one_row_times = []
        for _ in range(5):
            t = time.perf_counter()
            for e in model.estimators_:
                e.tree_.predict(row.astype(np.float32))
            one_row_times.append(time.perf_counter() - t)
        out["oneRowTreesOnly"] = min(one_row_times)
    path = task.get("joblibPath")
    if path:
        joblib.dump(model, path)
        with open(path, "rb") as f:
            out["joblibBytes"] = len(f.read())
        loads = []
        for _ in range(5):
            t = time.perf_counter()
            joblib.load(path)
            loads.append(time.perf_counter() - t)
        out["joblibLoad"] = min(loads)
    regression(X, task, out)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
