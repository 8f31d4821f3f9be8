#!/usr/bin/env python3
"""The scikit-learn side of bench/sklearn-load.ts and bench/sklearn-cold-start.ts (issue 11's figures).

    python sklearn_bench.py make OUT_DIR
        fits, on a seeded 20,000-row DataFrame (6 numbers with missing values, 4 string categories), and saves
        with plain joblib.dump (what users do):
          OUT_DIR/pipe_ct_rf.joblib    Pipeline(ColumnTransformer(SimpleImputer + StandardScaler on the numbers,
                                       OneHotEncoder(handle_unknown='ignore') on the categories),
                                       RandomForestClassifier(100 trees, max_depth=10))
          OUT_DIR/hgb_cat.joblib       HistGradientBoostingClassifier(categorical_features='from_dtype',
                                       100 iterations) on the same frame with pandas category columns
          OUT_DIR/rows.json            10,000 fresh rows as objects by name (null = missing; the pipeline's rows
                                       include unseen cities), the category lists, the scikit-learn version
    python sklearn_bench.py time MODEL ROWS_JSON LOADS OUT_PREDICTIONS
        in this fresh process: import time, the first joblib.load, the median of LOADS more, the median
        one-row predict (a prebuilt 1-row DataFrame, 300 calls) and 10,000-row predict (5 calls); writes the
        10,000 labels to OUT_PREDICTIONS (the bench checks lambda-ml's against them) and one JSON line.
    python sklearn_bench.py once MODEL ROWS_JSON
        what a Python function's cold start does at least: import, joblib.load, predict the first row; prints
        the label (the cold-start bench times spawn -> this answer).
"""
import json
import sys
import time

T0 = time.perf_counter()
import joblib  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
import sklearn.compose  # noqa: E402,F401
import sklearn.ensemble  # noqa: E402,F401
import sklearn.pipeline  # noqa: E402,F401

IMPORT_MS = (time.perf_counter() - T0) * 1e3

NUMBERS = ["age", "income", "tenure", "visits", "balance", "score"]
CATEGORIES = {
    "city": [f"city{i:02d}" for i in range(20)],
    "plan": ["basic", "pro", "team", "enterprise"],
    "device": ["android", "ios", "web", "desktop", "tv", "other"],
    "channel": ["ads", "search", "referral", "email", "direct"],
}


def frame(n, seed, unseen):
    rng = np.random.RandomState(seed)
    data = {
        "age": rng.normal(40, 12, n).round(1),
        "income": rng.lognormal(10, 0.6, n).round(2),
        "tenure": rng.randint(0, 120, n).astype(float),
        "visits": rng.poisson(5, n).astype(float),
        "balance": rng.normal(0, 1000, n).round(2),
        "score": rng.rand(n),
    }
    for name, values in CATEGORIES.items():
        data[name] = np.array(values, dtype=object)[rng.randint(0, len(values), n)]
    df = pd.DataFrame(data)
    for col in ["age", "income", "balance"]:
        df.loc[rng.rand(n) < 0.05, col] = np.nan
    for col in ["plan", "device"]:
        df.loc[rng.rand(n) < 0.03, col] = None
    if unseen:
        df.loc[rng.rand(n) < 0.02, "city"] = "elsewhere"
    city = df["city"].fillna("").str[-2:].map(lambda s: int(s) if s.isdigit() else 0)
    logit = (
        0.04 * (df["age"].fillna(40) - 40)
        + 0.8 * np.log(df["income"].fillna(20000) / 20000)
        + 0.3 * (city % 3 == 0)
        + 0.6 * (df["plan"] == "enterprise")
        - 0.4 * (df["device"] == "tv")
        + 0.2 * df["visits"]
        - 1.0
        + rng.normal(0, 1, n)
    )
    return df, np.where(logit > 0, "churn", "stay")


def typed(df):
    out = df.copy()
    for name, values in CATEGORIES.items():
        known = out[name].where(out[name].isin(values))
        out[name] = pd.Categorical(known, categories=values)
    return out


def make(out):
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X, y = frame(20_000, 0, unseen=False)
    pipe = Pipeline(
        [
            (
                "prep",
                ColumnTransformer(
                    [
                        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), NUMBERS),
                        ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(CATEGORIES)),
                    ]
                ),
            ),
            ("model", RandomForestClassifier(n_estimators=100, max_depth=10, random_state=0, n_jobs=1)),
        ]
    ).fit(X, y)
    joblib.dump(pipe, f"{out}/pipe_ct_rf.joblib")
    hgb = HistGradientBoostingClassifier(
        categorical_features="from_dtype", max_iter=100, early_stopping=False, random_state=0
    ).fit(typed(X), y)
    joblib.dump(hgb, f"{out}/hgb_cat.joblib")
    rows, _ = frame(10_000, 1, unseen=True)
    records = json.loads(rows.to_json(orient="records"))
    with open(f"{out}/rows.json", "w") as f:
        json.dump({"sklearn": sklearn.__version__, "categories": CATEGORIES, "rows": records}, f)


def load_rows(path, model):
    meta = json.load(open(path))
    df = pd.DataFrame.from_records(meta["rows"])[NUMBERS + list(CATEGORIES)]
    df[NUMBERS] = df[NUMBERS].astype(float)
    if "HistGradientBoosting" in type(model).__name__:
        # A category the model never saw cannot be in its Categorical: it arrives as missing (as lambda-ml does).
        df = typed(df)
    return df


def timing(path, rows_path, loads, out_predictions):
    a = time.perf_counter()
    model = joblib.load(path)
    first = time.perf_counter() - a
    ts = []
    for _ in range(loads):
        a = time.perf_counter()
        joblib.load(path)
        ts.append(time.perf_counter() - a)
    X = load_rows(rows_path, model)
    one = X.iloc[[0]]
    model.predict(one)
    singles = []
    for _ in range(300):
        a = time.perf_counter()
        model.predict(one)
        singles.append(time.perf_counter() - a)
    batches = []
    labels = None
    for _ in range(5):
        a = time.perf_counter()
        labels = model.predict(X)
        batches.append(time.perf_counter() - a)
    with open(out_predictions, "w") as f:
        json.dump([str(v) for v in labels], f)
    med = lambda v: sorted(v)[len(v) // 2]  # noqa: E731
    print(
        json.dumps(
            {
                "sklearn": sklearn.__version__,
                "import_ms": IMPORT_MS,
                "first_ms": first * 1e3,
                "load_median_ms": med(ts) * 1e3,
                "one_row_us": med(singles) * 1e6,
                "one_row_min_us": min(singles) * 1e6,
                "rows10k_ms": med(batches) * 1e3,
                "rows10k_min_ms": min(batches) * 1e3,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "once":
        model = joblib.load(sys.argv[2])
        print(model.predict(load_rows(sys.argv[3], model).iloc[[0]])[0])
    elif sys.argv[1] == "time":
        timing(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(f"usage: {sys.argv[0]} make OUT_DIR | time MODEL ROWS_JSON LOADS OUT_PREDICTIONS | once MODEL ROWS_JSON")
