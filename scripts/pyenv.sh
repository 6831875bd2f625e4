#!/usr/bin/env bash
# Creates or reuses the Python venv the test scripts need and prints its python.
#
#   scripts/pyenv.sh            -> prints e.g. /repo/.venv/bin/python
#   MLW_VENV=/cache/venv scripts/pyenv.sh
#   MLW_VENV=.venv-bench MLW_REQUIREMENTS=../shared/bench/requirements.txt scripts/pyenv.sh
#
# The venv (default: <repo>/.venv) is reused as long as the SHA-256 of
# scripts/requirements-test.txt matches the stamp written after the last
# successful install, so a second call costs a few milliseconds. Concurrent
# callers serialise on a lock file. Logs go to stderr; stdout is the path only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${MLW_VENV:-$root/.venv}"
req="${MLW_REQUIREMENTS:-$root/scripts/requirements-test.txt}"
stamp="$venv/.mlw-requirements-test.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"

ready() {
  [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]
}

if ready; then
  echo "$venv/bin/python"
  exit 0
fi

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if ! ready; then
  if [[ ! -x "$venv/bin/python" ]]; then
    echo "pyenv: creating $venv" >&2
    "${PYTHON:-python3}" -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
  fi
  echo "pyenv: installing $req into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
  echo "$want" >"$stamp.tmp"
  mv "$stamp.tmp" "$stamp"
fi
echo "$venv/bin/python"
