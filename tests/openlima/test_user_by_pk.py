"""`User.objects.get(pk=N)`, which the authentication backends call on every signed-in
request, reads the row with one prepared SELECT on PostgreSQL instead of building and
compiling a QuerySet (openlima/models.py UserManager.get, docs/performance.md). It must
answer exactly what the QuerySet answers."""

import pytest
from django.db import connection
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext

from openlima.models import User
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fields(user) -> dict:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_by_pk_is_the_querysets_user_in_one_query():
    user = StaffFactory(display_name="Ana <b>Quispe</b>")
    user.deleted_at = None
    with CaptureQueriesContext(connection) as ctx:
        fast = User.objects.get(pk=user.pk)
    assert len(ctx.captured_queries) == 1
    slow = User.objects.filter(pk=user.pk).get()
    assert _fields(fast) == _fields(slow)
    assert fast._state.adding is False and fast._state.db == "default"
    assert fast.get_session_auth_hash() == slow.get_session_auth_hash()
    fast.display_name = "Ana"
    fast.save(update_fields=["display_name"])  # a normal model instance
    assert User.objects.filter(pk=user.pk).get().display_name == "Ana"


def test_missing_user_raises_does_not_exist():
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=2**31 - 1)


def test_other_lookups_still_go_through_the_queryset():
    user = UserFactory(email="rosa@example.pe")
    assert User.objects.get(email="rosa@example.pe") == user
    assert User.objects.get(pk=str(user.pk)) == user  # not an int: the QuerySet's way
    assert User.objects.get(pk=user.pk, is_active=True) == user
    with pytest.raises(User.MultipleObjectsReturned):
        UserFactory(display_name="Doble")
        UserFactory(display_name="Doble")
        User.objects.get(display_name="Doble")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the prepared read is PostgreSQL's only"
)
def test_a_signed_in_request_builds_no_queryset_for_the_user(client, monkeypatch):
    """Seen failing before the change: the session's user came from QuerySet.get."""
    user = UserFactory()
    client.force_login(user)
    calls = []
    original = QuerySet.get

    def spy(self, *args, **kwargs):
        if self.model is User:
            calls.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", spy)
    response = client.get("/participa/")
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == user.pk
    assert calls == []


def test_a_session_of_a_deleted_user_is_anonymous(client):
    user = UserFactory()
    client.force_login(user)
    User.objects.filter(pk=user.pk).delete()
    response = client.get("/participa/")
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
