#!/usr/bin/python3
"""Parity oracle: fits scikit-learn (Debian's 1.2.1, run with /usr/bin/python3) on lambda-ml configs.

Reads a JSON array of cases from stdin. Each case is
  {"config": <lambda-ml training config>, "rows": [[...], ...], "baseDir": "<dir for csv paths>",
   "returnData": bool}
and the script prints one JSON array with, per case, the fitted trees (every node field), classes_,
predict_proba / predict on the rows, and (if asked) the generated X and y. Floats are printed with
repr(), which round-trips float64 exactly. All cases run in one process so the suite stays fast.
"""
import csv
import json
import os
import sys

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

ESTIMATORS = {
    "DecisionTreeClassifier": DecisionTreeClassifier,
    "DecisionTreeRegressor": DecisionTreeRegressor,
    "RandomForestClassifier": RandomForestClassifier,
    "RandomForestRegressor": RandomForestRegressor,
}

NUMBER_CHARS = set("0123456789+-.eE")


def is_number(s):
    if not s or not set(s) <= NUMBER_CHARS:
        return False
    try:
        return np.isfinite(float(s))
    except ValueError:
        return False


def load_csv(path, target):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if r]
    header = [h.strip() for h in rows[0]]
    t = header.index(target)
    X = [[float(v) for c, v in enumerate(r) if c != t] for r in rows[1:]]
    raw_y = [r[t].strip() for r in rows[1:]]
    y = [float(v) for v in raw_y] if all(is_number(v) for v in raw_y) else raw_y
    return np.array(X, dtype=np.float64), np.array(y)


def load_dataset(section, base_dir):
    if "make_classification" in section:
        return make_classification(**section["make_classification"])
    spec = section["csv"]
    return load_csv(os.path.join(base_dir, spec["path"]), spec["target"])


def class_key(label, classes):
    """JSON dict keys are strings; map them to the label type of the data."""
    for c in classes:
        if str(c.item() if hasattr(c, "item") else c) == label or repr(c) == label:
            return c.item() if hasattr(c, "item") else c
        if isinstance(c, (np.floating, float)) and float(c).is_integer() and str(int(c)) == label:
            return c.item()
    return label


def tree_dump(tree):
    t = tree.tree_
    return {
        "nodeCount": int(t.node_count),
        "maxDepth": int(t.max_depth),
        "childrenLeft": t.children_left.tolist(),
        "childrenRight": t.children_right.tolist(),
        "feature": t.feature.tolist(),
        "threshold": t.threshold.tolist(),
        "impurity": t.impurity.tolist(),
        "nNodeSamples": t.n_node_samples.tolist(),
        "weightedNNodeSamples": t.weighted_n_node_samples.tolist(),
        "value": t.value.reshape(-1).tolist(),
    }


def py(v):
    return v.item() if hasattr(v, "item") else v


def run_case(case):
    config = case["config"]
    X, y = load_dataset(config["dataset"], case.get("baseDir", "."))
    (name, params), = config["model"].items()
    params = dict(params)
    cw = params.get("class_weight")
    if isinstance(cw, dict):
        classes = np.unique(y)
        params["class_weight"] = {class_key(k, classes): v for k, v in cw.items()}
    model = ESTIMATORS[name](**params).fit(X, y)
    trees = model.estimators_ if hasattr(model, "estimators_") else [model]
    out = {"trees": [tree_dump(t) for t in trees]}
    rows = np.array(case.get("rows", []), dtype=np.float64).reshape(-1, X.shape[1])
    if hasattr(model, "classes_"):
        out["classes"] = [py(c) for c in model.classes_]
        if len(rows):
            out["proba"] = model.predict_proba(rows).tolist()
    if len(rows):
        out["predict"] = [py(v) for v in model.predict(rows)]
    if case.get("returnData"):
        out["X"] = X.reshape(-1).tolist()
        out["y"] = [py(v) for v in y]
    return out


def main():
    cases = json.load(sys.stdin)
    results = []
    for case in cases:
        try:
            results.append(run_case(case))
        except Exception as e:  # report per case so one bad config does not hide the others
            results.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
