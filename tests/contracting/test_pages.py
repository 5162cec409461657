"""Public pages: list with filters, process, supplier, works, policy; bounded queries."""

from decimal import Decimal

import pytest
from django.utils import timezone

from contracting.models import Bid, InfrastructureProject, ProgressReport
from openlima.models import District

pytestmark = pytest.mark.django_db
V = Bid.Status.VALID


@pytest.fixture
def project(comas, logistics):
    p = InfrastructureProject.objects.create(
        slug="losa-collique",
        title="Losa deportiva del Collique",
        description="Obra de prueba",
        district=comas,
        unit=logistics,
        status="implementation",
        progress=45,
        budget_amount=Decimal("1000000"),
        is_published=True,
    )
    ProgressReport.objects.create(
        project=p, date=timezone.localdate(), progress=45, note="Vaciado de losa"
    )
    return p


def test_open_calls_come_first_with_their_deadline(client, make_process):
    make_process("Adjudicado antes", bids=[(1, "90000", V)], award=(1, "90000"))
    make_process("Convocatoria abierta", starts_ago=2, days_open=20)
    response = client.get("/contrataciones/")
    assert response.status_code == 200
    titles = [p.title for p in response.context["processes"]]
    assert titles[0] == "Convocatoria abierta"
    assert "En convocatoria" in response.content.decode()


def test_unpublished_processes_are_not_listed_or_shown(client, make_process):
    hidden = make_process("Borrador interno", published=False)
    assert "Borrador interno" not in client.get("/contrataciones/").content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(f"/api/ocds/records/{hidden.ocid}").status_code == 404
    assert client.get("/api/ocds/releases/").json()["releases"] == []


@pytest.mark.parametrize(
    "query,expected",
    [
        ("stage=award", ["Adjudicado"]),
        ("stage=tender", ["Convocatoria"]),
        ("method=selective", ["Convocatoria"]),
        ("category=services", ["Convocatoria"]),
        ("district=ate", ["Convocatoria"]),
        ("unit=logistica", ["Adjudicado", "Convocatoria"]),
        ("amount_min=150000", ["Convocatoria"]),
        ("amount_max=150000", ["Adjudicado"]),
        ("supplier=20600000001", ["Adjudicado"]),
        ("supplier=proveedor+de+prueba+1", ["Adjudicado"]),
        ("q=convoca", ["Convocatoria"]),
        ("date_from=2000-01-01", ["Adjudicado", "Convocatoria"]),
        ("date_to=2000-01-01", []),
    ],
)
def test_filters(client, make_process, query, expected):
    make_process("Adjudicado", bids=[(1, "90000", V)], award=(1, "90000"))
    make_process(
        "Convocatoria",
        method="selective",
        category="services",
        estimate="200000",
        starts_ago=1,
        district=District.objects.get(slug="ate"),
    )
    response = client.get(f"/contrataciones/?{query}")
    assert response.status_code == 200
    assert sorted(p.title for p in response.context["processes"]) == expected


@pytest.mark.parametrize(
    "query",
    [
        "stage=nope",
        "amount_min=abc",
        "amount_min=1e400",
        "amount_max=-5",
        "q=%00",
        "q=" + "x" * 500,
        "date_from=2026-13-45",
        "page=abc",
        "page=99999999999",
        "district=<script>",
        "q=<script>alert(1)</script>",
    ],
)
def test_bad_filters_are_a_clear_page_not_a_500(client, make_process, query):
    make_process("Adjudicado", bids=[(1, "90000", V)], award=(1, "90000"))
    response = client.get(f"/contrataciones/?{query}")
    # A NUL byte is refused for every page before the view (openlima/api_errors.py).
    assert response.status_code == (400 if "%00" in query else 200)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_list_query_count_is_bounded(
    client, make_process, django_assert_max_num_queries
):
    for n in range(6):
        make_process(f"Proceso {n}", bids=[(n, "90000", V)], award=(n, "90000"))
    with django_assert_max_num_queries(12):
        assert client.get("/contrataciones/").status_code == 200


