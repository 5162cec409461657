"""Handling by the integrity office: transitions, messages, notes, assignment."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Invalid
from openlima.services import audit_log_record

from .. import crypto
from ..models import (
    CLOSED_STAGES,
    TRANSITIONS,
    ArchiveReason,
    Category,
    Complaint,
    Destination,
    Entry,
    Priority,
    Stage,
)
from .intake import MAX_TEXT
from .keys import integrity_members


def _text_required(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid(
            _("Este texto es obligatorio."), field_errors={field: [_("Obligatorio.")]}
        )
    return text[:MAX_TEXT]


@transaction.atomic
def complaint_transition(
    *,
    complaint: Complaint,
    key: bytes,
    actor,
    to_stage: str,
    note: str,
    is_public: bool = False,
    destination: str = "",
    archive_reason: str = "",
) -> Entry:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.purged_at:
        raise Invalid(_("El contenido de este caso fue eliminado."))
    current = Stage(complaint.stage)
    _transition_check_allowed(current, to_stage)
    note = _text_required(note, "note")
    outcome = _transition_set_outcome(
        complaint,
        to_stage=to_stage,
        destination=destination,
        archive_reason=archive_reason,
    )
    update = ["stage", "stage_changed_at", *outcome]
    now = timezone.now()
    complaint.stage = to_stage
    complaint.stage_changed_at = now
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
        update.append("acknowledged_at")
    if to_stage in CLOSED_STAGES:
        complaint.closed_at = now
        update.append("closed_at")
    complaint.save(update_fields=update)
    entry = Entry.objects.create(
        complaint=complaint,
        kind=Entry.Kind.STAGE,
        author=actor,
        stage_from=current,
        stage_to=to_stage,
        is_public=bool(is_public),
        sealed_text=crypto.encrypt(key, note.encode()),
        created_at=now,
    )
    audit_log_record(
        actor=actor,
        action="complaints.complaint.transition",
        obj=complaint,
        details={"from": current.value, "to": to_stage},
    )
    return entry


def _transition_check_allowed(current: Stage, to_stage: str) -> None:
    """Refuse a stage the case cannot go to from where it is."""
    if to_stage not in Stage.values or Stage(to_stage) not in TRANSITIONS[current]:
        raise Invalid(
            _("No se puede pasar de «%(from)s» a «%(to)s».")
            % {
                "from": current.label,
                "to": dict(Stage.choices).get(to_stage, to_stage),
            },
            field_errors={"to_stage": [_("Transición no permitida.")]},
        )


def _transition_set_outcome(
    complaint: Complaint, *, to_stage: str, destination: str, archive_reason: str
) -> list[str]:
    """Record where a referred case goes or why an archived one is archived (both
    required there); the fields this changed."""
    required: dict[str, tuple[str, str, list[str], str]] = {
        Stage.REFERRED: (
            "destination",
            destination,
            Destination.values,
            _("Indique a qué entidad se deriva."),
        ),
        Stage.ARCHIVED: (
            "archive_reason",
            archive_reason,
            ArchiveReason.values,
            _("Indique el motivo del archivo."),
        ),
    }
    if to_stage not in required:
        return []
    field, value, allowed, message = required[to_stage]
    if value not in allowed:
        raise Invalid(message, field_errors={field: [_("Obligatorio.")]})
    setattr(complaint, field, value)
    return [field]


@transaction.atomic
def complaint_message_send(
    *, complaint: Complaint, key: bytes, actor, text: str
) -> Entry:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.purged_at:
        raise Invalid(_("El contenido de este caso fue eliminado."))
    text = _text_required(text)
    now = timezone.now()
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
        complaint.save(update_fields=["acknowledged_at"])
    entry = Entry.objects.create(
        complaint=complaint,
        kind=Entry.Kind.TO_REPORTER,
        author=actor,
        is_public=True,
        sealed_text=crypto.encrypt(key, text.encode()),
        created_at=now,
    )
    audit_log_record(actor=actor, action="complaints.message.send", obj=complaint)
    return entry


@transaction.atomic
def complaint_note_add(*, complaint: Complaint, key: bytes, actor, text: str) -> Entry:
    if complaint.purged_at:
        raise Invalid(_("El contenido de este caso fue eliminado."))
    entry = Entry.objects.create(
        complaint=complaint,
        kind=Entry.Kind.NOTE,
        author=actor,
        is_public=False,
        sealed_text=crypto.encrypt(key, _text_required(text).encode()),
        created_at=timezone.now(),
    )
    audit_log_record(actor=actor, action="complaints.note.add", obj=complaint)
    return entry


@transaction.atomic
def complaint_update_handling(
    *, complaint: Complaint, actor, assignee_id=None, category_id=None, priority=None
) -> Complaint:
    update = []
    if assignee_id is not None:
        if assignee_id == "":
            complaint.assignee = None
        else:
            assignee = integrity_members().filter(pk=assignee_id).first()
            if assignee is None:
                raise Invalid(
                    _("Solo se asigna a miembros de la unidad."),
                    field_errors={"assignee": [_("No válido.")]},
                )
            complaint.assignee = assignee
        update.append("assignee")
    if category_id is not None:
        complaint.category = (
            None
            if category_id == ""
            else Category.objects.filter(pk=category_id, is_active=True).first()
        )
        if category_id != "" and complaint.category is None:
            raise Invalid(
                _("Categoría no válida."), field_errors={"category": [_("No válida.")]}
            )
        update.append("category")
    if priority is not None:
        try:
            priority = int(priority)
        except (TypeError, ValueError):
            priority = -1
        if priority not in Priority.values:
            raise Invalid(
                _("Prioridad no válida."), field_errors={"priority": [_("No válida.")]}
            )
        complaint.priority = priority
        update.append("priority")
    if update:
        complaint.save(update_fields=update)
        audit_log_record(
            actor=actor,
            action="complaints.complaint.handling",
            obj=complaint,
            details={"fields": update},
        )
    return complaint
