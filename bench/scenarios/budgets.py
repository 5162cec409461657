"""Bench scenario of participatory budgeting: ballot submission (API) by a verified
resident, the ballot page, and the public heading and results pages."""

import json

NAME = "budgets"
VOTERS = 3000  # verified residents in the ballot pool (each casts one new ballot)
SLUG = "pp-bench"
EMAIL = "residente@bench.openlima.pe"
PASSWORD = "bench-clave-segura-2026"  # noqa: S105 (bench data only)


def seed(*, scale: int) -> None:
    """One process in balloting: a city heading and one per district, 20×scale projects
    per heading, and 1000×scale residents' ballots already cast (repeat-safe)."""
    from datetime import date, timedelta
    from decimal import Decimal

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from budgets.dni import dni_hmac
    from budgets.models import (
        Ballot,
        BudgetProcess,
        Heading,
        Project,
        ResidentVerification,
    )
    from openlima.models import District, User
    from openlima.reference_data import reference_data_ensure

    reference_data_ensure()
    if BudgetProcess.objects.filter(slug=SLUG).exists():
        return _seed_voters()
    now = timezone.now()
    process = BudgetProcess.objects.create(
        title="Presupuesto participativo (bench)",
        slug=SLUG,
        phase=BudgetProcess.Phase.BALLOTING,
        accepting_starts_at=now - timedelta(days=60),
        review_starts_at=now - timedelta(days=50),
        selecting_starts_at=now - timedelta(days=40),
        balloting_starts_at=now - timedelta(days=1),
        balloting_ends_at=now + timedelta(days=30),
        execution_starts_at=now + timedelta(days=60),
    )
    districts = list(District.objects.order_by("ubigeo"))
    headings = [
        Heading(
            process=process,
            name="Toda la ciudad",
            slug="ciudad",
            amount=Decimal("50000000"),
        )
    ] + [
        Heading(
            process=process,
            name=f"Distrito de {d.name}",
            slug=d.slug,
            district=d,
            amount=Decimal("1000000"),
        )
        for d in districts
    ]
    Heading.objects.bulk_create(headings)
    headings = list(Heading.objects.filter(process=process).order_by("id"))
    Project.objects.bulk_create(
        [
            Project(
                heading=h,
                title=f"Proyecto {i} de {h.name}",
                description="Proyecto de prueba de carga.",
                estimated_cost=Decimal(50000 + 1000 * i),
                feasibility="feasible",
                is_selected=True,
            )
            for h in headings
            for i in range(20 * scale)
        ],
        batch_size=2000,
    )
    district = districts[0]
    resident = User.objects.create(
        email=EMAIL,
        password=make_password(PASSWORD),
        display_name="Residente bench",
        district=district,
        is_verified_resident=True,
    )
    EmailAddress.objects.create(user=resident, email=EMAIL, verified=True, primary=True)
    ResidentVerification.objects.create(
        user=resident,
        dni_hmac=dni_hmac("10117410"),
        birth_date=date(1990, 1, 1),
        district=district,
        status="verified",
        backend="bench",
    )
    voters = User.objects.bulk_create(
        [
            User(email=f"votante{i}@bench.openlima.pe", password="!")  # noqa: S106
            for i in range(1000 * scale)
        ],
        batch_size=2000,
    )
    city = headings[0]
    city_projects = list(Project.objects.filter(heading=city).order_by("id")[:10])
    ballots = Ballot.objects.bulk_create(
        [Ballot(user=v, heading=city, channel="web") for v in voters], batch_size=2000
    )
    through = Ballot.projects.through
    through.objects.bulk_create(
        [
            through(ballot_id=b.pk, project_id=city_projects[j % 10].pk)
            for n, b in enumerate(ballots)
            for j in range(n % 3, n % 3 + 3)
        ],
        batch_size=5000,
    )
    _seed_voters()


