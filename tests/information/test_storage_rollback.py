"""A stored file whose transaction rolls back is deleted (docs/information-requests.md,
"Files and transactions"): a failing write leaves no file in storage."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from information import services
from information.models import Document
from openlima import stored_files

from .conftest import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def files_in_storage():
    root = settings.PRIVATE_STORAGE_ROOT / "information"
    return sorted(p.name for p in root.glob("*")) if root.exists() else []


def pdf(name="respuesta.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


class Boom(Exception):
    pass


def test_a_failing_document_write_leaves_no_file(file_request, officer, monkeypatch):
    info_request = file_request()

    def fail(*args, **kwargs):
        raise Boom

    # the database write after the file was stored fails
    monkeypatch.setattr("information.services.documents._audit", fail)
    with pytest.raises(Boom):
        services.document_add(
            actor=officer, info_request=info_request, title="Contrato", uploaded=pdf()
        )
    assert Document.objects.count() == 0
    assert files_in_storage() == []


def test_a_caller_transaction_that_rolls_back_leaves_no_file(file_request, officer):
    info_request = file_request()
    with pytest.raises(Boom), stored_files.atomic():
        services.document_add(
            actor=officer, info_request=info_request, title="Contrato", uploaded=pdf()
        )
        assert len(files_in_storage()) == 1
        raise Boom
    assert Document.objects.count() == 0
    assert files_in_storage() == []


def test_a_redaction_that_fails_leaves_the_old_copy_and_no_new_file(
    file_request, officer, monkeypatch
):
    info_request = file_request()
    document = services.document_add(
        actor=officer, info_request=info_request, title="Contrato", uploaded=pdf()
    )
    services.document_redact(actor=officer, document=document, same_as_original=True)
    before = files_in_storage()
    assert len(before) == 2

    def fail(*args, **kwargs):
        raise Boom

    monkeypatch.setattr("information.services.documents._audit", fail)
    with pytest.raises(Boom):
        services.document_redact(
            actor=officer, document=document, uploaded=pdf("otra.pdf")
        )
    assert files_in_storage() == before


def test_a_committed_write_keeps_its_file(file_request, officer):
    info_request = file_request()
    document = services.document_add(
        actor=officer, info_request=info_request, title="Contrato", uploaded=pdf()
    )
    assert files_in_storage() == [document.original_name]


def test_a_plain_caller_transaction_is_swept_at_the_end_of_the_request(
    file_request, officer
):
    from django.core.signals import request_finished

    info_request = file_request()
    with pytest.raises(Boom), transaction.atomic():
        services.document_add(
            actor=officer, info_request=info_request, title="Contrato", uploaded=pdf()
        )
        raise Boom
    assert len(files_in_storage()) == 1  # the caller's rollback is not seen yet
    request_finished.send(sender=None)
    assert files_in_storage() == []


def test_a_savepoint_rolled_back_inside_a_commit_leaves_no_file(file_request, officer):
    info_request = file_request()
    with stored_files.atomic():
        kept = services.document_add(
            actor=officer, info_request=info_request, title="Guardado", uploaded=pdf()
        )
        with pytest.raises(Boom), transaction.atomic():
            services.document_add(
                actor=officer, info_request=info_request, title="Otro", uploaded=pdf()
            )
            raise Boom
    assert list(Document.objects.values_list("title", flat=True)) == ["Guardado"]
    assert files_in_storage() == [kept.original_name]
