"""A user with audit-log entries can be deleted on PostgreSQL (issue 11): the append-only
trigger refused the UPDATE that `on_delete=SET_NULL` issued on the audit table."""

import pytest
from django.db import connection

from openlima.models import AuditLog, User
from openlima.services import audit_log_record
from tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_user_with_audit_entries_can_be_deleted_and_the_entries_stay():
    user = UserFactory(email="borrar@example.pe")
    audit_log_record(actor=user, action="test.action", object_type="x", object_id=1)
    audit_log_record(actor=user, action="test.other", object_type="x", object_id=2)
    user_id = user.pk

    user.delete()

    assert not User.objects.filter(pk=user_id).exists()
    entries = AuditLog.objects.filter(actor_label="borrar@example.pe")
    assert entries.count() == 2  # untouched: same rows, same label, same actor id
    assert set(entries.values_list("actor_id", flat=True)) == {user_id}
    # The trigger still refuses any change to the trail.
    with (
        pytest.raises(Exception, match="append-only"),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE openlima_auditlog SET action = 'x'")


@pytest.mark.django_db
def test_deleting_a_user_leaves_the_trail_on_any_database():
    user = UserFactory(email="otra@example.pe")
    audit_log_record(actor=user, action="test.action")
    user.delete()
    assert AuditLog.objects.get(action="test.action").actor_label == "otra@example.pe"
