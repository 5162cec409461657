"""The PostgreSQL health check polls the socket before it sends `SELECT 1`
(openlima/db/postgresql/base.py, docs/performance.md).

A healthy idle connection is checked without a round trip; a connection the server ended
(a restart, `pg_terminate_backend`) is still found dead and replaced before the request's
first query, as with Django's own check."""

import copy
import time

import pytest
from django.db import connection, connections

from openlima.db.postgresql.base import DatabaseWrapper, socket_has_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_connection():
    """A connection of its own, outside the test's transaction, with health checks on
    (as every web request's connection is)."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["CONN_HEALTH_CHECKS"] = True
    settings_dict["CONN_MAX_AGE"] = 60
    wrapper = DatabaseWrapper(settings_dict, alias="default")
    wrapper.ensure_connection()
    try:
        yield wrapper
    finally:
        wrapper.close()


def _new_request(wrapper) -> None:
    """What Django does at the start of every request (signals.request_started)."""
    wrapper.close_if_unusable_or_obsolete()


class _CountingCursors:
    """Counts the cursors opened on the raw psycopg connection (Django's `SELECT 1`
    opens one)."""

    def __init__(self, raw):
        self.raw = raw
        self.opened = 0
        self._cursor = raw.cursor

    def __enter__(self):
        def cursor(*args, **kwargs):
            self.opened += 1
            return self._cursor(*args, **kwargs)

        self.raw.cursor = cursor
        return self

    def __exit__(self, *exc):
        del self.raw.cursor


def test_the_portal_runs_on_this_backend():
    assert connection.settings_dict["ENGINE"] == "openlima.db.postgresql"
    assert type(connections["default"]).__module__ == "openlima.db.postgresql.base"


def test_a_healthy_idle_connection_is_checked_without_a_round_trip(own_connection):
    raw = own_connection.connection
    _new_request(own_connection)
    with _CountingCursors(raw) as counted:
        own_connection.close_if_health_check_failed()
    assert own_connection.connection is raw  # kept
    assert own_connection.health_check_done
    assert counted.opened == 0  # Django's check would have sent SELECT 1


def test_a_connection_the_server_ended_is_replaced_before_the_first_query(
    own_connection,
):
    raw = own_connection.connection
    pid = raw.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while not socket_has_data(raw.pgconn.socket) and time.monotonic() < deadline:
        time.sleep(0.01)

    _new_request(own_connection)
    with own_connection.cursor() as cursor:  # the request's first query
        cursor.execute("SELECT pg_backend_pid()")
        new_pid = cursor.fetchone()[0]
    assert own_connection.connection is not raw
    assert new_pid != pid


def test_a_connection_inside_a_transaction_takes_djangos_check(own_connection):
    raw = own_connection.connection
    raw.execute("BEGIN")
    try:
        with _CountingCursors(raw) as counted:
            assert own_connection.is_usable()
        assert counted.opened == 1
    finally:
        raw.execute("ROLLBACK")


def test_a_closed_connection_is_not_usable(own_connection):
    own_connection.connection.close()
    assert not own_connection.is_usable()


def test_a_socket_that_cannot_be_polled_counts_as_having_data():
    assert socket_has_data(-1)
