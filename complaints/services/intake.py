"""Intake: a reporter's complaint, code, messages and rating."""

import json
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Invalid
from openlima.services import audit_log_record, outbox_enqueue

from .. import crypto, deadlines
from ..models import (
    Channel,
    Complaint,
    Entry,
)
from ..uploads import CleanFile
from .keys import _grants_create
from .storage import _attachments_write, blob_delete

BODY_FIELDS = ("what", "unit", "district", "when", "who", "amount", "contact")


MAX_TEXT = 20000


def _code_fields(code: str, key: bytes) -> dict:
    params = crypto.argon2_params()
    salt = crypto.random_salt()
    verifier, reporter_key = crypto.code_derive(code, salt, params)
    return {
        "code_index": crypto.code_index(code),
        "code_salt": salt,
        "code_verifier": verifier,
        "code_params": params,
        "reporter_grant": crypto.encrypt(reporter_key, key),
    }


def _body_clean(body: dict) -> dict:
    clean = {}
    for field in BODY_FIELDS:
        value = str(body.get(field) or "").strip()
        clean[field] = value[:MAX_TEXT]
    if not clean["what"]:
        raise Invalid(
            _("Describa lo que ocurrió."), field_errors={"what": [_("Obligatorio.")]}
        )
    return clean


@transaction.atomic
def complaint_submit(
    *,
    body: dict,
    files: Sequence[CleanFile] = (),
    channel: str = Channel.WEB,
    registered_by=None,
    code: str | None = None,
) -> tuple[Complaint, str]:
    """File a complaint; returns it and its tracking code (shown once, never stored)."""
    clean = _body_clean(body)
    if channel not in Channel.values:
        raise Invalid(_("Canal no válido."))
    code = code or crypto.code_generate()
    key = crypto.random_key()
    now = timezone.now()
    ack_due, response_due = deadlines.due_dates(now)
    complaint = Complaint(
        channel=channel,
        received_at=now,
        stage_changed_at=now,
        ack_due_at=ack_due,
        response_due_at=response_due,
        code_must_change=registered_by is not None,
        sealed_body=crypto.encrypt(key, json.dumps(clean).encode()),
        **_code_fields(code, key),
    )
    complaint.full_clean()
    complaint.save()
    _grants_create(complaint=complaint, key=key)
    written = []
    try:
        if files:
            written = _attachments_write(
                complaint=complaint, key=key, files=list(files)
            )
        from complaints.tasks import complaint_notify_new

        outbox_enqueue(complaint_notify_new, complaint.pk)
    except Exception:
        for name in written:
            blob_delete(name)
        raise
    audit_log_record(
        actor=registered_by,
        action="complaints.complaint.create",
        obj=complaint,
        details={"channel": channel},
    )
    return complaint, code


@transaction.atomic
def complaint_replace_code(*, complaint: Complaint, key: bytes) -> str:
    """A code the unit passed on by phone or e-mail is replaced at first use."""
    code = crypto.code_generate()
    for field, value in _code_fields(code, key).items():
        setattr(complaint, field, value)
    complaint.code_must_change = False
    complaint.save(
        update_fields=[
            "code_index",
            "code_salt",
            "code_verifier",
            "code_params",
            "reporter_grant",
            "code_must_change",
        ]
    )
    return code


def _ensure_open(complaint: Complaint) -> None:
    if complaint.is_closed or complaint.purged_at:
        raise Invalid(_("El caso está cerrado: ya no se puede añadir información."))


@transaction.atomic
def reporter_message_add(
    *, complaint: Complaint, key: bytes, text: str, files: Sequence[CleanFile] = ()
) -> Entry:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _ensure_open(complaint)
    text = (text or "").strip()[:MAX_TEXT]
    if not text and not files:
        raise Invalid(
            _("Escriba un mensaje o adjunte un archivo."),
            field_errors={"text": [_("Obligatorio.")]},
        )
    existing = complaint.attachments.count()
    from ..uploads import max_attachments

    if existing + len(files) > max_attachments() * 2:
        raise Invalid(_("El caso ya tiene el máximo de archivos."))
    entry = Entry.objects.create(
        complaint=complaint,
        kind=Entry.Kind.FROM_REPORTER,
        is_public=True,
        sealed_text=crypto.encrypt(key, text.encode()),
        created_at=timezone.now(),
    )
    if files:
        _attachments_write(complaint=complaint, key=key, files=list(files), entry=entry)
    from complaints.tasks import complaint_notify_update

    outbox_enqueue(complaint_notify_update, complaint.pk)
    return entry


@transaction.atomic
def complaint_rate(*, complaint: Complaint, rating: int) -> Complaint:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise Invalid(
            _("La valoración va de 1 a 5."), field_errors={"rating": [_("De 1 a 5.")]}
        )
    complaint.rating = rating
    complaint.save(update_fields=["rating"])
    return complaint
