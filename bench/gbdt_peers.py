#!/usr/bin/env python3
"""The Python side of bench/gbdt.sh: writes the data and trains ONE peer library per process.

    gbdt_peers.py data --task binary|multiclass|regression --n N [--data-dir DIR (default: bench/data)]
    gbdt_peers.py run  --task T --lib lightgbm|xgboost|sklearn --n N [--threads 2] [--data-dir ...]

`run` prints one JSON line ("bench": "gbdt_run") on stdout; bench/gbdt_harness.py starts it as
a child process and adds the process's peak RSS (wait4), so every library, mlw included, is
measured the same way.

binary      the reference benchmark itself: ../shared/bench/gbdt_bench.py is imported and its
            prepare_data (clf_n<N>_{train,test}.parquet, generated there when missing) and
            run_one (model parameters, timing, AUC, log loss) are called unchanged.
multiclass  make_classification(n_classes=5, otherwise gbdt_bench.py's generator parameters),
            mc_n<N>_{train,test}.parquet + mc_n<N>.manifest.json; softmax (LightGBM
            `multiclass`, XGBoost `multi:softprob`, HGB log_loss); one-vs-rest macro AUC,
            accuracy, log loss.
regression  make_regression(n_features=28, n_informative=20, noise=10, random_state=7),
            reg_n<N>_{train,test}.parquet + reg_n<N>.manifest.json; squared error; RMSE, R^2.

Both new data sets: 28 float64 features f0..f27 + target (int64 classes / float64),
train_test_split(test_size=0.2, random_state=7), snappy Parquet.  Every model parameter is
gbdt_bench.py's (2 threads, 255 bins, lr 0.1, 100 rounds, 31 leaves, min 20 rows per leaf);
only the objective differs.  Set GBDT_BENCH_REF to the reference script (default
../shared/bench/gbdt_bench.py next to the repository).
"""
import argparse
import os
import sys


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["data", "run"])
    ap.add_argument("--task", required=True, choices=["binary", "multiclass", "regression"])
    ap.add_argument("--n", type=int, required=True, help="rows before the 80/20 split")
    ap.add_argument("--lib", choices=["lightgbm", "xgboost", "sklearn"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"),
                    help="default: bench/data next to this script")
    args = ap.parse_args()
    if args.cmd == "run" and not args.lib:
        ap.error("run needs --lib")
    if args.n < 10 or args.threads < 1:
        ap.error("--n must be >= 10 and --threads >= 1")
    return args


ARGS = parse_args()
# Pin OpenMP / BLAS pools before numpy and the libraries are imported (as gbdt_bench.py does).
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = str(ARGS.threads)

_here = os.path.dirname(os.path.abspath(__file__))
REF = os.environ.get("GBDT_BENCH_REF") or os.path.join(_here, "..", "..", "shared", "bench", "gbdt_bench.py")
if not os.path.isfile(REF):
    sys.exit(f"gbdt_peers.py: reference benchmark {REF} not found (set GBDT_BENCH_REF)")
sys.path.insert(0, os.path.dirname(os.path.abspath(REF)))

import gc  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import gbdt_bench as gb  # noqa: E402  (also brings hostload.py onto the path)
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import sklearn  # noqa: E402
from hostload import LoadMeter, loadavg  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

N_CLASSES = 5
PREFIX = {"binary": "clf", "multiclass": "mc", "regression": "reg"}


def generator(task, n):
    if task == "multiclass":
        params = {"n_samples": n, **gb.GEN_PARAMS, "n_classes": N_CLASSES}
        return "sklearn.datasets.make_classification", params, lambda: make_classification(**params)
    params = {"n_samples": n, "n_features": gb.N_FEATURES, "n_informative": 20, "noise": 10.0,
              "random_state": gb.SEED}
    return "sklearn.datasets.make_regression", params, lambda: make_regression(**params)


def paths(data_dir, task, n):
    stem = os.path.join(data_dir, f"{PREFIX[task]}_n{n}")
    return {"train": f"{stem}_train.parquet", "test": f"{stem}_test.parquet", "manifest": f"{stem}.manifest.json"}


def to_table(X, y, task):
    target = pa.array(y.astype(np.float64 if task == "regression" else np.int64))
    return pa.Table.from_arrays([pa.array(X[:, j]) for j in range(X.shape[1])] + [target], names=gb.COLS + ["target"])


def read(path, task):
    t = pq.read_table(path)
    X = np.ascontiguousarray(np.column_stack([t.column(c).to_numpy() for c in gb.COLS]).astype(np.float64, copy=False))
    y = t.column("target").to_numpy()
    return X, (y.astype(np.float64) if task == "regression" else y.astype(np.int64))


def prepare(data_dir, task, n):
    """(X_train, y_train, X_test, y_test); the files are written once, then read."""
    if task == "binary":
        X_tr, y_tr, X_te, y_te, _io = gb.prepare_data(data_dir, n, False, False)
        return X_tr, y_tr, X_te, y_te
    p = paths(data_dir, task, n)
    if not (os.path.exists(p["train"]) and os.path.exists(p["test"])):
        os.makedirs(data_dir, exist_ok=True)
        name, params, make = generator(task, n)
        t0 = time.perf_counter()
        X, y = make()
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=gb.SEED)
        files = {}
        for part, (Xp, yp) in (("train", (X_tr, y_tr)), ("test", (X_te, y_te))):
            tmp = p[part] + ".tmp"
            pq.write_table(to_table(Xp, yp, task), tmp, compression="snappy")
            os.replace(tmp, p[part])
            Xr, yr = read(p[part], task)
            assert np.array_equal(Xr, Xp) and np.array_equal(yr, yp), f"Parquet round trip changed {p[part]}"
            info = {"name": os.path.basename(p[part]), "rows": int(len(yp)), "bytes": os.path.getsize(p[part]),
                    "sha256": gb.sha256(p[part])}
            if task == "multiclass":
                info["class_counts"] = np.bincount(yp, minlength=N_CLASSES).tolist()
            files[f"{part}_parquet"] = info
        manifest = {
            "generator": name,
            "generator_params": params,
            "split": "sklearn.model_selection.train_test_split(test_size=0.2, random_state=7)",
            "sklearn_version": sklearn.__version__,
            "numpy_version": np.__version__,
            "columns": gb.COLS + ["target"],
            "dtypes": {"features": "float64", "target": "float64" if task == "regression" else "int64"},
            "parquet_compression": "snappy",
            "generate_write_s": round(time.perf_counter() - t0, 3),
            "files": files,
        }
        with open(p["manifest"], "w") as f:
            json.dump(manifest, f, indent=2)
    X_tr, y_tr = read(p["train"], task)
    X_te, y_te = read(p["test"], task)
    return X_tr, y_tr, X_te, y_te


