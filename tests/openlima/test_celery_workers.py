"""A scheduled job delivered to two real Celery workers at the same instant runs once
(issue 11, docs/operations.md "Scale": "any number of workers runs each job once").

Two `celery worker` processes under the production settings, on the Redis broker and
the PostgreSQL test database; the job's message is sent to both at once (what two beat
processes, or beat and a manual run, do), one copy to each worker's own queue so each
worker surely receives one. The job writes one row per run: exactly one row, one worker
ran it and the other skipped it under the lock."""

import re
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from openlima.models import JobHeartbeat
from tests.openlima.celery_probe import RUN_PREFIX
from tests.openlima.conftest import celery_broker, celery_conf
from tests.servers import Process, migrated_database_url, portal_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

TASK = "tests.openlima.celery_probe.probe_scheduled"


def _worker(env, queue: str, log: Path) -> Process:
    return Process(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "--concurrency",
            "1",
            "--prefetch-multiplier",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--include",
            "tests.openlima.celery_probe",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
        ],
        env,
        log,
    )


def _wait_ready(worker: Process, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while "ready." not in worker.log(100_000):
        assert worker.proc.poll() is None, worker.log()
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.3)


def test_a_job_sent_to_two_workers_at_once_runs_once(transactional_db, tmp_path):
    from celery import current_app

    env = portal_env(
        DATABASE_URL=migrated_database_url(),
        REDIS_URL=settings.REDIS_URL,
        CACHE_KEY_PREFIX=f"workers-{uuid.uuid4().hex[:8]}",
    )
    run = uuid.uuid4().hex[:8]
    queues = [f"probe-a-{run}", f"probe-b-{run}"]
    workers = []
    try:
        for queue in queues:
            workers.append(_worker(env, queue, tmp_path / f"{queue}.log"))
        for worker in workers:
            _wait_ready(worker)

        barrier = threading.Barrier(len(queues))

        def send(queue):
            barrier.wait()
            current_app.send_task(TASK, kwargs={"seconds": 3.0}, queue=queue)

        with celery_conf(task_always_eager=False), celery_broker(settings.REDIS_URL):
            senders = [threading.Thread(target=send, args=(q,)) for q in queues]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join(timeout=30)

        # Both workers received and finished their copy.
        finished = re.compile(
            rf"Task {re.escape(TASK)}\[[^\]]+\] succeeded in [^:]+: (.*)"
        )
        deadline = time.monotonic() + 90
        results = {}
        while len(results) < len(workers):
            for worker in workers:
                found = finished.findall(worker.log(100_000))
                if found:
                    results[worker] = found
            assert time.monotonic() < deadline, [w.log() for w in workers]
            time.sleep(0.3)
        outcomes = sorted(r for found in results.values() for r in found)
        assert outcomes == ["'ran'", "{'skipped': 'locked'}"], outcomes
        # Exactly one run wrote its row, and the heartbeat names the job once.
        assert JobHeartbeat.objects.filter(name__startswith=RUN_PREFIX).count() == 1
        assert JobHeartbeat.objects.filter(name="probe_scheduled").count() == 1
    finally:
        for worker in workers:
            worker.stop()
