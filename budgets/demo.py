"""Demo data: a process in its balloting phase with a city heading and two districts."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from openlima.models import District, OrgUnit

from .models import BudgetProcess, Heading, Project

DEMO_SLUG = "presupuesto-participativo-demo"

PROJECTS = {
    None: [
        ("Ciclovía en la avenida Arequipa", "Carril exclusivo y segregado.", "2500000"),
        ("Arborización de parques zonales", "5 000 árboles nativos.", "1800000"),
        ("Iluminación LED en el Centro Histórico", "Luminarias eficientes.", "3200000"),
        ("Puntos limpios de reciclaje", "40 puntos de acopio.", "900000"),
    ],
    "Miraflores": [
        ("Recuperación del malecón", "Barandas y bancas nuevas.", "450000"),
        ("Biblioteca comunal", "Equipamiento y libros.", "300000"),
        ("Rampas de accesibilidad", "Esquinas accesibles.", "250000"),
    ],
    "San Juan de Lurigancho": [
        ("Escaleras solidarias", "Escaleras en laderas.", "600000"),
        ("Losa deportiva", "Techado y graderías.", "400000"),
        ("Muro de contención", "Protección en Jicamarca.", "700000"),
    ],
}


# Demo citizens of the core loader: two verified residents and one pending in-person
# check (confirm it in /gestion/ with the DNI printed by `load_demo`). Synthetic numbers.
DEMO_RESIDENTS = [
    ("vecino1@demo.openlima.pe", "00000001", "verified"),
    ("vecino2@demo.openlima.pe", "00000002", "verified"),
    ("vecino3@demo.openlima.pe", "00000003", "pending"),
]


def _resident_verified(user, *, number: str, status: str) -> None:
    """A demo resident's identity check (once per account); a verified one may vote."""
    from .dni import dni_hmac
    from .models import ResidentVerification

    ResidentVerification.objects.get_or_create(
        user=user,
        defaults={
            "dni_hmac": dni_hmac(number),
            "birth_date": date(1990, 1, 1),
            "district": user.district,
            "status": status,
            "backend": "demo",
        },
    )
    if status == "verified" and not user.is_verified_resident:
        user.is_verified_resident = True
        user.save(update_fields=["is_verified_resident"])


def demo_residents(*, stdout=None) -> None:
    from django.contrib.auth import get_user_model

    from .dni import dni_check_characters

    for email, number, status in DEMO_RESIDENTS:
        user = get_user_model().objects.filter(email=email).first()
        if user is None or user.district_id is None:
            continue
        _resident_verified(user, number=number, status=status)
        if stdout:
            stdout.write(
                f"  budgets: {email} {status} (DNI {number}-{dni_check_characters(number)[0]})"
            )


def demo_load(*, stdout=None) -> None:
    from openlima import city

    spec = city.demo_content("budget")
    if spec is not None:  # a city profile's own demo (docs/city-profile.md)
        if spec:
            demo_load_profile(spec, stdout=stdout)
        return
    demo_residents(stdout=stdout)
    if BudgetProcess.objects.filter(slug=DEMO_SLUG).exists():
        return
    now = timezone.now()
    process = BudgetProcess.objects.create(
        title="Presupuesto Participativo Lima 2026 (demo)",
        slug=DEMO_SLUG,
        description=(
            "Los vecinos y vecinas verificados deciden en qué se invierte una parte "
            "del presupuesto de la ciudad y de su distrito."
        ),
        phase=BudgetProcess.Phase.BALLOTING,
        accepting_starts_at=now - timedelta(days=90),
        review_starts_at=now - timedelta(days=60),
        selecting_starts_at=now - timedelta(days=40),
        balloting_starts_at=now - timedelta(days=5),
        balloting_ends_at=now + timedelta(days=25),
        execution_starts_at=now + timedelta(days=60),
    )
    unit = OrgUnit.objects.filter(slug="participacion-vecinal").first()
    for district_name, projects in PROJECTS.items():
        district = (
            District.objects.filter(name=district_name).first()
            if district_name
            else None
        )
        if district_name and district is None:
            continue
        heading = Heading.objects.create(
            process=process,
            name=f"Distrito de {district.name}" if district else "Toda la ciudad",
            slug=district.slug if district else "ciudad",
            district=district,
            amount=Decimal("5000000") if district is None else Decimal("1000000"),
        )
        for title, description, cost in projects:
            Project.objects.create(
                heading=heading,
                title=title,
                description=description,
                location=district.name if district else "Lima",
                estimated_cost=Decimal(cost),
                unit=unit,
                feasibility=Project.Feasibility.FEASIBLE,
                is_selected=True,
            )
    if stdout:
        stdout.write("  budgets: 1 process in balloting, 3 headings")


