"""Faults (issue 11, docs/operations.md "Faults"): the test starts its own Redis server,
kills it mid-run and checks that public pages, APIs, complaint intake and supports still
answer (uncached; the outbox keeps the messages), then restarts it and sees the outbox
drain. Complaint intake (the notification waits in the outbox) and participatory-budget
ballots are among the writes checked. The PostgreSQL side is in test_faults_postgres.py."""

import shutil
import socket
import subprocess
import time

import pytest
from django.test import Client

from openlima import services
from openlima.models import OutboxMessage
from participation.models import Support
from tests.factories import UserFactory

from .conftest import celery_broker, celery_conf

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisProcess:
    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.proc.kill()
        self.proc.wait(10)


@pytest.fixture
def own_redis(tmp_path, settings):
    if not shutil.which("redis-server") and not shutil.os.path.exists(REDIS_SERVER):
        pytest.skip(
            "needs the redis-server binary to start and kill a Redis of its own"
        )
    server = RedisProcess(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "openlima.cache.ResilientRedisCache",
            "LOCATION": server.url,
        }
    }
    with celery_conf(task_always_eager=False), celery_broker(server.url):
        yield server
    if server.proc.poll() is None:
        server.kill()


PAGES = [
    "/",
    "/en/",
    "/participa/propuestas/",
    "/datos/",
    "/compromisos/",
    "/denuncias/",
    "/api/v1/schema/",
    "/api/3/action/package_search",
]


@pytest.mark.django_db(transaction=True)
def test_redis_killed_mid_run_pages_and_writes_go_on_and_the_outbox_drains(
    own_redis, settings
):
    from decimal import Decimal

    from budgets.models import Ballot
    from complaints.models import Complaint
    from participation import services as participation
    from tests.budgets.factories import (
        HeadingFactory,
        ProcessFactory,
        ProjectFactory,
        make_resident,
    )
    from tests.complaints.conftest import code_from, submit

    settings.COMPLAINT_ALTCHA_MAX_NUMBER = (
        2000  # a quick proof of work, as in its tests
    )
    settings.COMPLAINT_ARGON2 = {"t": 1, "m": 1024, "p": 1}

    client = Client()
    for url in PAGES:  # warm: indicators and facets cached in Redis
        assert client.get(url).status_code == 200, url

    own_redis.kill()

    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    # A support through the web, with the cache gone.
    author, voter = UserFactory(), UserFactory()
    proposal = participation.proposal_create(
        author=author,
        title="Más árboles en mi parque",
        summary="Sembrar árboles nativos",
        body="Propongo sembrar árboles nativos en el parque zonal.",
        topic="ambiente",
    )
    voter_client = Client()
    voter_client.force_login(voter)
    response = voter_client.post(f"/participa/propuestas/{proposal.pk}/apoyo/")
    assert response.status_code in (200, 302)
    assert Support.objects.filter(proposal=proposal, user=voter).count() == 1

    # Complaint intake: the proof of work, the filing and the receipt, with Redis gone.
    reporter = Client()
    filed = submit(reporter, what="Cobro indebido en ventanilla durante la caída")
    assert filed.status_code == 200, filed.content.decode()[-9000:]
    code = code_from(filed)
    assert Complaint.objects.count() == 1
    notify = OutboxMessage.objects.get(
        task_name="complaints.tasks.complaint_notify_new"
    )
    assert notify.sent_at is None and notify.last_error  # the broker is down: kept
    assert code  # the reporter has their code

    # A participatory-budget ballot through the web form.
    heading = HeadingFactory(process=ProcessFactory(), amount=Decimal("1000"))
    project = ProjectFactory(heading=heading, estimated_cost=Decimal("700"))
    resident = make_resident(UserFactory(), district=None, dni_number="41234567")
    ballot_client = Client()
    ballot_client.force_login(resident)
    url = f"/participa/presupuestos/{heading.process.slug}/{heading.slug}/votar/"
    assert ballot_client.get(url).status_code == 200
    voted = ballot_client.post(
        url, {"projects": [project.pk], "confirm": "1"}, follow=True
    )
    assert voted.status_code == 200
    assert "Su voto quedó registrado" in voted.content.decode()
    assert [p.pk for p in Ballot.objects.get(user=resident).projects.all()] == [
        project.pk
    ]

    # Work for the broker (which lived on the same Redis) waits in the outbox.
    from django.db import transaction

    with transaction.atomic():
        services.outbox_enqueue("openlima.tasks.ping", "durante-la-caida")
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert pending.count() >= 1
    assert all(m.last_error for m in pending)
    readyz = client.get("/readyz")
    assert readyz.status_code == 503
    assert set(readyz.json()["problems"]) == {"cache unreachable", "broker unreachable"}
    assert readyz["Retry-After"]

    own_redis.start()  # same port: the portal recovers without restarting anything
    assert services.outbox_flush() >= 1
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert client.get("/").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_the_redis_cache_reuses_one_client_per_connection_pool():
    """Django's RedisCache builds a redis.Redis for every call (≈0.1 ms of CPU each,
    several a request); ours keeps one per pool (docs/performance.md)."""
    from openlima.cache import ResilientRedisCache

    backend = ResilientRedisCache("redis://127.0.0.1:1/0", {})
    first = backend._cache.get_client(write=True)
    assert backend._cache.get_client(write=True) is first
    assert backend._cache.get_client("k") is first  # one server: reads use it too
