"""gunicorn as docker-compose's web service runs it (gunicorn.conf.py and
openlima/gunicorn_hooks.py): Prometheus counts summed over several workers, and
gunicorn's own log lines of a request carrying that request's id, in JSON when asked
(docs/operations.md, "Logs, errors and metrics")."""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from openlima import gunicorn_hooks
from tests.servers import WebNode, migrated_database_url, portal_env, request

TEST_SETTINGS = "tests.openlima.gunicorn_settings"  # production + gunicorn_urls.py


def _wait_for(predicate, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


# --- Prometheus under several workers ------------------------------------------------


def _stale_metrics(folder: Path) -> None:
    """A previous run's file in the folder: one HEAD request of a worker long gone."""
    code = (
        "from prometheus_client import Histogram\n"
        "h = Histogram('openlima_request_duration_seconds', 'x', ['method', 'status'])\n"
        "h.labels(method='HEAD', status='2xx').observe(0.1)\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert list(folder.glob("histogram_*.db"))


def _count(metrics_text: str, method: str, status: str) -> float:
    pattern = (
        r"^openlima_request_duration_seconds_count\{"
        rf'method="{method}",status="{status}"\}} ([0-9.e+]+)$'
    )
    found = re.search(pattern, metrics_text, re.M)
    return float(found.group(1)) if found else 0.0


@pytest.mark.postgres
@pytest.mark.redis
def test_metrics_sum_every_worker_and_survive_a_worker_exit(transactional_db, tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    _stale_metrics(folder)
    token = "metrics-" + "k" * 32
    env = portal_env(
        DJANGO_SETTINGS_MODULE=TEST_SETTINGS,
        DATABASE_URL=migrated_database_url(),
        REDIS_URL=settings.REDIS_URL,
        PROMETHEUS_MULTIPROC_DIR=folder,
        METRICS_TOKEN=token,
    )
    node = WebNode(env, tmp_path / "web.log", workers=2)
    try:
        requests_made = 40
        with ThreadPoolExecutor(8) as pool:
            statuses = list(
                pool.map(
                    lambda i: request(
                        f"{node.base}/_test/ok/{i}/", method="HEAD"
                    ).status,
                    range(requests_made),
                )
            )
        assert statuses == [200] * requests_made
        # Both workers answered some of them: one metrics file per worker process.
        pids = {int(p.stem.split("_")[1]) for p in folder.glob("histogram_*.db")}
        assert len(pids) >= 2, (pids, node.log())

        def scrape():
            page = node.get("/metrics", headers={"Authorization": f"Bearer {token}"})
            assert page.status == 200, page.text
            return page.text

        # Whichever worker answers the scrape, it reports the sum of all (and nothing of
        # the stale file, emptied when gunicorn started). HEAD, so scrapes (GET) are not
        # in the count.
        for _ in range(4):
            assert _count(scrape(), "HEAD", "2xx") == requests_made

        # A worker that exits (max_requests, a crash) leaves its counts in the sum.
        victim = max(pids)
        os.kill(victim, signal.SIGTERM)
        _wait_for(lambda: not os.path.exists(f"/proc/{victim}"), what="worker exit")
        _wait_for(lambda: node.get("/healthz").status == 200, what="a new worker")
        assert _count(scrape(), "HEAD", "2xx") == requests_made
    finally:
        node.stop()


def test_multiproc_dir_is_emptied_but_kept(tmp_path):
    folder = tmp_path / "prom"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"old")
    (folder / "histogram_2.db").write_bytes(b"old")
    assert gunicorn_hooks.multiproc_dir_clean(str(folder)) == 2
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert gunicorn_hooks.multiproc_dir_clean(str(tmp_path / "new" / "prom")) == 0
    assert (tmp_path / "new" / "prom").is_dir()


def test_child_exit_marks_the_worker_dead(tmp_path, monkeypatch):
    """mark_process_dead drops the exited worker's live gauges (prometheus_client's
    multiprocess mode); without the folder the hook does nothing."""
    from prometheus_client import multiprocess

    dead = []
    monkeypatch.setattr(multiprocess, "mark_process_dead", lambda pid: dead.append(pid))

    class Worker:
        pid = 4242

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    gunicorn_hooks.child_exit(None, Worker())
    assert dead == []
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    gunicorn_hooks.child_exit(None, Worker())
    assert dead == [4242]


# --- Request ids on gunicorn's own lines ---------------------------------------------


def _json_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            lines.append(entry)
    return lines


def test_gunicorn_error_lines_carry_the_request_id_in_json(tmp_path):
    env = portal_env(
        DJANGO_SETTINGS_MODULE=TEST_SETTINGS,
        LOG_FORMAT="json",
        GUNICORN_TIMEOUT="3",
    )
    node = WebNode(env, tmp_path / "web.log", workers=1)
    log = tmp_path / "web.log"
    try:
        # The body is cut short: that is the point.
        with contextlib.suppress(Exception):
            request(
                node.base + "/_test/stream-error/",
                headers={"X-Request-ID": "stream-0123456789"},
            )
        started = time.monotonic()
        with contextlib.suppress(Exception):  # the worker is killed mid-request
            request(
                node.base + "/_test/slow/",
                headers={"X-Request-ID": "slow-0123456789"},
                timeout=25,
            )
        assert time.monotonic() - started < 20  # the timeout, not the 30 s sleep

        def lines_with(text):
            return [
                e
                for e in _json_lines(log.read_text(errors="replace"))
                if text in e["message"]
            ]

        error = _wait_for(
            lambda: lines_with("Error handling request"), what="error line"
        )
        assert error[0]["logger"] == "gunicorn.error"
        assert error[0]["level"] == "ERROR"
        assert error[0]["request_id"] == "stream-0123456789"
        assert "the body broke half way" in error[0]["exception"]

        aborted = _wait_for(lambda: lines_with("aborted"), what="worker abort line")
        assert aborted[0]["request_id"] == "slow-0123456789"
        assert aborted[0]["logger"] == "gunicorn.error"
        # The master's own line belongs to no request.
        timeout = _wait_for(lambda: lines_with("WORKER TIMEOUT"), what="timeout line")
        assert timeout[0]["request_id"] == "-"

        # Lines outside a request (a worker booting, after the killed one) carry "-".
        _wait_for(lambda: len(lines_with("Booting worker")) >= 2, what="new worker")
        assert {e["request_id"] for e in lines_with("Booting worker")} == {"-"}

        # A client cannot put its own text into the logs: an invalid id is replaced.
        answer = node.get("/_test/ok/1/", headers={"X-Request-ID": "bad id!"})
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])
    finally:
        node.stop()