def test_list_and_its_counts_read_no_compiled_release(client, make_process):
    """docs/contracting.md, "Scale": the process rows are slim (the compiled release is
    in its own table) and the list page's queries never touch it; the unfiltered count
    is one plain count of the published processes, the open calls one index count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        make_process(f"Proceso {n}", bids=[(n, "90000", V)], award=(n, "90000"))
    make_process("Abierta", starts_ago=2, days_open=10)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/contrataciones/")
    assert response.status_code == 200 and "4 procesos" in response.content.decode()
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sqls if "compiledrelease" in q or '"compiled"' in q]
    counts = [q for q in sqls if "COUNT(" in q.upper() and "contractingprocess" in q]
    assert len(counts) == 2
    # The total: published, nothing else (no NOT(open) over every row, no join).
    assert [q for q in counts if "NOT" not in q and "JOIN" not in q.upper()]
    assert not [q for q in counts if "NOT (" in q]


def test_process_page_shows_timeline_amounts_bidders_and_winner(
    client, make_process, django_assert_max_num_queries
):
    p = make_process(
        "Pistas en Comas",
        bids=[(1, "95000", V), (2, "80000", Bid.Status.DISQUALIFIED), (3, "99000", V)],
        award=(1, "95000"),
        contract="95000",
    )
    with django_assert_max_num_queries(12):
        response = client.get(p.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["Etapas", "Planificación", "Convocatoria", "Adjudicación", "Contrato"]:
        assert text in html
    assert "Ganador" in html and "Descalificada" in html
    assert "95,000.00" in html
    assert "Se descalificó la oferta más baja" in html
    en = client.get(f"/en{p.get_absolute_url()}")
    assert en.status_code == 200


def test_supplier_page(client, make_process, django_assert_max_num_queries):
    make_process("Un postor", bids=[(1, "95000", V)], award=(1, "95000"))
    make_process("Otro", bids=[(1, "50000", V), (2, "40000", V)], award=(2, "40000"))
    with django_assert_max_num_queries(10):
        response = client.get("/contrataciones/proveedores/20600000001/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Un postor" in html and "Otro" in html
    assert "Un solo postor" in html
    assert client.get("/contrataciones/proveedores/20999999999/").status_code == 404
    assert client.get("/contrataciones/proveedores/abc/").status_code == 404


def test_works_map_and_table(
    client, project, make_process, django_assert_max_num_queries
):
    p = make_process("Contrato de la losa", bids=[(1, "1", V)], award=(1, "1"))
    p.project = project
    p.save(update_fields=["project"])
    with django_assert_max_num_queries(8):
        response = client.get("/obras/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<path ") == 42  # 43 districts, Santa Anita has no shape
    assert 'class="ctr-level-1"' in html
    assert "<td>Comas</td>" in html
    with django_assert_max_num_queries(10):
        detail = client.get(project.get_absolute_url())
    html = detail.content.decode()
    assert "ctr-highlight" in html
    assert "Contrato de la losa" in html
    assert "Vaciado de losa" in html
    assert client.get("/obras/?district=comas&status=implementation").status_code == 200
    assert client.get("/obras/?status=<b>").status_code == 200
    assert client.get("/obras/no-existe/").status_code == 404


def test_works_map_draws_the_city_profiles_units(client, lapaz):
    """Under La Paz the map draws the profile's macrodistricts (its territory file, as the
    rest of the portal), never Lima's districts."""
    html = client.get("/obras/").content.decode()
    assert html.count("<path ") == 9
    assert "<title>Cotahuma</title>" in html and "<title>Max Paredes</title>" in html
    assert "Comas" not in html and "Miraflores" not in html


def test_no_works_map_for_a_profile_without_polygons(client, settings, tmp_path):
    """A profile whose territory names no GeoJSON gets no map, not another city's."""
    import json
    import shutil

    from openlima import city

    folder = tmp_path / "sin-poligonos"
    shutil.copytree(city.raw()["_dir"], folder)
    profile = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    profile["territory"].pop("polygons")
    (folder / "profile.json").write_text(json.dumps(profile), encoding="utf-8")
    settings.CITY_PROFILE = str(folder)
    city.clear_cache()
    try:
        response = client.get("/obras/")
    finally:
        city.clear_cache()
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" not in html and "<path " not in html


def test_policy_page(client):
    response = client.get("/contrataciones/politica-de-publicacion/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "ocds-xxxxxx-" in html
    assert "Un solo postor" in html
    assert client.get("/en/contrataciones/politica-de-publicacion/").status_code == 200


def test_english_pages(client, make_process):
    make_process("Convocatoria", starts_ago=1)
    html = client.get("/en/contrataciones/").content.decode()
    assert "Contracting and tenders" in html
    assert "Open for bids" in html
    assert "Public works by district" in client.get("/en/obras/").content.decode()


def test_list_pages_across_open_calls_and_the_rest(make_process):
    """The list is two index-ordered queries (docs/contracting.md, "Scale"): open calls
    by deadline, then the others most recent first; a page may straddle the two."""
    from contracting import selectors

    make_process("Antiguo", bids=[(1, "90000", V)], award=(1, "90000"))
    make_process("Reciente", bids=[(1, "80000", V)], award=(1, "80000"))
    make_process("Cierra después", starts_ago=2, days_open=30)
    make_process("Cierra antes", starts_ago=2, days_open=10)
    rows = selectors.process_list_open_first(filters={})
    assert len(rows) == 4
    assert [p.title for p in rows[0:4]] == [
        "Cierra antes",
        "Cierra después",
        "Reciente",
        "Antiguo",
    ]
    assert [p.title for p in rows[1:3]] == ["Cierra después", "Reciente"]
    assert [p.open_first for p in rows[0:4]] == [0, 0, 1, 1]
    assert rows[3].title == "Antiguo"
    assert rows[4:10] == []
