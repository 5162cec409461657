"""Issue 12: one browser journey per role, from login to what a member of the public sees,
with axe (WCAG 2.1 A/AA) on every page visited, staff pages included, at 1280 and 360 px.

Every role but the reporter and the integrity unit (they come with Lima Honesta): data
publisher, OGP coordinator, citizen, resident voter, unit editor, moderator and registrar
(docs/journeys.md). Each journey runs at 1280 and at 360 px."""

import datetime
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from budgets import services as budget_services
from budgets.dni import dni_check_characters
from budgets.models import Ballot, BudgetProcess, Heading, Project, ResidentVerification
from commitments.models import Evidence, ProgressUpdate
from opendata.models import Dataset
from openlima import roles
from openlima.demo import totp_activate
from openlima.models import District, OrgUnit
from openlima.services import user_create_staff
from openlima.totp import totp_code_now
from participation import services as participation_services
from participation.models import Comment, Consultation, Proposal
from tests.commitments.conftest import PDF_BYTES
from tests.commitments.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    MilestoneFactory,
)
from tests.e2e.conftest import TEST_TOTP_SECRET, axe_violations, login, totp_retry
from tests.factories import UserFactory
from tests.participation.factories import ProposalFactory

PASSWORD = "clave-muy-segura-2026"
VIEWPORTS = {"desktop": (1280, 900), "mobile": (360, 740)}


def checked(page, seen):
    """axe on the page as it is now; remembers the URL (path) checked."""
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    assert violations == [], f"axe violations on {page.url}: {violations}"
    seen.append(page.url)


def shot(page, name):
    """With E2E_SCREENSHOTS=<dir>, keep a full-page screenshot (for the issue's notes)."""
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def staff_login(page, *, email):
    """Log in without ?next=: the role's landing page is where allauth sends us."""
    page.goto("/cuenta/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", totp_code_now(TEST_TOTP_SECRET))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    totp_retry(page)


def make_staff(email, unit_slug, role):
    user = user_create_staff(
        email=email,
        password=PASSWORD,
        org_unit=OrgUnit.objects.get(slug=unit_slug),
        roles=[role],
    )
    totp_activate(user=user, secret=TEST_TOTP_SECRET)
    return user


