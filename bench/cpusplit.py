"""Where a wrk run's CPU went, per request (docs/performance.md, "Where the CPU goes").

wrk, the server, PostgreSQL and Redis share the machine's cores, so a throughput ratio
says how much slower the portal is, not where the time goes. `snapshot()` reads the CPU
time every process has used so far from /proc, grouped into:

- `server`: the gunicorn master and its workers (the processes of its session), plus the
  workers that exited since (a recycled worker's time is in its master's `cutime`);
- `postgres` and `redis`: the database server's and the cache's processes, plus their
  exited children (a backend whose connection closed);
- `client`: wrk (a child of this process once it has exited: `os.times()`);
- `idle`: the machine's idle time (/proc/stat), in CPU seconds over all cores.

`split(before, after, requests)` turns two snapshots into milliseconds of CPU per request.
Linux only; elsewhere `snapshot()` answers None and the run reports no split.
"""

import os
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
GROUPS = {"postgres": "postgres", "redis-server": "redis"}


def _stat(pid_dir: Path) -> tuple[str, int, float, float] | None:
    """(command, session id, own CPU seconds, waited-for children's CPU seconds)."""
    try:
        data = (pid_dir / "stat").read_text()
    except OSError:  # exited between listing and reading
        return None
    comm = data[data.index("(") + 1 : data.rindex(")")]
    rest = data[data.rindex(")") + 2 :].split()
    session = int(rest[3])
    utime, stime, cutime, cstime = (int(x) for x in rest[11:15])
    return comm, session, (utime + stime) / TICK, (cutime + cstime) / TICK


def _idle_seconds() -> float:
    fields = (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]
    return (int(fields[3]) + int(fields[4])) / TICK  # idle + iowait


def snapshot(server_session: int) -> dict[str, float] | None:
    if not (PROC / "stat").exists():
        return None
    totals = {"server": 0.0, "postgres": 0.0, "redis": 0.0}
    for pid_dir in PROC.iterdir():
        if not pid_dir.name.isdigit():
            continue
        stat = _stat(pid_dir)
        if stat is None:
            continue
        comm, session, own, children = stat
        if session == server_session:
            totals["server"] += own + children
            continue
        group = next(
            (g for prefix, g in GROUPS.items() if comm.startswith(prefix)), None
        )
        if group:
            totals[group] += own + children
    times = os.times()
    totals["client"] = times.children_user + times.children_system
    totals["idle"] = _idle_seconds()
    return totals


def split(
    before: dict[str, float] | None, after: dict[str, float] | None, requests: int
) -> dict[str, float] | None:
    """Milliseconds of CPU per request for each group, and their sum as `busy` (idle is
    left out of it)."""
    if not before or not after or not requests:
        return None
    per = {
        key: round((after[key] - before[key]) * 1000 / requests, 3) for key in before
    }
    per["busy"] = round(sum(v for k, v in per.items() if k != "idle"), 3)
    return per
