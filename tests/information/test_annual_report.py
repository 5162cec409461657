"""The annual report export (national authority's layout) from the statistics selectors."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from information import selectors, services
from information.selectors.annual_report import ANNUAL_COLUMNS

from .conftest import MARKER, MONDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_requests(file_request, officer, unit):
    """2026: three in March (one answered on time, one denied, one overdue), one in April
    answered late after an extension; one in 2025 that the 2026 report leaves out."""
    answered = file_request(now=MONDAY)
    services.request_answer(
        actor=officer,
        info_request=answered,
        answer_text="ok",
        now=MONDAY + dt.timedelta(days=3),
    )
    denied = file_request(now=MONDAY)
    services.request_assign(actor=officer, info_request=denied, unit=unit, now=MONDAY)
    services.request_deny(
        actor=officer,
        info_request=denied,
        exception="personal_data",
        reasoning="r",
        partial=False,
        now=MONDAY + dt.timedelta(days=7),
    )
    file_request(now=MONDAY)
    april = MONDAY + dt.timedelta(days=35)  # Monday 6 April
    late = file_request(now=april)
    services.request_extend(
        actor=officer,
        info_request=late,
        new_due_on=dt.date(2026, 4, 27),
        reason="volumen",
        now=april,
    )
    services.request_answer(
        actor=officer,
        info_request=late,
        answer_text="ok",
        now=april + dt.timedelta(days=28),
    )
    file_request(now=MONDAY - dt.timedelta(days=120))
    services.deadlines_process(now=april + dt.timedelta(days=40))


def test_report_figures_come_from_the_statistics(year_of_requests):
    report = selectors.annual_report(year=2026)
    rows = {r["periodo"]: r for r in report["rows"]}
    march, april, total = rows["2026-03"], rows["2026-04"], rows["Total 2026"]
    assert march["solicitudes_recibidas"] == 3
    assert march["solicitudes_atendidas"] == 2
    assert march["denegadas_totalmente"] == 1
    assert march["no_atendidas_plazo_vencido"] == 1
    assert "datos personales" in march["motivos_de_no_atencion"]
    assert "Sin respuesta en el plazo: 1" in march["motivos_de_no_atencion"]
    assert april["con_prorroga"] == 1 and april["atendidas_fuera_del_plazo"] == 1
    assert total["solicitudes_recibidas"] == 4  # 2025's request is not in 2026
    assert total["en_tramite"] == 0
    # the same figures as the statistics page's, for the year
    summary_2026 = [
        r for r in selectors.statistics_rows() if r["month"].startswith("2026-")
    ]
    assert total["solicitudes_atendidas"] == sum(r["answered"] for r in summary_2026)
    assert total["mediana_dias_habiles_respuesta"] == 5  # 3, 5 and 20 business days
    assert report["units"][0]["solicitudes_recibidas"] >= 1


def test_csv_and_xlsx_downloads(
    client, year_of_requests, django_assert_max_num_queries
):
    url = reverse("information:annual_report", args=["csv"])
    with django_assert_max_num_queries(8):
        response = client.get(url + "?anio=2026")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "informe-anual-solicitudes-2026.csv" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ANNUAL_COLUMNS
    assert table[-1][0] == "Total 2026" and table[-1][1] == "4"
    assert MARKER not in response.content.decode()

    from openpyxl import load_workbook

    response = client.get(
        reverse("information:annual_report", args=["xlsx"]) + "?anio=2026"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Entidad", "Solicitudes", "Por unidad"]
    entity = {row[0]: row[1] for row in book["Entidad"].iter_rows(values_only=True)}
    assert (
        entity["Nombre de la entidad pública"] == "Municipalidad Metropolitana de Lima"
    )
    assert "(a completar por la entidad)" in entity.values()
    requests = list(book["Solicitudes"].iter_rows(values_only=True))
    assert list(requests[0]) == ANNUAL_COLUMNS and requests[-1][1] == 4
    assert MARKER not in str(list(book["Por unidad"].iter_rows(values_only=True)))


@pytest.mark.parametrize("year", ["1999", "9999", "abc", "2026\x00", "9" * 40])
def test_bad_year_is_400(client, year):
    url = reverse("information:annual_report", args=["csv"])
    assert client.get(url, {"anio": year}).status_code == 400


def test_unknown_format_is_404(client):
    assert client.get("/informacion/estadisticas/informe-anual.pdf").status_code == 404


def test_statistics_page_links_the_report(client):
    body = client.get(reverse("information:statistics")).content.decode()
    assert 'data-testid="annual-xlsx"' in body
    assert "Autoridad Nacional de Transparencia" in body
