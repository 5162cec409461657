#!/usr/bin/env python
"""Open Lima benchmark harness.

Starts gunicorn (2 workers, gunicorn.conf.py) against PostgreSQL (database `ol_bench`,
recreated each run), migrates, seeds through every `bench/scenarios/*.py` module, drives
each endpoint with an async HTTP client at a given concurrency, and prints JSON: requests/s,
p50 and p99 latency (ms) and errors per endpoint, plus the trivial `/healthz` view on the
same server as a baseline and each endpoint's ratio to it.

Scenario contract (HELPERS.md): NAME, seed(*, scale), endpoints(*, base_url) -> list of
{"name", "method", "path", "headers", "body"}.

    .venv/bin/python bench/run.py --scale 1 --concurrency 8 --duration 10 [--only core]
"""

import argparse
import asyncio
import importlib
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "bench" / "scenarios"
BASELINE = {
    "name": "baseline",
    "method": "GET",
    "path": "/healthz",
    "headers": {},
    "body": None,
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=int, default=1, help="data size passed to seed()")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per endpoint")
    p.add_argument(
        "--requests",
        type=int,
        default=0,
        help="requests per endpoint (instead of --duration)",
    )
    p.add_argument(
        "--only", action="append", default=[], help="scenario NAME (repeatable)"
    )
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers")
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
    return p.parse_args(argv)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def server_env(args) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="openlima.settings.bench",
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
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
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


def prepare(args, env) -> None:
    """Migrate, collect static files and seed, in this process (Django set up once)."""
    py = str(ROOT / ".venv" / "bin" / "python")
    if not Path(py).exists():
        py = sys.executable
    for cmd in (
        ["migrate", "--noinput", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run([py, "manage.py", *cmd], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


async def drive(
    client, endpoint: dict, *, concurrency: int, duration: float, total: int
) -> dict:
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    issued = 0
    deadline = 0.0  # set after the warm-up, which must not eat the measured window
    method = endpoint.get("method", "GET")
    headers = endpoint.get("headers") or {}
    body = endpoint.get("body")

    async def one():
        nonlocal errors
        started = time.perf_counter()
        try:
            response = await client.request(
                method, endpoint["path"], headers=headers, content=body
            )
            await response.aread()
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 400:
                errors += 1
        except Exception:
            errors += 1
            statuses[0] = statuses.get(0, 0) + 1
        latencies.append((time.perf_counter() - started) * 1000)

    async def worker():
        nonlocal issued
        while True:
            if total:
                if issued >= total:
                    return
            elif time.perf_counter() >= deadline:
                return
            issued += 1
            await one()

    # Warm-up (connections, template caches), not counted.
    for _ in range(min(20, concurrency * 2)):
        await one()
    latencies.clear()
    errors = 0
    statuses.clear()
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q):
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2)

    return {
        "name": endpoint["name"],
        "method": method,
        "path": endpoint["path"],
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else None,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


async def run_all(base_url, plan, args) -> list[dict]:
    import httpx

    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    results = []
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=30, follow_redirects=False
    ) as client:
        for scenario, endpoint in plan:
            log(
                f"bench: {scenario}/{endpoint['name']} {endpoint.get('method', 'GET')} {endpoint['path']}"
            )
            result = await drive(
                client,
                endpoint,
                concurrency=args.concurrency,
                duration=args.duration,
                total=args.requests,
            )
            result["scenario"] = scenario
            results.append(result)
    return results


def wait_until_up(base_url: str, server, timeout=60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            if httpx.get(base_url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz")


def main(argv=None) -> int:
    args = parse_args(argv)
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
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    (ROOT / "var" / "log").mkdir(parents=True, exist_ok=True)
    server_log = (ROOT / "var" / "log" / "bench-gunicorn.log").open("w")
    server = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "openlima.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(base_url, server)
        plan = [("baseline", BASELINE)]
        for module in seeded:
            try:
                plan += [(module.NAME, e) for e in module.endpoints(base_url=base_url)]
            except Exception:
                failures[module.NAME] = traceback.format_exc(limit=3)
        results = asyncio.run(run_all(base_url, plan, args))
        if server.poll() is not None:
            raise SystemExit(
                "gunicorn died during the run: see var/log/bench-gunicorn.log"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        server_log.close()

    baseline = results[0]
    for r in results:
        r["rps_ratio_to_baseline"] = (
            round(r["rps"] / baseline["rps"], 3)
            if baseline["rps"] and r["rps"]
            else None
        )
        r["p50_ratio_to_baseline"] = (
            round(r["p50_ms"] / baseline["p50_ms"], 2)
            if baseline["p50_ms"] and r["p50_ms"]
            else None
        )
    report = {
        "config": {
            "scale": args.scale,
            "concurrency": args.concurrency,
            "duration_s": None if args.requests else args.duration,
            "requests_per_endpoint": args.requests or None,
            "gunicorn_workers": args.workers,
            "database": urlsplit(args.database_url).path.lstrip("/"),
            "cache": "redis" if args.redis_url else "locmem",
            "cpus": os.cpu_count(),
            "client": "httpx.AsyncClient (same machine)",
        },
        "results": results,
        "seed_failures": failures,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if failures or any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