def autocomplete(page, field, term, choice):
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", term)
    page.click(f".select2-results__option:has-text('{choice}')")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_data_publisher_journey(new_page, viewport, tmp_path):
    make_staff("datos@munlima.gob.pe", "sgdi", roles.DATA_PUBLISHER)
    width, height = VIEWPORTS[viewport]
    page = new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(60000)  # a shared, busy machine
    seen = []
    staff_login(page, email="datos@munlima.gob.pe")
    assert "/gestion/opendata/dataset/" in page.url  # lands on "my datasets"
    checked(page, seen)
    shot(page, f"publisher-landing-{viewport}")
    page.goto("/gestion/")
    checked(page, seen)  # the dashboard
    shot(page, f"publisher-dashboard-{viewport}")
    page.goto("/gestion/opendata/dataset/add/")
    checked(page, seen)
    page.fill("#id_title", "Paraderos del Cercado")
    page.fill("#id_description", "Paraderos autorizados del Cercado de Lima.")
    autocomplete(page, "publisher", "Gobierno", "Gobierno Digital")
    autocomplete(page, "districts", "Miraflores", "Miraflores")
    page.fill("#id_resources-0-name", "Paraderos 2026")
    csv = tmp_path / "paraderos.csv"
    csv.write_text("codigo,nombre\n1,Plaza Grau\n2,Plaza San Martín\n")
    page.set_input_files("#id_resources-0-upload", str(csv))
    with page.expect_navigation():
        page.click("input[name=_continue]")
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert errors == [], errors
    dataset = Dataset.objects.get(title="Paraderos del Cercado")
    assert dataset.state == "draft" and dataset.resources.count() == 1
    checked(page, seen)  # the change form, with its resource
    # Preview the draft ("Ver en el sitio"), staff only.
    with page.expect_navigation():
        page.click("a.viewsitelink")
    assert "/vista-previa/" in page.url
    assert page.locator("text=Vista previa para el personal").count() == 1
    checked(page, seen)
    # Publish and see it as the public does.
    page.goto(f"/gestion/opendata/dataset/{dataset.pk}/change/")
    page.select_option("#id_state", "published")
    with page.expect_navigation():
        page.click("input[name=_save]")
    checked(page, seen)
    public = new_page(viewport={"width": width, "height": height})
    public.set_default_timeout(60000)
    public.goto(f"/datos/{dataset.slug}/")
    assert public.locator("h1").inner_text() == "Paraderos del Cercado"
    assert public.locator("text=Paraderos 2026").count() >= 1
    checked(public, seen)
    # The home page's indicators count the new dataset.
    public.goto("/")
    checked(public, seen)
    shot(public, f"home-{viewport}")
    # A citizen's form with an error: the summary takes the focus, the title says so.
    public.goto("/cuenta/signup/")
    public.fill("#id_email", "no-es-un-correo")
    # Let the server judge (the browser's own check would stop the submission first).
    public.evaluate("document.querySelector('main form').noValidate = true")
    with public.expect_navigation():
        public.click("main form button[type=submit]")
    public.wait_for_load_state("networkidle")
    assert public.title().startswith("Error:")
    assert public.evaluate(
        "document.activeElement && document.activeElement.hasAttribute('data-error-summary')"
    )
    checked(public, seen)
    shot(public, f"error-summary-{viewport}")
    assert len(seen) == 9


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_coordinator_journey(new_page, viewport):
    make_staff("coordinacion@munlima.gob.pe", "sgdi", roles.OGP_COORDINATOR)
    width, height = VIEWPORTS[viewport]
    page = new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(60000)  # a shared, busy machine
    seen = []
    staff_login(page, email="coordinacion@munlima.gob.pe")
    assert page.url.endswith("/gestion/")  # the dashboard
    checked(page, seen)
    shot(page, f"coordinator-dashboard-{viewport}")
    page.goto("/gestion/participation/consultation/")
    checked(page, seen)
    page.goto("/gestion/participation/consultation/add/")
    checked(page, seen)
    now = datetime.datetime.now()
    page.fill("#id_title", "Prioridades del malecón")
    page.fill("#id_question", "¿Qué mejora del malecón es prioritaria?")
    page.select_option("#id_status", "open")
    page.fill("#id_opens_at_0", (now - datetime.timedelta(days=1)).strftime("%d/%m/%Y"))
    page.fill("#id_opens_at_1", "08:00:00")
    page.fill(
        "#id_closes_at_0", (now + datetime.timedelta(days=20)).strftime("%d/%m/%Y")
    )
    page.fill("#id_closes_at_1", "18:00:00")
    # Only one option: refused, with the reason.
    page.fill("#id_options-0-title", "Rampas y accesos")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert page.locator("text=al menos 2 opciones").count() >= 1
    assert not Consultation.objects.exists()
    checked(page, seen)  # the form with its error
    page.fill("#id_options-1-title", "Iluminación")
    with page.expect_navigation():
        page.click("input[name=_save]")
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert errors == [], errors
    consultation = Consultation.objects.get(title="Prioridades del malecón")
    assert consultation.options.count() == 2
    checked(page, seen)  # back on the list
    public = new_page(viewport={"width": width, "height": height})
    public.set_default_timeout(60000)
    public.goto(f"/participa/consultas/{consultation.slug}/")
    assert public.locator("text=Rampas y accesos").count() >= 1
    assert public.locator("text=Iluminación").count() >= 1
    checked(public, seen)
    public.goto("/buscar/?q=malec%C3%B3n")
    assert public.locator("text=Prioridades del malecón").count() >= 1
    checked(public, seen)
    assert len(seen) == 7


def browser_page(new_page, viewport):
    width, height = VIEWPORTS[viewport]
    page = new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(60000)  # a shared, busy machine
    return page


