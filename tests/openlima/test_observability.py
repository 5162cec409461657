"""Observability (issue 11): request ids on every log line and echoed, JSON log lines,
Sentry with the logs' address masking and no personal data, Celery keeping the root
logger's filters, and Prometheus metrics that the public cannot read."""

import json
import logging

import pytest
from django.test import Client

from openlima import logging as ol_logging
from openlima.models import JobHeartbeat, OutboxMessage


def test_every_response_carries_a_request_id_and_a_valid_one_is_kept(client, db):
    first = client.get("/healthz")
    generated = first["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz")["X-Request-ID"] != generated
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234abcd")
    assert kept["X-Request-ID"] == "proxy-1234abcd"
    injected = client.get("/healthz", HTTP_X_REQUEST_ID="x\nFAKE LOG LINE 10.0.0.1")
    assert injected["X-Request-ID"] != "x\nFAKE LOG LINE 10.0.0.1"
    assert len(injected["X-Request-ID"]) == 32


def test_log_lines_written_during_a_request_carry_its_id(settings, db):
    settings.ROOT_URLCONF = "tests.openlima.outage_urls"
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(ol_logging.RequestIdFilter())
    logger = logging.getLogger("openlima.api_errors")
    logger.addHandler(handler)
    try:
        response = Client().get("/pagina/", HTTP_X_REQUEST_ID="req-abcdef123")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 503
    assert records and all(r.request_id == "req-abcdef123" for r in records)
    # Outside a request (a worker, a command) the id is "-".
    outside = logging.LogRecord("x", logging.INFO, __file__, 1, "hola", (), None)
    ol_logging.RequestIdFilter().filter(outside)
    assert outside.request_id == "-"


def test_json_log_format_is_one_masked_json_object_per_line():
    record = logging.LogRecord(
        "openlima.test",
        logging.WARNING,
        __file__,
        1,
        "desde %s",
        ("192.168.1.20",),
        None,
    )
    ol_logging.StripClientDataFilter().filter(record)
    ol_logging.RequestIdFilter().filter(record)
    line = ol_logging.JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "desde [addr]"
    assert entry["level"] == "WARNING" and entry["request_id"] == "-"
    assert "\n" not in line


def test_log_format_json_is_chosen_by_the_environment():
    import os
    import subprocess
    import sys

    from tests.servers import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(LOG_FORMAT="json", DJANGO_SETTINGS_MODULE="config.settings.base")
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('openlima.x').warning('ip %s', '10.1.2.3')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    entry = json.loads(done.stderr.strip().splitlines()[-1])
    assert entry["message"] == "ip [addr]" and entry["logger"] == "openlima.x"


def test_sentry_is_initialised_without_personal_data_and_masks_addresses(monkeypatch):
    import sentry_sdk

    seen = {}
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: seen.update(kwargs))
    ol_logging.sentry_init("https://key@sentry.example/1")
    assert seen["send_default_pii"] is False
    before_send = seen["before_send"]
    event = {
        "message": "fallo desde 203.0.113.9",
        "exception": {"values": [{"value": "connect 10.0.0.5:5432 refused"}]},
        "request": {
            "url": "https://openlima.example/denuncias/",
            "headers": {"X-Forwarded-For": "198.51.100.7"},
            "env": {"REMOTE_ADDR": "198.51.100.7"},
            "cookies": {"sessionid": "s"},
        },
        "user": {"ip_address": "198.51.100.7"},
        "breadcrumbs": {"values": [{"message": "GET from 2001:db8::1"}]},
    }
    cleaned = before_send(event, {})
    text = json.dumps(cleaned)
    for address in ("203.0.113.9", "10.0.0.5", "198.51.100.7", "2001:db8::1"):
        assert address not in text
    assert "user" not in cleaned and "headers" not in cleaned["request"]
    assert cleaned["request"]["url"] == "https://openlima.example/denuncias/"


def test_sentry_is_off_without_a_dsn(settings):
    assert settings.SENTRY_DSN == ""
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()


def test_celery_does_not_hijack_the_root_logger():
    from config.celery import app

    assert app.conf.worker_hijack_root_logger is False


# --- /metrics ------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_refused_to_the_public_and_to_citizens(client, user, settings):
    settings.METRICS_TOKEN = "s3cret-token-for-scraper"
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    client.force_login(user)
    assert client.get("/metrics").status_code == 403


@pytest.mark.django_db
def test_metrics_for_the_scraper_token_and_staff(client, staff_user, settings):
    from django.utils import timezone

    settings.METRICS_TOKEN = "s3cret-token-for-scraper"
    OutboxMessage.objects.create(task_name="openlima.tasks.ping", args=["a"])
    OutboxMessage.objects.create(
        task_name="openlima.tasks.ping", args=["b"], dead_at=timezone.now()
    )
    JobHeartbeat.objects.create(name="outbox_flush", last_run_at=timezone.now())
    client.get("/healthz")  # one observed request at least
    client.get("/")
    response = client.get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-scraper"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "openlima_outbox_pending 1.0" in body
    assert "openlima_outbox_dead 1.0" in body
    assert 'openlima_job_last_run_timestamp_seconds{job="outbox_flush"}' in body
    assert 'openlima_request_duration_seconds_count{method="GET",status="2xx"}' in body
    staff = Client()
    staff.force_login(staff_user)
    assert staff.get("/metrics").status_code == 200
