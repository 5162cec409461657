#!/usr/bin/env bash
# Runs the whole portal on this machine: web server, Celery worker and beat.
# Embedded default (no env): SQLite + filesystem broker. DATABASE_URL/REDIS_URL switch to
# PostgreSQL/Redis. Usage: make run   (or: bash scripts/run.sh [port])
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-${PORT:-8000}}"
# The run command is the embedded default; wsgi/asgi/celery alone default to production.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.base}"
# Links in e-mails and feeds point at the port actually served (unless SITE_URL is set).
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"
bash scripts/bootstrap.sh runtime
PY=.venv/bin/python
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v 0
$PY manage.py load_demo
mkdir -p var/log
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
# One worker process with the embedded broker: the jobs' cache locks live in its memory.
concurrency=1
[ -n "${REDIS_URL:-}" ] && concurrency=2
.venv/bin/celery -A config worker -B -l info --concurrency "$concurrency" \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler >var/log/celery.log 2>&1 &
pids+=($!)
cat <<TXT

  Open Lima is running:  http://127.0.0.1:${PORT}/   (English: http://127.0.0.1:${PORT}/en/)
  Staff admin:           http://127.0.0.1:${PORT}/gestion/
    demo staff login:    coordinacion@demo.openlima.pe / gobierno-abierto-2022
    two-factor (TOTP):   secret JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP  (add it to any authenticator app,
                         or: .venv/bin/python manage.py demo_totp_code)
  Celery worker + beat:  var/log/celery.log     Stop with Ctrl-C.

TXT
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload
