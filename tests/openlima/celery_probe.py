"""A scheduled job for tests/openlima/test_celery_workers.py, imported by real Celery
workers (`celery worker --include tests.openlima.celery_probe`). It runs under the real
`@scheduled_job` lock and writes one row per run, so a test can count the runs."""

import time
import uuid

from celery import shared_task

from openlima.jobs import scheduled_job

RUN_PREFIX = "probe-run:"


@shared_task(name="tests.openlima.celery_probe.probe_scheduled")
@scheduled_job("probe_scheduled", lock_timeout=120)
def probe_scheduled(seconds: float = 3.0):
    from django.utils import timezone

    from openlima.models import JobHeartbeat

    JobHeartbeat.objects.create(
        name=f"{RUN_PREFIX}{uuid.uuid4().hex}", last_run_at=timezone.now()
    )
    time.sleep(seconds)  # still running when the other worker's copy arrives
    return "ran"
