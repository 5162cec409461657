import threading
from decimal import Decimal

import pytest
from django.db import connection

from budgets import services
from budgets.models import Ballot, BudgetProcess, ResidentVerification
from openlima.errors import ApplicationError, Forbidden
from openlima.models import AuditLog
from tests.factories import StaffFactory, UserFactory

from .factories import HeadingFactory, ProcessFactory, ProjectFactory, make_resident


def submit(user, heading, projects, **kwargs):
    return services.ballot_submit(
        user=user, heading_id=heading.pk, project_ids=[p.pk for p in projects], **kwargs
    )


@pytest.mark.django_db
def test_ballot_within_budget_then_changed(resident, district_heading):
    a, b, c = (
        ProjectFactory(heading=district_heading, estimated_cost=Decimal(x))
        for x in ("600", "400", "300")
    )
    ballot = submit(resident, district_heading, [a, b])  # exactly the amount: 1000
    assert {p.pk for p in ballot.projects.all()} == {a.pk, b.pk}
    ballot = submit(resident, district_heading, [b, c])
    assert Ballot.objects.filter(user=resident).count() == 1
    assert {p.pk for p in ballot.projects.all()} == {b.pk, c.pk}


@pytest.mark.django_db
def test_over_budget_refused_and_nothing_written(resident, district_heading):
    a, b = (
        ProjectFactory(heading=district_heading, estimated_cost=Decimal(x))
        for x in ("600", "400.01")
    )
    with pytest.raises(ApplicationError, match="superan el monto"):
        submit(resident, district_heading, [a, b])
    assert not Ballot.objects.exists()
    # A valid ballot is not altered by a later over-budget attempt either.
    submit(resident, district_heading, [a])
    with pytest.raises(ApplicationError, match="superan el monto"):
        submit(resident, district_heading, [a, b])
    assert [p.pk for p in Ballot.objects.get().projects.all()] == [a.pk]


@pytest.mark.django_db
def test_approval_limit(resident, districts):
    process = ProcessFactory(voting_style="approval", approval_max_projects=2)
    heading = HeadingFactory(process=process, amount=Decimal("10"))
    projects = [
        ProjectFactory(heading=heading, estimated_cost=Decimal("100")) for _ in range(3)
    ]
    submit(resident, heading, projects[:2])  # costs exceed the amount: irrelevant here
    with pytest.raises(ApplicationError, match="máximo 2"):
        submit(resident, heading, projects)
    assert Ballot.objects.get().projects.count() == 2


@pytest.mark.django_db
def test_empty_foreign_and_unselected_projects_refused(
    resident, district_heading, city_heading
):
    mine = ProjectFactory(heading=district_heading)
    foreign = ProjectFactory(heading=city_heading)
    unselected = ProjectFactory(heading=district_heading, is_selected=False)
    for ids, message in (
        ([], "Elija al menos un proyecto"),
        ([foreign.pk], "no está en esta cédula"),
        ([unselected.pk], "no está en esta cédula"),
        (["x"], "Selección de proyectos no válida"),
        ([mine.pk, foreign.pk], "no está en esta cédula"),
    ):
        with pytest.raises(ApplicationError, match=message):
            services.ballot_submit(
                user=resident, heading_id=district_heading.pk, project_ids=ids
            )
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_resident_votes_in_city_and_own_district_only(
    resident, city_heading, district_heading, other_district_heading
):
    submit(resident, city_heading, [ProjectFactory(heading=city_heading)])
    submit(resident, district_heading, [ProjectFactory(heading=district_heading)])
    with pytest.raises(ApplicationError, match="propio distrito") as exc:
        submit(
            resident,
            other_district_heading,
            [ProjectFactory(heading=other_district_heading)],
        )
    assert exc.value.status_code == 403
    assert Ballot.objects.filter(user=resident).count() == 2


@pytest.mark.django_db
def test_voting_district_is_the_verified_one_not_the_profile(
    resident, district_heading, other_district_heading
):
    resident.district = other_district_heading.district  # edited in the account page
    resident.save()
    with pytest.raises(ApplicationError, match="propio distrito"):
        submit(
            resident,
            other_district_heading,
            [ProjectFactory(heading=other_district_heading)],
        )


