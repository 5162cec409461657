"""Issue 13's walk-through: a logistics editor publishes a tender in /gestion/; a citizen who
follows "obras en Comas" gets the e-mail; the tender page shows the timeline; the award is
added; the red flag "un solo postor" appears with its explanation; zero axe violations."""

import pytest
from django.core import mail
from django.utils import timezone

from contracting import services
from contracting.models import ContractingProcess, Supplier
from openlima import roles
from openlima.demo import totp_activate
from openlima.models import District, OrgUnit
from openlima.services import user_create_staff
from tests.e2e.conftest import TEST_TOTP_SECRET, assert_no_axe_violations, login
from tests.factories import UserFactory

PASSWORD = "clave-muy-segura-2026"


@pytest.fixture
def setup(transactional_db):
    # Contracting's data migration creates the unit; an earlier transactional test may have
    # flushed it (the core's reference data is restored, an app's own unit is not).
    logistics, _created = OrgUnit.objects.get_or_create(
        slug="logistica",
        defaults={"name": "Oficina General de Logística", "acronym": "OGL"},
    )
    editor = user_create_staff(
        email="logistica@munlima.gob.pe",
        password=PASSWORD,
        org_unit=logistics,
        roles=[roles.PROCUREMENT_EDITOR],
    )
    totp_activate(user=editor, secret=TEST_TOTP_SECRET)
    citizen = UserFactory(email="vecina.comas@example.pe", password=PASSWORD)
    supplier = Supplier.objects.create(
        ruc="20512345678", name="Constructora Collique S.A.C."
    )
    return {
        "logistics": logistics,
        "citizen": citizen,
        "supplier": supplier,
        "comas": District.objects.get(ubigeo="150110"),
    }


@pytest.mark.django_db(transaction=True)
def test_tender_follow_award_and_red_flag(page, new_page, setup):
    # A citizen follows the works in Comas.
    citizen = new_page()
    login(citizen, email="vecina.comas@example.pe", password=PASSWORD)
    citizen.goto("/contrataciones/?district=comas&category=works")
    assert_no_axe_violations(citizen)
    citizen.click("text=Seguir esta búsqueda por correo")
    citizen.wait_for_load_state("networkidle")
    assert "Le enviaremos un correo" in citizen.content()

    # The logistics editor publishes a tender in /gestion/.
    add_url = "/gestion/contracting/contractingprocess/add/"
    login(
        page,
        email="logistica@munlima.gob.pe",
        password=PASSWORD,
        totp_secret=TEST_TOTP_SECRET,
        next_url=add_url,
    )
    page.goto(add_url)
    page.fill("input[name=title]", "Construcción de losa deportiva en Collique")
    page.select_option("select[name=buyer_unit]", str(setup["logistics"].pk))
    page.select_option("select[name=district]", str(setup["comas"].pk))
    page.fill("input[name=budget_amount]", "1850000")
    page.select_option("select[name=method]", "open")
    page.select_option("select[name=category]", "works")
    page.fill("input[name=tender_amount]", "1800000")
    start = timezone.localtime() - timezone.timedelta(days=1)
    end = start + timezone.timedelta(days=20)
    page.fill("input[name=tender_start_0]", start.strftime("%d/%m/%Y"))
    page.fill("input[name=tender_start_1]", "09:00:00")
    page.fill("input[name=tender_end_0]", end.strftime("%d/%m/%Y"))
    page.fill("input[name=tender_end_1]", "17:00:00")
    page.check("input[name=is_published]")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert "Se publicó el release" in page.locator(".messagelist").inner_text()
    process = ContractingProcess.objects.get()
    assert list(process.releases.values_list("tag", flat=True)) == [["tender"]]

    # The scheduled job e-mails the follower.
    services.publish_and_notify(now=timezone.now())
    assert [m.to for m in mail.outbox] == [["vecina.comas@example.pe"]]
    assert "Construcción de losa deportiva en Collique" in mail.outbox[0].body

    # The tender page shows the timeline, with the call open.
    citizen.goto(process.get_absolute_url())
    timeline = citizen.locator(".ctr-timeline").inner_text()
    assert "Planificación" in timeline and "Convocatoria" in timeline
    assert (
        citizen.locator(".ctr-timeline [aria-current=step]")
        .inner_text()
        .startswith("Convocatoria")
    )
    assert "En convocatoria" in citizen.content()
    assert_no_axe_violations(citizen)

    # The editor adds the only bid and the award.
    page.goto(f"/gestion/contracting/contractingprocess/{process.pk}/change/")
    page.click("#bids-group .add-row a")
    page.fill("input[name='bids-0-supplier']", str(setup["supplier"].pk))
    page.fill("input[name='bids-0-amount']", "1790000")
    page.click("#awards-group .add-row a")
    page.fill("input[name='awards-0-supplier']", str(setup["supplier"].pk))
    page.fill("input[name='awards-0-amount']", "1790000")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert "(award)" in page.locator(".messagelist").inner_text()

    # The red flag appears with its plain-language explanation.
    citizen.goto(process.get_absolute_url())
    flags = citizen.locator(".ctr-flags").inner_text()
    assert "Un solo postor" in flags
    assert "se presentó una sola oferta válida" in flags
    assert "para revisar" in flags
    assert (
        "Constructora Collique S.A.C."
        in citizen.locator("#bids-title + div").inner_text()
    )
    assert_no_axe_violations(citizen)
    citizen.goto("/obras/")
    assert_no_axe_violations(citizen)
    citizen.goto("/contrataciones/proveedores/20512345678/")
    assert "Un solo postor" in citizen.content()
    assert_no_axe_violations(citizen)
