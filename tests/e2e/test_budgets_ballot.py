"""A resident is verified by staff in /gestion/, fills a district ballot within budget
(the remaining amount updates as projects are ticked), changes it, and sees the results."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from budgets import services
from budgets.models import Ballot, BudgetProcess, Heading, Project, ResidentVerification
from openlima import registry
from openlima.demo import totp_activate
from openlima.models import District
from tests.e2e.conftest import TEST_TOTP_SECRET, assert_no_axe_violations, login
from tests.factories import StaffFactory, UserFactory

PASSWORD = "clave-segura-123"


@pytest.fixture
def fake_tracking():
    def track(
        *,
        plan_title,
        plan_slug,
        commitment_title,
        unit_id,
        milestone_title,
        description,
        due_on,
    ):
        return {"commitment_id": 1, "milestone_id": 1, "url": "/compromisos/"}

    with registry.override("commitments.track_project", track):
        yield


@pytest.mark.django_db(transaction=True)
def test_resident_verified_by_staff_votes_changes_and_sees_results(
    page, new_page, fake_tracking
):
    now = timezone.now()
    district = District.objects.get(name="Miraflores")
    process = BudgetProcess.objects.create(
        title="Presupuesto participativo de prueba",
        slug="pp-e2e",
        phase="balloting",
        accepting_starts_at=now - timedelta(days=30),
        review_starts_at=now - timedelta(days=20),
        selecting_starts_at=now - timedelta(days=10),
        balloting_starts_at=now - timedelta(days=1),
        balloting_ends_at=now + timedelta(days=5),
        execution_starts_at=now + timedelta(days=30),
    )
    Heading.objects.create(
        process=process, name="Toda la ciudad", slug="ciudad", amount=Decimal("5000")
    )
    heading = Heading.objects.create(
        process=process,
        name="Distrito de Miraflores",
        slug="miraflores",
        district=district,
        amount=Decimal("1000"),
    )
    park, library, ramps = (
        Project.objects.create(
            heading=heading,
            title=title,
            description="Proyecto vecinal.",
            estimated_cost=Decimal(cost),
            feasibility="feasible",
            is_selected=True,
        )
        for title, cost in (("Parque", "600"), ("Biblioteca", "300"), ("Rampas", "500"))
    )
    citizen = UserFactory(email="vecina@example.pe", district=None)

    # 1. The citizen declares her DNI, birth date and district.
    login(page, email=citizen.email, password=PASSWORD)
    page.goto("/participa/presupuestos/verificacion/")
    assert_no_axe_violations(page)
    page.fill("input[name=dni]", "10117410-2")
    page.fill("input[name=birth_date]", "1990-05-17")
    page.select_option("select[name=district]", str(district.pk))
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=pendiente")
    verification = ResidentVerification.objects.get(user=citizen)
    assert verification.status == "pending"

    # 2. Staff at an office confirm it in /gestion/ (2FA) with the DNI card shown.
    staff = StaffFactory(email="atencion@munlima.gob.pe")
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="budgets",
            codename__in=["view_residentverification", "change_residentverification"],
        )
    )
    totp_activate(user=staff, secret=TEST_TOTP_SECRET)
    office = new_page()
    login(office, email=staff.email, password=PASSWORD, totp_secret=TEST_TOTP_SECRET)
    office.goto("/gestion/budgets/residentverification/")
    office.click("text=Confirmar o rechazar")
    office.fill("input[name=dni_shown]", "10117410-G")
    office.click("input[type=submit]")
    office.wait_for_selector("text=Residencia confirmada")
    citizen.refresh_from_db()
    assert citizen.is_verified_resident and citizen.district == district

    # 3. She fills her district ballot; the remaining amount follows her choices.
    page.goto("/participa/presupuestos/pp-e2e/")
    page.click("text=Votar en esta partida >> nth=1")
    assert page.url.endswith("/pp-e2e/miraflores/votar/")
    remaining = page.locator("#ballot-remaining")
    assert remaining.inner_text() == "Saldo disponible: S/ 1,000.00"
    url_before = page.url
    page.check(f"#project-{park.pk}")
    page.wait_for_function(
        "document.getElementById('ballot-remaining').textContent.includes('400.00')"
    )
    assert remaining.inner_text() == "Saldo disponible: S/ 400.00"
    page.check(f"#project-{library.pk}")
    assert remaining.inner_text() == "Saldo disponible: S/ 100.00"
    page.check(f"#project-{ramps.pk}")
    assert "Se excede en S/ 400.00" in remaining.inner_text()
    page.uncheck(f"#project-{ramps.pk}")
    assert page.url == url_before  # all of it without navigating
    assert_no_axe_violations(page)
    page.click("main form.ballot button[type=submit]")
    # A summary before the ballot is cast (issue 12); nothing written until confirmed.
    page.wait_for_selector("text=Su voto todavía no está registrado")
    assert not Ballot.objects.filter(user=citizen, heading=heading).exists()
    assert_no_axe_violations(page)
    page.click("button[name=confirm]")
    page.wait_for_selector("text=Su voto quedó registrado")
    ballot = Ballot.objects.get(user=citizen, heading=heading)
    assert {p.pk for p in ballot.projects.all()} == {park.pk, library.pk}

    # 4. She changes it before balloting closes.
    page.uncheck(f"#project-{park.pk}")
    page.check(f"#project-{ramps.pk}")
    assert remaining.inner_text() == "Saldo disponible: S/ 200.00"
    page.click("text=Cambiar mi voto")
    page.click("button[name=confirm]")
    page.wait_for_selector("text=Su voto quedó registrado")
    assert {p.pk for p in ballot.projects.all()} == {library.pk, ramps.pk}
    assert Ballot.objects.filter(user=citizen).count() == 1

    # 5. Balloting closes (publish_scheduled) and the results are public.
    BudgetProcess.objects.filter(pk=process.pk).update(
        balloting_ends_at=timezone.now() - timedelta(minutes=1)
    )
    services.budgets_publish_due(now=timezone.now())
    page.goto("/participa/presupuestos/pp-e2e/resultados/")
    table = page.locator("table", has_text="Distrito de Miraflores")
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    funded = [
        rows.nth(i).locator("th").inner_text()
        for i in range(3)
        if "No financiado" not in rows.nth(i).inner_text()
    ]
    assert sorted(funded) == ["Biblioteca", "Rampas"]
    assert_no_axe_violations(page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["", "/en"])
def test_public_budget_pages_have_no_axe_violations(page, lang):
    from budgets.demo import DEMO_SLUG, demo_load

    demo_load()
    project = Project.objects.filter(heading__slug="ciudad").first()
    Project.objects.filter(pk=project.pk).update(
        feasibility="unfeasible", unfeasibility_reason="Terreno privado."
    )
    for path in (
        "/participa/presupuestos/",
        f"/participa/presupuestos/{DEMO_SLUG}/",
        f"/participa/presupuestos/{DEMO_SLUG}/ciudad/",
        f"/participa/presupuestos/{DEMO_SLUG}/ciudad/proyectos/{project.pk}/",
        f"/participa/presupuestos/{DEMO_SLUG}/ciudad/votar/",
        f"/participa/presupuestos/{DEMO_SLUG}/resultados/",
    ):
        page.goto(lang + path)
        assert page.locator("main h1").count() == 1, path
        assert_no_axe_violations(page)
