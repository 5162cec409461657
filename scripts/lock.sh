#!/usr/bin/env bash
# Regenerates the hashed lock files from requirements.txt / requirements-dev.txt:
#   requirements.lock      runtime (Dockerfile, make run)
#   requirements-dev.lock  runtime + dev (make test, .ci/run)
# Run it after changing any requirements*.txt. pip-tools lives in a throwaway venv, so the
# project's own environment needs nothing extra. scripts/bootstrap.sh uses a lock file only
# while the checksum recorded in it matches the requirements files.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
tools="${LOCK_TOOLS_VENV:-${TMPDIR:-/tmp}/openlima-lock-tools}"
if [ ! -x "$tools/bin/pip-compile" ]; then
  "$PYTHON" -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet "pip-tools==7.5.2"
fi
sum=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
compile() {
  local src="$1" out="$2"
  CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh" \
    "$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
    --no-emit-index-url --no-emit-find-links --resolver=backtracking \
    --output-file "$out" "$src"
  { echo "# requirements-sha256: $sum"; cat "$out"; } > "$out.tmp" && mv "$out.tmp" "$out"
}
compile requirements.txt requirements.lock
compile requirements-dev.txt requirements-dev.lock
echo "lock files written (requirements checksum $sum)"
