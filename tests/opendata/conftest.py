"""The open-data tests' fixtures (`dataset_with_file` and `fake_providers`, shared with
the core's tests, are in tests/conftest.py)."""

import pytest

from tests.catalogue import CSV


@pytest.fixture(autouse=True)
def _opendata_base_url(settings, request):
    """URLs and URIs come from OPENDATA_BASE_URL (never the Host header): the test
    client's address, or the live server's."""
    if "live_server" in request.fixturenames:
        settings.OPENDATA_BASE_URL = request.getfixturevalue("live_server").url
    else:
        settings.OPENDATA_BASE_URL = "http://testserver"


@pytest.fixture
def csv_bytes():
    return CSV
