#!/usr/bin/env bash
# Prints the python of the benchmark venv (.venv-bench), creating it on first
# use from the reference stack's pins in ../shared/bench/requirements.txt
# (scikit-learn, LightGBM, XGBoost, MLflow, pandas, pyarrow, ...).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${MLW_SHARED:-$(cd "$root/.." && pwd)/shared}"
MLW_VENV="${MLW_BENCH_VENV:-$root/.venv-bench}" \
  MLW_REQUIREMENTS="$shared/bench/requirements.txt" \
  exec "$root/scripts/pyenv.sh"
