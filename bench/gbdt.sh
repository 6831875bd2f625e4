#!/usr/bin/env bash
# mlw's histogram GBDT against LightGBM, XGBoost and scikit-learn HGB on the
# same Parquet files: binary (the reference benchmark ../shared/bench/gbdt_bench.py,
# its data and its code), 5-class multiclass and regression, run alternately
# (mlw, lightgbm, xgboost, sklearn per repetition, each in its own process) so
# that the machine's background load hits every library alike. Prints, per task
# and size, the medians (train s, predict rows/s, AUC / accuracy / log loss or
# RMSE / R², process peak RSS), the ratios to mlw and the issue-4 goals.
#
# Usage: bench/gbdt.sh [SIZES=100000,1000000] [REPS=3] [THREADS=2]
# Env:   WAIT_QUIET=SECONDS: before each run, wait up to that long for other processes to use
#        <= 0.3 cores (default 0: do not wait; the table warns when a case ran contended),
#        TASKS (default binary,multiclass,regression), LIBS (default mlw,lightgbm,xgboost,sklearn),
#        PY (default: the venv of scripts/bench-python.sh),
#        GBDT_BENCH_REF (default ../shared/bench/gbdt_bench.py)
# Output: the table on stdout; progress on stderr; every run in bench/data/gbdt_runs.jsonl,
#        medians and goals in bench/data/gbdt_summary.json. Reprint the table of a run with
#        "$PY" bench/gbdt_harness.py --report bench/data/gbdt_runs.jsonl
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZES="${1:-100000,1000000}"
REPS="${2:-3}"
THREADS="${3:-2}"
TASKS="${TASKS:-binary,multiclass,regression}"
LIBS="${LIBS:-mlw,lightgbm,xgboost,sklearn}"
WAIT_QUIET="${WAIT_QUIET:-0}"
PY="${PY:-$(scripts/bench-python.sh)}"
GBDT_BENCH_REF="${GBDT_BENCH_REF:-$(cd .. && pwd)/shared/bench/gbdt_bench.py}"
export GBDT_BENCH_REF
DATA=bench/data

if [ ! -f "$GBDT_BENCH_REF" ]; then
  echo "[gbdt.sh] reference benchmark $GBDT_BENCH_REF not found (set GBDT_BENCH_REF)" >&2
  exit 2
fi
mkdir -p "$DATA"
[ -f "$DATA/.gitignore" ] || echo '*' > "$DATA/.gitignore"

echo "[gbdt.sh] building mlw-bench-gbdt (release)" >&2
cargo build --release -p mlw-bench-gbdt >&2

exec "$PY" bench/gbdt_harness.py --mlw target/release/mlw-bench-gbdt --data-dir "$DATA" \
  --sizes "$SIZES" --reps "$REPS" --threads "$THREADS" --tasks "$TASKS" --libs "$LIBS" --wait-quiet "$WAIT_QUIET"
