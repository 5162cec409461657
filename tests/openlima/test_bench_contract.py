"""Every bench scenario follows the contract bench/run.py relies on."""

import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    p.stem
    for p in (ROOT / "bench" / "scenarios").glob("*.py")
    if not p.name.startswith("_")
)


@pytest.mark.parametrize("name", MODULES)
def test_scenario_contract(name):
    module = importlib.import_module(f"bench.scenarios.{name}")
    assert isinstance(module.NAME, str) and module.NAME
    seed = inspect.signature(module.seed).parameters
    assert seed["scale"].kind is inspect.Parameter.KEYWORD_ONLY
    endpoints = inspect.signature(module.endpoints).parameters
    assert endpoints["base_url"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.django_db
def test_core_scenario_seeds_and_its_endpoints_answer(client):
    from bench.scenarios import core

    core.seed(scale=1)
    core.seed(scale=1)  # repeat-safe
    from openlima.models import User

    assert User.objects.filter(email__endswith="@bench.openlima.pe").count() == 100
    for endpoint in core.endpoints(base_url="http://testserver"):
        assert set(endpoint) >= {"name", "method", "path", "headers", "body"}
        response = client.generic(
            endpoint["method"], endpoint["path"], endpoint["body"] or ""
        )
        assert response.status_code == 200, endpoint


@pytest.mark.django_db
def test_complaints_scenario_seeds_twice():
    """bench/run.py stops a scenario whose seed raises; this one's broke when
    complaints.selectors became a package (it read `selectors.cache`)."""
    from bench.scenarios import complaints as scenario
    from complaints.models import Complaint

    scenario.seed(scale=3)
    scenario.seed(scale=0)  # repeat-safe: the reference complaint is filed once
    assert Complaint.objects.count() == 4


def test_the_bench_server_gets_a_complaint_bypass_token(monkeypatch):
    """Without it the complaint scenario replayed one solved proof of work, and the
    portal refused every replay: a storm of 400s (seen in the bench run)."""
    import argparse

    from bench.run import server_env

    monkeypatch.delenv("COMPLAINT_BENCH_TOKEN", raising=False)
    ns = argparse.Namespace(
        database_url="postgres://x/y",
        workers=1,
        port=1,
        worker_class="sync",
        redis_url="",
    )
    first, second = server_env(ns), server_env(ns)
    assert len(first["COMPLAINT_BENCH_TOKEN"]) >= 24
    assert first["COMPLAINT_BENCH_TOKEN"] != second["COMPLAINT_BENCH_TOKEN"]


def test_a_form_that_redirects_on_success_is_not_a_failed_run():
    from bench.run import unexpected_answers

    raw = {"non2xx": 60, "statuses": {"302": 60}}
    assert unexpected_answers(raw, None) == 60
    assert unexpected_answers(raw, 302) == 0
    assert unexpected_answers({"non2xx": 3, "statuses": {"302": 5, "400": 3}}, 302) == 3
    assert unexpected_answers({"non2xx": 0, "statuses": {"200": 9}}, 302) == 9


def test_cpu_split_per_request_by_process_group():
    """bench/cpusplit.py: the CPU of a wrk run split into server, PostgreSQL, Redis and
    wrk, per request; the sum leaves idle time out."""
    import os
    import sys

    from bench import cpusplit
    from bench.run import cpu_cell

    before = {"server": 1.0, "postgres": 2.0, "redis": 0.5, "client": 0.1, "idle": 10.0}
    after = {"server": 3.0, "postgres": 2.5, "redis": 0.6, "client": 0.3, "idle": 11.0}
    per = cpusplit.split(before, after, 1000)
    assert per == {
        "server": 2.0,
        "postgres": 0.5,
        "redis": 0.1,
        "client": 0.2,
        "idle": 1.0,
        "busy": 2.8,
    }
    assert cpusplit.split(before, after, 0) is None
    assert cpusplit.split(None, after, 10) is None
    assert cpu_cell(per) == "server 2.00 + pg 0.50 + redis 0.10 + wrk 0.20 = 2.80"
    assert cpu_cell(None) == ""
    if sys.platform.startswith("linux"):
        # This process's own session counts as the server: its CPU is in the group.
        sid = os.getsid(0)
        first = cpusplit.snapshot(sid)
        sum(i * i for i in range(300_000))
        second = cpusplit.snapshot(sid)
        assert set(first) == {"server", "postgres", "redis", "client", "idle"}
        assert second["server"] > first["server"]


def test_bench_cli_flags():
    import sys

    sys.path.insert(0, str(ROOT))
    from bench.run import parse_args

    args = parse_args(
        ["--scale", "3", "--concurrency", "5", "--duration", "2", "--only", "core"]
    )
    assert (args.scale, args.concurrency, args.duration, args.only) == (
        3,
        5,
        2.0,
        ["core"],
    )
    # The configuration: wrk at 32 connections, gunicorn with 4 sync workers.
    defaults = parse_args([])
    assert (defaults.workers, defaults.concurrency, defaults.worker_class) == (
        4,
        32,
        "sync",
    )


@pytest.mark.django_db
def test_premade_sessions_sign_the_pool_users_in(client, tmp_path):
    """bench/sessions.py writes the sessions wrk's Lua script sends (one per user)."""
    from bench.sessions import session_pool
    from tests.factories import UserFactory

    users = [UserFactory(display_name=f"Vecina {i}") for i in range(3)]
    path = session_pool(users, "contract", directory=tmp_path)
    lines = path.read_text().split()
    assert len(lines) == 6  # "sessionid csrftoken" per user
    for user, (sid, csrf) in zip(
        users, zip(lines[::2], lines[1::2], strict=True), strict=True
    ):
        client.cookies["sessionid"] = sid
        client.cookies["csrftoken"] = csrf
        response = client.get("/participa/")
        assert response.wsgi_request.user == user
        assert response.status_code == 200


@pytest.mark.django_db
def test_premade_cached_db_sessions_are_read_from_the_cache(client, tmp_path, settings):
    """As after a real login with `cached_db`: the first request of a pool session reads
    it from the cache, not from the session table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.sessions import session_pool
    from tests.factories import UserFactory

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    user = UserFactory()
    sid, csrf = session_pool([user], "cached", directory=tmp_path).read_text().split()
    client.cookies["sessionid"] = sid
    client.cookies["csrftoken"] = csrf
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/participa/")
    assert response.wsgi_request.user == user
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]]


def test_lua_script_and_calibration_app_are_in_place():
    lua = (ROOT / "bench" / "wrk" / "request.lua").read_text()
    for mode in ('"cycle"', '"unique"', '"voter"'):
        assert mode in lua
    assert "WRKJSON" in lua
    # The calibration app has its own settings (bench/calibration/settings.py): read it,
    # do not import its models into the portal's process.
    views = (ROOT / "bench" / "calibration" / "views.py").read_text()
    for view in ("def bare(", "def item_list(", "def vote("):
        assert view in views


def test_instruction_count_per_request():
    """bench/cpu.py --instructions: the valgrind total of a cachegrind log, and the
    difference of two runs divided by the extra requests."""
    from bench.cpu import instructions_per_request, valgrind_total

    log = "==1== Cachegrind\n==1== \n==1== I   refs:      7,809,567,318\n"
    assert valgrind_total(log) == 7_809_567_318
    assert instructions_per_request(1_000_000_000, 1_900_000_000, 200) == 4.5
    import pytest

    with pytest.raises(ValueError):
        valgrind_total("==1== nothing here\n")
