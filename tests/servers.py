"""Real servers started by a test: a throwaway PostgreSQL cluster and portal processes
(gunicorn, Celery) run as a deployment runs them. Used by the fault, multi-node and
restore tests (docs/operations.md, "Faults" and "Several nodes")."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def pg_binaries_or_skip() -> None:
    missing = [
        name
        for name in ("initdb", "pg_ctl", "pg_dump", "pg_restore")
        if not (PG_BIN / name).exists()
    ]
    if missing:
        pytest.skip(
            f"needs the PostgreSQL server binaries in {PG_BIN} ({', '.join(missing)} "
            "absent; set PG_BIN) to start a throwaway cluster"
        )


class PostgresCluster:
    """A PostgreSQL cluster of its own, in a temporary folder, on a free port.

    initdb refuses to run as root, so under root the cluster belongs to the `postgres`
    system user (as in the Debian packages)."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="openlima-pg-"))
        self.data = self.dir / "data"
        self._as = []
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args, check=True):
        return subprocess.run(
            [*self._as, *args], check=check, capture_output=True, text=True, timeout=120
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self):
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        return self

    def start(self):
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "server.log"),
            "-o",
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.dir} -c fsync=off",
            "-w",
            "start",
        )
        return self

    def stop(self, mode: str = "fast"):
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            mode,
            "-w",
            "stop",
            check=False,
        )

    def createdb(self, name: str):
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                name,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def copy_database(self, source_url: str, name: str):
        """Schema and rows of `source_url` (e.g. the migrated test database) into a new
        database `name` of this cluster: quicker than running every migration again."""
        self.createdb(name)
        dump = subprocess.run(
            [str(PG_BIN / "pg_dump"), "-Fc", "--no-owner", "-d", source_url],
            check=True,
            capture_output=True,
            timeout=300,
        )
        subprocess.run(
            [str(PG_BIN / "pg_restore"), "--no-owner", "-d", self.url(name)],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def destroy(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def migrated_database_url() -> str:
    """The URL of the database pytest-django created for this run."""
    from django.db import connection

    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


_collected: dict = {}


def collected_static() -> str:
    """A STATIC_ROOT with collectstatic's manifest, made once per test run, for
    processes under the production settings (whitenoise's manifest storage)."""
    if "root" not in _collected:
        root = Path(tempfile.mkdtemp(prefix="openlima-static-"))
        env = portal_env(DJANGO_STATIC_ROOT=root, _static=False)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        _collected["root"] = str(root)
    return _collected["root"]


def portal_env(_static=True, **overrides) -> dict:
    """Production settings (config.settings.production) for a process on this machine:
    the test environment's variables minus anything that configures the portal."""
    from tests.production_env import PRODUCTION_ENV, clean_environ

    env = clean_environ()
    env.update(PRODUCTION_ENV)
    env.update(
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        GUNICORN_ACCESSLOG="off",
        PYTHONUNBUFFERED="1",
    )
    if _static:
        env["DJANGO_STATIC_ROOT"] = collected_static()
    env.update({k: str(v) for k, v in overrides.items()})
    return env


class Process:
    """A portal process (gunicorn or Celery) in its own session, with its log in a file."""

    def __init__(self, args, env, log: Path):
        self.log_path = log
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self, tail: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()


class WebNode(Process):
    """gunicorn serving config.wsgi with gunicorn.conf.py, as docker-compose's web."""

    def __init__(self, env, log: Path, workers: int = 2):
        self.port = free_port()
        env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
        }
        super().__init__(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-c",
                "gunicorn.conf.py",
                "config.wsgi",
            ],
            env,
            log,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log()
            try:
                if self.get("/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz:\n" + self.log())

    def get(self, path: str, headers: dict | None = None):
        return request(self.base + path, headers=headers)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def request(url, data=None, headers=None, method=None, timeout=30) -> Response:
    assert url.startswith("http://127.0.0.1:"), url  # only the processes of the test
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310
    try:
        with _opener.open(req, timeout=timeout) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())
