"""Attachments in messages: requester and city, the upload rules of openlima/uploads.py,
private storage, a permission-checked download."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from information import services
from information.models import Message
from openlima.uploads import UploadRefused

from .conftest import pdf_bytes
from .test_views import login

pytestmark = pytest.mark.django_db


def pdf(name="factura.pdf"):
    return SimpleUploadedFile(
        name, pdf_bytes("adjunto"), content_type="application/pdf"
    )


def stored():
    root = settings.PRIVATE_STORAGE_ROOT / "information"
    return sorted(p.name for p in root.glob("*")) if root.exists() else []


def test_requester_and_officer_attach_files(file_request, citizen, officer):
    r = file_request()
    m1 = services.message_post(
        actor=citizen, info_request=r, body="Adjunto mi DNI escaneado.", uploaded=pdf()
    )
    m2 = services.message_post(
        actor=officer,
        info_request=r,
        body="Le enviamos el oficio.",
        uploaded=pdf("oficio.pdf"),
    )
    assert m1.attachment_media_type == "application/pdf" and not m1.from_city
    assert m2.attachment_filename == "oficio.pdf" and m2.from_city
    assert len(stored()) == 2
    assert m1.attachment_name in stored()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.pdf", b"", content_type="application/pdf"),  # empty
        SimpleUploadedFile(
            "x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        ),
        SimpleUploadedFile(
            "x.html", b"<script>alert(1)</script>", content_type="text/html"
        ),
    ],
)
def test_refused_files_leave_nothing(file_request, citizen, upload):
    r = file_request()
    with pytest.raises(UploadRefused):
        services.message_post(actor=citizen, info_request=r, body="x", uploaded=upload)
    assert not Message.objects.exists() and stored() == []


def test_too_big_is_refused(file_request, citizen, settings):
    settings.INFORMATION_DOCUMENT_MAX_BYTES = 100
    r = file_request()
    with pytest.raises(UploadRefused):
        services.message_post(actor=citizen, info_request=r, body="x", uploaded=pdf())
    assert stored() == []


@pytest.mark.parametrize("who", ["other_citizen", "other_unit_editor"])
def test_others_cannot_post(request, file_request, who):
    from django.core.exceptions import PermissionDenied

    r = file_request()
    with pytest.raises(PermissionDenied):
        services.message_post(
            actor=request.getfixturevalue(who), info_request=r, body="x", uploaded=pdf()
        )
    assert stored() == []


def test_download_is_permission_checked(
    client,
    file_request,
    citizen,
    other_citizen,
    officer,
    unit,
    unit_editor,
    other_unit_editor,
    staff_client_factory,
    django_assert_max_num_queries,
):
    r = file_request()
    services.request_assign(actor=officer, info_request=r, unit=unit)
    m = services.message_post(
        actor=citizen, info_request=r, body="Adjunto.", uploaded=pdf()
    )
    url = reverse("information:message_attachment", args=[r.number, m.pk])
    # anonymous: to the login; the public page does not link it
    assert client.get(url).status_code == 302
    assert url not in client.get(r.get_absolute_url()).content.decode()
    login(client, other_citizen)
    assert client.get(url).status_code == 404
    client.logout()
    login(client, citizen)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store, private"
    track = client.get(reverse("information:track", args=[r.number])).content.decode()
    assert url in track
    client.logout()
    assert staff_client_factory(unit_editor).get(url).status_code == 200
    client.logout()
    assert staff_client_factory(other_unit_editor).get(url).status_code == 404
    client.logout()
    assert staff_client_factory(officer).get(url).status_code == 200
    # a message without a file, or of another request: 404
    other = services.message_post(actor=citizen, info_request=r, body="Sin archivo.")
    login(client, citizen)
    url2 = reverse("information:message_attachment", args=[r.number, other.pk])
    assert client.get(url2).status_code == 404


def test_requester_attaches_through_the_page(client, file_request, citizen):
    r = file_request()
    login(client, citizen)
    url = reverse("information:track_message", args=[r.number])
    response = client.post(url, {"body": "Con adjunto", "attachment": pdf()})
    assert response.status_code == 302
    assert Message.objects.get().attachment_filename == "factura.pdf"
    bad = SimpleUploadedFile(
        "a.exe", b"MZ\x90\x00\x03", content_type="application/octet-stream"
    )
    response = client.post(url, {"body": "Otro", "attachment": bad})
    assert response.status_code == 400
    assert Message.objects.count() == 1


def test_officer_attaches_through_the_workspace(
    staff_client_factory, officer, file_request
):
    r = file_request()
    c = staff_client_factory(officer)
    url = reverse("information:work_action", args=[r.number, "mensaje"])
    response = c.post(
        url, {"message-body": "Oficio adjunto", "message-attachment": pdf()}
    )
    assert response.status_code == 302
    m = Message.objects.get()
    assert m.from_city and m.attachment_size > 0