def test_gunicorn_plain_error_format_has_the_request_id(monkeypatch):
    import runpy

    from tests.servers import ROOT

    monkeypatch.delenv("LOG_FORMAT", raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["logconfig_dict"]
    handler = conf["handlers"]["error_console"]
    assert "request_id" in handler["filters"] and "no_client_data" in handler["filters"]
    assert "[%(request_id)s]" in conf["formatters"][handler["formatter"]]["format"]
    monkeypatch.setenv("LOG_FORMAT", "json")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["logconfig_dict"]
    formatter = conf["formatters"][conf["handlers"]["error_console"]["formatter"]]
    assert formatter["()"] == "openlima.logging.JsonFormatter"


def test_pre_request_keeps_a_valid_id_and_replaces_a_forged_one():
    from openlima.logging import request_id_var

    class Req:
        def __init__(self, headers):
            self.headers = headers

    req = Req([("HOST", "x"), ("X-REQUEST-ID", "proxy-id-12345678")])
    gunicorn_hooks.pre_request(None, req)
    assert ("X-REQUEST-ID", "proxy-id-12345678") in req.headers
    assert request_id_var.get() == "proxy-id-12345678"
    req = Req([("X-REQUEST-ID", "evil\nline"), ("X-REQUEST-ID", "second-12345678")])
    gunicorn_hooks.pre_request(None, req)
    ids = [v for k, v in req.headers if k == "X-REQUEST-ID"]
    assert len(ids) == 1 and re.fullmatch(r"[0-9a-f]{32}", ids[0])
    assert request_id_var.get() == ids[0]
    request_id_var.set("-")


# --- Preloaded portal, recycled workers ----------------------------------------------------


def _recycling_node(tmp_path, **env) -> WebNode:
    """The preloaded portal under gunicorn, 2 workers each recycled after 3 requests."""
    return WebNode(
        portal_env(
            DJANGO_SETTINGS_MODULE=TEST_SETTINGS,
            DATABASE_URL=migrated_database_url(),
            REDIS_URL=settings.REDIS_URL,
            GUNICORN_MAX_REQUESTS="3",
            GUNICORN_MAX_REQUESTS_JITTER="0",
            **env,
        ),
        tmp_path / "web.log",
        workers=2,
    )


@pytest.mark.postgres
@pytest.mark.redis
def test_recycled_workers_of_the_preloaded_portal_answer_from_the_database(
    transactional_db, tmp_path
):
    """gunicorn.conf.py preloads the portal in the master and forks workers from it; a
    worker recycled by max_requests is a fork, and each worker opens its own database and
    cache connections (gunicorn_hooks.pre_fork closes the master's). Every request of a
    run that recycles the workers many times answers from the database."""
    node = _recycling_node(tmp_path, METRICS_TOKEN="recycle-" + "k" * 32)
    try:
        # /metrics reads its job and outbox gauges from the database at every scrape.
        auth = {"Authorization": "Bearer recycle-" + "k" * 32}
        with ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(lambda i: node.get("/metrics", headers=auth), range(30))
            )
        assert [a.status for a in answers] == [200] * 30, node.log()
        assert all("openlima_outbox_pending" in a.text for a in answers), answers[
            0
        ].text
        booted = re.findall(r"Booting worker with pid: (\d+)", node.log())
        assert len(set(booted)) >= 6, node.log()  # 30 requests, 3 per worker
    finally:
        node.stop()


