"""OCDS API: keyset paging, incremental harvest by date, bad parameters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contracting import ocds
from contracting.models import Release

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_processes(make_process):
    return [make_process(f"Proceso {n}") for n in range(5)]  # 2 releases each


def test_paging_walks_every_release_once_in_date_order(client, five_processes):
    seen, url, pages = [], "/api/ocds/releases/?limit=3", 0
    while url:
        package = client.get(url.replace("http://127.0.0.1:8000", "")).json()
        assert ocds.validation_errors(package, schema="release-package-schema") == []
        seen.extend((r["date"], r["id"]) for r in package["releases"])
        url = (package.get("links") or {}).get("next")
        pages += 1
    assert pages == 4
    assert len(seen) == len(set(seen)) == 10
    ids = [rid for _d, rid in seen]
    stored = list(
        Release.objects.order_by("date", "id").values_list("release_id", flat=True)
    )
    assert ids == stored


def test_since_returns_only_newer_releases(client, five_processes, make_process):
    cut = timezone.now()
    newer = make_process("Nuevo")
    package = client.get("/api/ocds/releases/", {"since": cut.isoformat()}).json()
    assert {r["ocid"] for r in package["releases"]} == {newer.ocid}
    until = client.get("/api/ocds/releases/", {"until": cut.isoformat()}).json()
    assert newer.ocid not in {r["ocid"] for r in until["releases"]}


def test_releases_of_one_process(client, five_processes):
    ocid = five_processes[0].ocid
    package = client.get("/api/ocds/releases/", {"ocid": ocid}).json()
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["tender"]]


def test_records_paging(client, five_processes):
    first = client.get("/api/ocds/records/?limit=2").json()
    assert len(first["records"]) == 2
    nxt = first["links"]["next"].replace("http://127.0.0.1:8000", "")
    second = client.get(nxt).json()
    assert {r["ocid"] for r in first["records"]}.isdisjoint(
        {r["ocid"] for r in second["records"]}
    )


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=1001",
        "limit=abc",
        "limit=-1",
        "since=yesterday",
        "since=2026-02-30T00:00:00",
        "until=%00",
        "cursor=!!!",
        "cursor=" + "A" * 300,
        "cursor=MjAyNnxhYmM",
        "ocid=%00",
    ],
)
def test_bad_parameters_are_400_json(client, query):
    response = client.get(f"/api/ocds/releases/?{query}")
    assert response.status_code == 400
    body = response.json()  # the API's own envelope, or the portal's NUL-byte refusal
    assert body.get("error") or body.get("detail")


@pytest.mark.parametrize("query", ["limit=0", "cursor=abc", "cursor=99999999999999"])
def test_bad_record_parameters(client, query):
    response = client.get(f"/api/ocds/records/?{query}")
    assert response.status_code == 400


def test_unknown_record_is_404_json(client):
    response = client.get("/api/ocds/records/ocds-xxxxxx-nope")
    assert response.status_code == 404
    assert response.json()["error"]


def test_endpoints_refuse_writes(client):
    assert client.post("/api/ocds/releases/").status_code == 405
    assert client.post("/api/oc4ids/projects/").status_code == 405


def test_release_list_query_count(
    client, five_processes, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        client.get("/api/ocds/releases/?limit=3")
    with django_assert_max_num_queries(3):
        client.get("/api/ocds/records/?limit=3")


def test_dates_are_ordered_for_keyset(five_processes):
    dates = list(Release.objects.order_by("id").values_list("date", flat=True))
    assert all(d <= timezone.now() + timedelta(seconds=1) for d in dates)
