#!/usr/bin/env bash
# The test suite behind `just test`: a real MLflow server on 127.0.0.1 for the
# whole run (stopped on exit, pass or fail), then every test target and doctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/mlflow-server.sh start
trap 'scripts/mlflow-server.sh stop' EXIT
MLW_TEST_MLFLOW_URI="$(cat target/mlflow-server/url)"
export MLW_TEST_MLFLOW_URI
echo "test: MLflow server at $MLW_TEST_MLFLOW_URI"
cargo test --workspace --all-targets
cargo test --workspace --doc
