"""La Paz demo profile across every app (issue 15, docs/city-profile.md): `load_demo` loads
La Paz's own budget, datasets, complaint categories and procurement (never Lima's), and no
public page, API answer, staff page of /gestion/ or e-mail of any app mentions Lima, Peru,
DNI, soles or Ley 27806. Marked `city_lapaz` (run by .ci/run under CITY_PROFILE=la-paz)."""

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from openlima.models import District
from tests.city.test_lapaz import CREDIT, FORBIDDEN, district_words, leaks
from tests.factories import StaffFactory

pytestmark = [pytest.mark.city_lapaz, pytest.mark.django_db]


@pytest.fixture
def demo(lapaz):
    call_command("load_demo", stdout=StringIO())
    from commitments.models import ActionPlan

    ActionPlan.objects.update(is_published=True)
    return lapaz


def test_load_demo_loads_la_paz_budget_datasets_categories_and_procurement(demo):
    from budgets.dni import dni_hmac
    from budgets.models import (
        BudgetProcess,
        Heading,
        Project,
        ResidentVerification,
        VerificationOffice,
    )
    from complaints.models import Category
    from contracting.models import ContractingProcess, InfrastructureProject
    from opendata.models import Dataset

    process = BudgetProcess.objects.get()
    assert process.title.startswith("[Demostración]") and "La Paz" in process.title
    headings = {h.name: h for h in Heading.objects.select_related("district")}
    assert headings["Macrodistrito Cotahuma"].district.ubigeo == "LPZ-01"
    assert headings["Todo el municipio"].district is None
    assert all(p.title.startswith("[Demostración]") for p in Project.objects.all())
    assert Project.objects.count() == 7
    office = VerificationOffice.objects.get()
    assert office.name.startswith("[Demostración]") and office.district.name == "Centro"
    verified = ResidentVerification.objects.filter(status="verified")
    assert verified.count() == 2
    assert verified.filter(dni_hmac=dni_hmac("5123487-1B")).exists()

    datasets = list(Dataset.objects.values_list("title", flat=True))
    assert len(datasets) == 3 and all(t.startswith("[Demostración]") for t in datasets)
    names = list(Category.objects.values_list("name", flat=True))
    assert len(names) == 5 and all(n.startswith("[Demostración]") for n in names)

    processes = ContractingProcess.objects.select_related("buyer_unit")
    assert processes.count() == 4 and all(p.is_demo for p in processes)
    assert {p.buyer_unit.name for p in processes} == {"Despacho del Alcalde"}
    assert all(p.district.ubigeo.startswith("LPZ-") for p in processes)
    # The ocid names La Paz's municipality (legal.ocds_publisher.ocid_segment), not Lima's.
    assert all("-gamlp-" in p.ocid and "mml" not in p.ocid for p in processes)
    works = InfrastructureProject.objects.all()
    assert works.count() == 2 and all(w.is_demo for w in works)
    # Bids and an award from suppliers identified by a NIT (legal.supplier_id: BO-NIT).
    from contracting.models import Award, Bid, Supplier

    suppliers = Supplier.objects.all()
    assert suppliers.count() == 3
    assert all(s.name.startswith("[Demostración]") for s in suppliers)
    assert all(s.party_id == f"BO-NIT-{s.ruc}" for s in suppliers)
    assert Bid.objects.count() == 3 and Award.objects.count() == 1
    awarded = Award.objects.select_related("process").get().process
    awarded.refresh_from_db()
    parties = {p["id"]: p for p in awarded.compiled["parties"]}
    assert "BO-NIT-1000000033" in parties
    assert parties["BO-NIT-1000000033"]["identifier"] == {
        "scheme": "BO-NIT",
        "id": "1000000033",
        "legalName": "[Demostración] Servicios Eléctricos Sopocachi Ltda.",
    }
    assert not any(pid.startswith("PE-") for pid in parties)
    # A scheduled participation session in a macrodistrict, open for registration.
    from participation.models import Session

    session = Session.objects.get()
    assert session.title.startswith("[Demostración]")
    assert session.district.ubigeo == "LPZ-01"
    assert session.organiser_unit.slug == "participacion-vecinal"


