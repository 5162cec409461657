"""No HTML and no 5xx under /api/ (docs/opendata-api.md): every CKAN action and every
REST operation of the OpenAPI schema gets NUL bytes, integers >= 2**63, blank sorts,
bad UTF-8, hand-made cursors, malformed JSON, JSON lists and malformed dates, as an
anonymous client and as a signed-in resident."""

import base64
import json
import re

import pytest
from django.test import Client

from opendata import ckan
from tests.factories import UserFactory
from tests.opendata.factories import DatasetFactory, TopicFactory

pytestmark = pytest.mark.django_db

HUGE = str(2**63)
CURSOR = base64.b64encode(b"p=abc").decode()
QUERY_VALUES = [
    "a%00b",
    HUGE,
    "%20",
    "%ff%fe",
    CURSOR,
]
CKAN_PARAMS = [
    "q",
    "fq",
    "fq_list",
    "sort",
    "rows",
    "start",
    "limit",
    "offset",
    "id",
    "name",
    "facet.field",
    "facet.limit",
    "facet.mincount",
    "all_fields",
    "include_datasets",
    "organizations",
    "groups",
    "query",
    "callback",
]
# Besides each operation's declared query parameters.
REST_PARAMS = ["search", "ordering", "page", "page_size", "cursor", "format"]
FQ_VALUES = [
    "metadata_modified:[2024-13-45T00:00:00Z TO *]",
    "metadata_modified:[99999-01-01T00:00:00Z TO NOW]",
    "metadata_created:[NOW-1DAY TO NOW/DAY]",
    "id:no-es-uuid",
    "id:" + HUGE,
    "organization:(a OR",
    "tags:[a TO b]",
    "num_resources:[" + HUGE + " TO *]",
]
BODIES = [
    ("application/json", b"{roto"),
    ("application/json", b"[1, 2]"),
    ("application/json", b'"texto"'),
    ("application/json", b"\xff\xfe{}"),
    ("application/json", b'{"id": "\\u0000", "text": "a\\u0000b", "value": 1e999}'),
    ("application/json", json.dumps({"rows": 2**64, "id": 2**70}).encode()),
    ("application/x-www-form-urlencoded", b"id=%00&text=a%00b&rows=" + HUGE.encode()),
    ("application/x-www-form-urlencoded", b"id=%ff%fe"),
]


def check(response, failures, what):
    ctype = response.get("Content-Type", "")
    if response.status_code >= 500 or "html" in ctype:
        failures.append(f"{what} -> {response.status_code} {ctype}")
    elif (
        response.status_code != 204
        and response.content
        and "json" not in ctype
        and "javascript" not in ctype
    ):
        failures.append(f"{what} -> {response.status_code} {ctype} (not JSON)")


def rest_operations():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    ops = []
    for path, item in schema["paths"].items():
        concrete = re.sub(r"\{[^}]*(?:id|pk)\}", "1", path)
        concrete = re.sub(r"\{[^}]+\}", "no-existe", concrete)
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                params = [
                    p["name"] for p in op.get("parameters", []) if p["in"] == "query"
                ]
                ops.append((method, concrete, params))
    return ops


@pytest.fixture
def seeded(db):
    topic = TopicFactory(slug="parques", name="Parques")
    DatasetFactory(slug="uno", tags=["a"], topics=[topic])


def clients():
    anonymous = Client()
    resident = Client()
    resident.force_login(UserFactory())
    return {"anónimo": anonymous, "vecino": resident}


@pytest.mark.timeout(900)
def test_every_ckan_action_answers_json_4xx_to_bad_input(seeded):
    failures, sent = [], 0
    actions = [*ckan.ACTIONS, "package_create", "no_such_action"]
    for who, client in clients().items():
        for name in actions:
            url = f"/api/3/action/{name}"
            # The CKAN API has no session: GET parameters once, anonymously.
            for param in CKAN_PARAMS if who == "anónimo" else ():
                for value in QUERY_VALUES:
                    r = client.get(f"{url}?{param}={value}")
                    check(r, failures, f"{who} GET {url}?{param}={value[:40]}")
                    sent += 1
            for fq in FQ_VALUES if who == "anónimo" else ():
                r = client.get(url, {"fq": fq})
                check(r, failures, f"{who} GET {url}?fq={fq}")
                sent += 1
            for ctype, body in BODIES:
                r = client.post(url, data=body, content_type=ctype)
                check(r, failures, f"{who} POST {url} {body[:40]!r}")
                sent += 1
    assert not failures, f"{len(failures)} of {sent}:\n" + "\n".join(failures[:40])
    assert sent > 1500


@pytest.mark.timeout(900)
def test_every_rest_operation_answers_json_4xx_to_bad_input(seeded):
    failures, sent = [], 0
    operations = rest_operations()
    assert len(operations) >= 15
    for who, client in clients().items():
        for method, path, params in operations:
            call = getattr(client, method)
            if method == "get":
                if who != "vecino":  # a resident sees all an anonymous client sees
                    continue
                for param in sorted(set(params) | set(REST_PARAMS)):
                    for value in QUERY_VALUES:
                        r = call(f"{path}?{param}={value}")
                        check(r, failures, f"{who} GET {path}?{param}={value[:40]}")
                        sent += 1
            else:
                for ctype, body in BODIES:
                    r = call(path, data=body, content_type=ctype)
                    check(r, failures, f"{who} {method.upper()} {path} {body[:40]!r}")
                    sent += 1
    assert not failures, f"{len(failures)} of {sent}:\n" + "\n".join(failures[:40])
    assert sent > 700


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/3",
        "/api/3/action/",
        "/api/nada",
        "/api/v1/nada/",
        "/api/v1/proposals/999999999999999999999/",
        "/api/3/action/package_show/extra/segments",
    ],
)
def test_api_paths_answer_json(client, path):
    r = client.get(path)
    assert r.status_code in (200, 404) and "json" in r["Content-Type"]


def test_unmatched_api_path_is_json_404(client):
    r = client.get("/api/v2/nada")
    assert r.status_code == 404 and r.json() == {"detail": "No encontrado."}
    r = client.get("/api/3/action/")
    assert r.status_code == 404 and r.json()["success"] is False


def test_catalogue_page_refuses_nul(client):
    assert client.get("/datos/?q=%00").status_code == 400
    assert client.get("/buscar/?q=a%00").status_code == 400


def test_api_version_and_jsonp(client, seeded):
    assert client.get("/api/3").json() == {"version": 3}
    r = client.get("/api/3/action/package_list", {"callback": "recibir"})
    assert r["Content-Type"].startswith("application/javascript")
    assert r.content.decode().startswith("/**/recibir(")
    assert json.loads(r.content.decode()[len("/**/recibir(") : -2])["result"] == ["uno"]
    r = client.get("/api/3/action/package_list", {"callback": "<script>"})
    assert r.status_code == 400 and r.json()["success"] is False


def test_non_dict_body_is_bad_request_data(client):
    r = client.post(
        "/api/3/action/package_search", data="[1]", content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith("Bad request - Bad request data")


def test_validation_error_has_no_message_key(client):
    r = client.get("/api/3/action/package_search", {"rows": "muchas"})
    assert r.status_code == 409
    assert r.json()["error"] == {
        "__type": "Validation Error",
        "rows": ["Invalid integer"],
    }
