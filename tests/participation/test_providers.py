import pytest
from django.core.management import call_command
from django.urls import reverse

from openlima import registry
from participation.models import Consultation, Proposal, Session
from tests.factories import UserFactory

from .factories import ProposalFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_providers_registered():
    for name in [
        "search:participation",
        "dataset:propuestas",
        "dataset:resultados-consultas",
        "indicators:participation",
    ]:
        assert registry.provider(name) is not None, name
    assert "participation" in [h.name for h in registry.publishers()]
    assert "participation" in [h.name for h in registry.demo_loaders()]


def test_indicators_by_district():
    from openlima.models import District

    d = District.objects.order_by("name").first()
    p = ProposalFactory(district=d, support_count=4)
    SessionFactory(district=d, status="closed", attendance_count=11)
    from participation import services

    services.comment_create(
        author=UserFactory(district=d),
        target_type="participation.proposal",
        target_id=p.pk,
        body="hola",
    )
    data = registry.provider("indicators:participation")()
    assert data["proposals"] == 1 and data["comments"] == 1
    row = next(r for r in data["by_district"] if r["ubigeo"] == d.ubigeo)
    assert row == {
        "district": d.name,
        "ubigeo": d.ubigeo,
        "proposals": 1,
        "supports": 4,
        "comments": 1,
        "attendance": 11,
    }


def test_search_and_dataset():
    p = ProposalFactory(title="Ciclovía segura en la avenida Arequipa")
    ProposalFactory(title="Oculta", is_hidden=True)
    results = registry.provider("search:participation")(query="arequipa", limit=5)
    assert (
        results
        and results[0]["url"].endswith(f"/{p.pk}/")
        and results[0]["kind"] == "proposal"
    )
    data = registry.provider("dataset:propuestas")()
    assert [r["id"] for r in data["rows"]] == [p.pk]
    assert set(data["columns"]) == set(data["rows"][0]) and "apoyos" in data["columns"]


def test_demo_loader_idempotent():
    call_command("load_demo")
    counts = (
        Proposal.objects.count(),
        Consultation.objects.count(),
        Session.objects.count(),
    )
    call_command("load_demo")
    assert counts == (
        Proposal.objects.count(),
        Consultation.objects.count(),
        Session.objects.count(),
    )
    c = Consultation.objects.get(slug="segunda-consulta-publica-2022")
    from participation.selectors import consultation_results

    passed = sorted(
        r.option.title for r in consultation_results(consultation=c) if r.passes
    )
    assert passed == ["Lima Activa", "Lima Digital", "Lima Honesta", "Open Lima"]
    assert c.ratings.exclude(contribution="").count() == 9


@pytest.mark.postgres
def test_spanish_unaccented_search_on_postgres(client):
    p = ProposalFactory(title="Más participación en los parques")
    ProposalFactory(title="Otra cosa distinta")
    results = registry.provider("search:participation")(query="participacion", limit=5)
    assert [r["url"] for r in results] == [f"/participa/propuestas/{p.pk}/"]
    r = client.get("/participa/propuestas/?q=parque")  # Spanish stemming: parques
    assert p.title.encode() in r.content and b"Otra cosa" not in r.content


def test_proposal_summary_only_for_what_the_public_sees():
    provider = registry.provider("participation.proposal_summary")
    p = ProposalFactory(title="Publicar las licitaciones en su primera etapa")
    summary = provider(proposal_id=p.pk)
    assert summary["title"] == p.title and summary["url"] == reverse(
        "participation:proposal_detail", args=[p.pk]
    )
    assert summary["support_count"] == p.support_count
    hidden = ProposalFactory(is_hidden=True)
    withdrawn = ProposalFactory(status=Proposal.Status.WITHDRAWN, withdrawn_reason="")
    explained = ProposalFactory(
        status=Proposal.Status.WITHDRAWN, withdrawn_reason="Ya no es necesaria"
    )
    assert provider(proposal_id=hidden.pk) is None
    assert provider(proposal_id=withdrawn.pk) is None
    assert provider(proposal_id=explained.pk) is not None
    assert provider(proposal_id=999999) is None


def test_home_charts_rank_the_ten_districts_with_most_participations():
    """`home_charts:participation` adds each district's proposals, supports, comments
    and attendance, and draws the ten largest, largest first."""
    figures = {
        "by_district": [
            {
                "district": f"Distrito {n:02}",
                "ubigeo": f"1501{n:02}",
                "proposals": n,
                "supports": 2 * n,
                "comments": None,  # a missing count adds nothing
                "attendance": 1,
            }
            for n in range(12)
        ]
    }
    charts = registry.provider("home_charts:participation")(figures=figures)
    assert set(charts) == {"district_bars"}
    rows = charts["district_bars"]["rows"]
    assert [(r["label"], r["value"]) for r in rows] == [
        (f"Distrito {n:02}", 3 * n + 1) for n in range(11, 1, -1)
    ]
    assert rows[0]["width"] == 260 and rows[-1]["width"] == round(7 * 260 / 34)
    assert registry.provider("home_charts:participation")(figures={}) == {
        "district_bars": {"rows": [], "height": 30}
    }
