#!/usr/bin/env bash
# The whole test suite. Uses PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, SQLite and
# in-process fallbacks otherwise. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
exec .venv/bin/python -m pytest "$@"
