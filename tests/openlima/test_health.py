"""/healthz and /readyz: 503 with a clear reason when the database or broker is down."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from openlima.services import heartbeat_record

ROOT = Path(__file__).resolve().parents[2]
READYZ_IN_SUBPROCESS = (
    "from django.test import Client; r = Client().get('/readyz'); "
    "print('STATUS', r.status_code); print('BODY', r.content.decode())"
)


def _run_readyz(**env_overrides) -> tuple[int, dict]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", **env_overrides)
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", READYZ_IN_SUBPROCESS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = dict(
        line.split(" ", 1)
        for line in out.stdout.splitlines()
        if line.startswith(("STATUS", "BODY"))
    )
    assert "STATUS" in lines, out.stderr[-2000:]
    return int(lines["STATUS"]), json.loads(lines["BODY"])


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_ok_with_scheduler_heartbeat(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
    assert response.json()["problems"] == []
    assert response.json()["scheduler_last_run"] is None
    heartbeat_record(name="publish_scheduled", result="{}")
    assert client.get("/readyz").json()["scheduler_last_run"] is not None


def test_readyz_503_when_database_port_is_closed():
    started = time.monotonic()
    status, body = _run_readyz(DATABASE_URL="postgres://postgres@127.0.0.1:1/x")
    assert status == 503
    assert body["status"] == "unavailable"
    # The failed dependency is named; the driver's error text (host, port, user) is not.
    assert body["problems"] == ["database unreachable"]
    assert "127.0.0.1" not in json.dumps(body) and "Operational" not in json.dumps(body)
    assert "scheduler_last_run" not in body  # no second query against a dead database
    assert time.monotonic() - started < 30


@pytest.mark.django_db
def test_readyz_503_when_broker_is_unreachable(client, broker_down):
    started = time.monotonic()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert len(body["problems"]) == 1
    assert body["problems"] == ["broker unreachable"]
    assert response["Retry-After"]
    assert "scheduler_last_run" in body  # the database is fine
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_job_heartbeat_check_command_for_the_beat_container():
    from datetime import timedelta

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    from openlima.models import JobHeartbeat

    with pytest.raises(CommandError, match="never ran"):
        call_command("job_heartbeat_check", "publish_scheduled")
    heartbeat_record(name="publish_scheduled")
    call_command("job_heartbeat_check", "publish_scheduled", "--max-age", "60")
    JobHeartbeat.objects.update(last_run_at=timezone.now() - timedelta(minutes=10))
    with pytest.raises(CommandError, match="last ran"):
        call_command("job_heartbeat_check", "publish_scheduled", "--max-age", "300")
