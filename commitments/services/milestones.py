"""Writes of milestones. Milestone changes always go through `milestone_update`,
which writes the ProgressUpdate and recomputes the commitment."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Invalid

from .. import selectors
from ..models import (
    Commitment,
    Milestone,
    MilestoneStatus,
    ProgressUpdate,
)
from .commitments import commitment_recompute
from .common import _json_value, _publish_fields, _require_edit, _validation_message

MILESTONE_EDITABLE_FIELDS = [
    "code",
    "title",
    "description",
    "start_on",
    "due_on",
    "status",
    "progress",
    "completed_on",
    "weight",
    "delay_reason",
]


def _milestone_apply(*, milestone: Milestone, data: dict) -> dict:
    """Set `data` on the milestone (editable fields only) and check it; returns the
    fields' values before."""
    unknown = set(data) - set(MILESTONE_EDITABLE_FIELDS)
    if unknown:
        raise Invalid(
            _("Campos no editables: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    before = {f: getattr(milestone, f) for f in MILESTONE_EDITABLE_FIELDS}
    for field, value in data.items():
        setattr(milestone, field, value)
    if milestone.status == MilestoneStatus.COMPLETED and "progress" not in data:
        milestone.progress = 100
    if (
        milestone.status != MilestoneStatus.COMPLETED
        and before["status"] == MilestoneStatus.COMPLETED
        and "completed_on" not in data
    ):
        milestone.completed_on = None
    try:
        milestone.full_clean()
    except ValidationError as exc:
        raise Invalid(
            _validation_message(exc), field_errors=getattr(exc, "message_dict", {})
        ) from exc
    return before


def _milestone_changes(*, milestone: Milestone, before: dict) -> dict:
    """`{field: [before, after]}` (JSON values) for each field that changed."""
    return {
        f: [_json_value(before[f]), _json_value(getattr(milestone, f))]
        for f in MILESTONE_EDITABLE_FIELDS
        if before[f] != getattr(milestone, f)
    }


@transaction.atomic
def milestone_update(
    *,
    user,
    milestone: Milestone,
    data: dict,
    note: str = "",
    publish_at=None,
    check_permission: bool = True,
) -> ProgressUpdate | None:
    """Apply `data` to the milestone and record what changed as a ProgressUpdate.

    Returns the update, or None when nothing changed (nothing is written then)."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    commitment = milestone.commitment
    if check_permission:
        _require_edit(user=user, commitment=commitment)
    before = _milestone_apply(milestone=milestone, data=data)
    changes = _milestone_changes(milestone=milestone, before=before)
    note = (note or "").strip()
    if not changes and not note:
        return None
    publish_at, published_at = _publish_fields(publish_at)
    # A scheduled update changes the milestone only when it is published.
    if changes and published_at is not None:
        milestone.updated_at = timezone.now()
        milestone.save(update_fields=[*changes.keys(), "updated_at"])
    update = ProgressUpdate(
        commitment=commitment,
        milestone=milestone,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        author=user if getattr(user, "pk", None) else None,
        changes=changes,
        note=note,
        publish_at=publish_at,
        published_at=published_at,
        applied_at=published_at,
    )
    update.full_clean()
    update.save()
    commitment_recompute(commitment=commitment)
    return update


@transaction.atomic
def milestone_create(
    *, user, commitment: Commitment, data: dict, check_permission: bool = True
) -> Milestone:
    if check_permission:
        _require_edit(user=user, commitment=commitment)
    milestone = Milestone(commitment=commitment, **data)
    if milestone.status == MilestoneStatus.COMPLETED and "progress" not in data:
        milestone.progress = 100
    try:
        milestone.full_clean()
    except ValidationError as exc:
        raise Invalid(
            _validation_message(exc), field_errors=getattr(exc, "message_dict", {})
        ) from exc
    milestone.save()
    ProgressUpdate.objects.create(
        commitment=commitment,
        milestone=milestone,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        author=user if getattr(user, "pk", None) else None,
        changes={"created": [None, milestone.title]},
        published_at=timezone.now(),
    )
    commitment_recompute(commitment=commitment)
    return milestone


@transaction.atomic
def milestone_delete(*, user, milestone: Milestone) -> None:
    if not selectors.user_is_coordinator(user=user):
        raise PermissionDenied(_("Solo la coordinación OGP elimina hitos."))
    commitment = milestone.commitment
    ProgressUpdate.objects.create(
        commitment=commitment,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        author=user,
        changes={"deleted": [milestone.title, None]},
        published_at=timezone.now(),
    )
    milestone.delete()
    commitment_recompute(commitment=commitment)


def _bulk_check(*, user, milestones) -> list[Milestone]:
    milestones = list(milestones)
    denied = [
        m
        for m in milestones
        if not selectors.user_can_edit_commitment(user=user, commitment=m.commitment)
    ]
    if denied:
        raise PermissionDenied(
            _("No puede modificar estos hitos: %(m)s")
            % {"m": ", ".join(str(m) for m in denied)}
        )
    return milestones


@transaction.atomic
def milestones_mark_completed(
    *, user, milestones, completed_on: datetime.date, note: str = ""
) -> int:
    """Bulk action: all or nothing (a denied or invalid one writes nothing)."""
    if not completed_on:
        raise Invalid(_("Indique la fecha de cumplimiento."))
    count = 0
    for milestone in _bulk_check(user=user, milestones=milestones):
        data = {
            "status": MilestoneStatus.COMPLETED,
            "completed_on": completed_on,
            "progress": 100,
        }
        count += bool(
            milestone_update(user=user, milestone=milestone, data=data, note=note)
        )
    return count


@transaction.atomic
def milestones_mark_delayed(*, user, milestones, reason: str) -> int:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Indique el motivo del retraso."))
    if len(reason) > 2000:
        raise Invalid(_("El motivo es demasiado largo (máximo 2000)."))
    count = 0
    for milestone in _bulk_check(user=user, milestones=milestones):
        data = {
            "status": MilestoneStatus.DELAYED,
            "delay_reason": reason,
            "completed_on": None,
        }
        count += bool(
            milestone_update(user=user, milestone=milestone, data=data, note=reason)
        )
    return count
