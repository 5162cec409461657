"""URLs for tests/openlima/test_gunicorn.py: requests that make gunicorn itself log (an
error while the body streams, a request that outlives the worker timeout), next to the
portal's own /metrics."""

import atexit
import os
import time
from pathlib import Path

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from openlima import metrics


def ok(request, n):
    return HttpResponse("ok", content_type="text/plain")


def stream_error(request):
    def body():
        yield b"partial "
        raise RuntimeError("the body broke half way")

    return StreamingHttpResponse(body(), content_type="text/plain")


def slow(request):
    time.sleep(30)  # past the worker timeout the test sets


class _TeardownMark:
    """Writes `teardown-<pid>` when Python's shutdown frees it (module globals are
    cleared at interpreter teardown); a worker leaving with os._exit never frees it."""

    def __init__(self, path: str):
        self.path = path
        self._write = os.open, os.write, os.close, os.O_WRONLY | os.O_CREAT

    def __del__(self):
        opener, write, close, flags = self._write
        fd = opener(self.path, flags, 0o600)
        write(fd, b"freed")
        close(fd)


_marks: list = []


@never_cache  # each answer from the worker that served it, not the page cache
def exit_marks(request):
    """Once per worker: an atexit handler that writes `atexit-<pid>`, and an object that
    writes `teardown-<pid>` if the interpreter is torn down (tests/openlima/
    test_gunicorn.py, a worker's exit)."""
    folder = Path(os.environ["EXIT_MARKS_DIR"])
    if not _marks:
        pid = os.getpid()
        atexit.register((folder / f"atexit-{pid}").write_text, "ran")
        _marks.append(_TeardownMark(str(folder / f"teardown-{pid}")))
    return HttpResponse(str(os.getpid()), content_type="text/plain")


@never_cache
def warmed(request):
    """The languages this worker's URL resolver has reverse tables for, though nothing
    in it has reversed a URL: built in the master before the fork (openlima/warmup.py)."""
    from django.urls import get_resolver

    return HttpResponse(
        " ".join(sorted(get_resolver()._reverse_dict)), content_type="text/plain"
    )


urlpatterns = [
    path("_test/exit-marks/", exit_marks),
    path("_test/warmed/", warmed),
    path("_test/ok/<int:n>/", ok),
    path("_test/stream-error/", stream_error),
    path("_test/slow/", slow),
    path("metrics", metrics.metrics_view),
]
