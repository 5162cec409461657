"""Lima Activa in Chromium: register → verify e-mail → publish a proposal; a second citizen
supports it in place (htmx, no navigation); the unit answers and links a commitment whose
live progress shows on the proposal page. axe-core on the main pages."""

import re

import pytest
from django.core import mail

from openlima import registry, roles
from openlima.demo import totp_activate
from openlima.models import OrgUnit
from participation.models import Proposal
from tests.e2e.conftest import TEST_TOTP_SECRET, assert_no_axe_violations, login
from tests.factories import StaffFactory, UserFactory

PASSWORD = "clave-segura-123"
COMMITMENT = {
    "id": 7,
    "title": "Lima Activa: plataforma de participación ciudadana",
    "url": "/compromisos/",
    "plan_title": "Plan de Gobierno Abierto Lima 2022",
    "progress": 40,
    "status": "in_progress",
    "status_label": "En curso",
}


@pytest.fixture
def fake_commitments():
    """live_server runs in this process, so a provider registered here is the one it uses."""
    with (
        registry.override(
            "commitments.summary",
            lambda *, commitment_id: COMMITMENT if commitment_id == 7 else None,
        ),
        registry.override("commitments.choices", lambda: [(7, COMMITMENT["title"])]),
    ):
        yield


@pytest.mark.django_db(transaction=True)
def test_proposal_from_signup_to_answer_with_commitment_progress(
    page, new_page, settings, fake_commitments
):
    from playwright.sync_api import expect

    settings.PROPOSAL_SUPPORT_THRESHOLD = 1

    # 1. A citizen registers and verifies the e-mail address.
    page.goto("/cuenta/signup/")
    page.fill("input[name=email]", "carmen@example.pe")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=accept_privacy]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://[^\s]+/confirm-email/[^\s]+", mail.outbox[0].body
    ).group(0)
    page.goto(link)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")

    # 2. She publishes a proposal.
    page.goto("/participa/propuestas/nueva/")
    page.fill("#id_title", "Historial de sugerencias para votar constantemente")
    page.fill("#id_summary", "Que la ciudadanía pueda priorizar propuestas siempre.")
    page.fill("#id_body", "Propongo un **historial** de sugerencias y su priorización.")
    page.select_option("#id_topic", "participacion")
    page.click("main form.pa-form button[type=submit]")
    page.wait_for_url(re.compile(r"/participa/propuestas/\d+/$"))
    proposal = Proposal.objects.get()
    assert proposal.author.email == "carmen@example.pe"
    assert page.locator("[data-testid=support-count]").inner_text() == "0"

    # 3. A second citizen supports it; the count updates in place without navigation.
    neighbour = UserFactory(password=PASSWORD)
    other = new_page()
    login(other, email=neighbour.email, password=PASSWORD)
    other.goto(f"/participa/propuestas/{proposal.pk}/")
    other.evaluate("window.__sameDocument = true")
    other.click(f"#support-box-{proposal.pk} button[type=submit]")
    expect(other.locator("[data-testid=support-count]")).to_have_text("1")
    # screen readers hear it: the polite live region outside the swapped box changed
    expect(other.locator(f"#support-live-{proposal.pk}")).to_contain_text(
        "Apoyo registrado"
    )
    assert other.evaluate("window.__sameDocument === true")
    proposal.refresh_from_db()
    assert proposal.support_count == 1 and proposal.status == "evaluation"
    assert (
        other.locator(f"#support-box-{proposal.pk}")
        .get_by_text("Retirar mi apoyo")
        .count()
        == 1
    )

    # 4. The assigned unit answers and links it to a commitment.
    unit = OrgUnit.objects.get(slug="participacion-vecinal")
    editor = StaffFactory(roles=[roles.UNIT_EDITOR], org_unit=unit, password=PASSWORD)
    totp_activate(user=editor, secret=TEST_TOTP_SECRET)
    staff = new_page()
    login(staff, email=editor.email, password=PASSWORD, totp_secret=TEST_TOTP_SECRET)
    staff.goto(f"/participa/gestion/propuestas/{proposal.pk}/responder/")
    staff.select_option("#id_outcome", "accepted")
    staff.fill("#id_answer", "La incorporamos al compromiso Lima Activa del plan 2022.")
    staff.select_option("#id_commitment_id", "7")
    staff.click("main form.pa-form button[type=submit]")
    staff.wait_for_url(re.compile(rf"/participa/propuestas/{proposal.pk}/$"))

    # 5. The proposal page shows the answer and the commitment's live progress.
    page.goto(f"/participa/propuestas/{proposal.pk}/")
    assert page.locator("[data-testid=answer-outcome]").inner_text() == "Aceptada"
    box = page.locator("[data-testid=linked-commitment]")
    assert COMMITMENT["title"] in box.inner_text()
    assert box.locator("progress").get_attribute("value") == "40"
    assert_no_axe_violations(page)


@pytest.mark.django_db(transaction=True)
def test_participation_pages_have_no_axe_violations(page):
    from participation import services
    from tests.participation.factories import (
        ConsultationFactory,
        OptionFactory,
        ProposalFactory,
        SessionFactory,
    )

    user = UserFactory(password=PASSWORD)
    proposal = ProposalFactory()
    services.comment_create(
        author=user,
        target_type="participation.proposal",
        target_id=proposal.pk,
        body="Buena idea",
    )
    consultation = ConsultationFactory()
    for title in ("Open Lima", "Lima Activa"):
        OptionFactory(consultation=consultation, title=title)
    session = SessionFactory()
    login(page, email=user.email, password=PASSWORD)
    for path in [
        "/participa/",
        "/participa/propuestas/",
        f"/participa/propuestas/{proposal.pk}/",
        "/participa/consultas/",
        f"/participa/consultas/{consultation.slug}/",
        "/participa/sesiones/",
        f"/participa/sesiones/{session.pk}/",
        "/participa/distritos/",
        "/participa/moderacion/",
    ]:
        page.goto(path)
        assert page.locator("main h1").count() == 1, path
        assert_no_axe_violations(page)

    # rating in place on the consultation page
    page.goto(f"/participa/consultas/{consultation.slug}/")
    form = page.locator("form.pa-rate-all")
    form.locator("input[value=high]").first.check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".pa-saved")
    assert_no_axe_violations(page)
