"""CPU per request, in-process: the portal's hot paths and the calibration views, each
called through Django's WSGI handler N times in one process, timed with
`time.process_time()` (this process's CPU only: PostgreSQL's and Redis's share is not in
it) and wall time. On a machine shared with other work wrk's throughput moves with the
load; the CPU a request costs in the portal's own process moves much less, so this is the
tool for choosing levers and checking each one (docs/performance.md, "Profiling").

    .venv/bin/python bench/cpu.py                      # every probe, 400 requests each
    .venv/bin/python bench/cpu.py --probe support_new --requests 1000 --profile 25
    .venv/bin/python bench/cpu.py --instructions --probe support_new   # under valgrind

Needs the bench database seeded by `bench/run.py` (`ol_bench`, `--keep-db` afterwards) and
the same REDIS_URL as the bench. `--profile N` prints cProfile's N most expensive
functions (cumulative) for each probe. Each probe runs in a fresh process with the
bench's server environment, the calibration views with the calibration app's settings.
On this shared machine process CPU time still moved by a factor of two between runs;
`--instructions` counts instructions under valgrind instead (about 1 % apart run to
run), which is how each lever of the support path was chosen and checked.
"""

import argparse
import io
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# name: (app, method, path builder key, pool, compare)
PROBES = {
    "bare": ("calibration", "GET", "/bare/", None),
    "list": ("calibration", "GET", "/list/", None),
    "insert": ("calibration", "POST", "/vote/{item}/", "voter"),
    "healthz": ("portal", "GET", "/healthz", None),
    "support_new": (
        "portal",
        "POST",
        "/api/v1/proposals/{proposal}/support/",
        "unique",
    ),
    "proposal_page_signed_in": (
        "portal",
        "GET",
        "/participa/propuestas/{proposal}/",
        "cycle",
    ),
    "proposal_list_signed_in": ("portal", "GET", "/participa/propuestas/", "cycle"),
    "proposal_page": ("portal", "GET", "/participa/propuestas/{proposal}/", None),
}
COMPARE = {
    "healthz": "bare",
    "support_new": "insert",
    "proposal_page_signed_in": "list",
    "proposal_list_signed_in": "list",
    "proposal_page": "list",
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--probe", action="append", default=[], choices=sorted(PROBES))
    p.add_argument("--requests", type=int, default=400)
    p.add_argument("--profile", type=int, default=0, help="print the top N functions")
    p.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ol_bench"
        ),
    )
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    p.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per request under valgrind instead of timing "
        "(slow, but the same figure on a busy machine)",
    )
    p.add_argument("--child", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def child_env(args, app: str) -> dict:
    from bench.run import server_env

    ns = argparse.Namespace(
        database_url=args.database_url,
        workers=1,
        port=8765,
        worker_class="sync",
        redis_url=args.redis_url,
    )
    env = server_env(ns)
    env["DJANGO_SECRET_KEY"] = "bench-cpu-" + secrets.token_urlsafe(40)
    if app == "calibration":
        env["DJANGO_SETTINGS_MODULE"] = "bench.calibration.settings"
    return env


def instructions_per_request(short_total: int, long_total: int, extra: int) -> float:
    """Millions of instructions a request, from two runs of the same probe that differ
    only by `extra` requests (start-up, warm-up and exit cancel out)."""
    return round((long_total - short_total) / extra / 1e6, 3)


def valgrind_total(log: str) -> int:
    """The `I refs` total of a cachegrind log."""
    for line in reversed(log.splitlines()):
        if "I   refs:" in line:
            return int(line.rsplit(":", 1)[1].strip().replace(",", ""))
    raise ValueError("no instruction total in the valgrind log")


def count_instructions(args, name: str) -> dict:
    """Instructions a request (docs/performance.md, "Profiling"): the probe run under
    cachegrind twice, with 20 and 20 + N requests. On a machine shared with other work
    CPU time moves by a factor of two from one run to the next; this count moves by
    about 1 %, so a lever worth a few per cent can be seen."""
    import shutil
    import tempfile

    if not shutil.which("valgrind"):
        raise SystemExit("--instructions needs valgrind (apt-get install -y valgrind)")
    totals, last = [], {}
    for requests in (20, 20 + args.requests):
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "valgrind.log"
            prefix = [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                "--cachegrind-out-file=/dev/null",
                f"--log-file={log}",
            ]
            last = run_child(args, name, requests=requests, prefix=prefix)
            totals.append(valgrind_total(log.read_text()))
    last["instructions_m"] = instructions_per_request(*totals, args.requests)
    return last


def run_child(args, name: str, *, requests: int | None = None, prefix=()) -> dict:
    app = PROBES[name][0]
    cmd = [
        *prefix,
        sys.executable,
        __file__,
        "--child",
        name,
        "--requests",
        str(requests or args.requests),
        "--profile",
        str(args.profile),
    ]
    done = subprocess.run(
        cmd,
        env=child_env(args, app),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"probe {name} failed:\n{done.stderr[-3000:]}")
    *text, last = done.stdout.rstrip("\n").split("\n")
    if text:
        print("\n".join(text), file=sys.stderr)
    return json.loads(last)


# --- inside the child process ------------------------------------------------------------


def _targets() -> dict:
    from django.conf import settings

    if "bench.calibration" in settings.INSTALLED_APPS:
        from bench.calibration.models import Item

        return {"item": Item.objects.order_by("-id").values_list("pk", flat=True)[0]}
    from participation.models import Proposal

    return {
        "proposal": Proposal.objects.order_by("-id").values_list("pk", flat=True)[0]
    }


def _sessions(kind: str | None, count: int) -> list[tuple[str, str]]:
    if kind not in ("unique", "cycle"):
        return []
    import tempfile

    from bench.sessions import session_pool
    from openlima.models import User

    users = User.objects.filter(email__startswith="apoyo-").order_by("pk")
    if kind == "unique":  # like the bench's storm: nobody supports the hot proposal yet
        from bench.scenarios.participation import _hot_reset

        _hot_reset(_targets()["proposal"])()
    chosen = list(users[: count if kind == "unique" else 200])
    if kind == "unique" and len(chosen) < count:
        raise SystemExit(f"only {len(chosen)} supporters: use fewer --requests")
    with tempfile.TemporaryDirectory() as tmp:
        path = session_pool(chosen, "cpu", Path(tmp))
        return [tuple(line.split()) for line in path.read_text().splitlines()]


def _environ(method: str, path: str, session, voter: int | None) -> dict:
    from django.test.client import FakePayload, RequestFactory

    query = ""
    if voter is not None:
        query = f"voter={voter}"
    extra = {
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "http://127.0.0.1/participa/",
    }
    if session:
        extra["HTTP_COOKIE"] = f"sessionid={session[0]}; csrftoken={session[1]}"
        if method != "GET":
            extra["HTTP_X_CSRFTOKEN"] = session[1]
    return RequestFactory()._base_environ(
        PATH_INFO=path,
        QUERY_STRING=query,
        REQUEST_METHOD=method,
        CONTENT_LENGTH="0",
        **{"wsgi.input": FakePayload(b"")},
        **extra,
    )


def child(args) -> None:
    import cProfile
    import pstats

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from openlima.warmup import warm_up

    warm_up()  # as gunicorn's master does before forking (openlima/gunicorn_hooks.py)

    app, method, template, pool = PROBES[args.child]
    path = template.format(**_targets()) if "{" in template else template
    sessions = _sessions(pool, args.requests + 20)
    handler = WSGIHandler()
    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def call(n: int) -> None:
        session = sessions[n % len(sessions)] if sessions else None
        voter = (
            10_000_000 + n + int(time.time()) % 1_000_000 * 100
            if pool == "voter"
            else None
        )
        response = handler(_environ(method, path, session, voter), start_response)
        for _ in response:
            pass
        response.close()

    first = time.process_time()
    call(0)
    first = time.process_time() - first
    for n in range(1, 20):  # warm-up: imports, template and URL caches, connections
        call(n)
    statuses.clear()
    gc_time = [0.0, 0.0]
    gc_counts = [0, 0, 0]

    def gc_watch(phase, info):
        if phase == "start":
            gc_time[1] = time.process_time()
        else:
            gc_time[0] += time.process_time() - gc_time[1]
            gc_counts[info["generation"]] += 1

    import gc

    gc.callbacks.append(gc_watch)
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for n in range(20, 20 + args.requests):
        call(n)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    gc.callbacks.remove(gc_watch)
    if profiler:
        if os.environ.get("CPU_PROFILE_DUMP"):  # for pstats / snakeviz
            profiler.dump_stats(os.environ["CPU_PROFILE_DUMP"])
        out = io.StringIO()
        order = os.environ.get("CPU_PROFILE_SORT", "cumulative")
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.profile)
        print(out.getvalue())
    print(
        json.dumps(
            {
                "probe": args.child,
                "requests": args.requests,
                "cpu_ms": round(cpu * 1000 / args.requests, 3),
                "wall_ms": round(wall * 1000 / args.requests, 3),
                "first_request_ms": round(first * 1000, 1),
                "gc_ms": round(gc_time[0] * 1000 / args.requests, 3),
                "gc_collections": gc_counts,
                "statuses": statuses,
            }
        )
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args)
        return 0
    names = args.probe or [n for n in PROBES if n in COMPARE]
    needed = list(dict.fromkeys([*(COMPARE[n] for n in names if n in COMPARE), *names]))
    measure = count_instructions if args.instructions else run_child
    results = {name: measure(args, name) for name in needed}
    if args.instructions:
        print("| probe | million instructions/request | vs | ratio | statuses |")
        print("|---|---|---|---|---|")
        for name in needed:
            r, base = results[name], COMPARE.get(name)
            ratio = (
                f"{results[base]['instructions_m'] / r['instructions_m']:.2f}"
                if base in results
                else ""
            )
            print(
                f"| {name} | {r['instructions_m']} | {base or ''} | {ratio} "
                f"| {r['statuses']} |"
            )
        return (
            0
            if all(s.startswith("2") for r in results.values() for s in r["statuses"])
            else 1
        )
    print(
        "| probe | CPU ms/request | wall ms | vs | ratio (calibration CPU / probe CPU) "
        "| of it in gc, ms | gc runs (gen 0/1/2) | first request, ms | statuses |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in needed:
        r = results[name]
        base = COMPARE.get(name)
        ratio = (
            f"{results[base]['cpu_ms'] / r['cpu_ms']:.2f}" if base in results else ""
        )
        print(
            f"| {name} | {r['cpu_ms']} | {r['wall_ms']} | {base or ''} | {ratio} | "
            f"{r['gc_ms']} | {'/'.join(map(str, r['gc_collections']))} "
            f"| {r['first_request_ms']} | {r['statuses']} |"
        )
    bad = [
        n
        for n, r in results.items()
        if any(not s.startswith("2") for s in r["statuses"])
    ]
    if bad:
        print(f"non-2xx answers in: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
