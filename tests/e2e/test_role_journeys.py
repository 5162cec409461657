"""Issue 12: one browser journey per role, from login to what a member of the public sees,
with axe (WCAG 2.1 A/AA) on every page visited, staff pages included, at 1280 and 360 px.

Written here: the data publisher and the OGP coordinator (see docs/journeys.md for the
roles still covered only by their older, narrower browser tests)."""

import datetime
import os
from pathlib import Path

import pytest

from opendata.models import Dataset
from openlima import roles
from openlima.demo import totp_activate
from openlima.models import OrgUnit
from openlima.services import user_create_staff
from openlima.totp import totp_code_now
from participation.models import Consultation
from tests.e2e.conftest import TEST_TOTP_SECRET, axe_violations

PASSWORD = "clave-muy-segura-2026"
# 1280 px verified; the 360 px runs of these journeys were not yet seen green (issue 12
# asks for both: add "mobile": (360, 740) once the admin passes axe at that width).
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
