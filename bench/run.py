#!/usr/bin/env python
"""Open Lima benchmark harness (docs/performance.md).

Measures the portal with `wrk` (installed with apt-get when absent) side by side with the
calibration app (`bench/calibration/`, a minimal Django project without middleware on the
same PostgreSQL database), in the same run, and reports every portal figure as a ratio to
the matching calibration figure: `bare` (a view returning "ok"), `list` (20 of 100,000 rows
through a template) or `insert` (insert under a unique constraint + counter).

1. recreates the database (`--database-url`, default `ol_bench`; `--keep-db` reuses it),
   migrates, creates the calibration tables and seeds 100,000 calibration rows;
2. seeds every `bench/scenarios/*.py` (`seed(scale=...)`), then ANALYZE;
3. starts gunicorn twice with the same settings (`--workers`, `--worker-class`): the portal
   on `--port`, the calibration on `--port + 1`;
4. measures every scenario endpoint right after the matching calibration view (on a
   shared machine the load moves within minutes: the pair sees the same machine) and
   reports the ratio of the two;
5. after a write storm, runs the endpoint's exactness check (supports rows = counter,
   ballots counted = ballots stored); the calibration's insert is checked the same way;
6. prints JSON on stdout and a Markdown table on stderr. Exit status 1 when any request
   answered other than 2xx (or than the endpoint's "expect"), a socket error or timeout
   happened, a unique-user pool ran out, an exactness check failed or a scenario could
   not be seeded: such a run is a failure, not a figure.

Scenario contract: NAME, seed(*, scale), endpoints(*, base_url) -> list of {"name",
"method", "path", "headers", "body"} plus, optionally, "compare" ("bare", "list",
"insert"; default "list"), "expect" (the one status that counts as success, for a
form's post/redirect/get: 302; default any 2xx), "pool" (a session pool file from
bench.sessions), "mode" ("cycle": signed-in visitors, round robin; "unique": each session
once, a different user each request) and "check" (a callable run after the storm,
returning {"ok": bool, ...}).

    .venv/bin/python bench/run.py --scale 1 --duration 4 [--only participation]
"""

import argparse
import importlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is not a package on the path
    sys.path.insert(0, str(ROOT))
from bench import cpusplit  # noqa: E402

SCENARIOS = ROOT / "bench" / "scenarios"
LUA = ROOT / "bench" / "wrk" / "request.lua"
CALIBRATION_ROWS = 100_000
BASELINE = {
    "name": "healthz",
    "method": "GET",
    "path": "/healthz",
    "headers": {},
    "body": None,
    "compare": "bare",
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=int, default=1, help="data size passed to seed()")
    p.add_argument(
        "--concurrency",
        "--connections",
        type=int,
        default=32,
        dest="concurrency",
        help="wrk connections",
    )
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--duration", type=float, default=4.0, help="seconds per endpoint")
    p.add_argument(
        "--only", action="append", default=[], help="scenario NAME (repeatable)"
    )
    p.add_argument(
        "--endpoint",
        action="append",
        default=[],
        help="measure only endpoints whose name contains this (repeatable)",
    )
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    p.add_argument(
        "--worker-class",
        default="sync",
        choices=["sync", "gthread", "uvicorn"],
        help="gunicorn worker class (uvicorn: the portal's ASGI app)",
    )
    p.add_argument(
        "--worker-threads", type=int, default=4, help="threads per gthread worker"
    )
    p.add_argument("--port", type=int, default=8765)
    p.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ol_bench"
        ),
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", ""),
        help="cache/broker (optional)",
    )
    p.add_argument(
        "--keep-db", action="store_true", help="do not recreate the database"
    )
    p.add_argument("--markdown", help="also write the Markdown table to this file")
    return p.parse_args(argv)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def ensure_wrk() -> str:
    """wrk from Debian, installed like CI installs Chromium (.ci/run)."""
    found = shutil.which("wrk")
    if found:
        return found
    log("bench: wrk not found, installing it with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env
    )
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench: wrk is required (apt-get install wrk)")
    return found


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    # psycopg 3: autocommit at connect (CREATE/DROP DATABASE cannot run in a transaction);
    # the connection context manager closes it.
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_env(args) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-" + secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_BIND=f"127.0.0.1:{args.port}",
        GUNICORN_ACCESSLOG="off",
        GUNICORN_LOGLEVEL="warning",
        LOG_LEVEL="WARNING",
    )
    # The complaint scenario's proof-of-work bypass (config/settings/bench.py reads it;
    # complaints/antiabuse.py bench_bypass wants 24+ characters). Without it the scenario
    # solved one ALTCHA challenge and replayed it, and every replay was refused.
    env.setdefault("COMPLAINT_BENCH_TOKEN", secrets.token_urlsafe(32))
    if args.worker_class == "gthread":
        env["GUNICORN_THREADS"] = str(args.worker_threads)
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
        # Own key prefix: a test run on the same Redis database never sees bench keys.
        env["CACHE_KEY_PREFIX"] = "olbench"
    return env