def _where(text: str) -> list[str]:
    """Each forbidden word with a little of its context (for the failure message)."""
    text = CREDIT.sub("", text)
    return sorted(
        {
            text[max(0, m.start() - 50) : m.end() + 30].replace("\n", " ")
            for m in FORBIDDEN.finditer(text)
        }
    )


def _public_paths():
    from budgets.models import BudgetProcess, Heading, Project
    from commitments.models import Commitment
    from contracting.models import ContractingProcess, InfrastructureProject, Supplier
    from opendata.models import Dataset
    from participation.models import Proposal, Session

    process = BudgetProcess.objects.get()
    heading = Heading.objects.exclude(district=None).first()
    dataset = Dataset.objects.order_by("slug").first()
    procurement = ContractingProcess.objects.exclude(tender_start=None).first()
    awarded = ContractingProcess.objects.exclude(awards=None).get()
    supplier = Supplier.objects.order_by("ruc").first()
    session = Session.objects.get()
    work = InfrastructureProject.objects.first()
    commitment = Commitment.objects.order_by("number").first()
    proposal = Proposal.objects.first()
    project = Project.objects.filter(heading=heading).first()
    paths = [
        commitment.get_absolute_url(),
        f"/participa/propuestas/{proposal.pk}/",
        f"/participa/distritos/{heading.district.slug}/",
        f"/participa/presupuestos/{process.slug}/",
        f"/participa/presupuestos/{process.slug}/{heading.slug}/",
        f"/participa/presupuestos/{process.slug}/resultados/",
        "/denuncias/",
        "/denuncias/nueva/",
        "/denuncias/seguimiento/",
        "/datos/",
        f"/datos/{dataset.slug}/",
        f"/datos/{dataset.slug}.ttl",
        f"/datos/{dataset.slug}/datapackage.json",
        "/catalog.ttl",
        "/api/3/action/package_list",
        f"/api/3/action/package_show?id={dataset.slug}",
        "/api/3/action/organization_list?all_fields=true",
        "/contrataciones/",
        "/obras/",
        procurement.get_absolute_url(),
        work.get_absolute_url(),
        "/api/ocds/releases/",
        f"/api/ocds/records/{procurement.ocid}",
        "/api/oc4ids/projects/",
        # Bids and an award from NIT suppliers; the policy names the scheme.
        awarded.get_absolute_url(),
        f"/api/ocds/records/{awarded.ocid}",
        f"/api/ocds/releases/?ocid={awarded.ocid}",
        supplier.get_absolute_url(),
        "/contrataciones/politica-de-publicacion/",
        f"/participa/sesiones/{session.pk}/",
        "/participa/sesiones/",
        "/en/contrataciones/",
        "/en/obras/",
        f"/en/datos/{dataset.slug}/",
    ]
    if project is not None and hasattr(project, "get_absolute_url"):
        paths.append(project.get_absolute_url())
    return paths


def test_public_pages_and_apis_of_every_app_do_not_leak(client, demo):
    found = {}
    for path in _public_paths():
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        text = response.content.decode()
        bad = _where(text) + (
            district_words(text) if "html" in response["Content-Type"] else []
        )
        if bad:
            found[path] = bad
    assert found == {}


def _admin_paths():
    paths = ["/gestion/"]
    for model, _model_admin in admin.site._registry.items():
        meta = model._meta
        for view, args in (
            ("changelist", []),
            ("add", []),
            ("change", [model._default_manager.values_list("pk", flat=True).first()]),
        ):
            if None in args:
                continue
            try:
                paths.append(
                    reverse(
                        f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args
                    )
                )
            except NoReverseMatch:
                continue
    return paths


# The schedules' time-zone list (django_celery_beat) names every zone in the world.
TIME_ZONE_OPTION = re.compile(
    r'<option value="America/Lima"[^>]*>America/Lima</option>'
)


