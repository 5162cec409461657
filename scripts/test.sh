#!/usr/bin/env bash
# The whole test suite. Uses PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, SQLite and
# in-process fallbacks otherwise. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
# Coverage is measured on every run of this command (the figure is printed before pytest's
# closing line; `.venv/bin/python -m coverage report` shows it per file afterwards).
exec .venv/bin/python -m pytest --cov --cov-report= "$@"
