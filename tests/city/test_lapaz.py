"""Smoke tests of the La Paz demo profile (docs/city-profile.md). Marked `city_lapaz`:
`.ci/run` runs them a second time with CITY_PROFILE=la-paz (the `lapaz` fixture then changes
nothing); in the main run the fixture switches the profile for each test."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from openlima.models import District
from tests.factories import UserFactory

pytestmark = [pytest.mark.city_lapaz, pytest.mark.django_db]

# What must never appear on a La Paz page or e-mail. "Open Lima" stays only as the
# software's name in the footer's credit, which is taken out before looking.
# RUC/PE-RUC: Peru's tax number (La Paz's suppliers have a NIT); "-mml-": Lima's
# municipality in an ocid (La Paz's say "-gamlp-").
FORBIDDEN = re.compile(
    r"\bLima\b|\bPer[uú]\b|\bPeruan|\bDNI\b|27806|\bS/|\bsoles\b|UBIGEO"
    r"|\bRUC\b|PE-RUC|-mml-"
)
CREDIT = re.compile(r"<footer.*?</footer>", re.S)


def leaks(text: str) -> list[str]:
    text = CREDIT.sub("", text)
    return sorted({m.group(0) for m in FORBIDDEN.finditer(text)})


# La Paz has macrodistricts: "distrito" as a word (not in "macrodistrito", nor in the
# /participa/distritos/ paths and ids) is Lima's term leaking.
DISTRICT_WORD = re.compile(
    r"(?<![/\w-])[Dd]istritos?\b(?![/\w-])|\b[Dd]istricts?\b(?![/\w-])"
)


def district_words(text: str) -> list[str]:
    """Words of the visible text only (tags and their attributes taken out)."""
    text = re.sub(r"<[^>]*>", " ", CREDIT.sub("", text))
    return sorted({m.group(0) for m in DISTRICT_WORD.finditer(text)})


@pytest.fixture
def demo(lapaz):
    call_command("load_demo", stdout=StringIO())
    from commitments.models import ActionPlan

    ActionPlan.objects.update(is_published=True)
    return lapaz


def test_load_demo_loads_la_paz_content_never_limas_plan(demo):
    from commitments.models import ActionPlan
    from participation.models import Proposal

    assert list(ActionPlan.objects.values_list("slug", flat=True)) == ["la-paz-demo-1"]
    plan = ActionPlan.objects.get()
    assert plan.title.startswith("[Demostración]")
    assert District.objects.count() == 9
    titles = list(Proposal.objects.values_list("title", flat=True))
    assert len(titles) == 3 and all(t.startswith("[Demostración]") for t in titles)


def test_home_says_la_paz(client, demo):
    html = client.get("/").content.decode()
    assert "La Paz Abierta" in html and "Gobierno Autónomo Municipal de La Paz" in html
    assert "La Paz Participa" in html and "La Paz Íntegra" in html
    assert leaks(html) == []


def test_districts_are_macrodistricts(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        html = client.get("/participa/distritos/").content.decode()
    assert "Participación por macrodistrito" in html and "Cotahuma" in html
    assert html.count('<th scope="row">') == 9
    cotahuma = District.objects.get(name="Cotahuma")
    detail = client.get(f"/participa/distritos/{cotahuma.slug}/").content.decode()
    assert "Participación en Cotahuma" in detail and "macrodistrito" in detail
    assert leaks(html) == [] and leaks(detail) == []


def test_budget_amounts_are_in_bolivianos(client, lapaz):
    from tests.budgets.factories import HeadingFactory, ProcessFactory

    process = ProcessFactory()
    HeadingFactory(
        process=process, name="Toda la ciudad", slug="ciudad", amount=Decimal("5000000")
    )
    html = client.get("/participa/presupuestos/").content.decode()
    assert "Bs 5.000.000,00" in html
    assert leaks(html) == []


def test_budget_verification_asks_for_a_cedula(client, lapaz):
    user = UserFactory(district=District.objects.get(ubigeo="LPZ-02"))
    client.force_login(user)
    page = client.get("/participa/presupuestos/verificacion/")
    html = page.content.decode()
    assert (
        "Número de cédula de identidad" in html
        and "Macrodistrito de residencia" in html
    )
    assert leaks(html) == []
    # A Peruvian DNI with its check letter is not a cédula: refused, nothing written.
    from budgets.models import ResidentVerification

    bad = client.post(
        "/participa/presupuestos/verificacion/",
        {"dni": "12345678-K", "birth_date": "1990-05-01", "district": user.district_id},
    )
    assert (
        bad.status_code == 400
        and "cédula de identidad no válido" in bad.content.decode()
    )
    assert not ResidentVerification.objects.exists()
    good = client.post(
        "/participa/presupuestos/verificacion/",
        {
            "dni": "4827193-1B LP",
            "birth_date": "1990-05-01",
            "district": user.district_id,
        },
    )
    assert good.status_code in (200, 302)
    from budgets.dni import dni_hmac

    verification = ResidentVerification.objects.get(user=user)
    assert verification.dni_hmac == dni_hmac("4827193-1B")


PAGES = [
    "/",
    "/en/",
    "/compromisos/",
    "/compromisos/la-paz-demo-1/",
    "/participa/",
    "/participa/propuestas/",
    "/participa/distritos/",
    "/participa/sesiones/",
    "/participa/presupuestos/",
    "/denuncias/",
    "/denuncias/nueva/",
    "/denuncias/seguimiento/",
    "/datos/",
    "/transparencia/",
    "/buscar/?q=presupuesto",
    "/privacidad/",
    "/cuenta/signup/",
    "/cuenta/login/",
    "/en/participa/distritos/",
    "/en/privacidad/",
]


def test_no_page_mentions_lima_peru_dni_or_its_laws(client, demo):
    found = {}
    for path in PAGES:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        html = response.content.decode()
        bad = leaks(html) + district_words(html)
        if bad:
            found[path] = bad
    assert found == {}


def test_no_email_mentions_lima_peru_dni_or_its_laws(client, demo):
    from commitments.models import Commitment

    mail.outbox.clear()
    client.post(
        "/cuenta/signup/",
        {
            "email": "nueva@example.bo",
            "password1": "una-clave-bastante-larga-2026",
            "password2": "una-clave-bastante-larga-2026",
            "district": District.objects.get(ubigeo="LPZ-05").pk,
            "accept_privacy": "on",
        },
    )
    commitment = Commitment.objects.order_by("number").first()
    client.post(
        f"/compromisos/{commitment.plan.slug}/{commitment.slug}/seguir/",
        {"email": "sigue@example.bo"},
    )
    client.post("/cuenta/password/reset/", {"email": "vecino1@demo.openlima.pe"})
    assert len(mail.outbox) >= 2, [m.subject for m in mail.outbox]
    for message in mail.outbox:
        text = message.subject + "\n" + message.body
        for alternative, _mime in getattr(message, "alternatives", []):
            text += alternative
        assert leaks(text) == [], (message.subject, leaks(text))
    assert any("La Paz Abierta" in m.subject + m.body for m in mail.outbox)
