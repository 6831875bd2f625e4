#!/usr/bin/env bash
# mlw's histogram GBDT against LightGBM, XGBoost and scikit-learn HGB on the
# reference benchmark's data (../shared/bench/gbdt_bench.py), run
# alternately (mlw, lightgbm, xgboost, sklearn per repetition) so that the
# machine's background load hits every library alike.
#
# Usage: bench/gbdt.sh [SIZES=100000[,1000000]] [REPS=3] [THREADS=2]
# Env:   PY (default: the venv of scripts/bench-python.sh), REF (default ../shared/bench/gbdt_bench.py)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${1:-100000}"
REPS="${2:-3}"
THREADS="${3:-2}"
PY="${PY:-$(scripts/bench-python.sh)}"
REF="${REF:-$(cd .. && pwd)/shared/bench/gbdt_bench.py}"
DATA=bench/data
OUT="$DATA/gbdt_runs.jsonl"

mkdir -p "$DATA"
[ -f "$DATA/.gitignore" ] || echo '*' > "$DATA/.gitignore"
: > "$OUT"

echo "[gbdt.sh] building mlw-bench-gbdt (release)" >&2
cargo build --release -p mlw-bench-gbdt >&2

for n in ${SIZES//,/ }; do
  if [ ! -f "$DATA/clf_n${n}_train.parquet" ]; then
    echo "[gbdt.sh] generating data N=$n" >&2
    "$PY" "$REF" --data-dir "$DATA" --sizes "$n" --reps 1 --libs lightgbm --no-csv >/dev/null
  fi
  for rep in $(seq 1 "$REPS"); do
    echo "[gbdt.sh] N=$n rep=$rep mlw" >&2
    ./target/release/mlw-bench-gbdt --data-dir "$DATA" --n "$n" --threads "$THREADS" | tee -a "$OUT" >&2
    for lib in lightgbm xgboost sklearn; do
      echo "[gbdt.sh] N=$n rep=$rep $lib" >&2
      "$PY" "$REF" --data-dir "$DATA" --sizes "$n" --reps 1 --libs "$lib" --threads "$THREADS" --no-csv --skip-io \
        2>/dev/null | grep '"bench": "gbdt_run"' | tee -a "$OUT" >&2
    done
  done
done

"$PY" - "$OUT" <<'PYEOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in runs:
    by.setdefault((r["n_rows"], r["lib"]), []).append(r)
print(f"{'N':>9} {'lib':<9} {'reps':>4} {'train_s':>8} {'mlw x':>6} {'pred rows/s':>12} {'AUC':>8} {'logloss':>8} {'peak RSS MB':>11}")
for n in sorted({k[0] for k in by}):
    mlw = by.get((n, "mlw"))
    mlw_t = statistics.median(r["train_s"] for r in mlw) if mlw else None
    for lib in ["mlw", "lightgbm", "xgboost", "sklearn"]:
        rs = by.get((n, lib))
        if not rs:
            continue
        med = lambda k: statistics.median(r[k] for r in rs)
        t = med("train_s")
        ratio = f"{t / mlw_t:6.2f}" if mlw_t else "     -"
        rss = rs[0].get("peak_rss_kb")
        rss = f"{rss / 1024:11.0f}" if rss else f"{'-':>11}"
        print(f"{n:>9} {lib:<9} {len(rs):>4} {t:>8.3f} {ratio} {med('predict_rows_per_s'):>12,.0f} {med('auc'):>8.5f} {med('logloss'):>8.5f} {rss}")
print("(mlw x = library's median train time / mlw's; > 1 means mlw is faster)")
PYEOF
