"""Documents and progress photos as uploads (docs/contracting.md, "Documents and photos"):
the content is sniffed, sizes are capped, photos lose their EXIF, files are stored through
the storage API and served like proposal images; the OCDS/OC4IDS output gives their public
URL; external links still work."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from contracting import selectors
from contracting.models import Document, InfrastructureProject, ProgressReport

from .test_admin import _form

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CamaraSecreta"  # Make
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _change(client, process, logistics, **extra):
    return client.post(
        f"/gestion/contracting/contractingprocess/{process.pk}/change/",
        _form(
            logistics,
            **{
                "documents-TOTAL_FORMS": "1",
                "documents-0-section": "tender",
                "documents-0-document_type": "tenderNotice",
                "documents-0-title": "Bases integradas",
                "documents-0-published_on": "2026-11-30",
                **extra,
            },
        ),
    )


@pytest.fixture
def process(staff_client_factory, procurement_editor, logistics):
    from contracting.models import ContractingProcess

    client = staff_client_factory(procurement_editor)
    assert (
        client.post(
            "/gestion/contracting/contractingprocess/add/", _form(logistics)
        ).status_code
        == 302
    )
    return client, ContractingProcess.objects.get()


def test_an_uploaded_pdf_is_stored_served_and_in_the_release(
    process, logistics, client
):
    staff, p = process
    upload = SimpleUploadedFile("bases.pdf", PDF, content_type="application/pdf")
    response = _change(staff, p, logistics, **{"documents-0-file": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    doc = Document.objects.get()
    assert doc.media_type == "application/pdf"
    assert doc.file.name.endswith(".pdf") and "bases" not in doc.file.name
    p.refresh_from_db()
    released = p.compiled["tender"]["documents"][0]
    url = selectors.document_public_url(doc)
    assert released["url"] == url and released["format"] == "application/pdf"
    path = url.split("://", 1)[1].split("/", 1)[1]
    served = client.get("/" + path)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF
    assert served["Content-Type"] == "application/pdf"
    assert "immutable" in served["Cache-Control"]
    # An old or guessed name, or another id: 404.
    assert (
        client.get(f"/contrataciones/archivos/documentos/{doc.pk}/x.pdf").status_code
        == 404
    )
    assert (
        client.get(
            f"/contrataciones/archivos/documentos/99999/{doc.file_name}"
        ).status_code
        == 404
    )
    # The process page links it.
    assert (
        url.split("://", 1)[1].split("/", 1)[1]
        in client.get(p.get_absolute_url()).content.decode()
    )


def test_a_document_of_an_unpublished_process_is_not_served(process, logistics, client):
    staff, p = process
    upload = SimpleUploadedFile("bases.pdf", PDF, content_type="application/pdf")
    assert (
        _change(staff, p, logistics, **{"documents-0-file": upload}).status_code == 302
    )
    doc = Document.objects.get()
    type(p).objects.filter(pk=p.pk).update(is_published=False)
    url = f"/contrataciones/archivos/documentos/{doc.pk}/{doc.file_name}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bases.pdf", b"MZ\x90\x00" + b"\x00" * 200, "no permitido"),  # an .exe
        ("bases.pdf", _jpeg_with_exif(), "no corresponde"),  # a JPEG called .pdf
        ("vacio.pdf", b"", "vac"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_written(
    process, logistics, name, content, message
):
    staff, p = process
    releases = p.releases.count()
    upload = SimpleUploadedFile(name, content)
    response = _change(staff, p, logistics, **{"documents-0-file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert p.releases.count() == releases


@override_settings(CONTRACTING_DOCUMENT_MAX_BYTES=1000)
def test_a_document_above_the_size_cap_is_refused(process, logistics):
    staff, p = process
    upload = SimpleUploadedFile("bases.pdf", PDF + b"0" * 2000)
    response = _change(staff, p, logistics, **{"documents-0-file": upload})
    assert response.status_code == 200
    assert "máximo" in response.content.decode()
    assert not Document.objects.exists()


def test_link_or_file_exactly_one(process, logistics):
    staff, p = process
    assert _change(staff, p, logistics).status_code == 200  # neither
    upload = SimpleUploadedFile("bases.pdf", PDF)
    response = _change(
        staff,
        p,
        logistics,
        **{"documents-0-file": upload, "documents-0-url": "https://example.org/b.pdf"},
    )
    assert response.status_code == 200  # both
    assert not Document.objects.exists()
    # An external link alone still works and is what the release gives.
    response = _change(
        staff, p, logistics, **{"documents-0-url": "https://example.org/b.pdf"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.compiled["tender"]["documents"][0]["url"] == "https://example.org/b.pdf"


def _project_post(client, project, **extra):
    data = {
        "slug": project.slug,
        "title": project.title,
        "description": project.description,
        "district": str(project.district_id),
        "unit": str(project.unit_id),
        "status": project.status,
        "sector": project.sector,
        "progress": str(project.progress),
        "is_published": "on",
        "updated_at_0": "2026-11-30",
        "updated_at_1": "10:00",
        "reports-TOTAL_FORMS": "1",
        "reports-INITIAL_FORMS": "0",
        "reports-MIN_NUM_FORMS": "0",
        "reports-MAX_NUM_FORMS": "1000",
        "reports-0-date": "2026-11-20",
        "reports-0-progress": "40",
        "reports-0-note": "Vaciado de losa",
        **extra,
    }
    return client.post(
        f"/gestion/contracting/infrastructureproject/{project.pk}/change/", data
    )


@pytest.fixture
def project(logistics, comas):
    return InfrastructureProject.objects.create(
        slug="losa-comas",
        title="Losa deportiva en Comas",
        description="Obra de prueba",
        district=comas,
        unit=logistics,
        status="implementation",
        progress=10,
        is_published=True,
    )


def test_a_progress_photo_loses_its_exif_and_is_in_oc4ids(
    staff_client_factory, procurement_editor, project, client
):
    staff = staff_client_factory(procurement_editor)
    upload = SimpleUploadedFile(
        "foto.jpg", _jpeg_with_exif(), content_type="image/jpeg"
    )
    response = _project_post(staff, project, **{"reports-0-photo": upload})
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    report = ProgressReport.objects.get()
    with report.photo.open("rb") as f:
        stored = f.read()
    assert b"CamaraSecreta" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    url = selectors.photo_public_url(report)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    served = client.get(path)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    package = client.get("/api/oc4ids/projects/").json()
    docs = package["projects"][0]["documents"]
    assert docs[0]["url"] == url and docs[0]["format"] == "image/jpeg"
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'src="{url}"' in page or f'src="{path}"' in page


def test_a_photo_that_is_not_an_image_is_refused(
    staff_client_factory, procurement_editor, project
):
    staff = staff_client_factory(procurement_editor)
    upload = SimpleUploadedFile("foto.jpg", PDF)
    response = _project_post(staff, project, **{"reports-0-photo": upload})
    assert response.status_code == 200
    assert "JPEG, PNG o WebP" in response.content.decode()
    assert not ProgressReport.objects.exists()
