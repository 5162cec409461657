"""Gunicorn settings for Open Lima (docker-compose's web service and bench/run.py).

The access log never carries the client address, user agent or referrer (docs/threat-model.md:
nothing identifying a reporter is logged), and every gunicorn log line goes through the
same address-masking filter as Django's logs. gunicorn's error log has the request id and
follows LOG_FORMAT (plain or json) like Django's; the hooks (openlima/gunicorn_hooks.py)
set that id and keep PROMETHEUS_MULTIPROC_DIR right (docs/operations.md, "Logs, errors
and metrics").
"""

import multiprocessing
import os

from openlima import gunicorn_hooks

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(
    os.environ.get("GUNICORN_WORKERS", min(4, multiprocessing.cpu_count() * 2 + 1))
)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycling bounds a slow leak; each recycle still costs a fork of the preloaded master
# and the copy of every shared page the new worker writes. At 2,000 that was a fifth of
# /healthz's throughput at bench rates (docs/performance.md, "A worker's life").
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
# The master imports the portal once and forks workers from it (docs/operations.md,
# "Workers"): a worker recycled by max_requests then costs a fork, not a second start of
# Django and every app (≈ 1 s of CPU each; under load the recycling ate half of the
# /healthz throughput, docs/performance.md). The master closes its database and cache
# connections before each fork (gunicorn_hooks.pre_fork). A code change needs a restart
# of the service (HUP reloads the settings of gunicorn, not the portal's code).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in (
    "0",
    "false",
    "no",
    "off",
)
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "1000"))
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 25+ opens a control socket (for `gunicornc`) at one fixed path per user
# ($XDG_RUNTIME_DIR or ~/.gunicorn/gunicorn.ctl): two servers on one host (bench, the
# multi-node test) would contend for it, and in the container the home may be read-only.
# Off unless GUNICORN_CONTROL_SOCKET names a path.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

on_starting = gunicorn_hooks.on_starting
child_exit = gunicorn_hooks.child_exit
pre_request = gunicorn_hooks.pre_request
post_worker_init = gunicorn_hooks.post_worker_init
pre_fork = gunicorn_hooks.pre_fork
worker_abort = gunicorn_hooks.worker_abort
worker_exit = gunicorn_hooks.worker_exit

# "-" (stdout, the default), a file path, or "off".
_access = os.environ.get("GUNICORN_ACCESSLOG", "-")
accesslog = None if _access == "off" else _access
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Time, request line, status, size, duration and the request id the portal answered with
# (X-Request-ID, the id on Django's log lines of that request). No %(h)s (address),
# %(a)s (user agent), %(f)s (referrer) or %(u)s (user).
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s]'

_json = os.environ.get("LOG_FORMAT", "plain") == "json"
_errors = ["no_client_data", "request_id"]

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_client_data": {"()": "openlima.logging.StripClientDataFilter"},
        "request_id": {"()": "openlima.logging.RequestIdFilter"},
    },
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
        "error": {"()": "openlima.logging.JsonFormatter"}
        if _json
        else {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] [%(request_id)s] "
            "%(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["no_client_data"],
            "stream": "ext://sys.stdout",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["no_client_data"],
            "stream": "ext://sys.stdout",
        }
        if _access in ("-", "off")
        else {
            "class": "logging.FileHandler",
            "formatter": "generic",
            "filters": ["no_client_data"],
            "filename": _access,
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "error",
            "filters": _errors,
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {
            "level": loglevel.upper(),
            "handlers": ["error_console"],
            "propagate": False,
        },
        "gunicorn.access": {
            "level": "INFO" if accesslog else "CRITICAL",
            "handlers": ["access"],
            "propagate": False,
        },
    },
}
