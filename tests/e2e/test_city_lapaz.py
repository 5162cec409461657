"""The La Paz demo profile in the browser (docs/city-profile.md): the home page says La Paz,
the territorial units are macrodistricts, and the budget verification form asks for a
cédula de identidad; public works are drawn on the macrodistrict map; no axe violations.
With SCREENSHOT_DIR set, saves the four pages as PNG (described in the branch notes)."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from openlima.models import District
from tests.city.test_lapaz import leaks
from tests.e2e.conftest import assert_no_axe_violations, login
from tests.factories import UserFactory

pytestmark = pytest.mark.city_lapaz


def _shot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_la_paz_home_macrodistrict_and_cedula_verification(page, lapaz):
    call_command("load_demo", stdout=StringIO())
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/")
    assert "La Paz" in page.locator("main h1").inner_text()
    assert (
        "Gobierno Autónomo Municipal de La Paz" in page.locator("header").inner_text()
    )
    assert leaks(page.content()) == []
    assert_no_axe_violations(page)
    _shot(page, "lapaz-home")

    page.goto("/participa/distritos/")
    assert "macrodistrito" in page.locator("main h1").inner_text()
    assert page.locator("main tbody tr").count() == 9
    page.click("main >> text=Cotahuma")
    page.wait_for_load_state("networkidle")
    assert "Cotahuma" in page.locator("main h1").inner_text()
    assert "[Demostración] Bancas y sombra" in page.locator("main").inner_text()
    assert leaks(page.content()) == []
    assert_no_axe_violations(page)
    _shot(page, "lapaz-macrodistrict")

    # Public works on the profile's macrodistrict map (never Lima's districts).
    page.goto("/obras/")
    assert "macrodistrito" in page.locator("main h1").inner_text()
    assert page.locator("main svg path").count() == 9
    assert leaks(page.content()) == []
    assert_no_axe_violations(page)
    _shot(page, "lapaz-works")

    user = UserFactory(
        email="vecina.lapaz@example.bo",
        district=District.objects.get(ubigeo="LPZ-01"),
    )
    login(
        page,
        email=user.email,
        password="clave-segura-123",
        next_url="/participa/presupuestos/verificacion/",
    )
    page.goto("/participa/presupuestos/verificacion/")
    form = page.locator("main form")
    assert "Número de cédula de identidad" in form.inner_text()
    assert "Macrodistrito de residencia" in form.inner_text()
    assert leaks(page.content()) == []
    assert_no_axe_violations(page)
    _shot(page, "lapaz-budget-verification")
    page.fill("input[name=dni]", "12345678-K")
    page.fill("input[name=birth_date]", "1990-05-01")
    page.select_option("select[name=district]", label="Cotahuma")
    page.click("main form button[type=submit]")
    assert (
        "Número de cédula de identidad no válido" in page.locator("main").inner_text()
    )
