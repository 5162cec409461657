"""Several nodes at once (issue 11, docs/operations.md "Scale"): two gunicorn web nodes
on different ports and one Celery worker, all under the production settings and all on
the same PostgreSQL test database, Redis and S3 API server (moto, started by the test
session). Nothing is shared between the nodes except those three services."""

import re
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.conf import settings

from openlima.models import JobHeartbeat
from participation.models import Proposal, Support
from tests.factories import UserFactory
from tests.servers import (
    ROOT,
    Process,
    WebNode,
    migrated_database_url,
    portal_env,
)

requests = pytest.importorskip("requests")

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SESSION_COOKIE = "__Host-sessionid"  # config.settings.production
CSRF_COOKIE = "__Host-csrftoken"


@pytest.fixture
def cluster(transactional_db, s3_server, tmp_path):
    import boto3

    bucket = f"multinode-{uuid.uuid4().hex[:10]}"
    boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    env = portal_env(
        DATABASE_URL=migrated_database_url(),
        REDIS_URL=settings.REDIS_URL,
        CACHE_KEY_PREFIX=f"multinode-{uuid.uuid4().hex[:8]}",
        S3_BUCKET=bucket,
        S3_ACCESS_KEY_ID="testing",
        S3_SECRET_ACCESS_KEY="testing",
        S3_ENDPOINT_URL=s3_server,
        S3_REGION="us-east-1",
        PROPOSAL_RATE_LIMIT_PER_HOUR=2,
        PAGE_CACHE_SECONDS=0,
    )
    nodes = []
    try:
        nodes.append(WebNode(env, tmp_path / "a.log", workers=2))
        nodes.append(WebNode(env, tmp_path / "b.log", workers=2))
        worker = Process(
            [
                str(_celery()),
                "-A",
                "config",
                "worker",
                "-l",
                "info",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"multinode-{uuid.uuid4().hex[:6]}@%h",
            ],
            env,
            tmp_path / "worker.log",
        )
        nodes.append(worker)
        yield {"a": nodes[0], "b": nodes[1], "worker": worker, "env": env}
    finally:
        for node in nodes:
            node.stop()


def _celery():
    from pathlib import Path

    return Path(sys.executable).with_name("celery")


