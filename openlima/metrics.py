"""Prometheus metrics (docs/operations.md, "Metrics"): request latency, the outbox's queue
depth and dead letters, and the last run of each scheduled job, at `/metrics`.

Not public: staff users, or a scraper sending `Authorization: Bearer <METRICS_TOKEN>`.
Under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR (an empty folder shared
by the workers) so the latency histogram sums every worker; the outbox and job gauges are
read from the database at each scrape, so they are the same whichever worker answers."""

import hmac
import os

from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from . import conf

REQUEST_LATENCY = Histogram(
    "openlima_request_duration_seconds",
    "Time to answer a request, by method and status class.",
    ["method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe_request(request, response, seconds: float) -> None:
    method = request.method if request.method in METHODS else "OTHER"
    status = f"{getattr(response, 'status_code', 500) // 100}xx"
    REQUEST_LATENCY.labels(method=method, status=status).observe(seconds)


class DatabaseCollector:
    """Gauges read from the database at scrape time."""

    def collect(self):
        from .models import JobHeartbeat, OutboxMessage

        pending = GaugeMetricFamily(
            "openlima_outbox_pending",
            "Outbox messages not sent yet (waiting for the broker or a retry).",
        )
        pending.add_metric(
            [],
            OutboxMessage.objects.filter(
                sent_at__isnull=True, dead_at__isnull=True
            ).count(),
        )
        yield pending
        dead = GaugeMetricFamily(
            "openlima_outbox_dead", "Outbox messages given up after every attempt."
        )
        dead.add_metric([], OutboxMessage.objects.filter(dead_at__isnull=False).count())
        yield dead
        last_run = GaugeMetricFamily(
            "openlima_job_last_run_timestamp_seconds",
            "When each scheduled job last finished (Unix time).",
            labels=["job"],
        )
        for name, at in JobHeartbeat.objects.values_list("name", "last_run_at"):
            if at is not None and not name.startswith("ping:"):
                last_run.add_metric([name], at.timestamp())
        yield last_run


def _allowed(request) -> bool:
    token = conf.metrics_token()
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].encode(), token.encode())
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def metrics_view(request):
    if not _allowed(request):
        response = HttpResponse(
            "Forbidden\n", status=403, content_type="text/plain; charset=utf-8"
        )
        response["Cache-Control"] = "no-store"
        return response
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_LATENCY)
    registry.register(DatabaseCollector())
    response = HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
