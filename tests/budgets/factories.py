"""Factories for participatory budgeting tests."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from budgets.dni import dni_check_characters, dni_hmac
from budgets.models import BudgetProcess, Heading, Project, ResidentVerification
from openlima.models import District


def valid_dni(number: str) -> str:
    """ "12345678" -> "12345678-<digit>" with its right check character."""
    return f"{number}-{dni_check_characters(number)[0]}"


class ProcessFactory(factory.django.DjangoModelFactory):
    """A process in its balloting phase (dates agree with the phase)."""

    class Meta:
        model = BudgetProcess

    title = factory.Sequence(lambda n: f"Presupuesto participativo {n}")
    slug = factory.Sequence(lambda n: f"pp-{n}")
    phase = BudgetProcess.Phase.BALLOTING
    accepting_starts_at = factory.LazyFunction(
        lambda: timezone.now() - timedelta(days=90)
    )
    review_starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=60))
    selecting_starts_at = factory.LazyFunction(
        lambda: timezone.now() - timedelta(days=30)
    )
    balloting_starts_at = factory.LazyFunction(
        lambda: timezone.now() - timedelta(days=1)
    )
    balloting_ends_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(days=10)
    )
    execution_starts_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(days=40)
    )


class HeadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Heading

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Partida {n}")
    slug = factory.Sequence(lambda n: f"partida-{n}")
    district = None
    amount = Decimal("1000")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    heading = factory.SubFactory(HeadingFactory)
    title = factory.Sequence(lambda n: f"Proyecto {n}")
    description = "Descripción del proyecto."
    estimated_cost = Decimal("100")
    feasibility = Project.Feasibility.FEASIBLE
    is_selected = True


def make_resident(user, *, district=None, dni_number="10117410"):
    """Turn `user` into a verified resident of `district` (as staff confirmation does)."""
    district = district or District.objects.order_by("ubigeo").first()
    ResidentVerification.objects.create(
        user=user,
        dni_hmac=dni_hmac(dni_number),
        birth_date=timezone.localdate() - timedelta(days=30 * 365),
        district=district,
        status=ResidentVerification.Status.VERIFIED,
        backend="test",
    )
    user.is_verified_resident = True
    user.district = district
    user.save(update_fields=["is_verified_resident", "district"])
    return user
