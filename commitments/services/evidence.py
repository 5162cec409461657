"""Evidence files attached to milestones: checks and upload."""

from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openlima import uploads
from openlima.errors import Invalid

from .. import conf, selectors
from ..models import (
    Evidence,
    Milestone,
    ProgressUpdate,
)
from .common import _publish_fields, _require_edit, _validation_message

# Evidence documents: the kinds (judged by content) an office may attach.
EVIDENCE_KINDS = frozenset(
    {"pdf", "png", "jpeg", "gif", "webp"}
    | {"docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt"}
)


EVIDENCE_MESSAGES = {
    "empty": gettext_lazy("El archivo está vacío."),
    "too_big": gettext_lazy("El archivo pesa más de %(mb)s MB."),
    "not_allowed": gettext_lazy(
        "Tipo de archivo no permitido. Se aceptan PDF, imágenes (PNG, JPEG, GIF, "
        "WebP) y documentos de oficina (Word, Excel, PowerPoint, OpenDocument)."
    ),
}


EVIDENCE_DEFAULT_MAX_BYTES = conf.EVIDENCE_DEFAULT_MAX_BYTES


def evidence_check_file(*, uploaded) -> uploads.Sniffed:
    """Sniff the content (not the name) against the allow-list; returns its kind."""
    max_bytes = conf.evidence_max_bytes()
    refuse: dict[str, Any] = {"field": None, "messages": EVIDENCE_MESSAGES}
    uploads.check_size(uploaded.size, max_bytes=max_bytes, **refuse)
    return uploads.sniff(uploaded, allowed=EVIDENCE_KINDS, **refuse)


def _evidence_fields_clean(*, description: str, url: str, uploaded) -> tuple[str, str]:
    """A description, and exactly one of a document or a link."""
    description = (description or "").strip()
    url = (url or "").strip()
    if not description:
        raise Invalid(
            _("Describa la evidencia."),
            field_errors={"description": [_("Obligatorio.")]},
        )
    if bool(url) == bool(uploaded):
        raise Invalid(_("Adjunte un documento o indique un enlace (uno solo)."))
    return description, url


def _evidence_file_describe(*, evidence: Evidence, uploaded):
    """Check the document and fill in the evidence's file fields; returns the file to
    store (a photo's copy without its EXIF/GPS)."""
    sniffed = evidence_check_file(uploaded=uploaded)
    evidence.original_name = PurePath(uploaded.name or "documento").name[:255]
    if sniffed.kind in uploads.IMAGE_KINDS:
        # Evidence is public: photos lose their EXIF/GPS (who took them, where).
        uploaded.seek(0)
        clean = uploads.image_clean(
            uploaded.read(), field=None, messages=EVIDENCE_MESSAGES
        )
        uploaded = ContentFile(clean.data, name=evidence.original_name)
        sniffed = uploads.Sniffed(clean.kind, clean.media_type, clean.extension)
    evidence.content_type = sniffed.media_type
    evidence.size = uploaded.size
    evidence.stored_name = uploads.storage_name(sniffed.extension)
    evidence.file = "placeholder"  # satisfies full_clean; replaced by save() below
    return uploaded


def _evidence_store(
    *, evidence: Evidence, uploaded, commitment, description: str, publish_at
) -> None:
    """Save the file, the evidence and its ProgressUpdate: if any of them fails, the
    stored file is deleted again (no orphan file without its row)."""
    stored = None
    try:
        if uploaded is not None:
            evidence.file = None
            evidence.file.save(evidence.stored_name, uploaded, save=False)
            stored = evidence.file.name
        publish_at, published_at = _publish_fields(publish_at)
        evidence.publish_at = publish_at
        evidence.save()
        ProgressUpdate.objects.create(
            commitment=commitment,
            milestone=evidence.milestone,
            unit=evidence.unit,
            author=evidence.created_by,
            changes={"evidence": [None, description]},
            publish_at=publish_at,
            published_at=published_at,
        )
    except Exception:
        if stored:  # nothing half-written: no orphan file without its row
            from django.core.files.storage import default_storage

            default_storage.delete(stored)
        raise


@transaction.atomic
def evidence_add(
    *,
    user,
    milestone: Milestone,
    description: str,
    url: str = "",
    uploaded=None,
    publish_at=None,
    check_permission: bool = True,
) -> Evidence:
    commitment = milestone.commitment
    if check_permission:
        _require_edit(user=user, commitment=commitment)
    description, url = _evidence_fields_clean(
        description=description, url=url, uploaded=uploaded
    )
    evidence = Evidence(
        milestone=milestone,
        description=description,
        url=url,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        created_by=user if getattr(user, "pk", None) else None,
    )
    if uploaded is not None:
        uploaded = _evidence_file_describe(evidence=evidence, uploaded=uploaded)
    try:
        evidence.full_clean(exclude=["file"])
    except ValidationError as exc:
        raise Invalid(
            _validation_message(exc), field_errors=getattr(exc, "message_dict", {})
        ) from exc
    _evidence_store(
        evidence=evidence,
        uploaded=uploaded,
        commitment=commitment,
        description=description,
        publish_at=publish_at,
    )
    return evidence
