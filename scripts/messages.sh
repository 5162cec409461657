#!/usr/bin/env bash
# Updates and compiles the English catalogues. Source strings are Spanish (the default
# language); each app keeps its catalogue in <app>/locale/en, the core (openlima/ and the
# shared templates/) in locale/en. Usage: bash scripts/messages.sh [core|APP...]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(pwd)/.venv/bin/python"
APPS=(commitments complaints participation opendata budgets contracting information)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(core "${APPS[@]}")

for target in "${targets[@]}"; do
  if [ "$target" = core ]; then
    ignores=(-i '.venv/*' -i 'venv/*' -i 'var/*' -i 'staticfiles/*' -i 'bench/*' -i 'tests/*' -i 'scripts/*')
    for app in "${APPS[@]}"; do ignores+=(-i "$app/*"); done
    mkdir -p locale
    "$PY" manage.py makemessages -l en --no-obsolete --no-location "${ignores[@]}" >/dev/null
    (cd locale && "$PY" ../manage.py compilemessages -l en >/dev/null)
  else
    [ -d "$target" ] || { echo "no app $target" >&2; exit 1; }
    mkdir -p "$target/locale"
    (cd "$target" && "$PY" ../manage.py makemessages -l en --no-obsolete -i 'migrations/*' >/dev/null \
      && "$PY" ../manage.py compilemessages -l en >/dev/null)
  fi
  echo "catalogue updated and compiled: $target"
done
