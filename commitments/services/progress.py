"""Progress updates: creation and scheduled publication."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Invalid

from .. import selectors
from ..models import (
    Commitment,
    Milestone,
    ProgressUpdate,
)
from .commitments import commitment_recompute
from .common import _publish_fields, _require_edit
from .milestones import MILESTONE_EDITABLE_FIELDS

logger = logging.getLogger(__name__)


@transaction.atomic
def progress_update_create(
    *, user, commitment: Commitment, milestone=None, note: str, publish_at=None
) -> ProgressUpdate:
    """A note in the public history (e.g. a scheduled announcement)."""
    _require_edit(user=user, commitment=commitment)
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Escriba la nota."), field_errors={"note": [_("Obligatorio.")]})
    if len(note) > 4000:
        raise Invalid(_("La nota es demasiado larga (máximo 4000)."))
    if milestone is not None and milestone.commitment_id != commitment.pk:
        raise Invalid(_("El hito no pertenece a este compromiso."))
    publish_at, published_at = _publish_fields(publish_at)
    update = ProgressUpdate(
        commitment=commitment,
        milestone=milestone,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        author=user,
        note=note,
        publish_at=publish_at,
        published_at=published_at,
    )
    update.full_clean()
    update.save()
    return update


def progress_update_publish_due(*, now=None) -> int:
    """Publisher of `publish_scheduled`: updates whose `publish_at` has passed go public,
    and scheduled milestone changes are applied then (oldest first)."""
    now = now or timezone.now()
    published = 0
    due = ProgressUpdate.objects.filter(
        published_at__isnull=True, publish_at__lte=now
    ).order_by("publish_at", "id")
    for update_id in due.values_list("pk", flat=True)[:1000]:
        published += _progress_update_publish(update_id=update_id, now=now)
    return published


DATE_FIELDS = {"start_on", "due_on", "completed_on"}


@transaction.atomic
def _progress_update_publish(*, update_id: int, now) -> int:
    update = (
        ProgressUpdate.objects.select_for_update()
        .filter(pk=update_id, published_at__isnull=True)
        .first()
    )
    if update is None:
        return 0
    fields = {
        k: v
        for k, v in (update.changes or {}).items()
        if k in MILESTONE_EDITABLE_FIELDS
    }
    if update.milestone_id and fields and update.applied_at is None:
        milestone = Milestone.objects.select_for_update().get(pk=update.milestone_id)
        for field, (_old, new) in fields.items():
            if field in DATE_FIELDS and new:
                new = datetime.date.fromisoformat(new)
            setattr(milestone, field, new)
        try:
            with transaction.atomic():
                milestone.full_clean()
                milestone.updated_at = now
                milestone.save(update_fields=[*fields.keys(), "updated_at"])
            update.applied_at = now
        except ValidationError:
            logger.warning(
                "scheduled update %s no longer valid; published as a note", update.pk
            )
        commitment_recompute(commitment=milestone.commitment)
    update.published_at = now
    update.save(update_fields=["published_at", "applied_at"])
    return 1
