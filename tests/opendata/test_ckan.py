"""CKAN Action API v3 (read side): envelope, keys, errors, search; and the real ckanapi
client against the live server."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from opendata import services
from opendata.models import Dataset
from tests.opendata.factories import DatasetFactory, TopicFactory

pytestmark = pytest.mark.django_db

PACKAGE_KEYS = {
    "id",
    "name",
    "title",
    "notes",
    "url",
    "state",
    "private",
    "type",
    "license_id",
    "license_title",
    "license_url",
    "maintainer",
    "maintainer_email",
    "author",
    "metadata_created",
    "metadata_modified",
    "organization",
    "owner_org",
    "groups",
    "tags",
    "resources",
    "num_resources",
    "num_tags",
    "extras",
}
RESOURCE_KEYS = {
    "id",
    "package_id",
    "name",
    "description",
    "format",
    "mimetype",
    "url",
    "size",
    "hash",
    "created",
    "last_modified",
    "position",
    "state",
}


def action(client, action_name, method="get", **params):
    url = f"/api/3/action/{action_name}"
    if method == "post":
        return client.post(
            url, data=json.dumps(params), content_type="application/json"
        )
    return client.get(url, params)


def test_envelope_and_package_keys(client, dataset_with_file):
    r = action(client, "package_show", id="poblacion-distrital")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["success"] is True and body["help"].endswith(
        "help_show?name=package_show"
    )
    pkg = body["result"]
    assert set(pkg) >= PACKAGE_KEYS
    assert pkg["name"] == "poblacion-distrital" and pkg["license_id"] == "cc-by"
    assert pkg["organization"]["name"] == "sgdi"
    assert {t["name"] for t in pkg["tags"]} == {"población", "distritos"}
    assert pkg["groups"][0]["name"] == "poblacion"
    res = pkg["resources"][0]
    assert set(res) >= RESOURCE_KEYS
    assert (
        res["format"] == "CSV"
        and res["size"] == 77
        and res["hash"].startswith("sha256:")
    )
    assert res["url"].startswith(
        "http://testserver/datos/poblacion-distrital/recursos/"
    )
    # by id as well, and through POST with a JSON body on /api/action/
    assert (
        action(client, "package_show", id=pkg["id"]).json()["result"]["name"]
        == pkg["name"]
    )
    r = client.post(
        "/api/action/package_show",
        data=json.dumps({"id": pkg["id"]}),
        content_type="application/json",
    )
    assert r.json()["result"]["id"] == pkg["id"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/3/action/package_list",
        "/api/3/action/package_list/",
        "/api/action/package_list",
    ],
)
def test_no_redirects_on_action_paths(client, path, dataset_with_file):
    for method in (client.get, client.post):
        r = method(path)
        assert r.status_code == 200, (path, r.status_code)
        assert r.json()["result"] == ["poblacion-distrital"]


def test_errors_follow_ckan(client, dataset_with_file):
    r = action(client, "package_show", id="no-existe")
    assert r.status_code == 404
    assert (
        r.json()["success"] is False
        and r.json()["error"]["__type"] == "Not Found Error"
    )
    r = action(client, "package_show")
    assert r.status_code == 409 and r.json()["error"]["__type"] == "Validation Error"
    r = action(client, "package_search", rows="muchas")
    assert r.status_code == 409 and "rows" in r.json()["error"]
    r = action(client, "package_search", fq="metadata_modified:[ayer TO *]")
    assert r.status_code == 400 and r.json()["error"]["__type"] == "Search Query Error"
    r = action(client, "package_create", name="x")
    assert r.status_code == 403 and r.json()["success"] is False
    assert r.json()["error"]["__type"] == "Authorization Error"
    r = action(client, "no_such_action")
    assert r.status_code == 400 and r.json()["success"] is False
    r = client.post(
        "/api/3/action/package_show", data="{roto", content_type="application/json"
    )
    assert r.status_code == 400
    r = client.put("/api/3/action/package_list")
    assert r.status_code == 405


def test_unknown_parameters_are_ignored(client, dataset_with_file):
    r = action(
        client, "package_search", q="población", include_private="true", foo="bar"
    )
    assert r.status_code == 200 and r.json()["result"]["count"] == 1


def test_withdrawn_and_draft_datasets_are_not_listed(client, dataset_with_file):
    DatasetFactory(slug="borrador", state=Dataset.State.DRAFT)
    services.dataset_withdraw(dataset=dataset_with_file, reason="Errores")
    assert action(client, "package_list").json()["result"] == []
    assert action(client, "package_show", id="borrador").status_code == 404


def test_package_search_filters_sort_paging_and_facets(client, dataset_with_file):
    transport = TopicFactory(slug="transporte", name="Transporte")
    other = DatasetFactory(
        slug="ciclovias", title="Ciclovías", tags=["movilidad"], topics=[transport]
    )
    other.publisher_id = dataset_with_file.publisher_id
    old = timezone.now() - dt.timedelta(days=400)
    Dataset.objects.filter(pk=other.pk).update(modified_at=old)
    from openlima.models import OrgUnit

    gp = OrgUnit.objects.get(slug="planificacion")
    DatasetFactory(
        slug="presupuesto", title="Presupuesto", publisher=gp, tags=["movilidad"]
    )

    def search(**params):
        r = action(client, "package_search", method="post", **params)
        assert r.status_code == 200, r.content
        return r.json()["result"]

    assert search()["count"] == 3
    assert [p["name"] for p in search(fq="organization:planificacion")["results"]] == [
        "presupuesto"
    ]
    assert {p["name"] for p in search(fq="tags:movilidad")["results"]} == {
        "ciclovias",
        "presupuesto",
    }
    assert [p["name"] for p in search(fq='tags:"población"')["results"]] == [
        "poblacion-distrital"
    ]
    assert [p["name"] for p in search(fq="res_format:CSV")["results"]] == [
        "poblacion-distrital"
    ]
    assert [
        p["name"]
        for p in search(fq="tags:movilidad +organization:planificacion")["results"]
    ] == ["presupuesto"]
    since = (timezone.now() - dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = search(fq=f"metadata_modified:[{since} TO *]")
    assert {p["name"] for p in recent["results"]} == {
        "poblacion-distrital",
        "presupuesto",
    }
    assert search(sort="metadata_modified desc")["results"][-1]["name"] == "ciclovias"
    by_id = search(sort="id asc", rows=3)["results"]
    assert [p["id"] for p in by_id] == sorted(p["id"] for p in by_id)
    # paging with start/rows, and rows capped at 1000
    names = [
        search(rows=1, start=i, sort="name asc")["results"][0]["name"] for i in range(3)
    ]
    assert names == ["ciclovias", "poblacion-distrital", "presupuesto"]
    assert search(rows=1, start=3)["results"] == []
    assert search(rows=5000)["count"] == 3
    facets = search(
        **{"facet.field": json.dumps(["organization", "tags", "res_format"])}
    )
    assert facets["facets"]["organization"] == {"sgdi": 2, "planificacion": 1}
    tag_items = {
        i["name"]: i["count"] for i in facets["search_facets"]["tags"]["items"]
    }
    assert tag_items["movilidad"] == 2
    assert facets["search_facets"]["res_format"]["items"] == [
        {"name": "CSV", "display_name": "CSV", "count": 1}
    ]
    # GET with facet.field as a JSON string, as CKAN clients send it
    r = client.get(
        "/api/3/action/package_search", {"facet.field": '["organization"]', "rows": 0}
    )
    assert (
        r.json()["result"]["results"] == []
        and r.json()["result"]["search_facets"]["organization"]
    )
    assert search(q="Ciclovías")["results"][0]["name"] == "ciclovias"


def test_organizations_groups_tags_status_help(client, dataset_with_file):
    orgs = action(client, "organization_list").json()["result"]
    assert "sgdi" in orgs
    full = action(client, "organization_list", all_fields="true").json()["result"]
    sgdi = next(o for o in full if o["name"] == "sgdi")
    assert sgdi["package_count"] == 1 and sgdi["is_organization"] is True
    shown = action(
        client, "organization_show", id="sgdi", include_datasets="true"
    ).json()["result"]
    assert shown["packages"][0]["name"] == "poblacion-distrital"
    assert action(client, "organization_show", id="nada").status_code == 404
    assert action(client, "group_list").json()["result"] == ["poblacion"]
    assert (
        action(client, "group_list", all_fields=True).json()["result"][0][
            "package_count"
        ]
        == 1
    )
    assert action(client, "tag_list").json()["result"] == ["distritos", "población"]
    status = action(client, "status_show").json()["result"]
    assert status["ckan_version"] and status["site_url"] == "http://testserver"
    assert "rows" in action(client, "help_show", name="package_search").json()["result"]
    assert action(client, "help_show", name="nope").status_code == 404


# --- The real ckanapi client against the live server ------------------------------------


@pytest.fixture
def many_datasets(db):
    """25 published datasets with a CSV resource each."""
    datasets = [
        DatasetFactory(slug=f"dataset-vivo-{i:02d}", title=f"Dataset vivo {i}")
        for i in range(25)
    ]
    for d in datasets[:3]:
        r = services.resource_create(dataset=d, name="Tabla")
        services.resource_version_add(resource=r, data=b"a,b\n1,2\n", filename="t.csv")
    return datasets


@pytest.mark.django_db(transaction=True)
def test_ckanapi_remote_list_show_search_paging(live_server, many_datasets):
    import ckanapi

    ckan = ckanapi.RemoteCKAN(live_server.url, user_agent="openlima-tests")
    names = ckan.action.package_list()
    assert names == sorted(d.slug for d in many_datasets)
    pkg = ckan.action.package_show(id="dataset-vivo-00")
    assert pkg["resources"][0]["url"].startswith(live_server.url)
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-hay")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(rows="x")
    seen, start = [], 0
    while True:
        page = ckan.action.package_search(q="*:*", rows=10, start=start, sort="id asc")
        if not page["results"]:
            break
        seen.extend(p["name"] for p in page["results"])
        start += 10
    assert len(seen) == 25 and set(seen) == set(names)
    assert page["count"] == 25
    facets = ckan.action.package_search(**{"facet.field": ["res_format"], "rows": 0})
    assert facets["search_facets"]["res_format"]["items"][0]["count"] == 3
    assert ckan.action.status_show()["ckan_version"]
    assert "sgdi" in ckan.action.organization_list()


@pytest.mark.django_db(transaction=True)
def test_ckanapi_dump_datasets_all(live_server, many_datasets, tmp_path):
    out = tmp_path / "dump.jsonl"
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("ckanapi")),
            "dump",
            "datasets",
            "--all",
            "-q",
            "-p",
            "1",
            "-O",
            str(out),
            "-r",
            live_server.url,
        ],
        capture_output=True,
        timeout=120,
        # ckanapi starts its workers as `ckanapi ... --worker` found on PATH
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        },
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["name"] for r in records) == sorted(d.slug for d in many_datasets)
    assert all(r["organization"]["name"] == "sgdi" for r in records)


def test_package_search_query_count_is_bounded(client, django_assert_max_num_queries):
    from tests.catalogue import seed_catalogue

    seed_catalogue(60)
    params = {
        "rows": 100,
        "fq": "tags:lima",
        "facet.field": '["organization", "tags", "res_format", "groups", "license_id"]',
    }
    with django_assert_max_num_queries(12):
        r = client.get("/api/3/action/package_search", params)
    result = r.json()["result"]
    assert result["count"] == 60 and len(result["results"]) == 60
    assert all(p["num_resources"] == 1 for p in result["results"])
    with django_assert_max_num_queries(8):
        assert (
            len(
                client.get("/api/3/action/package_show", {"id": "seed-3"}).json()[
                    "result"
                ]["resources"]
            )
            == 1
        )
