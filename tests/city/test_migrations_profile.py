"""A profile that renames choice labels (La Paz renames the complaint destinations and the
transparency sections) changes no migration: labels reach fields through callables
(docs/city-profile.md). Runs `makemigrations --check` in a real process per profile."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _makemigrations_check(profile: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "CITY_PROFILE": profile,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    env.pop("DATABASE_URL", None)  # no database needed: SQLite default, never written
    return subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.city_lapaz
@pytest.mark.parametrize("profile", ["la-paz", "lima"])
def test_makemigrations_check_reports_no_change(profile):
    result = _makemigrations_check(profile)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_la_paz_really_renames_labels():
    from openlima import city

    lapaz = city.read_profile("la-paz")
    lima = city.read_profile("lima")
    assert lapaz["legal"]["complaint_destinations"] != lima["legal"].get(
        "complaint_destinations"
    )