def load_scenarios(only: list[str]):
    modules = []
    for path in sorted(SCENARIOS.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.scenarios.{path.stem}")
        if only and module.NAME not in only:
            continue
        modules.append(module)
    missing = set(only) - {m.NAME for m in modules}
    if missing:
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(missing))}")
    return modules


def python() -> str:
    py = ROOT / ".venv" / "bin" / "python"
    return str(py) if py.exists() else sys.executable


def prepare(args, env) -> None:
    """Migrate, collect static files, create and fill the calibration tables; Django is
    then set up in this process for seeding."""
    for cmd in (
        ["manage.py", "migrate", "--noinput", "-v", "0"],
        ["manage.py", "collectstatic", "--noinput", "-v", "0"],
        [
            "-m",
            "django",
            "migrate",
            "--run-syncdb",
            "-v",
            "0",
            "--settings",
            "bench.calibration.settings",
        ],
    ):
        subprocess.run(
            [python(), *cmd],
            cwd=ROOT,
            env=dict(env, PYTHONPATH=str(ROOT)),
            check=True,
        )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM calib_item")
        have = cursor.fetchone()[0]
        if have < CALIBRATION_ROWS:
            cursor.execute(
                "INSERT INTO calib_item (title, summary, published_at, votes) "
                "SELECT 'Elemento número ' || n || ' de la lista', "
                "'Un resumen de una línea como el de una propuesta vecinal.', "
                "now() - n * interval '1 minute', (n * 7919) %% 300 "
                "FROM generate_series(%s, %s) AS n",
                [have + 1, CALIBRATION_ROWS],
            )


def calibration_endpoints() -> list[dict]:
    get = {"method": "GET", "headers": {}, "body": None}
    return [
        {"name": "bare", "path": "/bare/", **get},
        {"name": "list", "path": "/list/", **get},
        {
            "name": "insert",
            "method": "POST",
            "path": "/vote/1/",
            "headers": {},
            "body": None,
            "mode": "voter",
            "reset": calibration_reset,
            "check": calibration_check,
        },
    ]


def calibration_reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM calib_vote")
        cursor.execute("UPDATE calib_item SET votes = 0 WHERE id = 1")


def calibration_check(result: dict) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM calib_vote WHERE item_id = 1")
        rows = cursor.fetchone()[0]
        cursor.execute("SELECT votes FROM calib_item WHERE id = 1")
        counter = cursor.fetchone()[0]
    answered = sum(v for k, v in result["statuses"].items() if k.startswith("2"))
    return {
        "ok": rows == counter and answered <= rows,
        "rows": rows,
        "counter": counter,
        "answered_2xx": answered,
    }


