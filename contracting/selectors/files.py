"""Public URLs of uploaded documents and progress photos, and which of them the public may
download (docs/contracting.md, "Documents and photos")."""

from django.http import Http404
from django.urls import reverse

from openlima.selectors import absolute_url

from ..models import BulkFile, Document, ProgressReport


def document_public_url(document: Document) -> str:
    """The uploaded file's public URL (its stored name is part of it, so a replaced file
    gets a new URL), else the external link."""
    if document.file:
        return absolute_url(
            reverse("contracting_document", args=[document.pk, document.file_name])
        )
    return document.url


def photo_public_url(report: ProgressReport) -> str:
    if report.photo:
        return absolute_url(
            reverse("contracting_photo", args=[report.pk, report.photo_name])
        )
    return report.photo_url


def document_file_get_public(*, document_id: int, name: str) -> Document:
    document = (
        Document.objects.filter(pk=document_id, process__is_published=True)
        .exclude(file="")
        .first()
    )
    if document is None or document.file_name != name:
        raise Http404
    return document


def report_photo_get_public(*, report_id: int, name: str) -> ProgressReport:
    report = (
        ProgressReport.objects.filter(pk=report_id, project__is_published=True)
        .exclude(photo="")
        .first()
    )
    if report is None or report.photo_name != name:
        raise Http404
    return report


def stored_files(*, using: str) -> list[tuple[str, str]]:
    """`stored_files:contracting`: the current bulk files, saved in the public storage
    under a name kept in BulkFile (the uploads are FileFields, found by the backup)."""
    return [
        ("default", name)
        for name in BulkFile.objects.using(using).values_list("storage_name", flat=True)
        if name
    ]
