"""ARCO (Ley 29733): what the complaints app holds about a person."""

from typing import Any

from django.utils.translation import gettext as _

from ..models import Complaint, KeyGrant, MemberKey


def personal_data(*, user) -> dict:
    """`personal_data:complaints`: complaints are anonymous and never linked to an account,
    so a citizen has nothing here. For an integrity member: when their key was created
    and approved, how many case keys are sealed to it and how many cases they are assigned
    (never the keys themselves nor any case content)."""
    key = (
        MemberKey.objects.filter(user=user).values("created_at", "approved_at").first()
    )
    grants = KeyGrant.objects.filter(member=user).count()
    assigned = Complaint.objects.filter(assignee=user).count()
    member = None
    if key is not None or grants or assigned:
        member = {
            "key_created_at": key["created_at"].isoformat() if key else None,
            "key_approved_at": key["approved_at"].isoformat()
            if key and key["approved_at"]
            else None,
            "case_keys": grants,
            "assigned_cases": assigned,
        }
    summary: list[list[Any]] = [
        [
            _("Denuncias"),
            _("Las denuncias son anónimas y nunca se vinculan a su cuenta."),
        ]
    ]
    if member is not None:
        summary += [
            [_("Casos a los que tiene acceso (miembro de la unidad)"), grants],
            [_("Casos asignados a ti"), assigned],
        ]
    return {"summary": summary, "integrity_member": member}
