#!/usr/bin/env bash
# Starts or stops a real MLflow tracking server for the tests.
#
#   scripts/mlflow-server.sh start   # prints the URL; reuses a live server
#   scripts/mlflow-server.sh stop
#   scripts/mlflow-server.sh url     # prints the URL of the live server
#
# The server (sqlite backend, proxied artifacts, one worker) listens on a free
# port on 127.0.0.1; its work dir, log and state files live in
# $MLW_MLFLOW_STATE (default <repo>/target/mlflow-server): url, pid,
# server.log, work/{mlflow.db,mlartifacts}. Concurrent `start`s serialise on
# a lock so that parallel test processes share one server.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${MLW_MLFLOW_STATE:-$root/target/mlflow-server}"
timeout_s="${MLW_MLFLOW_START_TIMEOUT:-90}"
mkdir -p "$state"

alive() {
  [[ -f "$state/pid" && -f "$state/url" ]] || return 1
  local pid
  pid="$(cat "$state/pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  curl -fsS --max-time 5 "$(cat "$state/url")/health" >/dev/null 2>&1
}

start() {
  exec 9>"$state/lock"
  flock 9
  if alive; then
    cat "$state/url"
    return 0
  fi
  local py mlflow port work pid url
  py="$("$root/scripts/pyenv.sh")"
  mlflow="$(dirname "$py")/mlflow"
  port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  work="$state/work"
  rm -rf "$work"
  mkdir -p "$work"
  url="http://127.0.0.1:$port"
  # setsid: the server leads its own process group, so `stop` ends its
  # uvicorn and job-runner children too.
  (cd "$work" && exec setsid "$mlflow" server \
    --backend-store-uri "sqlite:///$work/mlflow.db" \
    --artifacts-destination "$work/mlartifacts" \
    --host 127.0.0.1 --port "$port" --workers 1 \
    >"$state/server.log" 2>&1 9>&-) &
  pid=$!
  echo "$pid" >"$state/pid"
  rm -f "$state/url"
  local waited=0
  until curl -fsS --max-time 2 "$url/health" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "mlflow-server: server exited during startup; log:" >&2
      tail -n 30 "$state/server.log" >&2
      return 1
    fi
    if ((waited >= timeout_s)); then
      echo "mlflow-server: no /health after ${timeout_s}s; log:" >&2
      tail -n 30 "$state/server.log" >&2
      kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "$url" >"$state/url"
  echo "$url"
}

stop() {
  exec 9>"$state/lock"
  flock 9
  if [[ -f "$state/pid" ]]; then
    local pid
    pid="$(cat "$state/pid")"
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$state/pid" "$state/url"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) alive && cat "$state/url" ;;
  *)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