def test_staff_pages_of_every_app_do_not_leak(demo, staff_client_factory):
    superuser = StaffFactory(is_superuser=True)
    client = staff_client_factory(superuser)
    found = {}
    for path in _admin_paths():
        response = client.get(path)
        # 403: an add form the app never allows by hand (audit logs, ballots...).
        assert response.status_code in (200, 403), path
        if response.status_code != 200:
            continue
        bad = _where(TIME_ZONE_OPTION.sub("", response.content.decode()))
        if bad:
            found[path] = bad
    assert found == {}


def test_emails_of_every_app_do_not_leak(
    demo, client, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from budgets import services as budgets_services
    from budgets import tasks as budgets_tasks
    from budgets.models import Heading, ResidentVerification
    from commitments.services import notices as commitment_notices
    from complaints.models import Complaint
    from complaints.services.notices import unit_notify
    from contracting.models import ContractingProcess, Follow
    from contracting.services.publication import follows_notify
    from participation import services as participation_services
    from participation import tasks as participation_tasks
    from participation.models import Proposal

    User = get_user_model()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # Budgets: the decision on a pending cédula, then a verified resident's ballot.
        registrar = User.objects.get(email="registro@demo.openlima.pe")
        pending = ResidentVerification.objects.get(status="pending")
        budgets_services.resident_verification_confirm(
            verification_id=pending.pk, staff=registrar, dni_shown="6034512 LP"
        )
        budgets_tasks.verification_decision_email(pending.pk)
        voter = User.objects.get(email="vecino1@demo.openlima.pe")
        heading = Heading.objects.get(district=None)
        ballot = budgets_services.ballot_submit(
            user=voter,
            heading_id=heading.pk,
            project_ids=[heading.projects.first().pk],
        )
        budgets_tasks.ballot_receipt_email(ballot.pk)
        # Complaints: the integrity unit is told of a new case (never its content).
        unit_notify(complaint_id=Complaint.objects.first().pk, reason="new")
        unit_notify(complaint_id=Complaint.objects.first().pk, reason="ack-overdue")
        # Contracting: a follower of a search hears of new processes.
        Follow.objects.create(
            user=voter,
            query="",
            label="Todas",
            last_notified_at=ContractingProcess.objects.order_by("published_at")
            .first()
            .published_at
            - dt.timedelta(days=1),
        )
        follows_notify()
        # Participation: an immediate notice and the unit assignment e-mail.
        proposal = Proposal.objects.first()
        participation_services.notify(
            user_ids=[voter.pk],
            kind="comment",
            text="Hay un comentario nuevo en su propuesta.",
            url=f"/participa/propuestas/{proposal.pk}/",
        )
        participation_services.notifications_send(user=voter, digest=False)
        from openlima.models import OrgUnit

        unit = OrgUnit.objects.get(slug="participacion-vecinal")
        unit.email = "participacion@example.bo"
        unit.save()
        Proposal.objects.filter(pk=proposal.pk).update(assigned_unit=unit)
        participation_tasks.unit_assignment_email(proposal.pk)
        # Participation: registration to the demo session, and its e-mail.
        from participation.models import Session

        registration = participation_services.session_register(
            user=voter, session_id=Session.objects.get().pk
        )
        participation_tasks.session_registration_email(registration.pk)
        # Commitments: reminders to the coordination of milestones due.
        commitment_notices.milestone_reminders_send(
            today=dt.date.today() + dt.timedelta(days=3650)
        )
    subjects = [m.subject for m in mail.outbox]
    assert len(mail.outbox) >= 6, subjects
    assert any("su inscripción a «[Demostración] Mesa vecinal" in s for s in subjects)
    unit_notices = [m.body for m in mail.outbox if "espacio de trabajo" in m.body]
    assert unit_notices and all(
        "Unidad de Transparencia y Lucha contra la Corrupción" in body
        and "Unidad de Integridad" not in body
        for body in unit_notices
    )
    found = {}
    for message in mail.outbox:
        text = message.subject + "\n" + message.body
        for alternative, _mime in getattr(message, "alternatives", []):
            text += alternative
        if leaks(text):
            found[message.subject] = _where(text)
    assert found == {}
    assert Decimal(heading.amount) == Decimal("3000000")
    assert District.objects.filter(ubigeo__startswith="LPZ-").count() == 9