@pytest.mark.django_db
def test_unverified_and_pending_residents_cannot_vote(district_heading, districts):
    project = ProjectFactory(heading=district_heading)
    citizen = UserFactory()
    with pytest.raises(ApplicationError, match="verificados") as exc:
        submit(citizen, district_heading, [project])
    assert exc.value.status_code == 403
    pending = UserFactory()
    services.resident_verification_request(
        user=pending,
        dni="10117410-2",
        birth_date=__import__("datetime").date(1990, 1, 1),
        district=districts[0],
    )
    with pytest.raises(ApplicationError, match="pendiente"):
        submit(pending, district_heading, [project])
    # A flag set by hand without a verified claim is not enough either.
    pending.is_verified_resident = True
    pending.save()
    with pytest.raises(ApplicationError, match="pendiente"):
        submit(pending, district_heading, [project])
    assert not Ballot.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("phase", ["selecting", "results", "execution"])
def test_closed_phase_refuses_ballots(resident, district_heading, phase):
    project = ProjectFactory(heading=district_heading)
    BudgetProcess.objects.filter(pk=district_heading.process_id).update(phase=phase)
    with pytest.raises(ApplicationError, match="no está abierta") as exc:
        submit(resident, district_heading, [project])
    assert exc.value.status_code == 409
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_paper_ballot_then_web_refused(resident, district_heading, budget_staff):
    project = ProjectFactory(heading=district_heading)
    paper = submit(
        resident, district_heading, [project], channel="paper", entered_by=budget_staff
    )
    assert paper.channel == "paper" and paper.entered_by == budget_staff
    entry = AuditLog.objects.get(action="budgets.ballot.paper")
    assert entry.actor == budget_staff and entry.details["voter"] == resident.pk
    with pytest.raises(ApplicationError, match="papel") as exc:
        submit(resident, district_heading, [project])
    assert exc.value.status_code == 409
    assert Ballot.objects.filter(user=resident).count() == 1


@pytest.mark.django_db
def test_web_ballot_then_paper_refused(resident, district_heading, budget_staff):
    project = ProjectFactory(heading=district_heading)
    submit(resident, district_heading, [project])
    with pytest.raises(ApplicationError, match="por la web"):
        submit(
            resident,
            district_heading,
            [project],
            channel="paper",
            entered_by=budget_staff,
        )
    ballot = Ballot.objects.get(user=resident)
    assert ballot.channel == "web"
    assert not AuditLog.objects.filter(action="budgets.ballot.paper").exists()


@pytest.mark.django_db
def test_paper_ballot_needs_permission(resident, district_heading):
    project = ProjectFactory(heading=district_heading)
    for who in (None, UserFactory(), StaffFactory()):
        with pytest.raises(Forbidden) as exc:
            submit(
                resident, district_heading, [project], channel="paper", entered_by=who
            )
        assert exc.value.status_code == 403
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_find_resident_by_dni_shown(resident_factory):
    from budgets.dni import dni_hmac

    resident = resident_factory()
    number = "10123558"
    ResidentVerification.objects.filter(user=resident).update(dni_hmac=dni_hmac(number))
    assert services.resident_find_by_dni(dni="10123558-6") == resident
    with pytest.raises(
        ApplicationError, match="No hay un vecino o vecina verificado con ese"
    ):
        services.resident_find_by_dni(dni="10117410-2")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_ballots_of_one_resident_leave_exactly_one(districts):
    heading = HeadingFactory(process=ProcessFactory(), district=districts[0])
    a, b = ProjectFactory(heading=heading), ProjectFactory(heading=heading)
    resident = make_resident(UserFactory(), district=districts[0])
    barrier = threading.Barrier(2)
    outcomes = []

    def cast(project):
        try:
            barrier.wait(timeout=10)
            submit(resident, heading, [project])
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    for _ in range(5):
        Ballot.objects.all().delete()
        outcomes.clear()
        threads = [threading.Thread(target=cast, args=(p,)) for p in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert Ballot.objects.filter(user=resident, heading=heading).count() == 1
        ballot = Ballot.objects.get()
        # Serialised, not lost: both succeeded and the ballot holds one coherent choice.
        assert outcomes == ["ok", "ok"]
        assert ballot.projects.count() == 1
