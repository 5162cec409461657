"""The contracting catalogue compiles: no Spanish percentage ("1 % del", "15 % el") is
taken for a python-format directive (contracting/flags.py marks them
`xgettext:no-python-format`); compilemessages refused the catalogue before."""

import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[2] / "contracting/locale/en/LC_MESSAGES/django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext not installed")
def test_catalogue_passes_msgfmt_check():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = PO.read_text(encoding="utf-8")
    assert "no-python-format" in text