def _login(user, env) -> requests.Session:
    """A browser's cookie jar holding a session of `user`, made as the login view makes
    it (the session lives in PostgreSQL, cached in Redis: any node reads it)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings

    with override_settings(SECRET_KEY=env["DJANGO_SECRET_KEY"]):  # the nodes' key
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
    browser = requests.Session()
    browser.cookies.set(SESSION_COOKIE, store.session_key)
    return browser


def _csrf(browser, node, path) -> str:
    page = browser.get(node.base + path, allow_redirects=False)
    assert page.status_code == 200, (path, page.status_code, node.log())
    # The production cookies are Secure (HTTPS behind the proxy); these nodes speak plain
    # HTTP on 127.0.0.1, so keep the CSRF cookie as a plain one the client sends back.
    secure = [c for c in browser.cookies if c.name == CSRF_COOKIE and c.secure]
    for cookie in secure:
        browser.cookies.clear(cookie.domain, cookie.path, cookie.name)
        browser.cookies.set(CSRF_COOKIE, cookie.value)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def _propose(browser, node, title, image=None):
    token = _csrf(browser, node, "/participa/propuestas/nueva/")
    files = {"image": ("parque.png", image, "image/png")} if image else None
    data = {
        "csrfmiddlewaretoken": token,
        "title": title,
        "summary": "Sembrar árboles nativos",
        "body": "Propongo sembrar árboles nativos en el parque zonal.",
        "topic": "ambiente",
        "district": "",
        "image_alt": "Un parque con árboles" if image else "",
    }
    return browser.post(
        node.base + "/participa/propuestas/nueva/",
        data=data,
        files=files,
        headers={"Referer": node.base + "/participa/propuestas/nueva/"},
        allow_redirects=False,
    )


def test_two_web_nodes_and_a_worker_share_files_limits_supports_and_jobs(cluster):
    a, b = cluster["a"], cluster["b"]
    author = UserFactory()
    author_browser = _login(author, cluster["env"])

    # 1. A proposal image uploaded through node A is served by node B.
    created = _propose(author_browser, a, "Más árboles en mi parque", image=_png())
    assert created.status_code == 302, (created.status_code, a.log())
    proposal = Proposal.objects.get(author=author)
    detail = requests.get(b.base + f"/participa/propuestas/{proposal.pk}/")
    assert detail.status_code == 200, b.log()
    sources = [
        s
        for s in re.findall(r'<img[^>]+src="([^"]+)"', detail.text)
        if not s.startswith(("/static/", "/perfil/"))  # not the city logo
    ]
    assert sources, detail.text[:3000]
    for src in sources:
        image = requests.get(b.base + src)
        assert image.status_code == 200, (src, image.status_code, b.log())
        assert image.headers["Content-Type"].startswith("image/")
        assert image.content[:8] == b"\x89PNG\r\n\x1a\n" or image.content[:3] == (
            b"\xff\xd8\xff"
        )

    # 2. A rate limit counted on A holds on B (2 proposals an hour: one more on A is
    #    the second, the third, on B, is refused).
    assert _propose(author_browser, a, "Segunda propuesta del día").status_code == 302
    third = _propose(author_browser, b, "Tercera propuesta del día")
    assert third.status_code in (200, 429), third.status_code
    assert "demasiados aportes" in third.text
    assert Proposal.objects.filter(author=author).count() == 2

    # 3. One support sent to A and one to B at the same moment leave one support.
    voter = UserFactory()
    voter_browser = _login(voter, cluster["env"])
    tokens = {
        n: _csrf(voter_browser, n, f"/participa/propuestas/{proposal.pk}/")
        for n in (a, b)
    }
    statuses = []
    barrier = threading.Barrier(2)

    def support(node):
        barrier.wait()
        response = voter_browser.post(
            node.base + f"/participa/propuestas/{proposal.pk}/apoyo/",
            data={"csrfmiddlewaretoken": tokens[node]},
            headers={"Referer": node.base + f"/participa/propuestas/{proposal.pk}/"},
            allow_redirects=False,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=support, args=(n,)) for n in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(s in (200, 302) for s in statuses), (statuses, a.log(), b.log())
    assert Support.objects.filter(proposal=proposal, user=voter).count() == 1
    proposal.refresh_from_db()
    assert proposal.support_count == 1

    # 4. The worker takes the outbox's messages from Redis and runs them.
    from django.db import transaction

    from openlima.services import outbox_enqueue
    from tests.openlima.conftest import celery_broker, celery_conf

    token = uuid.uuid4().hex
    with (
        celery_conf(task_always_eager=False),
        celery_broker(settings.REDIS_URL),
        transaction.atomic(),
    ):
        outbox_enqueue("openlima.tasks.ping", token)
    deadline = time.monotonic() + 90
    while not JobHeartbeat.objects.filter(name=f"ping:{token}").exists():
        assert time.monotonic() < deadline, cluster["worker"].log()
        time.sleep(0.5)

    # 5. A scheduled job triggered in two processes at once runs once.
    outcomes = _run_job_twice_at_once(cluster["env"])
    assert sorted(outcomes) == ["ran", "skipped"], outcomes
    assert JobHeartbeat.objects.filter(name="multinode_probe").count() == 1


PROBE = """
import os, sys, time
import django
django.setup()
from openlima.jobs import SKIPPED, scheduled_job

@scheduled_job("multinode_probe", lock_timeout=60)
def probe():
    time.sleep(3)  # long enough for the other process to try while this one runs
    return "ran"

start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
print("ran" if probe() == "ran" else "skipped")
"""


def _run_job_twice_at_once(env) -> list[str]:
    start = time.time() + 6  # both processes have imported Django by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE, str(start)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        outcomes.append(out.strip().splitlines()[-1])
    return outcomes
