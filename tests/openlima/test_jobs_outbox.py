"""Jobs and the outbox under concurrency (issue 11): a token-checked job lock, at-most-once
sending, a capped number of attempts with a dead letter, purge of sent rows, task names
checked when work is enqueued, and one @scheduled_job decorator for every app's jobs."""

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from config.celery import app
from openlima import services
from openlima.jobs import job_lock, scheduled_job
from openlima.models import JobHeartbeat, OutboxMessage
from tests.factories import StaffFactory

ROOT = Path(__file__).resolve().parents[2]


# --- The job lock ------------------------------------------------------------------------


def test_an_overrunning_job_does_not_release_a_newer_holders_lock():
    """Run A outlives its 1 s lock; run B takes the lock; when A finally ends it must not
    release B's lock (the old lock deleted the key unconditionally)."""
    key = "lock:test-overrun"
    cache.delete(key)
    with job_lock(key, timeout=1) as a:
        assert a is True
        time.sleep(1.3)  # A overruns: its lock expired
        b_lock = job_lock(key, timeout=60)
        assert b_lock.__enter__() is True  # B holds it now
    # A has ended. B still holds the lock: a third run must not get it.
    with job_lock(key, timeout=60) as c:
        assert c is False
    b_lock.__exit__(None, None, None)
    with job_lock(key, timeout=60) as d:
        assert d is True


@pytest.mark.django_db
def test_scheduled_job_runs_once_under_the_lock_and_records_its_heartbeat():
    calls = []

    @scheduled_job("test_job", lock_timeout=60)
    def job():
        calls.append(1)
        return 7

    assert job() == 7
    assert JobHeartbeat.objects.get(name="test_job").last_result == "7"
    with job_lock("lock:test_job", timeout=60) as held:
        assert held
        assert job() == {"skipped": "locked"}
    assert len(calls) == 1


def test_no_app_copies_the_lock_block_any_more():
    for tasks in ROOT.glob("*/tasks.py"):
        text = tasks.read_text()
        assert "job_lock(" not in text, tasks
        if tasks.parent.name != "openlima":  # the core's ping records its own
            assert "heartbeat_record(" not in text, tasks


# --- The outbox ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_task_name_is_an_error_at_enqueue_time():
    with pytest.raises(ValueError, match="unknown task"):
        services.outbox_enqueue("openlima.tasks.no_such_task", 1)
    assert not OutboxMessage.objects.exists()
    from openlima.tasks import ping

    message = services.outbox_enqueue(ping, "x")  # a task object: its name is stored
    assert message.task_name == "openlima.tasks.ping"


def test_every_app_enqueues_task_objects_not_name_strings():
    """Call sites pass the Celery task object (a renamed or moved task is then an import
    error at once); `outbox_enqueue` stores its `.name`. Strings stay accepted (and
    checked) for the outbox's own retries and for tests."""
    import re

    pattern = re.compile(r"outbox_enqueue\(\s*[\"']")
    sites = 0
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {"tests", ".venv", "bench"}:
            continue
        text = path.read_text()
        if "def outbox_enqueue" in text:
            continue
        sites += text.count("outbox_enqueue(")
        assert not pattern.search(text), path
    assert sites >= 9


@pytest.fixture
def broker(monkeypatch, not_eager):
    """A broker stand-in that counts what it is sent (and can be made to fail or lag)."""

    class Broker:
        sent = []
        fail = False
        delay = 0.0

        def send_task(self, name, args=None, kwargs=None):
            if self.fail:
                raise ConnectionError("broker down")
            time.sleep(self.delay)
            self.sent.append((name, args))

    fake = Broker()
    fake.sent = []
    monkeypatch.setattr(app, "send_task", fake.send_task)
    return fake


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_flush_and_on_commit_racing_send_a_message_once(broker):
    """outbox_flush and the request's on_commit hook both try the same row at once."""
    broker.delay = 0.5  # a slow broker widens the window
    message = OutboxMessage.objects.create(task_name="openlima.tasks.ping", args=["r"])
    barrier = threading.Barrier(2)
    results = []

    def send():
        try:
            barrier.wait()
            results.append(services.outbox_send(message_id=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(broker.sent) == 1, broker.sent
    assert sorted(results) == [False, True]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


@pytest.mark.django_db
def test_attempts_are_capped_and_the_dead_letter_is_shown_to_staff(
    broker, settings, staff_client_factory
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    broker.fail = True
    message = OutboxMessage.objects.create(task_name="openlima.tasks.ping", args=["d"])
    for _ in range(5):
        services.outbox_flush()
    message.refresh_from_db()
    assert message.attempts == 3 and message.dead_at is not None
    assert "ConnectionError" in message.last_error
    broker.fail = False
    assert services.outbox_flush() == 0  # a dead letter is not retried
    assert broker.sent == []

    client = staff_client_factory(StaffFactory(is_superuser=True))
    page = client.get("/gestion/openlima/outboxmessage/?dead_at__isnull=False")
    assert page.status_code == 200
    assert f"openlima.tasks.ping #{message.pk}" in page.content.decode() or (
        f">{message.pk}<" in page.content.decode()
    )


@pytest.mark.django_db
def test_sent_rows_are_purged_after_n_days(settings):
    settings.OUTBOX_KEEP_SENT_DAYS = 7
    now = timezone.now()
    old = OutboxMessage.objects.create(
        task_name="openlima.tasks.ping", sent_at=now - timedelta(days=8)
    )
    recent = OutboxMessage.objects.create(
        task_name="openlima.tasks.ping", sent_at=now - timedelta(days=1)
    )
    pending = OutboxMessage.objects.create(task_name="openlima.tasks.ping")
    dead = OutboxMessage.objects.create(
        task_name="openlima.tasks.ping", dead_at=now - timedelta(days=30)
    )
    assert services.outbox_purge(now=now) == 1
    left = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert left == {recent.pk, pending.pk, dead.pk}
    assert old.pk not in left
