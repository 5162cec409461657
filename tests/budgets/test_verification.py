from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from budgets import services
from budgets.models import ResidentVerification
from openlima.errors import ApplicationError, Invalid, Throttled
from openlima.models import AuditLog
from tests.factories import StaffFactory, UserFactory

from .factories import valid_dni

ADULT = date(1990, 5, 17)


def request(user, district, dni="10117410-2", birth_date=ADULT):
    return services.resident_verification_request(
        user=user, dni=dni, birth_date=birth_date, district=district
    )


@pytest.mark.django_db
def test_default_backend_leaves_claim_pending_and_stores_only_a_hash(districts):
    user = UserFactory()
    verification = request(user, districts[0])
    assert verification.status == "pending"
    user.refresh_from_db()
    assert user.is_verified_resident is False
    stored = ResidentVerification.objects.filter(pk=verification.pk).values().get()
    assert not any("10117410" in str(v) for v in stored.values())
    assert AuditLog.objects.filter(action="budgets.verification.pending").exists()


@pytest.mark.django_db
def test_invalid_check_character_refused_nothing_stored(districts):
    user = UserFactory()
    with pytest.raises(Invalid) as exc:
        request(user, districts[0], dni="10117410-3")
    assert "dni" in exc.value.field_errors
    assert not ResidentVerification.objects.exists()


@pytest.mark.django_db
def test_one_verified_account_per_dni(districts, budget_staff):
    """A second claim of a DNI is accepted as pending (the form does not reveal that the DNI
    is taken); the office cannot confirm it while another account holds it verified."""
    first = request(UserFactory(), districts[0])
    services.resident_verification_confirm(
        verification_id=first.pk, staff=budget_staff, dni_shown="10117410-2"
    )
    other = UserFactory()
    second = request(other, districts[0], dni="10117410-G")  # same number, letter form
    assert second.status == "pending"
    with pytest.raises(ApplicationError, match="otra cuenta"):
        services.resident_verification_confirm(
            verification_id=second.pk, staff=budget_staff, dni_shown="10117410-2"
        )


@pytest.mark.django_db
def test_one_verified_account_per_dni_is_a_database_constraint(districts):
    first = request(UserFactory(), districts[0])
    ResidentVerification.objects.filter(pk=first.pk).update(status="verified")
    with pytest.raises(IntegrityError):
        ResidentVerification.objects.create(
            user=UserFactory(),
            dni_hmac=first.dni_hmac,
            birth_date=ADULT,
            district=districts[0],
            status="verified",
            backend="x",
        )


@pytest.mark.django_db
def test_rejected_claim_frees_the_dni_for_its_real_owner(districts, budget_staff):
    squatter = request(UserFactory(), districts[0])
    services.resident_verification_reject(
        verification_id=squatter.pk, staff=budget_staff, reason="DNI ajeno"
    )
    owner = request(UserFactory(), districts[0])
    assert owner.status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize("years,ok", [(15, False), (16, True)])
def test_minimum_age_default_16(districts, years, ok):
    today = timezone.localdate()
    birth = today.replace(year=today.year - years)
    if ok:
        assert (
            request(UserFactory(), districts[0], birth_date=birth).status == "pending"
        )
    else:
        with pytest.raises(ApplicationError, match="16"):
            request(UserFactory(), districts[0], birth_date=birth)


@pytest.mark.django_db
def test_minimum_age_is_configurable_and_future_dates_refused(districts, settings):
    settings.RESIDENT_MIN_AGE = 18
    today = timezone.localdate()
    with pytest.raises(ApplicationError, match="18"):
        request(
            UserFactory(), districts[0], birth_date=today.replace(year=today.year - 17)
        )
    with pytest.raises(ApplicationError, match="fecha de nacimiento no es válida"):
        request(UserFactory(), districts[0], birth_date=today + timedelta(days=1))


@pytest.mark.django_db
def test_attempts_are_rate_limited_per_account(districts, settings):
    settings.RESIDENT_VERIFICATION_MAX_ATTEMPTS = 3
    user = UserFactory()
    for _ in range(3):
        with pytest.raises(Invalid) as exc:
            request(user, districts[0], dni="10117410-9")
        assert exc.value.status_code == 400
    with pytest.raises(Throttled) as exc:
        request(user, districts[0])  # even a right DNI waits now
    assert exc.value.status_code == 429
    assert not ResidentVerification.objects.exists()


@pytest.mark.django_db
def test_staff_confirmation_matches_dni_by_hmac(districts, budget_staff):
    user = UserFactory(district=None)
    verification = request(user, districts[1])
    with pytest.raises(ApplicationError, match="no coincide"):
        services.resident_verification_confirm(
            verification_id=verification.pk,
            staff=budget_staff,
            dni_shown=valid_dni("10123558"),
        )
    user.refresh_from_db()
    assert not user.is_verified_resident
    assert AuditLog.objects.filter(action="budgets.verification.mismatch").count() == 1
    services.resident_verification_confirm(
        verification_id=verification.pk, staff=budget_staff, dni_shown="10117410-2"
    )
    user.refresh_from_db()
    assert user.is_verified_resident and user.district == districts[1]
    entry = AuditLog.objects.get(action="budgets.verification.confirm")
    assert entry.actor == budget_staff


@pytest.mark.django_db
def test_staff_without_permission_cannot_confirm(districts):
    verification = request(UserFactory(), districts[0])
    for who in (StaffFactory(), UserFactory()):
        with pytest.raises(
            ApplicationError, match="No tiene permiso para decidir verificaciones"
        ) as exc:
            services.resident_verification_confirm(
                verification_id=verification.pk, staff=who, dni_shown="10117410-2"
            )
        assert exc.value.status_code == 403
    verification.refresh_from_db()
    assert verification.status == "pending"


@pytest.mark.django_db
def test_census_backend_confirms_at_once(districts, settings, tmp_path):
    census = tmp_path / "padron.csv"
    census.write_text(
        "dni,birth_date,ubigeo\n"
        f"10117410,1990-05-17,{districts[0].ubigeo}\n"
        f"10123558,1980-01-01,{districts[0].ubigeo}\n"
    )
    settings.RESIDENT_VERIFICATION_BACKEND = "budgets.backends.CensusCsvBackend"
    settings.RESIDENT_CENSUS_CSV = str(census)
    user = UserFactory()
    assert request(user, districts[0]).status == "verified"
    user.refresh_from_db()
    assert user.is_verified_resident and user.district == districts[0]
    # Wrong district for the census entry: rejected, account unchanged.
    other = UserFactory()
    result = request(
        other, districts[1], dni=valid_dni("10123558"), birth_date=date(1980, 1, 1)
    )
    assert result.status == "rejected"
    other.refresh_from_db()
    assert not other.is_verified_resident
    assert AuditLog.objects.filter(action="budgets.verification.rejected").exists()
