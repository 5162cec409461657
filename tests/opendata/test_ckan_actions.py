"""The CKAN actions harvesters and ckanapi call beyond search; the GeoJSON `spatial`
extra; CORS on the public read APIs; `ckanapi dump groups --all` against the live
server."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from opendata import geo
from opendata.models import License
from openlima.models import District
from tests.opendata.factories import DatasetFactory, ResourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def result(client, name, status=200, **params):
    r = client.get(f"/api/3/action/{name}", params)
    assert r.status_code == status, r.content
    return r.json()["result"] if status == 200 else r.json()["error"]


@pytest.fixture
def parks(db):
    topic = TopicFactory(slug="parques", name="Parques", description="Áreas verdes")
    d = DatasetFactory(
        slug="parques-zonales",
        title="Parques zonales",
        tags=["parques"],
        topics=[topic],
    )
    d.districts.set(District.objects.filter(ubigeo__in=["150122", "150131"]))
    ResourceFactory(dataset=d, name="Tabla", format="CSV")
    return d


def test_group_show_and_tag_show(client, parks):
    group = result(client, "group_show", id="parques", include_datasets="true")
    assert group["name"] == "parques" and group["package_count"] == 1
    assert [p["name"] for p in group["packages"]] == ["parques-zonales"]
    assert result(client, "group_show", 404, id="no-hay")["__type"] == "Not Found Error"
    tag = result(client, "tag_show", id="parques", include_datasets="true")
    assert tag["name"] == "parques" and tag["packages"][0]["name"] == "parques-zonales"
    assert result(client, "tag_show", 404, id="nada")["__type"] == "Not Found Error"


def test_resource_show_and_views(client, parks):
    rid = str(parks.resources.get().uuid)
    resource = result(client, "resource_show", id=rid)
    assert resource["id"] == rid and resource["package_id"] == str(parks.uuid)
    assert result(client, "resource_view_list", id=rid) == []
    assert result(client, "resource_show", 404, id="no-es-uuid")
    assert result(client, "resource_view_list", 404, id=str(parks.uuid))


def test_current_package_list_autocomplete_activity_site_read(client, parks):
    DatasetFactory(slug="otro", title="Otro conjunto")
    packages = result(client, "current_package_list_with_resources", limit=1)
    assert len(packages) == 1 and packages[0]["resources"] is not None
    auto = result(client, "package_autocomplete", q="zonal")
    assert auto == [
        {
            "name": "parques-zonales",
            "title": "Parques zonales",
            "match_field": "name",
            "match_displayed": "parques-zonales",
        }
    ]
    activity = result(client, "recently_changed_packages_activity_list", limit=5)
    assert {a["object_id"] for a in activity} >= {str(parks.uuid)}
    assert all(a["activity_type"].endswith("package") for a in activity)
    assert result(client, "site_read") is True


def test_license_list_uses_ckan_ids(client, parks):
    licenses = {item["id"]: item for item in result(client, "license_list")}
    assert {"cc-by", "cc-by-sa", "cc-zero", "odc-by", "odc-odbl"} == set(licenses)
    assert licenses["cc-by"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    pkg = result(client, "package_show", id="parques-zonales")
    assert pkg["license_id"] == "cc-by" and pkg["license_id"] in licenses
    assert len(License.choices) == len(licenses)


def test_spatial_extra_is_geojson_of_the_districts_bbox(client, parks):
    pkg = result(client, "package_show", id="parques-zonales")
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    shape = json.loads(extras["spatial"])
    assert shape["type"] == "Polygon"
    ring = shape["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5
    w, s, e, n = geo.bbox(["150122", "150131"])
    assert (w, s) == tuple(ring[0]) and (e, n) == tuple(ring[2])
    # Lima's districts lie around 77°W, 12°S.
    assert -77.3 < w < e < -76.6 and -12.6 < s < n < -11.5
    names = sorted(
        District.objects.filter(ubigeo__in=["150122", "150131"]).values_list(
            "name", flat=True
        )
    )
    assert extras["spatial_text"] == ", ".join(names)


def test_spatial_without_districts_is_the_city(client, db):
    DatasetFactory(slug="ciudad")
    pkg = result(client, "package_show", id="ciudad")
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert json.loads(extras["spatial"]) == geo.bbox_polygon()
    assert extras["spatial_text"] == "Lima Metropolitana"
    # 42 of the 43 districts have a polygon (Santa Anita's is missing from the file).
    assert len(geo.district_bboxes()) == 42


@pytest.mark.parametrize(
    "path",
    ["/api/3/action/package_search", "/api/3", "/api/v1/proposals/", "/catalog.ttl"],
)
def test_cors_on_public_read_endpoints(client, db, path):
    r = client.get(path, HTTP_ORIGIN="https://datos.example.org")
    assert r["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r
    preflight = client.options(
        path,
        HTTP_ORIGIN="https://datos.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("path", ["/datos/", "/cuenta/login/", "/gestion/"])
def test_no_cors_on_session_pages(client, db, path):
    r = client.get(path, HTTP_ORIGIN="https://datos.example.org")
    assert "Access-Control-Allow-Origin" not in r


def test_cross_origin_request_carries_no_session(client, user):
    """With `*` and no credentials a browser sends no cookie cross-origin, so a write
    that needs the session is anonymous there: 403, never performed."""
    r = client.options(
        "/api/v1/proposals/1/support/",
        HTTP_ORIGIN="https://malo.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "Access-Control-Allow-Credentials" not in r
    r = client.post(
        "/api/v1/proposals/1/support/", HTTP_ORIGIN="https://malo.example.org"
    )
    assert r.status_code in (401, 403)


@pytest.mark.django_db(transaction=True)
def test_ckanapi_dump_groups_all(live_server, tmp_path):
    for slug in ("parques", "movilidad", "presupuesto"):
        topic = TopicFactory(slug=slug, name=slug.title())
        DatasetFactory(slug=f"ds-{slug}", topics=[topic])
    out = tmp_path / "groups.jsonl"
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("ckanapi")),
            "dump",
            "groups",
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
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        },
    )
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["name"] for r in records) == ["movilidad", "parques", "presupuesto"]
    assert all(r["package_count"] == 1 and r["type"] == "group" for r in records)


@pytest.mark.django_db(transaction=True)
def test_ckanapi_remote_new_actions(live_server):
    import ckanapi

    topic = TopicFactory(slug="parques", name="Parques")
    d = DatasetFactory(slug="parques-zonales", topics=[topic], tags=["verde"])
    resource = ResourceFactory(dataset=d)
    ckan = ckanapi.RemoteCKAN(live_server.url, user_agent="openlima-tests")
    assert ckan.action.group_show(id="parques")["name"] == "parques"
    assert ckan.action.resource_show(id=str(resource.uuid))["name"] == resource.name
    assert ckan.action.tag_show(id="verde")["name"] == "verde"
    assert ckan.action.license_list()[0]["id"]
    with pytest.raises(ckanapi.NotAuthorized):
        ckan.action.package_create(name="nuevo")
    with pytest.raises(ckanapi.SearchQueryError):
        ckan.action.package_search(fq="organisation:sgdi")
    found = ckan.action.package_search(fq="groups:parques OR tags:nada")
    assert [p["name"] for p in found["results"]] == ["parques-zonales"]
