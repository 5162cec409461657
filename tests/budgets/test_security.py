"""Budget security (issue 12): ballots refused by time after balloting_ends_at; one DNI ->
one counted ballot per heading whatever happens to accounts; the DNI form does not reveal
whether a DNI is registered and a false pending claim does not block the real owner;
registrars cannot see a paper voter's choices."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from budgets import selectors, services
from budgets.models import Ballot, ResidentVerification
from openlima.errors import ApplicationError, Conflict
from tests.factories import UserFactory

from .factories import ProcessFactory, ProjectFactory, make_resident, valid_dni

pytestmark = pytest.mark.django_db
ADULT = date(1990, 5, 17)


def submit(user, heading, projects, **kwargs):
    return services.ballot_submit(
        user=user, heading_id=heading.pk, project_ids=[p.pk for p in projects], **kwargs
    )


def claim(user, district, number="10117410"):
    return services.resident_verification_request(
        user=user, dni=valid_dni(number), birth_date=ADULT, district=district
    )


def counted_votes(heading):
    return {
        r["project"].pk: r["votes"] for r in services.results_compute(heading=heading)
    }


# --- time ------------------------------------------------------------------------------
def test_ballot_after_balloting_ends_at_refused_while_phase_not_moved(
    resident, budget_staff
):
    now = timezone.now()
    process = ProcessFactory(
        balloting_starts_at=now - timedelta(days=3),
        balloting_ends_at=now - timedelta(minutes=1),
        execution_starts_at=now + timedelta(days=30),
    )
    assert process.phase == "balloting"  # publish_scheduled has not run yet
    from .factories import HeadingFactory

    heading = HeadingFactory(process=process)
    project = ProjectFactory(heading=heading)
    with pytest.raises(ApplicationError, match="no está abierta") as exc:
        submit(resident, heading, [project])
    assert exc.value.status_code == 409
    with pytest.raises(ApplicationError, match="no está abierta"):
        submit(resident, heading, [project], channel="paper", entered_by=budget_staff)
    assert not Ballot.objects.exists()


def test_ballot_before_balloting_starts_at_refused(resident):
    now = timezone.now()
    process = ProcessFactory(
        balloting_starts_at=now + timedelta(hours=1),
        balloting_ends_at=now + timedelta(days=3),
    )
    from .factories import HeadingFactory

    heading = HeadingFactory(process=process)
    with pytest.raises(ApplicationError, match="no está abierta"):
        submit(resident, heading, [ProjectFactory(heading=heading)])


# --- one DNI, one counted ballot -------------------------------------------------------------
def test_rejected_after_voting_the_ballot_no_longer_counts(
    districts, city_heading, budget_staff
):
    voter = make_resident(UserFactory(), district=districts[0], dni_number="30000001")
    project = ProjectFactory(heading=city_heading)
    submit(voter, city_heading, [project])
    assert counted_votes(city_heading) == {project.pk: 1}
    services.resident_verification_reject(
        verification_id=voter.resident_verification.pk,
        staff=budget_staff,
        reason="DNI ajeno",
    )
    assert counted_votes(city_heading) == {project.pk: 0}


def test_same_dni_on_a_new_account_counts_once(districts, city_heading, budget_staff):
    """Rejected after voting, then verified again on a new account and voting again:
    exactly one counted ballot for that DNI in that heading."""
    first = make_resident(UserFactory(), district=districts[0], dni_number="30000002")
    project = ProjectFactory(heading=city_heading)
    submit(first, city_heading, [project])
    services.resident_verification_reject(
        verification_id=first.resident_verification.pk,
        staff=budget_staff,
        reason="revisión",
    )
    second = UserFactory()
    pending = claim(second, districts[0], "30000002")
    services.resident_verification_confirm(
        verification_id=pending.pk, staff=budget_staff, dni_shown=valid_dni("30000002")
    )
    second.refresh_from_db()
    submit(second, city_heading, [project])
    assert counted_votes(city_heading) == {project.pk: 1}


def test_same_dni_votes_once_per_heading_even_if_the_first_record_is_gone(
    districts, city_heading
):
    """Whatever happens to the first account's records, a DNI that already has a counted
    ballot in a heading cannot add a second one (database constraint on the ballot)."""
    first = make_resident(UserFactory(), district=districts[0], dni_number="30000003")
    project = ProjectFactory(heading=city_heading)
    submit(first, city_heading, [project])
    ResidentVerification.objects.filter(user=first).delete()
    second = make_resident(UserFactory(), district=districts[0], dni_number="30000003")
    with pytest.raises(ApplicationError, match="Ya existe una cédula") as exc:
        submit(second, city_heading, [project])
    assert exc.value.status_code == 409
    assert counted_votes(city_heading) == {project.pk: 1}
    assert Ballot.objects.filter(user=second).count() == 0


def test_ballot_records_the_dni_fingerprint(resident, city_heading):
    ballot = submit(resident, city_heading, [ProjectFactory(heading=city_heading)])
    assert ballot.dni_hmac == resident.resident_verification.dni_hmac


# --- the DNI form ---------------------------------------------------------------------------
def test_dni_form_does_not_reveal_a_registered_dni(districts, budget_staff):
    fresh = claim(UserFactory(), districts[0], "30000010")
    taken_pending = claim(UserFactory(), districts[0], "30000011")
    again_pending = claim(UserFactory(), districts[0], "30000011")
    verified_elsewhere = make_resident(
        UserFactory(), district=districts[0], dni_number="30000012"
    )
    assert verified_elsewhere.is_verified_resident
    again_verified = claim(UserFactory(), districts[0], "30000012")
    # Same answer whether or not the DNI is already claimed or verified elsewhere.
    for v in (fresh, taken_pending, again_pending, again_verified):
        assert v.status == ResidentVerification.Status.PENDING


def test_census_backend_does_not_auto_verify_a_dni_verified_elsewhere(
    districts, settings, tmp_path
):
    census = tmp_path / "census.csv"
    census.write_text(
        f"dni,birth_date,ubigeo\n30000020,1990-05-17,{districts[0].ubigeo}\n"
    )
    settings.RESIDENT_VERIFICATION_BACKEND = "budgets.backends.CensusCsvBackend"
    settings.RESIDENT_CENSUS_CSV = str(census)
    make_resident(UserFactory(), district=districts[0], dni_number="30000020")
    other = claim(UserFactory(), districts[0], "30000020")
    assert other.status == ResidentVerification.Status.PENDING


def test_false_pending_claim_does_not_block_the_real_owner(districts, budget_staff):
    squatter = claim(UserFactory(), districts[0], "30000030")
    owner_user = UserFactory()
    owner = claim(owner_user, districts[0], "30000030")
    assert owner.status == "pending"
    services.resident_verification_confirm(
        verification_id=owner.pk, staff=budget_staff, dni_shown=valid_dni("30000030")
    )
    owner_user.refresh_from_db()
    assert owner_user.is_verified_resident
    squatter.refresh_from_db()
    assert squatter.status == ResidentVerification.Status.REJECTED


def test_staff_cannot_confirm_a_dni_verified_on_another_account(
    districts, budget_staff
):
    make_resident(UserFactory(), district=districts[0], dni_number="30000040")
    second = claim(UserFactory(), districts[0], "30000040")
    with pytest.raises(ApplicationError, match="otra cuenta") as exc:
        services.resident_verification_confirm(
            verification_id=second.pk,
            staff=budget_staff,
            dni_shown=valid_dni("30000040"),
        )
    assert exc.value.status_code == 409
    second.refresh_from_db()
    assert second.status == "pending"


# --- paper ballots: registrars cannot see choices -------------------------------------------
def test_registrar_cannot_see_a_paper_voters_choices(
    resident, city_heading, budget_staff, staff_client_factory
):
    project = ProjectFactory(heading=city_heading, title="Parque secreto Rímac")
    ballot = submit(
        resident, city_heading, [project], channel="paper", entered_by=budget_staff
    )
    client = staff_client_factory(budget_staff)
    for url in (
        "/gestion/budgets/paperballot/",
        f"/gestion/budgets/paperballot/{ballot.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        assert "Parque secreto" not in response.content.decode(), url


def test_access_check_uses_the_clock(resident, city_heading):
    process = city_heading.process
    process.balloting_ends_at = timezone.now() - timedelta(seconds=1)
    with pytest.raises(Conflict):
        selectors.access_ballot_for_heading(user=resident, heading=city_heading)
