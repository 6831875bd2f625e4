#!/usr/bin/env bash
# Serving benchmark: mlw-serve (release) vs `mlflow models serve` on the seed
# workflow's problem, driven by the same bounded loopback client
# (bench/serve_load.py) with the same dataframe_split payloads.
#
#   bench/serve.sh            # everything: build, bundles, both servers, table
#   SKIP_MLFLOW=1 bench/serve.sh
#
# Environment: BENCH_DIR (work directory, default /tmp/mlw-serve-bench),
# VENV (default .venv-bench, made by scripts/bench-python.sh), REQUESTS (default 2000), MAX_SECONDS (default 60).
# Models: Rust = HGB 200 trees depth 5, sigmoid-calibrated over 5 folds
# (examples/bench_bundle.rs); Python = the seed workflow's registered
# CalibratedClassifierCV(GradientBoostingClassifier) (`models:/ml-workflow-gbc@staging`).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/mlw-serve-bench}
SHARED=${MLW_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
VENV=${VENV:-$(dirname "$(dirname "$("$ROOT/scripts/bench-python.sh")")")}
REQUESTS=${REQUESTS:-2000}
MAX_SECONDS=${MAX_SECONDS:-60}
RUST_PORT=${RUST_PORT:-18080}
PY_PORT=${PY_PORT:-15001}
mkdir -p "$BENCH_DIR"
RESULTS="$BENCH_DIR/results.jsonl"
: > "$RESULTS"

cd "$ROOT"
# Two commands: with `--example`, cargo builds only the example, not the binaries.
cargo build --release -p mlw-serve
cargo build --release -p mlw-inference --example bench_bundle
"$ROOT/target/release/examples/bench_bundle" "$BENCH_DIR/model"

wait_up() { # url, seconds
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null "$1"; do
    if (( SECONDS > deadline )); then echo "server at $1 did not come up" >&2; return 1; fi
    sleep 0.2
  done
}

load() { # label url
  for spec in "1 1" "1 4" "1000 1"; do
    set -- "$1" "$2" $spec
    "$VENV/bin/python" "$ROOT/bench/serve_load.py" --url "$2" --rows "$3" --concurrency "$4" \
      --requests "$REQUESTS" --max-seconds "$MAX_SECONDS" --label "$1" | tee -a "$RESULTS"
  done
}

# --- mlw-serve ---------------------------------------------------------------
start=$(date +%s.%N)
"$ROOT/target/release/mlw-serve" --model "$BENCH_DIR/model" --addr "127.0.0.1:$RUST_PORT" \
  > "$BENCH_DIR/mlw-serve.log" 2>&1 &
RUST_PID=$!
trap 'kill -TERM $RUST_PID 2>/dev/null || true' EXIT
wait_up "http://127.0.0.1:$RUST_PORT/ready" 60
echo "mlw-serve cold start: $(echo "$(date +%s.%N) - $start" | bc) s"
load mlw-serve "http://127.0.0.1:$RUST_PORT"
echo "mlw-serve peak RSS: $(grep VmHWM /proc/$RUST_PID/status | awk '{print $2, $3}')"
kill -TERM $RUST_PID; wait $RUST_PID || true

# --- mlflow models serve -------------------------------------------------------
if [[ -z "${SKIP_MLFLOW:-}" ]]; then
  cd "$BENCH_DIR"
  if [[ ! -d mlruns ]]; then
    "$VENV/bin/python" "$SHARED/bench/seed_workflow.py" --bootstrap 100 > seed.log 2>&1
  fi
  start=$(date +%s.%N)
  # mlflow execs `uvicorn` from PATH: the venv's bin must come first.
  PATH="$VENV/bin:$PATH" MLFLOW_ALLOW_FILE_STORE=true MLFLOW_TRACKING_URI=file:./mlruns \
    "$VENV/bin/mlflow" models serve -m models:/ml-workflow-gbc@staging --env-manager local \
    -h 127.0.0.1 -p "$PY_PORT" -w 1 > "$BENCH_DIR/mlflow-serve.log" 2>&1 &
  PY_PID=$!
  trap 'kill -TERM $PY_PID 2>/dev/null || true' EXIT
  wait_up "http://127.0.0.1:$PY_PORT/ping" 180
  echo "mlflow serve cold start: $(echo "$(date +%s.%N) - $start" | bc) s"
  load mlflow "http://127.0.0.1:$PY_PORT"
  kill -TERM $PY_PID; wait $PY_PID || true
  cd "$ROOT"
fi

# --- table --------------------------------------------------------------------
"$VENV/bin/python" - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"\n{'server':<10} {'rows':>5} {'conc':>4} {'req/s':>9} {'rows/s':>10} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>6} {'host cores':>10}")
for r in rows:
    print(f"{r['label']:<10} {r['rows']:>5} {r['concurrency']:>4} {r['req_per_s']:>9} {r['rows_per_s']:>10} "
          f"{r['p50_ms']:>8} {r['p90_ms']:>8} {r['p99_ms']:>8} {r['errors']:>6} {str(r['host_busy_cores']):>10}")
PY