def demo_load_profile(spec: dict, *, stdout=None) -> None:
    """A city profile's demo budget (its demo_content.budget, docs/city-profile.md):
    headings per territorial unit, a verification office and demo residents verified with
    the profile's identity document. Idempotent."""
    for item in spec.get("residents", []):
        _profile_resident(item, stdout=stdout)
    office = spec.get("office")
    if office:
        _profile_office(office)
    if BudgetProcess.objects.filter(slug=spec["slug"]).exists():
        return
    now = timezone.now()
    process = BudgetProcess.objects.create(
        title=spec["title"],
        slug=spec["slug"],
        description=spec.get("description", ""),
        phase=BudgetProcess.Phase.BALLOTING,
        accepting_starts_at=now - timedelta(days=90),
        review_starts_at=now - timedelta(days=60),
        selecting_starts_at=now - timedelta(days=40),
        balloting_starts_at=now - timedelta(days=5),
        balloting_ends_at=now + timedelta(days=25),
        execution_starts_at=now + timedelta(days=60),
    )
    unit = OrgUnit.objects.filter(slug="participacion-vecinal").first()
    count = 0
    for item in spec["headings"]:
        if _profile_heading(item, process=process, unit=unit):
            count += 1
    if stdout:
        stdout.write(f"  budgets: 1 process in balloting, {count} headings")


def _district_by_code(code):
    return District.objects.filter(ubigeo=code).first() if code else None


def _profile_resident(item: dict, *, stdout=None) -> None:
    """A demo resident checked with the profile's identity document (a verified one can
    vote); skipped without an account, a district or a valid document."""
    from django.contrib.auth import get_user_model

    from .identity import identity_parse

    user = get_user_model().objects.filter(email=item["email"]).first()
    number = identity_parse(item["document"])
    if user is None or user.district_id is None or number is None:
        return
    _resident_verified(user, number=number, status=item["status"])
    if stdout:
        stdout.write(f"  budgets: {item['email']} {item['status']} ({number})")


def _profile_office(office: dict) -> None:
    from .models import VerificationOffice

    if VerificationOffice.objects.filter(name=office["name"]).exists():
        return
    VerificationOffice.objects.create(
        name=office["name"],
        address=office["address"],
        district=_district_by_code(office.get("district_code")),
        hours=office["hours"],
        notes=office.get("notes", ""),
    )


def _profile_heading(item: dict, *, process, unit) -> bool:
    """One heading of the profile with its selected projects; False (nothing created)
    when its territorial unit is not loaded."""
    unit_district = _district_by_code(item.get("district_code"))
    if item.get("district_code") and unit_district is None:
        return False
    heading = Heading.objects.create(
        process=process,
        name=item["name"],
        slug=item.get("slug") or unit_district.slug,
        district=unit_district,
        amount=Decimal(item["amount"]),
    )
    for project in item["projects"]:
        Project.objects.create(
            heading=heading,
            title=project["title"],
            description=project["description"],
            location=unit_district.name if unit_district else "",
            estimated_cost=Decimal(project["cost"]),
            unit=unit,
            feasibility=Project.Feasibility.FEASIBLE,
            is_selected=True,
        )
    return True
