"""gunicorn server hooks, called from gunicorn.conf.py (docs/operations.md, "Logs, errors
and metrics").

- Request ids: gunicorn's own lines written while a request runs ("Error handling
  request", a worker aborted by its timeout) carry the same id as Django's lines of that
  request and its `X-Request-ID`. The id is chosen here, before Django, and handed to
  openlima.middleware.RequestIdMiddleware through the request's `X-Request-ID` header.
- Prometheus with several workers: PROMETHEUS_MULTIPROC_DIR is emptied when the server
  starts (files of a previous run would be added to this one's counts) and a worker
  that exits is marked dead, so its live gauges are dropped while its counters stay
  summed in.

Imported by the gunicorn master before Django is set up: only the standard library and
openlima.logging (which needs nothing else) at module level.
"""

import logging
import os
from pathlib import Path

from openlima.logging import request_id_from, request_id_var

log = logging.getLogger("gunicorn.error")


# --- Prometheus multiprocess mode --------------------------------------------------------


def multiproc_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def multiproc_dir_clean(path: str) -> int:
    """Create `path` if needed and delete the metric files left in it; returns how many.
    The folder itself stays (it may be a tmpfs or volume mount point)."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    removed = 0
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)
        removed += 1
    return removed


def on_starting(server) -> None:
    path = multiproc_dir()
    if path:
        removed = multiproc_dir_clean(path)
        log.info("PROMETHEUS_MULTIPROC_DIR %s emptied (%d old files)", path, removed)


def child_exit(server, worker) -> None:
    if multiproc_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# --- Preloading (gunicorn.conf.py preload_app) ------------------------------------------


_warmed = False


def pre_fork(server, worker) -> None:
    """With the portal preloaded in the master: before the first fork, the work every
    worker would do on its first requests is done once here (openlima.warmup), so each
    fork inherits it. And no connection the master may have opened (a check at import, a
    cache read) may be shared with a worker: closed before each fork, so every worker
    opens its own. Without preloading Django is not loaded here."""
    import sys

    global _warmed
    if "django.db" not in sys.modules:
        return
    if not _warmed:
        from openlima.warmup import warm_up

        _warmed = True
        warm_up()
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()


def worker_exit(server, worker) -> None:
    """A worker leaves without tearing down its interpreter (docs/performance.md, "A
    worker's life").

    A worker that served `max_requests` requests (or got SIGTERM) ends in `sys.exit`,
    and Python's shutdown then collects and frees every object of the preloaded portal:
    0.6-0.7 s of CPU per exit, more with the copies of the pages it shared with the
    master; with recycling every few seconds that cost each `/healthz` request more than
    its own work. The work shutdown does that matters is done here instead (atexit
    handlers, the database and cache connections closed with their protocols' goodbye,
    logs and standard streams flushed); then `os._exit` with the code the worker was
    leaving with (gunicorn's master tells a boot error from a normal exit by it). Runs
    in gunicorn's `finally`, with the `SystemExit` in flight."""
    import atexit
    import contextlib
    import sys

    leaving = sys.exc_info()[1]
    code: object = 0 if leaving is None else 1
    if isinstance(leaving, SystemExit):
        code = 0 if leaving.code is None else leaving.code
    if not isinstance(code, int):
        code = 1  # sys.exit("a message") leaves with 1, as Python does
    try:
        if "django.db" in sys.modules:
            from django.core.cache import caches
            from django.db import connections

            connections.close_all()
            caches.close_all()
        atexit._run_exitfuncs()
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, OSError, ValueError):
                stream.flush()
    except Exception:  # never block the exit; say why it was not clean
        log.warning("Cleanup before a worker's exit failed", exc_info=True)
        logging.shutdown()
    finally:
        os._exit(code)


# --- Request ids on gunicorn's own log lines ---------------------------------------------


def pre_request(worker, req) -> None:
    """Choose the request's id (the proxy's when valid, else a new one), make it the
    current id of gunicorn's log lines and pass it on to Django in `X-Request-ID`."""
    incoming = ""
    headers = []
    for name, value in req.headers:
        if name.upper() == "X-REQUEST-ID":
            incoming = incoming or value
        else:
            headers.append((name, value))
    request_id = request_id_from(incoming)
    req.headers = [*headers, ("X-REQUEST-ID", request_id)]
    request_id_var.set(request_id)


def post_worker_init(worker) -> None:
    """Clear the id once gunicorn is done with a connection, after its error handling
    (which logs after post_request), so lines between requests carry "-"."""
    handle = worker.handle

    def handle_then_forget_request_id(*args, **kwargs):
        try:
            return handle(*args, **kwargs)
        finally:
            request_id_var.set("-")

    worker.handle = handle_then_forget_request_id


def worker_abort(worker) -> None:
    """SIGABRT from the master: the request ran past `timeout`. Logged by the worker,
    inside the request, so the line carries its id (the master's "WORKER TIMEOUT" line
    cannot: it runs in another process)."""
    log.error(
        "Worker %s aborted (timeout %ss) while handling a request",
        worker.pid,
        worker.cfg.timeout,
    )
