"""Access to information in Chromium: a citizen files a request, the officer assigns and
extends it, the unit answers with a PDF, the officer redacts and publishes, and another
citizen finds the answer through site search. axe-core on every page on the way."""

import re

import pytest

from information.models import InformationRequest, State
from information.services import extension_limits
from openlima import calendar, roles
from openlima.demo import totp_activate
from openlima.models import OrgUnit
from tests.e2e.conftest import TEST_TOTP_SECRET, assert_no_axe_violations, login
from tests.factories import StaffFactory, UserFactory

PASSWORD = "clave-segura-123"
MARKER = "ZZMARKERE2E"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.django_db(transaction=True)
def test_file_assign_extend_answer_redact_publish_and_find(page, new_page):
    from playwright.sync_api import expect

    citizen = UserFactory(email="rosa@example.pe")
    unit = OrgUnit.objects.get(slug="planificacion")
    officer = StaffFactory(
        email="transparencia@munlima.gob.pe", roles=[roles.TRANSPARENCY_OFFICER]
    )
    editor = StaffFactory(
        email="editor.gp@munlima.gob.pe", roles=[roles.UNIT_EDITOR], org_unit=unit
    )
    for staff in (officer, editor):
        totp_activate(user=staff, secret=TEST_TOTP_SECRET)

    # 1. The citizen files a request (cost rule shown first).
    login(page, email=citizen.email, password=PASSWORD, next_url="/informacion/nueva/")
    page.goto("/informacion/nueva/")
    expect(page.get_by_test_id("cost-rule")).to_be_visible()
    assert_no_axe_violations(page)
    page.fill("#id_title", "Mantenimiento de semáforos del Cercado 2025")
    page.fill(
        "#id_text",
        "Contratos y órdenes de servicio de mantenimiento de semáforos en 2025.",
    )
    page.check("#id_delivery_form_0")
    page.fill("#id_requester_name", f"Rosa {MARKER} Quispe")
    page.select_option("#id_document_type", "dni")
    page.fill("#id_document_number", "45678912")
    page.fill("#id_contact_email", "rosa@example.pe")
    page.check("#id_accept_cost")
    page.click("text=Presentar la solicitud")
    page.wait_for_url(re.compile(r"/informacion/\d{4}-\d{6}/seguimiento/"))
    expect(page.get_by_test_id("state")).to_have_text("Recibida")
    expect(page.get_by_test_id("days-left")).to_be_visible()
    assert_no_axe_violations(page)
    r = InformationRequest.objects.get()

    # 2. The officer assigns it to the unit and declares an extension.
    officer_page = new_page()
    login(
        officer_page,
        email=officer.email,
        password=PASSWORD,
        totp_secret=TEST_TOTP_SECRET,
        next_url="/informacion/gestion/",
    )
    officer_page.goto("/informacion/gestion/")
    assert_no_axe_violations(officer_page)
    officer_page.click(f"text={r.number}")
    assert MARKER in officer_page.content()
    assert_no_axe_violations(officer_page)
    officer_page.select_option("#id_assign-unit", str(unit.pk))
    officer_page.click("text=Asignar >> nth=-1")
    expect(officer_page.get_by_test_id("state")).to_have_text("Asignada a una unidad")
    r.refresh_from_db()
    new_date = calendar.add_business_days(
        r.due_on, 3
    )  # inside the configured limit (10)
    assert new_date <= extension_limits(info_request=r)["latest"]
    officer_page.fill("#id_extend-new_due_on", new_date.isoformat())
    officer_page.fill("#id_extend-reason", "Los contratos están en el archivo central.")
    officer_page.click("text=Declarar la prórroga >> nth=-1")
    expect(officer_page.get_by_test_id("state")).to_have_text("Plazo prorrogado")

    # 3. The unit answers with a PDF.
    editor_page = new_page()
    login(
        editor_page,
        email=editor.email,
        password=PASSWORD,
        totp_secret=TEST_TOTP_SECRET,
        next_url="/informacion/gestion/",
    )
    editor_page.goto(f"/informacion/gestion/{r.number}/")
    assert MARKER not in editor_page.content()
    editor_page.fill("#id_document-title", "Contratos de mantenimiento de semáforos")
    editor_page.set_input_files(
        "#id_document-file",
        {"name": "contratos.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    editor_page.click("text=Adjuntar >> nth=-1")
    editor_page.fill("#id_answer-answer_text", "Adjuntamos los contratos solicitados.")
    editor_page.click("text=Registrar la respuesta")
    expect(editor_page.get_by_test_id("state")).to_have_text("Respondida")
    assert_no_axe_violations(editor_page)

    # 4. The officer stores the redacted copy and publishes it.
    officer_page.goto(f"/informacion/gestion/{r.number}/")
    officer_page.set_input_files(
        "input[id^=redact-file-]",
        {"name": "contratos-tachado.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    officer_page.click("text=Guardar la versión sin datos personales")
    officer_page.click("text=Publicar en la página de la solicitud")
    expect(officer_page.get_by_text("publicado", exact=True)).to_be_visible()
    r.refresh_from_db()
    assert r.state == State.ANSWERED and r.documents.get().is_public

    # 5. Another citizen finds it through site search and reads the answer.
    other = new_page()
    other.goto("/buscar/?q=semáforos")
    other.click(f"text={r.number} · {r.title}")
    expect(other.get_by_test_id("requester")).to_have_text("Solicitante anónimo")
    expect(other.get_by_text("Contratos de mantenimiento de semáforos")).to_be_visible()
    assert MARKER not in other.content() and "45678912" not in other.content()
    assert_no_axe_violations(other)
    other.goto("/informacion/estadisticas/")
    assert_no_axe_violations(other)


@pytest.mark.django_db(transaction=True)
def test_demo_pages_have_no_axe_violations(page):
    """The list, an overdue request (silencio negativo notice), a denial and the English
    list, with the demo data in every state."""
    from information import demo
    from openlima.demo import demo_load_core

    demo_load_core()
    demo.load()
    page.goto("/informacion/")
    assert_no_axe_violations(page)
    overdue = InformationRequest.objects.get(state=State.OVERDUE)
    page.goto(overdue.get_absolute_url())
    assert page.get_by_test_id("overdue").is_visible()
    assert_no_axe_violations(page)
    denied = InformationRequest.objects.get(state=State.PARTIALLY_DENIED)
    page.goto(denied.get_absolute_url())
    assert page.get_by_test_id("exception").is_visible()
    assert_no_axe_violations(page)
    page.goto("/en/informacion/")
    assert_no_axe_violations(page)
