"""openlima.warmup: what the gunicorn master does once before forking, so a new or
recycled worker does not redo it on its first requests (docs/performance.md, "A worker's
life")."""

import json
import os
import subprocess
import sys

from django.conf import settings

from openlima import warmup

FRESH = """
import json, sys
import django
django.setup()
from django.template import engines
from django.urls import get_resolver
before = "config.urls" in sys.modules
from openlima.warmup import warm_up
done = warm_up()
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "urls_before": before,
    "urls_after": "config.urls" in sys.modules,
    "languages": sorted(get_resolver()._reverse_dict),
    "base_cached": any(k.startswith("base.html") for k in loader.get_template_cache),
    "done": done,
}))
"""


def test_warm_up_builds_urls_translations_and_templates_in_a_fresh_process():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", FRESH],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["urls_before"] is False  # nothing had built the resolver yet
    assert found["urls_after"] is True
    assert found["languages"] == sorted(code for code, _ in settings.LANGUAGES)
    assert found["base_cached"] is True
    assert found["done"]["templates"] >= 100
    assert found["done"]["broken"] == 0


def test_every_portal_template_compiles():
    """The warm-up compiles every template of the portal: one that does not compile
    would otherwise be found only when a visitor reaches its page."""
    compiled, broken = warmup._templates()
    assert broken == 0
    assert compiled >= 100


def test_a_failing_warm_up_never_stops_the_server(monkeypatch, caplog):
    def broken():
        raise RuntimeError("a view module that cannot be imported")

    monkeypatch.setattr(warmup, "_urls_and_translations", broken)
    done = warmup.warm_up()
    assert done["templates"] == 0
    assert "warm-up stopped half way" in caplog.text


def test_only_the_projects_own_templates_are_compiled():
    folders = warmup._portal_template_folders()
    assert folders
    assert all(
        ".venv" not in f.parts and "site-packages" not in f.parts for f in folders
    )