def _seed_voters() -> None:
    """Verified residents of the first district, none of whom has voted (repeat-safe)."""
    from datetime import date

    from budgets.dni import dni_hmac
    from budgets.models import ResidentVerification
    from openlima.models import District, User

    have = User.objects.filter(email__startswith="residente-").count()
    if have >= VOTERS:
        return
    district = District.objects.order_by("ubigeo").first()
    users = User.objects.bulk_create(
        [
            User(
                email=f"residente-{i}@bench.openlima.pe",
                password="!",  # noqa: S106
                district=district,
                is_verified_resident=True,
            )
            for i in range(have, VOTERS)
        ],
        batch_size=2000,
    )
    ResidentVerification.objects.bulk_create(
        [
            ResidentVerification(
                user=u,
                dni_hmac=dni_hmac(f"{20000000 + u.pk:08d}"),
                birth_date=date(1990, 1, 1),
                district=district,
                status="verified",
                backend="bench",
            )
            for u in users
        ],
        batch_size=2000,
    )


def _ballot_reset(heading_id: int):
    def reset():
        from budgets.models import Ballot

        Ballot.objects.filter(
            heading_id=heading_id, user__email__startswith="residente-"
        ).delete()

    return reset


def _ballot_check(heading_id: int):
    """Ballots stored = ballots answered 2xx = ballots counted in the tally (each with
    its three projects)."""

    def check(result: dict) -> dict:
        from budgets.models import Ballot

        ballots = Ballot.objects.filter(
            heading_id=heading_id, user__email__startswith="residente-"
        )
        stored = ballots.count()
        choices = Ballot.projects.through.objects.filter(ballot__in=ballots).count()
        answered = sum(v for k, v in result["statuses"].items() if k.startswith("2"))
        return {
            "ok": choices == 3 * stored and answered <= stored,
            "stored": stored,
            "answered_2xx": answered,
            "counted_choices": choices,
        }

    return check


def endpoints(*, base_url: str) -> list[dict]:
    import re

    import httpx
    from django.apps import apps

    if not apps.ready:  # pragma: no cover - the harness sets Django up first
        import django

        django.setup()
    from budgets.models import Heading, Project

    # The bench resident lives in the first district (by UBIGEO): vote there.
    heading = (
        Heading.objects.filter(process__slug=SLUG, district__isnull=False)
        .order_by("district__ubigeo")
        .first()
    )
    project_ids = list(
        Project.objects.filter(heading=heading)
        .order_by("id")
        .values_list("pk", flat=True)[:3]
    )
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        page = client.get("/cuenta/login/")
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text
        ).group(1)
        client.post(
            "/cuenta/login/",
            data={"login": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base_url}/cuenta/login/"},
        )
        cookies = dict(client.cookies.items())
    if "sessionid" not in cookies:
        raise RuntimeError("bench resident could not log in")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    session = {"Cookie": cookie}
    ballot_path = f"/api/v1/budgets/{SLUG}/headings/{heading.slug}/ballot/"
    from bench.sessions import session_pool
    from openlima.models import User

    pool = session_pool(
        User.objects.filter(email__startswith="residente-").order_by("pk")[:VOTERS],
        "budgets-voters",
    )
    return [
        {
            "name": "ballot_submit_api_new",
            "method": "POST",
            "path": ballot_path,
            "headers": {"Content-Type": "application/json", "Referer": f"{base_url}/"},
            "body": json.dumps({"projects": project_ids}).encode(),
            "pool": pool,
            "mode": "unique",
            "compare": "insert",
            "reset": _ballot_reset(heading.pk),
            "check": _ballot_check(heading.pk),
        },
        {
            "name": "ballot_submit_api_again",
            "compare": "insert",
            "method": "POST",
            "path": ballot_path,
            "headers": {
                **session,
                "X-CSRFToken": cookies.get("csrftoken", ""),
                "Content-Type": "application/json",
                "Referer": f"{base_url}/",
            },
            "body": json.dumps({"projects": project_ids}).encode(),
        },
        {
            "name": "ballot_page",
            "method": "GET",
            "path": f"/participa/presupuestos/{SLUG}/{heading.slug}/votar/",
            "headers": session,
            "body": None,
        },
        {
            "name": "heading_page",
            "method": "GET",
            "path": f"/participa/presupuestos/{SLUG}/ciudad/",
            "headers": {},
            "body": None,
        },
        {
            "name": "process_list",
            "method": "GET",
            "path": "/participa/presupuestos/",
            "headers": {},
            "body": None,
        },
    ]
