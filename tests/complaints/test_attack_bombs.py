"""Attack 3 (docs/threat-model.md): memory exhaustion before the challenge.

A ~200 KB ODT whose `mimetype` member inflates to 200 MiB, the same trick in an XLSX, and
a PNG whose header claims 400 million pixels are posted to every upload path: complaint
intake (with and without a solved challenge), the reporter's reply, the unit's register
form, citizen proposals, participatory-budget projects, commitment evidence (admin) and
dataset resources (admin). The worker's resident memory (peak, reset before each post
through /proc/self/clear_refs) must grow by less than 20 MB and the answer must refuse the
file clearly. Linux only (needs /proc)."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints import services
from complaints.models import Complaint
from openlima import roles
from tests.budgets.conftest import (  # noqa: F401 (fixtures)
    district_heading,
    districts,
    process,
    resident,
    resident_factory,
)
from tests.commitments.conftest import commitment, editor, milestone, sgdi  # noqa: F401
from tests.factories import StaffFactory, UserFactory

from .conftest import altcha_payload

pytestmark = pytest.mark.django_db

LIMIT_MB = 20
INFLATED = 200 * 1024 * 1024


def _zip_bomb(members: dict[str, bytes], bomb_member: str) -> bytes:
    """A ZIP whose `bomb_member` starts like a real member and inflates to 200 MiB,
    written in 1 MiB chunks so the test itself never holds it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(bomb_member, "w", force_zip64=True) as member:
            member.write(members.pop(bomb_member, b""))
            chunk = b"\0" * (1024 * 1024)
            for _ in range(INFLATED // len(chunk)):
                member.write(chunk)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def odt_bomb() -> bytes:
    return _zip_bomb(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
        },
        "mimetype",
    )


def xlsx_bomb() -> bytes:
    return _zip_bomb(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet><sheetData>",
        },
        "xl/worksheets/sheet1.xml",
    )


def png_bomb(side=20000) -> bytes:
    """A valid grayscale PNG of side×side pixels (400 MP), all zero, ~400 KB."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    compressor = zlib.compressobj(9)
    row = b"\0" * (side + 1)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def bombs():
    return {"odt": odt_bomb(), "xlsx": xlsx_bomb(), "png": png_bomb()}


def _kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def measured(post):
    """(response, growth in MB of the peak resident memory during `post`)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM)
        before = _kb("VmRSS")
    except (OSError, LookupError):
        pytest.skip("needs Linux /proc to measure resident memory")
    response = post()
    growth = (_kb("VmHWM") - before) / 1024
    return response, growth


def _file(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _check(response, growth, *, expect=400, text=""):
    print(f"memory growth: {growth:.1f} MB, status {response.status_code}")
    assert growth < LIMIT_MB, f"worker grew by {growth:.0f} MB"
    assert response.status_code == expect, response.content[:300]
    if text:
        assert text in response.content.decode()


REFUSED = "desproporcionado"


def test_complaint_intake_without_challenge_opens_nothing(bombs):
    client = Client()
    client.get("/denuncias/nueva/")  # a warm worker: templates and modules loaded
    response, growth = measured(
        lambda: client.post(
            "/denuncias/nueva/",
            {"what": "hechos", "attachments": [_file("informe.odt", bombs["odt"])]},
        )
    )
    _check(response, growth, text="programa automático")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("kind,name", [("odt", "informe.odt"), ("png", "foto.png")])
def test_complaint_intake_with_challenge_refuses_the_bomb(bombs, kind, name):
    client = Client()
    payload = altcha_payload(client)
    response, growth = measured(
        lambda: client.post(
            "/denuncias/nueva/",
            {
                "what": "hechos",
                "altcha": payload,
                "attachments": [_file(name, bombs[kind])],
            },
        )
    )
    _check(response, growth)
    assert not Complaint.objects.exists()


def test_reporter_reply_refuses_the_bomb(bombs, member):
    client = Client()
    _complaint, code = services.complaint_submit(body={"what": "hechos"})
    response, growth = measured(
        lambda: client.post(
            "/denuncias/seguimiento/caso/",
            {
                "code": code,
                "text": "más",
                "attachments": [_file("informe.odt", bombs["odt"])],
            },
        )
    )
    _check(response, growth, text=REFUSED)


def test_unit_register_refuses_the_bomb(bombs, member_client):
    response, growth = measured(
        lambda: member_client.post(
            "/denuncias/unidad/registrar/",
            {
                "channel": "phone",
                "what": "hechos",
                "attachments": [_file("informe.odt", bombs["odt"])],
            },
        )
    )
    _check(response, growth, text=REFUSED)
    assert not Complaint.objects.exists()


def test_proposal_image_bomb(bombs):
    from participation.models import Proposal

    client = Client()
    client.force_login(UserFactory())
    response, growth = measured(
        lambda: client.post(
            "/participa/propuestas/nueva/",
            {
                "title": "Bancas en el parque",
                "summary": "Más bancas",
                "body": "Necesitamos más bancas.",
                "topic": "ambiente",
                "image": _file("foto.png", bombs["png"], "image/png"),
            },
        )
    )
    # participation re-renders an invalid form with 200 (its convention).
    _check(response, growth, expect=200, text="píxeles")
    assert not Proposal.objects.exists()


def test_budget_project_image_bomb(bombs, resident, district_heading):  # noqa: F811
    from budgets.models import Project
    from tests.budgets.test_projects import BASE, set_phase

    set_phase(district_heading, "accepting")
    client = Client()
    client.force_login(resident)
    url = f"{BASE}/{district_heading.process.slug}/{district_heading.slug}/proponer/"
    response, growth = measured(
        lambda: client.post(
            url,
            {
                "title": "Mural",
                "description": "Arte",
                "image": _file("foto.png", bombs["png"], "image/png"),
            },
        )
    )
    _check(response, growth, expect=200, text="demasiado grande")
    assert not Project.objects.exists()


def test_evidence_bomb_in_admin(bombs, staff_client_factory, editor, milestone):  # noqa: F811
    from commitments.models import Evidence
    from tests.commitments.test_admin import change_url, milestone_form

    client = staff_client_factory(editor)
    data = milestone_form(
        milestone,
        **{
            "evidence-0-description": "Acta",
            "evidence-0-file": _file("acta.odt", bombs["odt"]),
        },
    )
    response, growth = measured(lambda: client.post(change_url(milestone), data))
    _check(response, growth, expect=200, text=REFUSED)
    assert not Evidence.objects.exists()


def test_dataset_resource_bomb_in_admin(bombs, staff_client_factory, dataset_with_file):  # noqa: F811
    from opendata.models import Resource

    client = staff_client_factory(StaffFactory(roles=[roles.DATA_PUBLISHER]))
    response, growth = measured(
        lambda: client.post(
            "/gestion/opendata/resource/add/",
            {
                "dataset": dataset_with_file.pk,
                "name": "Bomba",
                "position": 0,
                "upload": _file("datos.xlsx", bombs["xlsx"]),
                "versions-TOTAL_FORMS": "0",
                "versions-INITIAL_FORMS": "0",
            },
        )
    )
    _check(response, growth, expect=200, text=REFUSED)
    assert not Resource.objects.filter(name="Bomba").exists()


def test_legitimate_odt_and_xlsx_still_pass():
    from openlima import uploads

    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>" * 5000)
    assert uploads.sniff(odt.getvalue(), allowed={"odt"}).kind == "odt"
