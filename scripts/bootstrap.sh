#!/usr/bin/env bash
# Creates .venv and installs the pinned requirements (runtime or dev). Idempotent and quick
# when nothing changed (a stamp file records the requirements' checksum).
# Uses the hashed lock file (requirements.lock / requirements-dev.lock, made by
# scripts/lock.sh) when it was generated from the current requirements*.txt; otherwise
# installs requirements*.txt directly and says the lock file needs regenerating.
# Needs only Python and pip: no lock tool is required to install.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-runtime}"
req=requirements.txt
lock=requirements.lock
if [ "$kind" = "dev" ]; then
  req=requirements-dev.txt
  lock=requirements-dev.lock
fi
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
sum=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
stamp=".venv/.installed-$kind-$sum"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ -f "$lock" ] && head -1 "$lock" | grep -q "requirements-sha256: $sum"; then
    .venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
  else
    [ -f "$lock" ] && echo "bootstrap: $lock is older than the requirements files;" \
      "installing $req without hashes (regenerate with: bash scripts/lock.sh)" >&2
    .venv/bin/python -m pip install --quiet -r "$req"
  fi
  touch "$stamp"
fi