def run_wrk(
    wrk: str,
    base_url: str,
    endpoint: dict,
    args,
    workdir: Path,
    server_session: int | None = None,
) -> dict:
    """One wrk run (plus a one-second warm-up that is not counted). With the server's
    session id, the run's CPU per request is split by process group (bench/cpusplit.py)."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", endpoint["name"])
    headers = workdir / f"{name}.headers"
    headers.write_text(
        "".join(f"{k}: {v}\n" for k, v in (endpoint.get("headers") or {}).items())
    )
    body = endpoint.get("body")
    body_file = "-"
    if body:
        (workdir / f"{name}.body").write_bytes(
            body if isinstance(body, bytes) else body.encode()
        )
        body_file = str(workdir / f"{name}.body")
    pool = str(endpoint.get("pool") or "-")
    mode = endpoint.get("mode") or ("cycle" if endpoint.get("pool") else "fixed")
    script_args = [
        endpoint.get("method", "GET"),
        endpoint["path"],
        str(headers),
        body_file,
        pool,
        mode,
        str(args.threads),
    ]
    if mode not in ("unique", "voter"):  # writes are not warmed up: every one counts
        subprocess.run(
            [wrk, "-t1", "-c2", "-d1s", "-s", str(LUA), base_url, "--", *script_args],
            capture_output=True,
            timeout=60,
        )
    if endpoint.get("reset"):
        endpoint["reset"]()
    cpu_before = cpusplit.snapshot(server_session) if server_session else None
    proc = subprocess.run(
        [
            wrk,
            f"-t{args.threads}",
            f"-c{args.concurrency}",
            f"-d{max(1, round(args.duration))}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            base_url,
            "--",
            *script_args,
        ],
        capture_output=True,
        text=True,
        timeout=args.duration + 60,
    )
    cpu_after = cpusplit.snapshot(server_session) if server_session else None
    match = re.search(r"^WRKJSON (.*)$", proc.stdout, re.M)
    if not match:
        raise RuntimeError(f"wrk gave no result: {proc.stdout}\n{proc.stderr}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    result = {
        "name": endpoint["name"],
        "method": endpoint.get("method", "GET"),
        "path": endpoint["path"],
        "mode": mode,
        "compare": endpoint.get("compare", "list"),
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1) if seconds else None,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "non2xx": raw["non2xx"],
        "socket_errors": raw["socket_errors"],
        "timeouts": raw["timeouts"],
        "exhausted": raw["exhausted"],
        "statuses": raw["statuses"],
        "cpu_ms": cpusplit.split(cpu_before, cpu_after, raw["requests"]),
    }
    result["unexpected"] = unexpected_answers(raw, endpoint.get("expect"))
    result["settle_s"] = settle(endpoint.get("settle_url") or base_url + "/healthz")
    if endpoint.get("check"):  # after settling, and until two checks agree
        result["exact"] = endpoint["check"](result)
        for _ in range(30):
            time.sleep(1)
            again = endpoint["check"](result)
            if again == result["exact"]:
                break
            result["exact"] = again
    result["failed"] = bool(
        result["unexpected"]
        or raw["socket_errors"]
        or raw["timeouts"]
        or raw["exhausted"]
        or not raw["requests"]
        or (result.get("exact") and not result["exact"]["ok"])
    )
    return result


def unexpected_answers(raw: dict, expect: int | None) -> int:
    """Answers that count against a run: any non-2xx, or, for an endpoint that says what
    it answers on success (a form's post/redirect/get: 302), any other status."""
    if not expect:
        return raw["non2xx"]
    return sum(n for status, n in raw["statuses"].items() if int(status) != expect)


def settle(url: str, timeout=60, probes=8) -> float:
    """Waits until the server has worked off what a run left queued (sync workers keep
    serving requests wrk gave up on): `probes` requests to `url` at once must all answer
    within two seconds (a backlog behind any worker makes one of them wait). Plain
    urllib: no client set-up cost in the probe. Returns the seconds it took."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def probe(_n):
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (127.0.0.1)
                response.read()
        except OSError:
            return timeout
        return time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(probes) as pool:
        while time.monotonic() - started < timeout:
            if max(pool.map(probe, range(probes))) < 2.0:
                break
            time.sleep(0.5)
    return round(time.monotonic() - started, 2)


def wait_until_up(url: str, server, timeout=90) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited during start-up ({url})")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url}")


def start_gunicorn(args, env, app: str, port: int, log_name: str):
    gunicorn = str(Path(python()).with_name("gunicorn"))
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", PYTHONPATH=str(ROOT))
    cmd = [gunicorn, "-c", "gunicorn.conf.py"]
    if args.worker_class == "gthread":
        cmd += ["--worker-class", "gthread"]
    elif args.worker_class == "uvicorn":
        cmd += ["--worker-class", "uvicorn.workers.UvicornWorker"]
        app = app.replace(".wsgi", ".asgi")
    if app.startswith("bench.calibration"):
        env["DJANGO_SETTINGS_MODULE"] = "bench.calibration.settings"
    (ROOT / "var" / "log").mkdir(parents=True, exist_ok=True)
    out = (ROOT / "var" / "log" / log_name).open("w")
    server = subprocess.Popen(
        [*cmd, app],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return server, out


def stop(server, out) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
    out.close()


def cpu_cell(cpu: dict | None) -> str:
    """ "server 1.2 + pg 0.5 + redis 0.1 + wrk 0.1 = 1.9" (bench/cpusplit.py)."""
    if not cpu:
        return ""
    parts = [
        ("server", "server"),
        ("pg", "postgres"),
        ("redis", "redis"),
        ("wrk", "client"),
    ]
    return " + ".join(f"{label} {cpu[key]:.2f}" for label, key in parts) + (
        f" = {cpu['busy']:.2f}"
    )


def markdown(report: dict) -> str:
    config = report["config"]
    lines = [
        f"wrk {config['connections']} connections, {config['duration_s']} s each, "
        f"gunicorn {config['gunicorn_workers']} {config['worker_class']} workers, "
        f"cache {config['cache']}, load average at the end {config['load_average_at_end']}",
        "",
        "| endpoint | req/s | calibration | calibration req/s | ratio | p50 ms | p99 ms "
        "| unexpected status | exact | CPU ms/request: portal | calibration |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        exact = ""
        if r.get("exact"):
            exact = "yes" if r["exact"]["ok"] else f"NO {r['exact']}"
        status = " **FAILED**" if r["failed"] else ""
        lines.append(
            f"| {r['scenario']}/{r['name']}{status} | {r['rps']:,.1f} | {r['compare']} | "
            f"{r['calibration_rps']:,.1f} | {r['ratio']} | {r['p50_ms']} | {r['p99_ms']} "
            f"| {r['unexpected']} | {exact} | {cpu_cell(r.get('cpu_ms'))} "
            f"| {cpu_cell(r.get('calibration_cpu_ms'))} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = ensure_wrk()
    env = server_env(args)
    if not args.keep_db:
        log(f"bench: recreating {urlsplit(args.database_url).path.lstrip('/')}")
        recreate_database(args.database_url)
    prepare(args, env)
    scenarios = load_scenarios(args.only)
    seeded, failures = [], {}
    for module in scenarios:
        started = time.perf_counter()
        try:
            module.seed(scale=args.scale)
            seeded.append(module)
            log(f"bench: seeded {module.NAME} in {time.perf_counter() - started:.1f} s")
        except Exception:
            failures[module.NAME] = traceback.format_exc(limit=3)
            log(f"bench: seeding {module.NAME} failed:\n{failures[module.NAME]}")
    from django.db import connection, connections

    # Bulk seeding leaves the planner's statistics describing empty tables (a production
    # database has autovacuum's ANALYZE); measure with statistics that match the data.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connections.close_all()

    base_url = f"http://127.0.0.1:{args.port}"
    cal_url = f"http://127.0.0.1:{args.port + 1}"
    portal, portal_log = start_gunicorn(
        args, env, "config.wsgi", args.port, "bench-gunicorn.log"
    )
    calib, calib_log = start_gunicorn(
        args, env, "bench.calibration.wsgi", args.port + 1, "bench-calibration.log"
    )
    results = []
    calibration = {}
    workdir = Path(tempfile.mkdtemp(prefix="olbench-"))
    try:
        wait_until_up(base_url + "/healthz", portal)
        wait_until_up(cal_url + "/bare/", calib)
        plan = [("core", BASELINE)]
        for module in seeded:
            try:
                plan += [(module.NAME, e) for e in module.endpoints(base_url=base_url)]
            except Exception:
                failures[module.NAME] = traceback.format_exc(limit=3)
                log(
                    f"bench: endpoints of {module.NAME} failed:\n{failures[module.NAME]}"
                )
        if args.endpoint:
            plan = [
                (s, e) for s, e in plan if any(k in e["name"] for k in args.endpoint)
            ]
        # Write storms last: whatever they leave queued cannot slow a read figure.
        plan.sort(key=lambda se: se[1].get("mode") == "unique")
        calibration_plan = {e["name"]: e for e in calibration_endpoints()}
        for endpoint in calibration_plan.values():
            endpoint["settle_url"] = cal_url + "/bare/"

        def measure_calibration(key: str) -> dict:
            log(f"bench: calibration/{key}")
            result = run_wrk(
                wrk, cal_url, calibration_plan[key], args, workdir, calib.pid
            )
            log(
                f"bench:   {result['rps']} req/s p50 {result['p50_ms']} ms "
                f"unexpected {result['unexpected']} {result.get('exact', '')}"
            )
            calibration.setdefault(key, []).append(result)
            return result

        for scenario, endpoint in plan:
            # The matching calibration figure is measured right before, so both see the
            # same machine (on a shared machine the load moves within minutes).
            paired = measure_calibration(endpoint.get("compare", "list"))
            log(f"bench: {scenario}/{endpoint['name']} {endpoint['path']}")
            result = run_wrk(wrk, base_url, endpoint, args, workdir, portal.pid)
            result["scenario"] = scenario
            result["calibration_cpu_ms"] = paired.get("cpu_ms")
            result["calibration_rps"] = paired["rps"]
            result["ratio"] = (
                round(result["rps"] / paired["rps"], 3)
                if paired["rps"] and result["rps"]
                else None
            )
            results.append(result)
            log(
                f"bench:   {result['rps']} req/s p50 {result['p50_ms']} ms "
                f"unexpected {result['unexpected']} ratio {result['ratio']} "
                f"{result.get('exact', '')}"
            )
        if portal.poll() is not None or calib.poll() is not None:
            raise SystemExit("gunicorn died during the run: see var/log/bench-*.log")
    finally:
        stop(portal, portal_log)
        stop(calib, calib_log)
        shutil.rmtree(workdir, ignore_errors=True)

    report = {
        "config": {
            "scale": args.scale,
            "connections": args.concurrency,
            "threads": args.threads,
            "duration_s": args.duration,
            "gunicorn_workers": args.workers,
            "worker_class": args.worker_class,
            "database": urlsplit(args.database_url).path.lstrip("/"),
            "cache": "redis" if args.redis_url else "locmem",
            "cpus": os.cpu_count(),
            "client": "wrk (same machine)",
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "calibration": calibration,
        "results": results,
        "seed_failures": failures,
    }
    table = markdown(report)
    log(table)
    if args.markdown:
        Path(args.markdown).write_text(table)
    print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    failed = any(r["failed"] for r in results) or any(
        c["failed"] for runs in calibration.values() for c in runs
    )
    return 1 if failures or failed else 0


if __name__ == "__main__":
    sys.exit(main())
