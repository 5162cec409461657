"""Fixtures shared by every test module. App-specific fixtures live in tests/<app>/conftest.py."""

import atexit
import contextlib
import sys
import time

import pytest
from django.conf import settings

from tests.factories import StaffFactory, UserFactory


class _Discard:
    """A stderr without a lock: whatever is written to it is dropped."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def _quiet_stderr_at_exit() -> None:
    """After pytest has finished and printed its summary: a request thread of Django's
    threaded live server (a daemon; the frictionless and ckanapi clients leave connections
    open) can still fail while the interpreter shuts down. Its traceback, written to the
    real stderr then, made Python abort with "could not acquire lock for <stderr> at
    interpreter shutdown" (exit status 134) after every test had passed — the README's
    test command on SQLite did. Such late writes now go nowhere."""
    sys.stderr = _Discard()


atexit.register(_quiet_stderr_at_exit)


def pytest_collection_modifyitems(config, items):
    """Skip marked tests where their service is absent, saying why (CI has both)."""
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)"
    )
    skip_redis = pytest.mark.skip(
        reason="needs Redis: set REDIS_URL=redis://... (CI does)"
    )
    for item in items:
        if "postgres" in item.keywords and not settings.IS_POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _isolated_files_and_cache(settings, tmp_path):
    """Every test gets its own media/private storage, an empty cache and no page-frame
    parts kept from an earlier test ({% memo %}, openlima/templatetags/openlima.py)."""
    from django.core.cache import cache

    from openlima.templatetags.openlima import memo_clear

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    cache.clear()
    memo_clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Districts, units and role groups come from a data migration; transactional tests
    (browser, concurrency) flush them, so put them back for every test that uses the DB."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if uses_db:
        request.getfixturevalue("_django_db_helper")
        if "live_server" in request.fixturenames:
            request.getfixturevalue("transactional_db")
        from openlima.reference_data import reference_data_ensure

        reference_data_ensure()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return StaffFactory()


@pytest.fixture
def dataset_with_file(db):
    """A published dataset with one CSV resource, tagged and with a topic."""
    from tests.catalogue import dataset_with_file_create

    return dataset_with_file_create()


@pytest.fixture
def fake_providers():
    """Register fake providers of the other apps in place of the real ones of the same
    family ("dataset:", "search:", ...), so a test sees only its fakes; restore afterwards."""
    from openlima import registry

    with contextlib.ExitStack() as stack:
        cleared = set()

        def add(name, func):
            if ":" in name:
                family = name.split(":", 1)[0] + ":"
                if family not in cleared:
                    keep = {
                        k: v
                        for k, v in registry.providers(family).items()
                        if k == "opendata"
                    }
                    stack.enter_context(registry.only(family, keep))
                    cleared.add(family)
            stack.enter_context(registry.override(name, func))

        yield add


def set_authentication_records(client, user, records):
    """Store allauth's per-session log of authentication steps for `user`.

    Since allauth 65.2x the log is bound to the user it was recorded for (a second key
    holds that user's id) and is ignored for anyone else, so both keys are written."""
    from allauth.account.internal.flows import login as allauth_login
    from allauth.account.internal.userkit import user_id_to_str

    session = client.session
    session[allauth_login.AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[allauth_login._AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(
        user
    )
    session.save()


def login_with_2fa(client, user):
    """Log `user` in on a Django test client as allauth does after password + TOTP."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    now = time.time()
    set_authentication_records(
        client,
        user,
        [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": "totp"},
        ],
    )
    return client


@pytest.fixture
def staff_client_factory(db, client):
    """`staff_client_factory(user)` -> a test client logged in with 2FA as that staff user."""
    from openlima.demo import totp_activate

    def make(user):
        totp_activate(user=user, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        return login_with_2fa(client, user)

    return make


def pytest_terminal_summary(terminalreporter):
    """One line with the measured coverage when the run measured it (scripts/test.sh)."""
    import io

    plugin = terminalreporter.config.pluginmanager.getplugin("_cov")
    controller = getattr(plugin, "cov_controller", None)
    if controller is None or getattr(controller, "cov", None) is None:
        return
    try:
        total = controller.cov.report(file=io.StringIO())
    except Exception as exc:  # no data (e.g. nothing ran): say so, never fail the run
        terminalreporter.write_line(f"Coverage not measured: {exc}")
        return
    terminalreporter.write_line(
        f"Coverage of the portal's code (lines): {total:.1f}%", bold=True
    )


@pytest.fixture
def lapaz(settings, _reference_data, request):
    """The La Paz demo profile (docs/city-profile.md) for one test: CITY_PROFILE and the
    settings derived from it, and its macrodistricts and units in the database. Under
    `CITY_PROFILE=la-paz` (.ci/run's second pass) this changes nothing."""
    from openlima import city
    from openlima.reference_data import city_profile_load

    request.getfixturevalue("_django_db_helper")
    settings.CITY_PROFILE = "la-paz"
    city.clear_cache()
    profile = city.raw()
    settings.OPENLIMA = {
        **settings.OPENLIMA,
        "CITY_NAME": city.localize(profile["name"], "es"),
        "MUNICIPALITY_NAME": city.localize(profile["municipality_name"], "es"),
    }
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = (
        f"[{city.localize(profile['portal_name'], 'es')}] "
    )
    settings.OCDS_PUBLISHER_NAME = settings.OPENLIMA["MUNICIPALITY_NAME"]
    settings.TIME_ZONE = settings.CELERY_TIMEZONE = profile["timezone"]
    settings.OCDS_PUBLISHER_SCHEME = profile["legal"]["ocds_publisher"]["scheme"]
    settings.OCDS_PUBLISHER_RUC = profile["legal"]["ocds_publisher"]["id"]
    city_profile_load(profile)
    yield profile
    city.clear_cache()


# --- A real S3 API server (moto's standalone server) for the object-storage tests --------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible HTTP server in this process (moto[server], requirements-dev.txt),
    spoken to over HTTP by boto3 exactly as a real deployment speaks to MinIO or AWS."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:  # pragma: no cover
        pytest.skip("needs moto[server] (requirements-dev.txt) for an S3 API server")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    """STORAGES switched to S3 (the production layout: one bucket, public/ and private/),
    on a fresh bucket. Returns a boto3 client to look at the bucket directly."""
    import uuid

    import boto3

    bucket = f"openlima-{uuid.uuid4().hex[:12]}"
    options = {
        "bucket_name": bucket,
        "access_key": "testing",
        "secret_key": "testing",
        "endpoint_url": s3_server,
        "region_name": "us-east-1",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "openlima.storage_s3.S3Storage",  # production's class
            "OPTIONS": {**options, "location": "public"},
        },
        "private": {
            "BACKEND": "openlima.storage_s3.S3Storage",  # production's class
            "OPTIONS": {**options, "location": "private"},
        },
    }
    client.bucket = bucket
    return client


def s3_objects(client) -> dict[str, bytes]:
    """Every object in the test bucket: key -> bytes."""
    listing = client.list_objects_v2(Bucket=client.bucket).get("Contents", [])
    return {
        o["Key"]: client.get_object(Bucket=client.bucket, Key=o["Key"])["Body"].read()
        for o in listing
    }
