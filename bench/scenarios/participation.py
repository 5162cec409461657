"""Bench scenario of Lima Activa: the proposal list at 100,000 proposals (× scale), its
deepest filters, a proposal page, the same pages signed in, and the support endpoint (API
and htmx form), each support from a different user on one hot proposal (a pool of
pre-made sessions, bench/sessions.py) with the count checked afterwards."""

NAME = "participation"
SUPPORTERS = 5000  # users in the support pool (wrk's unique mode uses each once)
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
    have = User.objects.filter(email__startswith="apoyo-").count()
    if have < SUPPORTERS:
        users = User.objects.bulk_create(
            [
                User(email=f"apoyo-{i}@bench.openlima.pe", password="!")  # noqa: S106
                for i in range(have, SUPPORTERS)
            ],
            batch_size=2000,
        )
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=u, email=u.email, verified=True, primary=True)
                for u in users
            ],
            batch_size=2000,
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


def _hot_reset(proposal_id: int):
    """Before a support storm: nobody supports the hot proposal yet (so each pool user's
    support is new) and its counter is zero."""

    def reset():
        from participation.models import Proposal, Support

        Support.objects.filter(proposal_id=proposal_id).delete()
        Proposal.objects.filter(pk=proposal_id).update(
            support_count=0, status=Proposal.Status.PUBLISHED
        )

    return reset


def _hot_check(proposal_id: int):
    """After a support storm: support rows = counter = supports answered 2xx."""

    def check(result: dict) -> dict:
        from participation.models import Proposal, Support

        rows = Support.objects.filter(proposal_id=proposal_id).count()
        counter = Proposal.objects.get(pk=proposal_id).support_count
        answered = sum(v for k, v in result["statuses"].items() if k.startswith("2"))
        return {
            # Requests wrk gave up on at the end may still have been served.
            "ok": rows == counter and answered <= rows,
            "rows": rows,
            "counter": counter,
            "answered_2xx": answered,
        }

    return check


def endpoints(*, base_url: str) -> list[dict]:
    from bench.sessions import session_pool
    from openlima.models import User
    from participation.models import Proposal

    supporters = list(
        User.objects.filter(email__startswith="apoyo-").order_by("pk")[:SUPPORTERS]
    )
    pool = session_pool(supporters, "participation-supporters")
    visitors = session_pool(supporters[:200], "participation-visitors")

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
            "name": "proposal_list_signed_in",
            "path": "/participa/propuestas/",
            "pool": visitors,
            "mode": "cycle",
            **get,
        },
        {
            "name": "proposal_page_signed_in",
            "path": f"/participa/propuestas/{newest}/",
            "pool": visitors,
            "mode": "cycle",
            **get,
        },
        {
            "name": "api_proposals",
            "path": "/api/v1/proposals/?ordering=-support_count",
            **get,
        },
        {
            "name": "support_api_post_new",
            "method": "POST",
            "path": f"/api/v1/proposals/{newest}/support/",
            "headers": {"Referer": base_url + "/participa/"},
            "body": None,
            "pool": pool,
            "mode": "unique",
            "compare": "insert",
            "reset": _hot_reset(newest),
            "check": _hot_check(newest),
        },
        {
            "name": "support_api_post_again",
            "method": "POST",
            "path": f"/api/v1/proposals/{newest}/support/",
            "headers": auth,
            "body": None,
            "compare": "insert",
        },
        {
            "name": "support_htmx_form_again",
            "method": "POST",
            "path": f"/participa/propuestas/{newest}/apoyo/",
            "headers": {
                **auth,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "body": b"action=support",
            "compare": "insert",
        },
    ]