# --- A worker's life: warmed in the master, no interpreter teardown at exit ---------------


@pytest.mark.postgres
@pytest.mark.redis
def test_recycled_workers_leave_without_tearing_down_the_portal(
    transactional_db, tmp_path
):
    """A worker recycled by max_requests (or stopped with the server) runs its atexit
    handlers and leaves with os._exit: Python's teardown of the preloaded portal (about a
    second of CPU per exit, docs/performance.md "A worker's life") never runs, and the
    server keeps answering while its workers come and go."""
    marks = tmp_path / "marks"
    marks.mkdir()
    node = _recycling_node(tmp_path, EXIT_MARKS_DIR=str(marks))
    try:
        answers = [node.get("/_test/exit-marks/") for _ in range(12)]
        assert [a.status for a in answers] == [200] * 12, node.log()
        assert node.get("/_test/warmed/").text == "en es", node.log()
    finally:
        node.stop()
    served = {a.text for a in answers}
    assert len(served) >= 4, served  # 12 requests, 3 per worker: workers were recycled
    exited = {p.name.split("-", 1)[1] for p in marks.glob("atexit-*")}
    assert served <= exited, (served, exited, node.log())  # every worker ran atexit
    assert not list(marks.glob("teardown-*")), node.log()  # and none was torn down


def _leave_through_worker_exit(tmp_path, leave: str) -> subprocess.CompletedProcess:
    code = (
        "import atexit, sys\n"
        "from openlima import gunicorn_hooks\n"
        f"atexit.register(open({str(tmp_path / 'atexit')!r}, 'w').write, 'ran')\n"
        "print('buffered line', end='')\n"  # a pipe is block-buffered: lost unless flushed
        "try:\n"
        f"    {leave}\n"
        "finally:\n"
        "    gunicorn_hooks.worker_exit(None, None)\n"
        "print('never reached')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONUNBUFFERED": ""},
    )


@pytest.mark.parametrize(
    ("leave", "status"),
    [
        ("sys.exit(0)", 0),
        ("sys.exit(None)", 0),
        ("sys.exit(3)", 3),  # gunicorn's WORKER_BOOT_ERROR: the master halts on it
        ("sys.exit(4)", 4),  # APP_LOAD_ERROR
        ("sys.exit(-1)", 255),
        ("sys.exit('a message')", 1),
        ("raise RuntimeError('boom')", 1),
        ("pass", 0),  # nothing in flight: a clean exit
    ],
)
def test_worker_exit_keeps_the_status_runs_atexit_and_flushes(tmp_path, leave, status):
    done = _leave_through_worker_exit(tmp_path, leave)
    assert done.returncode == status, done.stderr
    assert (tmp_path / "atexit").read_text() == "ran"
    assert done.stdout == "buffered line"


def test_pre_fork_warms_the_master_once(monkeypatch):
    calls = []
    monkeypatch.setattr(gunicorn_hooks, "_warmed", False)
    monkeypatch.setattr("openlima.warmup.warm_up", lambda: calls.append(1))
    gunicorn_hooks.pre_fork(None, None)
    gunicorn_hooks.pre_fork(None, None)
    assert calls == [1]


def test_workers_are_recycled_rarely_by_default(monkeypatch):
    """Each recycle is a fork of the preloaded master whose new worker copies every
    shared page it writes: at 2,000 requests that was a fifth of /healthz's throughput
    at bench rates (docs/performance.md, "A worker's life"). The environment still
    overrides it."""
    import runpy

    from tests.servers import ROOT

    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS_JITTER", raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (10000, 1000)
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "0")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["max_requests"] == 0
