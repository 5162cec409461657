"""Background work: a real worker through Redis, the outbox surviving a broker outage, and
the `publish_scheduled` sweep."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from openlima import registry, tasks
from openlima.models import JobHeartbeat, OutboxMessage
from openlima.services import outbox_enqueue, outbox_flush
from tests.openlima.conftest import celery_broker

ROOT = Path(__file__).resolve().parents[2]


def _database_url_of_test_db() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def real_worker(tmp_path):
    """A `celery -A config worker` process on REDIS_URL and the test database."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=_database_url_of_test_db(),
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield worker, tmp_path / "worker.log"
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=5)
    log.close()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_sent_through_redis(real_worker, not_eager):
    worker, log_path = real_worker
    token = uuid.uuid4().hex
    with transaction.atomic():
        message = outbox_enqueue("openlima.tasks.ping", token)
    message.refresh_from_db()
    assert message.sent_at is not None, message.last_error  # published to Redis
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if JobHeartbeat.objects.filter(
            name=f"ping:{token}", last_result="pong"
        ).exists():
            break
        assert worker.poll() is None, log_path.read_text()[-3000:]
        time.sleep(0.5)
    else:
        pytest.fail("the worker never ran the task:\n" + log_path.read_text()[-3000:])
    assert "openlima.tasks.ping" in log_path.read_text()


@pytest.mark.django_db(transaction=True)
def test_outbox_keeps_work_while_the_broker_is_down_and_flush_sends_it_later(
    not_eager, broker_down, tmp_path
):
    started = time.monotonic()
    with transaction.atomic():
        message = outbox_enqueue("openlima.tasks.ping", "despues")
    assert time.monotonic() - started < 10  # the request is not held up
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1

    # Still down: flushing changes nothing but the attempt count.
    assert outbox_flush() == 0
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 2

    # The broker is back (a filesystem broker in tmp_path, so the message can be read).
    folder = tmp_path / "broker"
    (folder / "out").mkdir(parents=True)
    with celery_broker(
        "filesystem://",
        {
            "data_folder_in": str(folder / "out"),
            "data_folder_out": str(folder / "out"),
            "control_folder": str(folder / "control"),
        },
    ):
        assert outbox_flush() == 1
        assert outbox_flush() == 0  # sent once only
    message.refresh_from_db()
    assert message.sent_at is not None
    queued = [json.loads(p.read_text()) for p in (folder / "out").iterdir()]
    assert len(queued) == 1
    assert queued[0]["headers"]["task"] == "openlima.tasks.ping"


@pytest.mark.django_db
def test_outbox_runs_the_task_after_commit_when_eager(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue("openlima.tasks.ping", "ahora")
        assert not JobHeartbeat.objects.filter(name="ping:ahora").exists()
    assert JobHeartbeat.objects.filter(name="ping:ahora").exists()
    message.refresh_from_db()
    assert message.sent_at is not None


@pytest.mark.django_db
def test_outbox_rolled_back_with_the_transaction_sends_nothing(not_eager, broker_down):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue("openlima.tasks.ping", "nunca")
        raise RuntimeError
    assert not OutboxMessage.objects.exists()


@pytest.fixture
def publishers(monkeypatch):
    """Replace the registered publishers by the test's own."""
    monkeypatch.setattr(registry, "_publishers", {})
    return registry


@pytest.mark.django_db
def test_publish_scheduled_runs_every_publisher_in_order(publishers):
    calls = []
    publishers.register_publisher("b", lambda *, now: calls.append("b") or 2, order=20)
    publishers.register_publisher("a", lambda *, now: calls.append("a") or 1, order=10)
    assert tasks.publish_scheduled() == {"a": 1, "b": 2}
    assert calls == ["a", "b"]
    beat = JobHeartbeat.objects.get(name="publish_scheduled")
    assert "'a': 1" in beat.last_result


@pytest.mark.django_db
def test_publish_scheduled_one_failure_does_not_stop_the_others(publishers, caplog):
    def broken(*, now):
        raise ValueError("boom")

    publishers.register_publisher("broken", broken, order=1)
    publishers.register_publisher("fine", lambda *, now: 3, order=2)
    assert tasks.publish_scheduled() == {"broken": "error", "fine": 3}
    assert JobHeartbeat.objects.filter(name="publish_scheduled").exists()
    assert "broken failed" in caplog.text


@pytest.mark.django_db
def test_publish_scheduled_lock_prevents_overlap(publishers):
    calls = []
    publishers.register_publisher("x", lambda *, now: calls.append(now) or 0)
    assert cache.add("lock:publish_scheduled", "1", timeout=60)  # another run holds it
    assert tasks.publish_scheduled() == {"skipped": "locked"}
    assert calls == []
    assert not JobHeartbeat.objects.filter(name="publish_scheduled").exists()
    cache.delete("lock:publish_scheduled")
    tasks.publish_scheduled()
    assert len(calls) == 1
    assert cache.add("lock:publish_scheduled", "1")  # released after the run


@pytest.mark.django_db
def test_publish_scheduled_is_in_the_beat_schedule_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["publish_scheduled"]
    assert entry["task"] == "openlima.tasks.publish_scheduled"
    assert entry["schedule"] <= 60


def test_job_lock_is_held_only_by_one_run_and_released():
    from django.core.cache import cache

    from openlima.jobs import job_lock

    with job_lock("lock:test-job", timeout=60) as first:
        with job_lock("lock:test-job", timeout=60) as second:
            assert first is True and second is False
        assert cache.get("lock:test-job") is not None  # the loser does not release it
    with job_lock("lock:test-job", timeout=60) as again:
        assert again is True


def test_window_hit_counts_within_a_window():
    from django.core.cache import cache

    from openlima.jobs import window_hit

    assert [window_hit("rate:test", window=60) for _ in range(3)] == [1, 2, 3]
    cache.delete("rate:test")  # the window ends
    assert window_hit("rate:test", window=60) == 1
