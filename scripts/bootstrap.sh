#!/usr/bin/env bash
# Creates .venv and installs the pinned requirements (runtime or dev). Idempotent and quick
# when nothing changed (a stamp file records the requirements' checksum).
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-runtime}"
req=requirements.txt
[ "$kind" = "dev" ] && req=requirements-dev.txt
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
sum=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
stamp=".venv/.installed-$kind-$sum"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$req"
  touch "$stamp"
fi
