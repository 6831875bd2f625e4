#!/usr/bin/env bash
# The seed workflow, mlw vs the Python reference, side by side on the same data.
#
#   bash bench/seed_workflow.sh [REPS]      (default 3, alternating)
#
# Each repetition runs, in a fresh temp dir:
#   1. ../shared/bench/seed_workflow.py with the benchmark venv (scripts/bench-python.sh): it writes
#      seed_data.sqlite (make_classification 1000 x 20, seed 42) and tracks to ./mlruns;
#   2. mlw-train --config configs/seed.toml (release build) on that same SQLite
#      file (`--set data.source=...`), tracking to its own ./mlruns, with
#      `split.generator=numpy` so that its holdout is the very rows the
#      reference's train_test_split(random_state=42) holds out: the holdout
#      metrics then compare models, not splits.
# Prints per-phase seconds, holdout metrics and the wall-time ratio.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-3}"
py="${MLW_BENCH_PYTHON:-$("$root/scripts/bench-python.sh")}"
shared="${MLW_SHARED:-$(cd "$root/.." && pwd)/shared}"
ref="${MLW_BENCH_REFERENCE:-$shared/bench/seed_workflow.py}"
cargo build --release -q -p mlw-train --manifest-path "$root/Cargo.toml"
mlw="$root/target/release/mlw-train"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for i in $(seq 1 "$reps"); do
  work="$out/rep$i"
  mkdir -p "$work/py" "$work/mlw"
  # Python first: it generates the data both sides train on.
  ( cd "$work/py" && /usr/bin/time -f "%e" -o "$work/py.wall" "$py" "$ref" 2>"$work/py.log" | tail -1 >"$work/py.json" )
  ( cd "$work/mlw" && /usr/bin/time -f "%e" -o "$work/mlw.wall" "$mlw" --config "$root/configs/seed.toml" \
      --set "data.source=sqlite:$work/py/seed_data.sqlite" --set split.generator=numpy --json 2>"$work/mlw.log" >"$work/mlw.json" )
done

"$py" - "$out" "$reps" <<'PY'
import json, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
py, mlw = [], []
for i in range(1, reps + 1):
    d = f"{out}/rep{i}"
    p = json.load(open(f"{d}/py.json")); p["wall"] = float(open(f"{d}/py.wall").read().split()[-1])
    m = json.load(open(f"{d}/mlw.json")); m["wall"] = float(open(f"{d}/mlw.wall").read().split()[-1])
    py.append(p); mlw.append(m)
med = lambda xs: statistics.median(xs)
print(f"seed workflow, {reps} alternating repetitions, medians (seconds)")
print("\nPython reference phases:")
for k in py[0]["timings_s"]:
    print(f"  {k:<14} {med([p['timings_s'][k] for p in py]):8.3f}")
print("mlw phases:")
for k in mlw[0]["timings"]:
    print(f"  {k:<14} {med([m['timings'][k] for m in mlw]):8.3f}")
pw, mw = med([p["wall"] for p in py]), med([m["wall"] for m in mlw])
pt = med([p["timings_s"]["total"] for p in py])
mt = med([sum(m["timings"].values()) for m in mlw])
print(f"\n| | Python | mlw | ratio |\n|---|---:|---:|---:|")
print(f"| whole process (s) | {pw:.2f} | {mw:.2f} | {pw / mw:.1f}x |")
print(f"| in-process total (s) | {pt:.2f} | {mt:.2f} | {pt / mt:.1f}x |")
ph = py[-1]["holdout_calibrated"]; mh = mlw[-1]["holdout"]
for k in ["accuracy", "roc_auc", "f1", "log_loss", "brier"]:
    print(f"| holdout {k} | {ph[k]:.4f} | {mh[k]['estimate']:.4f} [{mh[k]['low']:.3f}, {mh[k]['high']:.3f}] | |")
print(f"| ROC-AUC 95% CI | [{ph['roc_auc_ci_low']:.3f}, {ph['roc_auc_ci_high']:.3f}] | | |")
print(f"| CV accuracy | {py[-1]['cv_accuracy_mean']:.4f} ± {py[-1]['cv_accuracy_std']:.4f} | {mlw[-1]['cv'][0]:.4f} ± {mlw[-1]['cv'][1]:.4f} | |")
PY
