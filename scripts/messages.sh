#!/usr/bin/env bash
# Source strings are Spanish (the default language); each app keeps its English catalogue in
# <app>/locale/en. Core and shared templates use locale/en.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(pwd)/.venv/bin/python"
for app in commitments complaints participation opendata budgets; do
  (cd "$app" && "$PY" ../manage.py makemessages -l en --no-obsolete -i 'migrations/*' >/dev/null)
done
"$PY" manage.py makemessages -l en --no-obsolete -i 'commitments/*' -i 'complaints/*' -i 'participation/*' -i 'opendata/*' -i 'budgets/*' -i '.venv/*' -i 'bench/*' -i 'tests/*' >/dev/null
"$PY" manage.py compilemessages --ignore=.venv >/dev/null
echo "catalogues updated and compiled"
