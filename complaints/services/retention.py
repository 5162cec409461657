"""Retention: purge of closed cases and erasure of personal data."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Invalid
from openlima.services import audit_log_record

from .. import conf
from ..models import (
    Complaint,
    KeyGrant,
    MemberKey,
)
from .storage import blob_delete, blob_name


def retention_days() -> int:
    return conf.retention_days()


def retention_purge(*, now=None) -> int:
    """Delete the content of cases closed longer ago than the retention period.

    Kept: the row's workflow metadata (stage, dates, channel, rating) for the aggregates,
    and the audit trail. Gone: body, messages, notes, files, keys, the code verifier.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    purged = 0
    for complaint_id in Complaint.objects.filter(
        purged_at__isnull=True, closed_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
            if complaint.purged_at:
                continue
            for attachment in complaint.attachments.all():
                blob_delete(blob_name(attachment))
            complaint.attachments.all().delete()
            complaint.grants.all().delete()
            complaint.entries.update(sealed_text=None)
            complaint.sealed_body = None
            complaint.reporter_grant = b""
            complaint.code_verifier = b""
            complaint.code_index = ""
            complaint.purged_at = now
            complaint.save(
                update_fields=[
                    "sealed_body",
                    "reporter_grant",
                    "code_verifier",
                    "code_index",
                    "purged_at",
                ]
            )
            audit_log_record(
                actor=None, action="complaints.complaint.purge", obj=complaint
            )
            purged += 1
    return purged


def erase_personal_data(*, user) -> None:
    """`erase_personal_data:complaints` (inside the account deletion transaction).

    Complaints are anonymous and never linked to an account: nothing of a reporter is here.
    For an integrity member the key pair and every case key sealed to it go (the private
    half was protected by a password that the deletion destroys, so they could never be
    opened again), and the cases assigned to them go back to the unit's queue. If some
    open case could then be opened by nobody (no other member's grant, no recovery grant)
    the deletion is refused, so the unit never loses a case: another member must be given
    access first.
    """
    held = KeyGrant.objects.filter(member=user)
    orphaned = (
        Complaint.objects.filter(grants__member=user, purged_at__isnull=True)
        .exclude(grants__in=KeyGrant.objects.exclude(member=user))
        .distinct()
        .count()
    )
    if orphaned:
        raise Invalid(
            _(
                "Usted es la única persona con acceso a %(count)s denuncias. Conceda acceso "
                "a otro miembro de la unidad antes de eliminar su cuenta."
            )
            % {"count": orphaned}
        )
    revoked, _rows = held.delete()
    had_key, _rows = MemberKey.objects.filter(user=user).delete()
    unassigned = Complaint.objects.filter(assignee=user).update(assignee=None)
    if revoked or had_key or unassigned:
        audit_log_record(
            actor=None,
            action="complaints.member_key.revoke",
            object_type="openlima.user",
            object_id=user.pk,
            details={
                "reason": "account.delete",
                "grants_revoked": revoked,
                "cases_unassigned": unassigned,
            },
        )
