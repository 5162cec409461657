"""Bench scenario of Lima Activa: the proposal list at 100,000 proposals (× scale), its
deepest filters, a proposal page and the support endpoint (API and htmx form)."""

NAME = "participation"
BENCH_EMAIL = "apoyo@bench.openlima.pe"
BENCH_PASSWORD = "bench-clave-segura-2022"  # noqa: S105 (bench-only account)
PROPOSALS_PER_SCALE = 100_000


def seed(*, scale: int) -> None:
    import random
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from openlima.models import District, User
    from openlima.reference_data import reference_data_ensure
    from participation.models import Proposal, Topic

    reference_data_ensure()
    author, _ = User.objects.get_or_create(
        email="autor@bench.openlima.pe", defaults={"display_name": "Autor bench"}
    )
    supporter, created = User.objects.get_or_create(email=BENCH_EMAIL)
    if created or not supporter.has_usable_password():
        supporter.set_password(BENCH_PASSWORD)
        supporter.save()
    for user in (author, supporter):
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    target = PROPOSALS_PER_SCALE * max(1, scale)
    existing = Proposal.objects.count()
    rng = random.Random(42)
    districts = list(District.objects.values_list("pk", flat=True)) + [None]
    topics = Topic.values
    now = timezone.now()
    ends = now + timedelta(days=365)
    batch = []
    for i in range(existing, target):
        batch.append(
            Proposal(
                author_id=author.pk,
                title=f"Propuesta vecinal número {i} sobre {topics[i % len(topics)]}",
                summary="Mejorar el espacio público del barrio con participación vecinal.",
                body="Propuesta generada para medir el rendimiento de la lista.",
                body_html="<p>Propuesta generada para medir el rendimiento de la lista.</p>",
                topic=topics[i % len(topics)],
                district_id=rng.choice(districts),
                support_count=rng.randint(0, 300),
                published_at=now - timedelta(minutes=target - i),
                support_ends_at=ends,
            )
        )
        if len(batch) >= 5000:
            Proposal.objects.bulk_create(batch)
            batch.clear()
    if batch:
        Proposal.objects.bulk_create(batch)
    from django.db import connection

    from participation.services import proposal_search_index

    if existing < target:
        proposal_search_index()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE participation_proposal")


def _login(base_url: str) -> dict:
    import re

    import httpx

    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=60) as client:
        match = None
        for _attempt in range(5):
            page = client.get("/cuenta/login/")
            match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            if match:
                break
        if match is None:
            raise RuntimeError(f"bench login page: HTTP {page.status_code}")
        token = match.group(1)
        client.post(
            "/cuenta/login/",
            data={
                "login": BENCH_EMAIL,
                "password": BENCH_PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": base_url + "/cuenta/login/"},
        )
        cookies = dict(client.cookies)
    if "sessionid" not in cookies:
        raise RuntimeError("bench login failed")
    return {
        "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
        "X-CSRFToken": cookies["csrftoken"],
        "Referer": base_url + "/participa/",
    }


def endpoints(*, base_url: str) -> list[dict]:
    from participation.models import Proposal

    newest = Proposal.objects.order_by("-id").values_list("pk", flat=True).first()
    deep = Proposal.objects.order_by("-id").values_list("pk", flat=True)[50_000:50_001]
    deep_id = deep[0] if deep else newest
    auth = _login(base_url)
    import base64

    cursor = base64.urlsafe_b64encode(str(deep_id).encode()).decode().rstrip("=")
    get = {"method": "GET", "headers": {}, "body": None}
    return [
        {"name": "proposal_list_newest", "path": "/participa/propuestas/", **get},
        {
            "name": "proposal_list_most_supported",
            "path": "/participa/propuestas/?orden=apoyos",
            **get,
        },
        {
            "name": "proposal_list_district_topic",
            "path": "/participa/propuestas/?distrito=miraflores&tema=movilidad&orden=apoyos",
            **get,
        },
        {
            "name": "proposal_list_page_at_50000",
            "path": f"/participa/propuestas/?despues={cursor}",
            **get,
        },
        {
            "name": "proposal_list_search",
            "path": "/participa/propuestas/?q=barrio+movilidad",
            **get,
        },
        {"name": "proposal_page", "path": f"/participa/propuestas/{newest}/", **get},
        {
            "name": "api_proposals",
            "path": "/api/v1/proposals/?ordering=-support_count",
            **get,
        },
        {
            "name": "support_api_post",
            "method": "POST",
            "path": f"/api/v1/proposals/{newest}/support/",
            "headers": auth,
            "body": None,
        },
        {
            "name": "support_htmx_form",
            "method": "POST",
            "path": f"/participa/propuestas/{newest}/apoyo/",
            "headers": {
                **auth,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "body": b"action=support",
        },
    ]