def dni(number: str) -> str:
    """A DNI with its valid check digit (budgets/dni.py)."""
    return f"{number}-{dni_check_characters(number)[0]}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_citizen_journey(new_page, viewport, settings):
    """Sign up, confirm the e-mail (from the outbox), write a proposal, support another,
    comment on it, follow it, see the account page; the public sees all of it."""
    from playwright.sync_api import expect

    settings.PROPOSAL_SUPPORT_THRESHOLD = 5
    other = ProposalFactory(title="Bancas en el parque de la Reserva")
    page = browser_page(new_page, viewport)
    seen = []
    mail.outbox.clear()
    page.goto("/cuenta/signup/")
    checked(page, seen)
    page.fill("input[name=email]", "rosa@example.pe")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=accept_privacy]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    checked(page, seen)  # "confirme su correo"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rosa@example.pe"]
    link = re.search(r"https?://\S+/cuenta/confirm-email/\S+/", mail.outbox[0].body)
    page.goto(link.group(0))
    checked(page, seen)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")

    # Her proposal.
    page.goto("/participa/propuestas/nueva/")
    checked(page, seen)
    page.fill("#id_title", "Sombra en los paraderos de la avenida Arequipa")
    page.fill("#id_summary", "Techos y árboles en los paraderos con más espera.")
    page.fill("#id_body", "Propongo **techos** en los diez paraderos con más espera.")
    page.select_option("#id_topic", "participacion")
    page.click("main form.pa-form button[type=submit]")
    page.wait_for_url(re.compile(r"/participa/propuestas/\d+/$"))
    mine = Proposal.objects.get(author__email="rosa@example.pe")
    checked(page, seen)
    shot(page, f"citizen-proposal-{viewport}")

    # Another one: support (in place), comment, follow.
    page.goto(f"/participa/propuestas/{other.pk}/")
    checked(page, seen)
    page.click(f"#support-box-{other.pk} button[type=submit]")
    expect(page.locator("[data-testid=support-count]")).to_have_text("1")
    checked(page, seen)
    form = page.locator("form.pa-comment-form")
    form.locator("textarea[name=body]").fill("Que tengan sombra también para niños.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=Que tengan sombra también para niños.")
    checked(page, seen)
    with page.expect_navigation():
        page.click("main button:has-text('Seguir esta propuesta')")
    assert page.locator("main button:has-text('Dejar de seguir')").count() == 1
    checked(page, seen)
    other.refresh_from_db()
    assert other.support_count == 1
    assert Comment.objects.filter(author__email="rosa@example.pe").count() == 1

    page.goto("/cuenta/mis-datos/")
    assert "rosa@example.pe" in page.locator("main").inner_text()
    checked(page, seen)
    shot(page, f"citizen-account-{viewport}")

    # What anyone sees.
    public = browser_page(new_page, viewport)
    public.goto("/participa/propuestas/")
    assert public.locator(f"a[href$='/participa/propuestas/{mine.pk}/']").count() >= 1
    checked(public, seen)
    public.goto(f"/participa/propuestas/{other.pk}/")
    assert public.locator("[data-testid=support-count]").inner_text() == "1"
    public.wait_for_selector("text=Que tengan sombra también para niños.")
    checked(public, seen)
    assert len(seen) == 12


def budget_process():
    """A process in balloting with a city-wide and a Miraflores heading."""
    now = timezone.now()
    process = BudgetProcess.objects.create(
        title="Presupuesto participativo 2027",
        slug="pp-2027",
        phase="balloting",
        accepting_starts_at=now - datetime.timedelta(days=30),
        review_starts_at=now - datetime.timedelta(days=20),
        selecting_starts_at=now - datetime.timedelta(days=10),
        balloting_starts_at=now - datetime.timedelta(days=1),
        balloting_ends_at=now + datetime.timedelta(days=5),
        execution_starts_at=now + datetime.timedelta(days=30),
    )
    Heading.objects.create(
        process=process, name="Toda la ciudad", slug="ciudad", amount=Decimal("5000")
    )
    heading = Heading.objects.create(
        process=process,
        name="Distrito de Miraflores",
        slug="miraflores",
        district=District.objects.get(name="Miraflores"),
        amount=Decimal("1000"),
    )
    projects = [
        Project.objects.create(
            heading=heading,
            title=title,
            description="Proyecto vecinal.",
            estimated_cost=Decimal(cost),
            feasibility="feasible",
            is_selected=True,
        )
        for title, cost in (("Parque Kennedy", "600"), ("Biblioteca", "300"))
    ]
    return process, heading, projects


