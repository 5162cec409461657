"""URLs for tests/openlima/test_gunicorn.py: requests that make gunicorn itself log (an
error while the body streams, a request that outlives the worker timeout), next to the
portal's own /metrics."""

import time

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

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


urlpatterns = [
    path("_test/ok/<int:n>/", ok),
    path("_test/stream-error/", stream_error),
    path("_test/slow/", slow),
    path("metrics", metrics.metrics_view),
]
