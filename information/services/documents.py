"""Answer documents: the private original, the redacted public copy, publishing, promotion to a dataset."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import registry, stored_files, uploads
from openlima.errors import Conflict, Invalid
from openlima.selectors import absolute_url

from .. import selectors, storage
from ..models import (
    ANSWERED_STATES,
    Document,
)
from ._common import _audit, _clean_text, _require_officer, _require_worker

__all__ = [
    "document_add",
    "document_redact",
    "document_publish",
    "document_unpublish",
    "document_promote",
]


def _read_file(uploaded, *, field: str):
    data = uploads.read_upload(
        uploaded, max_bytes=selectors.max_document_bytes(), field=field
    )
    sniffed = uploads.sniff(
        data,
        allowed=selectors.DOCUMENT_KINDS,
        filename=getattr(uploaded, "name", ""),
        field=field,
    )
    return data, sniffed


@stored_files.atomic()
def document_add(*, actor, info_request, title: str, uploaded) -> Document:
    """The original file of an answer: private until the officer publishes a redacted copy."""
    _require_worker(actor, info_request)
    title = _clean_text(title, field="title", max_length=200)
    data, sniffed = _read_file(uploaded, field="file")
    name = storage.save(data, extension=sniffed.extension)
    document = Document.objects.create(
        request=info_request,
        title=title,
        original_name=name,
        original_filename=uploads.display_filename(getattr(uploaded, "name", "")),
        original_media_type=sniffed.media_type,
        original_size=len(data),
        uploaded_by=actor,
    )
    _audit(actor, "document.add", info_request, document=document.pk)
    return document


@stored_files.atomic()
def document_redact(
    *, actor, document, uploaded=None, same_as_original: bool = False
) -> Document:
    """The officer stores the redacted copy (personal data removed), or declares that the
    original holds none (then the copy is the original)."""
    _require_officer(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if same_as_original:
        data = storage.read(document.original_name)
        extension = uploads.file_extension(document.original_name)
        media_type = document.original_media_type
        filename = document.original_filename
    else:
        if uploaded is None:
            raise Invalid(
                _("Adjunte la versión sin datos personales."),
                field_errors={"file": [_("Adjunte la versión sin datos personales.")]},
            )
        data, sniffed = _read_file(uploaded, field="file")
        extension, media_type = sniffed.extension, sniffed.media_type
        filename = uploads.display_filename(getattr(uploaded, "name", ""))
    old = document.redacted_name
    document.redacted_name = storage.save(data, extension=extension)
    document.redacted_filename = filename
    document.redacted_media_type = media_type
    document.redacted_size = len(data)
    document.redacted_at = timezone.now()
    document.save(
        update_fields=[
            "redacted_name",
            "redacted_filename",
            "redacted_media_type",
            "redacted_size",
            "redacted_at",
        ]
    )
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    _audit(
        actor,
        "document.redact",
        document.request,
        document=document.pk,
        same_as_original=same_as_original,
    )
    return document


@transaction.atomic
def document_publish(*, actor, document) -> Document:
    _require_officer(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not document.redacted_name:
        raise Conflict(
            _("Antes de publicar, guarde la versión sin datos personales."),
        )
    if document.request.state not in ANSWERED_STATES:
        raise Conflict(
            _("Solo se publican documentos de solicitudes respondidas."),
        )
    if document.published_at is None:
        document.published_at = timezone.now()
        document.save(update_fields=["published_at"])
        _audit(actor, "document.publish", document.request, document=document.pk)
    return document


@transaction.atomic
def document_unpublish(*, actor, document) -> Document:
    _require_officer(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.published_at is not None:
        document.published_at = None
        document.save(update_fields=["published_at"])
        _audit(actor, "document.unpublish", document.request, document=document.pk)
    return document


def document_promote(*, actor, document, title: str, description: str) -> str:
    """A recurring published document becomes a dataset in the catalogue, in one step
    (opendata's `dataset_create_from_document` provider). Returns the dataset's URL."""
    _require_officer(actor)
    document = Document.objects.select_related("request__unit").get(pk=document.pk)
    if not document.is_public:
        raise Conflict(
            _("Solo se puede llevar al catálogo un documento publicado."),
        )
    create = registry.provider("dataset_create_from_document")
    if create is None:
        raise Conflict(_("El catálogo de datos abiertos no está disponible."))
    title = _clean_text(title, field="title", max_length=200)
    description = _clean_text(description, field="description", max_length=5000)
    info_request = document.request
    result = create(
        title=title,
        description=description,
        publisher_slug=info_request.unit.slug if info_request.unit else "",
        data=storage.read(document.redacted_name),
        filename=document.redacted_filename or f"{document.title}.pdf",
        source_url=absolute_url(info_request.get_absolute_url()),
        actor=actor,
    )
    Document.objects.filter(pk=document.pk).update(dataset_url=result["url"][:300])
    _audit(
        actor,
        "document.promote",
        info_request,
        document=document.pk,
        dataset=result.get("slug", ""),
    )
    return result["url"]