def registrar_decides(page, seen, *, email, decision, dni_shown="", reason=""):
    """On the registrar's pending list, open the citizen's request and decide."""
    page.goto("/gestion/budgets/residentverification/?status__exact=pending")
    row = page.locator("#result_list tbody tr", has_text=email)
    with page.expect_navigation():
        row.locator("text=Confirmar o rechazar").click()
    checked(page, seen)
    page.check(f"input[name=decision][value={decision}]")
    if dni_shown:
        page.fill("input[name=dni_shown]", dni_shown)
    if reason:
        page.fill("input[name=reason]", reason)
    with page.expect_navigation():
        page.click("input[type=submit]")
    checked(page, seen)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_resident_voter_journey(new_page, viewport):
    """Ask for verification, get confirmed at the office, cast a ballot, see the results
    once they are published."""
    process, heading, (park, library) = budget_process()
    UserFactory(email="vecino@example.pe", password=PASSWORD, district=None)
    make_staff(
        "registro@munlima.gob.pe", "atencion-ciudadano", roles.RESIDENT_REGISTRAR
    )
    page = browser_page(new_page, viewport)
    seen = []
    login(page, email="vecino@example.pe", password=PASSWORD)
    page.goto("/participa/presupuestos/pp-2027/")
    checked(page, seen)
    with page.expect_navigation():
        page.click("main a:has-text('Verificar mi residencia')")
    checked(page, seen)
    page.fill("input[name=dni]", dni("40723519"))
    page.fill("input[name=birth_date]", "1985-03-09")
    page.select_option("select[name=district]", label="Miraflores")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=pendiente")
    checked(page, seen)

    office = browser_page(new_page, viewport)
    staff_login(office, email="registro@munlima.gob.pe")
    registrar_decides(
        office,
        seen,
        email="vecino@example.pe",
        decision="confirm",
        dni_shown=dni("40723519"),
    )
    assert office.locator("text=Residencia confirmada").count() == 1

    page.goto("/participa/presupuestos/pp-2027/")
    with page.expect_navigation():
        page.click("main a:has-text('Votar en esta partida') >> nth=1")
    checked(page, seen)
    page.check(f"#project-{park.pk}")
    page.check(f"#project-{library.pk}")
    page.click("main form.ballot button[type=submit]")
    # The summary before the ballot is cast (issue 12): nothing written until confirmed.
    page.wait_for_selector("text=Su voto todavía no está registrado")
    checked(page, seen)
    page.click("button[name=confirm]")
    page.wait_for_selector("text=Su voto quedó registrado")
    checked(page, seen)
    ballot = Ballot.objects.get(user__email="vecino@example.pe", heading=heading)
    assert {p.pk for p in ballot.projects.all()} == {park.pk, library.pk}

    # Balloting closes; the scheduler publishes; anyone sees the results.
    BudgetProcess.objects.filter(pk=process.pk).update(
        balloting_ends_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    budget_services.budgets_publish_due(now=timezone.now())
    public = browser_page(new_page, viewport)
    public.goto("/participa/presupuestos/pp-2027/resultados/")
    table = public.locator("table", has_text="Distrito de Miraflores")
    assert "Parque Kennedy" in table.inner_text()
    assert "Biblioteca" in table.inner_text()
    checked(public, seen)
    assert len(seen) == 9


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_registrar_journey(new_page, viewport):
    """Pending verifications → confirm one (document shown), reject another: the first
    citizen can vote, the second cannot."""
    process, heading, _projects = budget_process()
    miraflores = District.objects.get(name="Miraflores")
    citizens = {}
    for email, number in (
        ("ana@example.pe", "40723519"),
        ("beto@example.pe", "10117410"),
    ):
        user = UserFactory(email=email, password=PASSWORD, district=None)
        budget_services.resident_verification_request(
            user=user,
            dni=dni(number),
            birth_date=datetime.date(1980, 1, 2),
            district=miraflores,
        )
        citizens[email] = user
    make_staff(
        "registro@munlima.gob.pe", "atencion-ciudadano", roles.RESIDENT_REGISTRAR
    )
    page = browser_page(new_page, viewport)
    seen = []
    staff_login(page, email="registro@munlima.gob.pe")
    assert "/gestion/budgets/residentverification/" in page.url  # pending verifications
    assert "status__exact=pending" in page.url
    assert page.locator("#result_list tbody tr").count() == 2
    checked(page, seen)
    shot(page, f"registrar-landing-{viewport}")
    registrar_decides(
        page,
        seen,
        email="ana@example.pe",
        decision="confirm",
        dni_shown=dni("40723519"),
    )
    assert page.locator("text=Residencia confirmada").count() == 1
    registrar_decides(
        page,
        seen,
        email="beto@example.pe",
        decision="reject",
        reason="No presentó el documento.",
    )
    assert page.locator("text=Verificación rechazada").count() == 1
    statuses = dict(ResidentVerification.objects.values_list("user__email", "status"))
    assert statuses == {"ana@example.pe": "verified", "beto@example.pe": "rejected"}

    ana = browser_page(new_page, viewport)
    login(ana, email="ana@example.pe", password=PASSWORD)
    ana.goto("/participa/presupuestos/pp-2027/")
    assert ana.locator("main a:has-text('Votar en esta partida')").count() == 2
    checked(ana, seen)
    ana.goto("/participa/presupuestos/pp-2027/miraflores/votar/")
    assert ana.locator("main form.ballot").count() == 1
    checked(ana, seen)

    beto = browser_page(new_page, viewport)
    login(beto, email="beto@example.pe", password=PASSWORD)
    beto.goto("/participa/presupuestos/pp-2027/")
    assert beto.locator("main a:has-text('Votar en esta partida')").count() == 0
    assert beto.locator("main a:has-text('Verificar mi residencia')").count() == 1
    checked(beto, seen)
    response = beto.goto("/participa/presupuestos/pp-2027/miraflores/votar/")
    assert response.status == 403 or beto.locator("main form.ballot").count() == 0
    assert len(seen) == 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_unit_editor_journey(new_page, viewport):
    """Land on "my commitments", update a milestone with evidence, see it on the public
    commitment page."""
    sgdi = OrgUnit.objects.get(slug="sgdi")
    plan = ActionPlanFactory(slug="lima-2027", title="Plan de prueba")
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
    make_staff("editor@munlima.gob.pe", "sgdi", roles.UNIT_EDITOR)
    page = browser_page(new_page, viewport)
    seen = []
    staff_login(page, email="editor@munlima.gob.pe")
    assert "/gestion/commitments/commitment/" in page.url  # my commitments
    assert page.locator("#result_list", has_text="Open Lima").count() == 1
    checked(page, seen)
    shot(page, f"editor-landing-{viewport}")
    with page.expect_navigation():
        page.click("#result_list a:has-text('Open Lima')")
    checked(page, seen)
    page.goto(f"/gestion/commitments/milestone/{milestone.pk}/change/")
    checked(page, seen)
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
    with page.expect_navigation():
        page.click("input[name=_save]")
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert errors == [], errors
    checked(page, seen)
    milestone.refresh_from_db()
    assert milestone.progress == 65
    assert Evidence.objects.filter(milestone=milestone).count() == 1
    assert ProgressUpdate.objects.filter(milestone=milestone).exists()

    public = browser_page(new_page, viewport)
    public.goto(f"/compromisos/lima-2027/{commitment.slug}/")
    hito = public.locator(f"#hito-{milestone.pk}")
    assert hito.locator("progress").get_attribute("value") == "65"
    assert "Acta de pruebas" in hito.inner_text()
    assert "Plataforma en pruebas con vecinos" in public.locator("main").inner_text()
    checked(public, seen)
    assert len(seen) == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_moderator_journey(new_page, viewport, settings):
    """A comment flagged by neighbours → the moderator's flagged list → hide it with a
    public reason → the proposal page and the public moderation log show the reason."""
    proposal = ProposalFactory(title="Ciclovía en la avenida Brasil")
    author = UserFactory(password=PASSWORD)
    comment = participation_services.comment_create(
        author=author,
        target_type="participation.proposal",
        target_id=proposal.pk,
        body="Texto ofensivo contra un vecino con nombre y apellido.",
    )
    participation_services.comment_flag(
        user=UserFactory(), comment_id=comment.pk, reason="offensive"
    )
    make_staff("moderacion@munlima.gob.pe", "participacion-vecinal", roles.MODERATOR)
    page = browser_page(new_page, viewport)
    seen = []
    staff_login(page, email="moderacion@munlima.gob.pe")
    assert "/gestion/participation/comment/" in page.url  # flagged comments
    row = page.locator("#result_list tbody tr", has_text="Texto ofensivo")
    assert row.count() == 1
    checked(page, seen)
    shot(page, f"moderator-landing-{viewport}")
    with page.expect_navigation():
        row.locator("a:has-text('Moderar')").click()
    checked(page, seen)
    reason = "Ataque personal a un vecino (norma 3 de convivencia)."
    page.fill("input[name=reason]", reason)
    with page.expect_navigation():
        page.click("main form button[value=hide], main form button.danger >> nth=0")
    comment.refresh_from_db()
    assert comment.status == "hidden" and comment.hidden_reason == reason
    checked(page, seen)

    public = browser_page(new_page, viewport)
    public.goto(f"/participa/propuestas/{proposal.pk}/")
    note = public.locator(f"#comentario-{comment.pk} .pa-moderated")
    note.wait_for()
    assert reason in note.inner_text()
    assert "Texto ofensivo" not in public.locator("main").inner_text()
    checked(public, seen)
    public.goto("/participa/moderacion/")
    assert reason in public.locator("main").inner_text()
    checked(public, seen)
    assert len(seen) == 5