def make_model(task, lib, threads):
    """gbdt_bench.make_model's parameters, with the task's objective and estimator class."""
    _binary_model, params, version = gb.make_model(lib, threads)
    params = dict(params)
    if lib == "lightgbm":
        import lightgbm as lgb

        params["objective"] = "multiclass" if task == "multiclass" else "regression"
        cls = lgb.LGBMClassifier if task == "multiclass" else lgb.LGBMRegressor
    elif lib == "xgboost":
        import xgboost as xgb

        params["objective"] = "multi:softprob" if task == "multiclass" else "reg:squarederror"
        cls = xgb.XGBClassifier if task == "multiclass" else xgb.XGBRegressor
    else:
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        params["loss"] = "log_loss" if task == "multiclass" else "squared_error"
        cls = HistGradientBoostingClassifier if task == "multiclass" else HistGradientBoostingRegressor
    return cls(**params), params, version


def run_one(task, lib, threads, X_tr, y_tr, X_te, y_te):
    """gbdt_bench.run_one for the multiclass and regression tasks."""
    model, params, version = make_model(task, lib, threads)
    gc.collect()
    meter = LoadMeter()
    t0 = time.perf_counter()
    model.fit(X_tr, y_tr)
    train_s = time.perf_counter() - t0
    train_load = meter.stop()
    gc.collect()
    meter = LoadMeter()
    t0 = time.perf_counter()
    out = model.predict_proba(X_te) if task == "multiclass" else model.predict(X_te)
    predict_s = time.perf_counter() - t0
    predict_load = meter.stop()
    if task == "multiclass":
        metrics = {
            "auc": float(roc_auc_score(y_te, out, multi_class="ovr", average="macro")),
            "accuracy": float(accuracy_score(y_te, out.argmax(axis=1))),
            "logloss": float(log_loss(y_te, out, labels=list(range(N_CLASSES)))),
        }
    else:
        metrics = {"rmse": float(np.sqrt(mean_squared_error(y_te, out))), "r2": float(r2_score(y_te, out))}
    return {
        "lib": lib,
        "version": version,
        "train_s": round(train_s, 4),
        "predict_s": round(predict_s, 4),
        "predict_rows_per_s": round(len(y_te) / predict_s, 1),
        **metrics,
        "trees": gb.n_trees(lib, model),
        "train_cpu_s": train_load["own_cpu_s"],
        "train_foreign_cores": train_load["foreign_cores"],
        "predict_foreign_cores": predict_load["foreign_cores"],
        "loadavg": loadavg(),
        "params": params,
    }


def main():
    a = ARGS
    X_tr, y_tr, X_te, y_te = prepare(a.data_dir, a.task, a.n)
    if a.cmd == "data":
        files = paths(a.data_dir, a.task, a.n) if a.task != "binary" else gb.paths(a.data_dir, a.n)
        print(json.dumps({"bench": "gbdt_data", "task": a.task, "n_rows": a.n, "n_train": len(y_tr),
                          "n_test": len(y_te), "files": {k: v for k, v in files.items() if os.path.exists(v)}}))
        return
    with threadpool_limits(limits=a.threads):
        if a.task == "binary":
            r = gb.run_one(a.lib, a.threads, X_tr, y_tr, X_te, y_te)
        else:
            r = run_one(a.task, a.lib, a.threads, X_tr, y_tr, X_te, y_te)
    print(json.dumps({"bench": "gbdt_run", "task": a.task, "n_rows": a.n, "n_train": int(len(y_tr)),
                      "n_test": int(len(y_te)), "threads": a.threads, **r}), flush=True)


if __name__ == "__main__":
    main()
