#!/usr/bin/env python3
"""Reads a run and its registered model back with MLflow's own client and
checks them against an expectations file written by the Rust tests.

    python scripts/verify_mlflow.py expect.json

expect.json:
{
  "tracking_uri": "file:///abs/mlruns" | "http://127.0.0.1:5000",
  "experiment_name": "...",
  "run_id": "...", "run_name": "...", "status": "FINISHED",
  "params": {"k": "v"},                     # exact (when given)
  "params_subset": {"k": "v"},              # these at least, with these values
  "tags": {"k": "v"},                       # must be present with these values
  "metrics": {"loss": [[step, value, timestamp_ms], ...]},   # exact histories
  "artifacts": {"rel/path.txt": "<sha256 hex>"},             # listed + downloaded
  "model": {"artifact_path": "model", "flavor": "mlw",
            "signature_inputs": ["x1", ...]},                 # optional
  "registry": {"name": "...", "versions": {"1": "<run_id>"},
               "aliases": {"champion": "1"}, "description": "..."}   # optional
}

A file store needs MLFLOW_ALLOW_FILE_STORE=true (set here). Exits 1 with a
message per mismatch, 0 when everything matches.
"""
import hashlib
import json
import math
import os
import sys
import tempfile

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")

import mlflow  # noqa: E402
from mlflow.models import Model  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)


def same_value(a, b):
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b


def as_float(v):
    if isinstance(v, str):
        return float(v)  # "NaN", "Infinity", "-Infinity"
    return float(v)


def main(path):
    with open(path) as f:
        exp = json.load(f)
    uri = exp["tracking_uri"]
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)

    e = client.get_experiment_by_name(exp["experiment_name"])
    check(e is not None, f"experiment {exp['experiment_name']!r} not found")

    run = client.get_run(exp["run_id"])
    if e is not None:
        check(run.info.experiment_id == e.experiment_id, "run is in another experiment")
    check(run.info.status == exp.get("status", "FINISHED"),
          f"status {run.info.status} != {exp.get('status', 'FINISHED')}")
    if "run_name" in exp:
        check(run.info.run_name == exp["run_name"], f"run name {run.info.run_name!r} != {exp['run_name']!r}")
    check(run.info.end_time is not None and run.info.end_time > 0, "run has no end_time")

    if "params" in exp or "params_subset" not in exp:
        check(run.data.params == exp.get("params", {}),
              f"params differ: got {run.data.params}, want {exp.get('params', {})}")
    for k, v in exp.get("params_subset", {}).items():
        check(run.data.params.get(k) == v, f"param {k}: got {run.data.params.get(k)!r}, want {v!r}")
    for k, v in exp.get("tags", {}).items():
        check(run.data.tags.get(k) == v, f"tag {k!r}: got {run.data.tags.get(k)!r}, want {v!r}")

    for key, points in exp.get("metrics", {}).items():
        hist = client.get_metric_history(exp["run_id"], key)
        got = sorted((m.step, m.timestamp, m.value) for m in hist)
        want = sorted((int(s), int(t), as_float(v)) for s, v, t in points)
        check(len(got) == len(want),
              f"metric {key!r}: {len(got)} points, want {len(want)} (duplicates or losses)")
        for g, w in zip(got, want):
            ok = g[0] == w[0] and g[1] == w[1] and (same_value(g[2], w[2]) or
                  (math.isinf(w[2]) and abs(g[2]) >= 1.7976931348623157e308 and (g[2] > 0) == (w[2] > 0)))
            check(ok, f"metric {key!r}: point {g} != {w}")

    with tempfile.TemporaryDirectory() as tmp:
        for rel, sha in exp.get("artifacts", {}).items():
            parent = os.path.dirname(rel)
            listed = [a.path for a in client.list_artifacts(exp["run_id"], parent or None)]
            check(rel in listed, f"artifact {rel!r} not listed under {parent!r}: {listed}")
            local = client.download_artifacts(exp["run_id"], rel, tmp)
            with open(local, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            check(digest == sha, f"artifact {rel!r}: sha256 {digest} != {sha}")

    model = exp.get("model")
    if model:
        hist = json.loads(run.data.tags.get("mlflow.log-model.history", "[]"))
        paths = [h.get("artifact_path") for h in hist]
        check(model["artifact_path"] in paths, f"log-model history lacks {model['artifact_path']!r}: {paths}")
        for h in hist:
            check(model["flavor"] in h.get("flavors", {}), f"history entry without flavor {model['flavor']!r}: {h}")
        m = Model.load(f"runs:/{exp['run_id']}/{model['artifact_path']}")
        check(model["flavor"] in m.flavors, f"MLmodel flavors {list(m.flavors)} lack {model['flavor']!r}")
        check(m.run_id == exp["run_id"], f"MLmodel run_id {m.run_id} != {exp['run_id']}")
        if "signature_inputs" in model:
            check(m.signature is not None, "MLmodel has no signature")
            if m.signature is not None:
                names = m.signature.inputs.input_names()
                check(names == model["signature_inputs"], f"signature inputs {names} != {model['signature_inputs']}")

    reg = exp.get("registry")
    if reg:
        name = reg["name"]
        rm = client.get_registered_model(name)
        if "description" in reg:
            check(rm.description == reg["description"], f"model description {rm.description!r} != {reg['description']!r}")
        for version, run_id in reg.get("versions", {}).items():
            mv = client.get_model_version(name, version)
            check(mv.run_id == run_id, f"version {version}: run_id {mv.run_id} != {run_id}")
        for alias, version in reg.get("aliases", {}).items():
            mv = client.get_model_version_by_alias(name, alias)
            check(str(mv.version) == str(version), f"alias {alias!r} -> {mv.version}, want {version}")
            loaded = Model.load(f"models:/{name}@{alias}")
            check(reg.get("flavor", "mlw") in loaded.flavors, f"models:/{name}@{alias} has no mlw flavor")
        if reg.get("versions"):
            latest = max(int(v) for v in reg["versions"])
            mv = client.get_model_version_by_alias(name, "latest") if hasattr(client, "get_model_version_by_alias") else None
            if mv is not None:
                check(int(mv.version) == latest, f"@latest -> {mv.version}, want {latest}")

    if errors:
        for e in errors:
            print(f"MISMATCH: {e}", file=sys.stderr)
        return 1
    print(f"verify_mlflow: {uri} run {exp['run_id']} OK")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
