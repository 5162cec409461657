"""A unit editor updates a milestone in /gestion/ (with 2FA); the public page shows it."""

import datetime

import pytest

from commitments.models import Evidence, Milestone, ProgressUpdate
from openlima import roles
from openlima.demo import totp_activate
from openlima.models import OrgUnit
from openlima.services import user_create_staff
from tests.commitments.conftest import PDF_BYTES
from tests.commitments.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    MilestoneFactory,
)
from tests.e2e.conftest import TEST_TOTP_SECRET, assert_no_axe_violations, login

PASSWORD = "clave-muy-segura-2026"


@pytest.fixture
def setup(transactional_db):
    sgdi = OrgUnit.objects.get(slug="sgdi")
    other = OrgUnit.objects.get(slug="participacion-vecinal")
    plan = ActionPlanFactory(slug="lima-e2e", title="Plan de prueba")
    commitment = CommitmentFactory(
        plan=plan, slug="open-lima", title="Open Lima", units=[sgdi]
    )
    today = datetime.date.today()
    milestone = MilestoneFactory(
        commitment=commitment,
        code="B",
        title="Desarrollo de la plataforma",
        start_on=today - datetime.timedelta(days=30),
        due_on=today + datetime.timedelta(days=30),
    )
    MilestoneFactory(
        commitment=commitment,
        code="C",
        title="Lanzamiento",
        start_on=today - datetime.timedelta(days=20),
        due_on=today - datetime.timedelta(days=1),
    )
    editor = user_create_staff(
        email="editor@munlima.gob.pe",
        password=PASSWORD,
        org_unit=sgdi,
        roles=[roles.UNIT_EDITOR],
    )
    intruder = user_create_staff(
        email="intruso@munlima.gob.pe",
        password=PASSWORD,
        org_unit=other,
        roles=[roles.UNIT_EDITOR],
    )
    for user in (editor, intruder):
        totp_activate(user=user, secret=TEST_TOTP_SECRET)
    return {"commitment": commitment, "milestone": milestone}


@pytest.mark.django_db(transaction=True)
def test_editor_updates_milestone_and_public_page_shows_it(page, new_page, setup):
    milestone = setup["milestone"]
    commitment = setup["commitment"]
    change_url = f"/gestion/commitments/milestone/{milestone.pk}/change/"
    login(
        page,
        email="editor@munlima.gob.pe",
        password=PASSWORD,
        totp_secret=TEST_TOTP_SECRET,
        next_url=change_url,
    )
    page.goto(change_url)
    page.fill("input[name=progress]", "65")
    page.select_option("select[name=status]", "in_progress")
    page.fill("textarea[name=update_note]", "Plataforma en pruebas con vecinos")
    page.fill("input[name='evidence-0-description']", "Acta de pruebas")
    page.set_input_files(
        "input[name='evidence-0-file']",
        files=[
            {"name": "acta.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        ],
    )
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    assert "/gestion/commitments/milestone/" in page.url and "change" not in page.url

    milestone.refresh_from_db()
    assert milestone.progress == 65
    assert Evidence.objects.filter(milestone=milestone).count() == 1
    assert ProgressUpdate.objects.filter(milestone=milestone).count() == 2

    public = new_page()
    public.goto(f"/compromisos/lima-e2e/{commitment.slug}/")
    assert (
        public.locator(f"#hito-{milestone.pk} progress").get_attribute("value") == "65"
    )
    history = public.locator("ol.history")
    assert "Plataforma en pruebas con vecinos" in history.inner_text()
    assert "Subgerencia de Gobierno Digital" in history.inner_text()
    assert "Acta de pruebas" in public.locator(f"#hito-{milestone.pk}").inner_text()
    # progress is derived: (65 + 0) / 2 milestones of equal weight
    assert (
        public.locator(".commitment-progress progress").get_attribute("value") == "33"
    )
    assert_no_axe_violations(public)

    public.goto("/compromisos/lima-e2e/")
    assert public.locator("#overdue-heading").count() == 1
    assert_no_axe_violations(public)
    public.goto("/compromisos/lima-e2e/informe/")
    assert_no_axe_violations(public)
    public.goto("/compromisos/")
    assert_no_axe_violations(public)


@pytest.mark.django_db(transaction=True)
def test_editor_of_another_unit_cannot_edit(page, setup):
    milestone = setup["milestone"]
    change_url = f"/gestion/commitments/milestone/{milestone.pk}/change/"
    login(
        page,
        email="intruso@munlima.gob.pe",
        password=PASSWORD,
        totp_secret=TEST_TOTP_SECRET,
        next_url=change_url,
    )
    page.goto(change_url)
    assert page.locator("input[name=progress]").count() == 0
    assert page.locator("input[name=_save]").count() == 0
    # A forged POST from their session is refused.
    token = page.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == "csrftoken")
    response = page.request.post(
        change_url,
        form={"csrfmiddlewaretoken": csrf, "progress": "99", "status": "in_progress"},
        headers={"Referer": page.url},
    )
    assert response.status == 403
    assert Milestone.objects.get(pk=milestone.pk).progress == 0
    assert ProgressUpdate.objects.count() == 0
