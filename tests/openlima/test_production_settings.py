"""Production fails fast (issue 11, docs/operations.md "Configure"): every backend and key
is required, the refusal is one line naming the variable, the embedded default's backends
are refused by a deploy check, and nothing is created or loaded by accident."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.production_env import PRODUCTION_ENV, REQUIRED, clean_environ

ROOT = Path(__file__).resolve().parents[2]


def _run(args, env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean_environ(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("name", REQUIRED)
def test_production_refuses_to_start_without_each_required_variable(name):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != name}
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one clear line, no traceback
    assert lines[0].startswith(f"config.settings.production: {name} ")


def test_production_refuses_sqlite():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "config.settings.production: DATABASE_URL must point to PostgreSQL "
        "(postgres://...)."
    )


def test_production_keys_never_default_to_the_secret_key():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "keys = [s.RESIDENT_ID_HMAC_KEY, s.COMPLAINT_CODE_INDEX_KEY, "
        "s.COMPLAINT_ALTCHA_HMAC_KEY]; "
        "print(all(k and k != s.SECRET_KEY for k in keys), len(set(keys)))"
    )
    result = _run(["-c", code], PRODUCTION_ENV)
    assert result.stdout.split() == ["True", "3"], result.stderr


def test_deploy_check_refuses_the_embedded_backends_when_debug_is_off():
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DJANGO_DEBUG": "false"}
    result = _run(["manage.py", "check", "--deploy"], env)
    assert result.returncode != 0
    for check_id in ("openlima.E001", "openlima.E002", "openlima.E003"):
        assert check_id in result.stderr, result.stderr
    # DEBUG on (a developer's machine): the same backends are fine.
    env["DJANGO_DEBUG"] = "true"
    result = _run(["manage.py", "check", "--deploy"], env)
    assert "openlima.E00" not in result.stderr


def test_importing_settings_creates_no_folder():
    code = (
        "import os, pathlib\n"
        "made = []\n"
        "real = pathlib.Path.mkdir\n"
        "pathlib.Path.mkdir = lambda self, *a, **k: made.append(str(self))\n"
        "os.makedirs = lambda p, *a, **k: made.append(str(p))\n"
        "os.mkdir = lambda p, *a, **k: made.append(str(p))\n"
        "import importlib\n"
        "importlib.import_module(os.environ['DJANGO_SETTINGS_MODULE'])\n"
        "print('MADE', made)\n"
    )
    for module in ("config.settings.base", "config.settings.production"):
        env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": module}
        if module.endswith("base"):
            env = {"DJANGO_SETTINGS_MODULE": module}
        result = _run(["-c", code], env)
        assert "MADE []" in result.stdout, (module, result.stdout, result.stderr)


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi", "config.celery"])
def test_wsgi_asgi_celery_default_to_production_settings(module):
    # No environment at all: they load production settings, which refuse to start.
    result = _run(
        ["-c", f"import {module}; import django.conf as c; c.settings.DEBUG"], {}
    )
    assert result.returncode != 0
    assert "config.settings.production: DJANGO_SECRET_KEY" in result.stderr


def test_manage_and_the_run_command_keep_the_embedded_default():
    assert '"config.settings.base"' in (ROOT / "manage.py").read_text()
    run = (ROOT / "scripts/run.sh").read_text()
    assert (
        'DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.base}"'
        in run
    )


def test_load_demo_refuses_under_production():
    result = _run(["manage.py", "load_demo"], PRODUCTION_ENV)
    assert result.returncode != 0
    assert "load_demo refuses to run under config.settings.production" in result.stderr
