"""CKAN's Lucene/Solr query subset in q, fq and fq_list (opendata/ckan_query.py), each
form against the result CKAN documents; and a simulation of ckanext-harvest's CKAN
harvester (the query shapes of ckanext/harvest/harvesters/ckanharvester.py: `fq` of
`organization:a OR organization:b`, `groups:x OR groups:y`, `metadata_modified:[<since>Z
TO *]`, `sort=id asc`, `rows=100`, `start` paging) full and incremental."""

import datetime as dt

import pytest
from django.utils import timezone

from opendata import ckan_query
from opendata.models import Dataset
from openlima.models import OrgUnit
from tests.opendata.factories import DatasetFactory, ResourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    """Six datasets over three organizations, three groups, tags and dates."""
    sgdi = OrgUnit.objects.get(slug="sgdi")
    gp = OrgUnit.objects.get(slug="planificacion")
    sg = OrgUnit.objects.get(slug="secretaria-general")
    parks = TopicFactory(slug="parques", name="Parques")
    mobility = TopicFactory(slug="movilidad", name="Movilidad")
    budget = TopicFactory(slug="presupuesto", name="Presupuesto")
    now = timezone.now()
    spec = [
        # slug, title, publisher, topics, tags, modified days ago
        ("ciclovias", "Ciclovías de Lima", sgdi, [mobility], ["ciclovias", "bici"], 1),
        ("ciclismo-urbano", "Ciclismo urbano", gp, [mobility], ["bici"], 10),
        ("parques-zonales", "Parques zonales", sgdi, [parks], ["parques"], 100),
        ("areas-verdes", "Áreas verdes por distrito", gp, [parks], ["parques"], 3),
        ("presupuesto-2024", "Presupuesto 2024", sg, [budget], ["presupuesto"], 0),
        ("sin-grupo", "Inventario de semáforos", sgdi, [], ["semaforos"], 400),
    ]
    out = {}
    for slug, title, pub, topics, tags, days in spec:
        d = DatasetFactory(
            slug=slug, title=title, publisher=pub, topics=topics, tags=tags
        )
        Dataset.objects.filter(pk=d.pk).update(
            modified_at=now - dt.timedelta(days=days),
            created_at=now - dt.timedelta(days=days + 1),
        )
        out[slug] = d
    ResourceFactory(dataset=out["ciclovias"], format="CSV")
    ResourceFactory(dataset=out["ciclovias"], format="JSON")
    ResourceFactory(dataset=out["parques-zonales"], format="XLSX")
    return out


def names(client, **params):
    r = client.get("/api/3/action/package_search", {"rows": 100, **params})
    assert r.status_code == 200, r.content
    return sorted(p["name"] for p in r.json()["result"]["results"])


def error(client, **params):
    r = client.get("/api/3/action/package_search", params)
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Query Error"
    return body["error"]["message"]


ALL = [
    "areas-verdes",
    "ciclismo-urbano",
    "ciclovias",
    "parques-zonales",
    "presupuesto-2024",
    "sin-grupo",
]


def test_or_of_organizations_is_their_union(client, catalogue):
    # What ckanext-harvest sends for organizations_filter_include with two entries.
    assert names(client, fq="organization:sgdi OR organization:planificacion") == [
        "areas-verdes",
        "ciclismo-urbano",
        "ciclovias",
        "parques-zonales",
        "sin-grupo",
    ]


def test_not_and_minus_exclude(client, catalogue):
    expected = ["areas-verdes", "ciclismo-urbano", "presupuesto-2024"]
    assert names(client, fq="NOT organization:sgdi") == expected
    assert names(client, fq="-organization:sgdi") == expected
    assert names(client, fq="*:* -organization:sgdi") == expected
    # ckanext-harvest's organizations_filter_exclude with two entries
    assert names(client, fq="-organization:sgdi -organization:planificacion") == [
        "presupuesto-2024"
    ]


def test_and_parentheses_and_field_groups(client, catalogue):
    assert names(client, fq="organization:sgdi AND groups:parques") == [
        "parques-zonales"
    ]
    assert names(client, fq="organization:sgdi groups:parques") == ["parques-zonales"]
    assert names(
        client, fq="(organization:sgdi OR organization:planificacion) AND tags:bici"
    ) == ["ciclismo-urbano", "ciclovias"]
    assert names(client, fq="tags:(ciclovias OR semaforos)") == [
        "ciclovias",
        "sin-grupo",
    ]
    assert names(client, fq="groups:(parques OR presupuesto) -tags:parques") == [
        "presupuesto-2024"
    ]


def test_fielded_terms_in_q_and_q_with_and(client, catalogue):
    assert names(client, q="tags:parques organization:sgdi") == ["parques-zonales"]
    assert names(client, q="tags:bici AND organization:planificacion") == [
        "ciclismo-urbano"
    ]
    assert names(client, q="parques AND zonales") == ["parques-zonales"]
    assert names(client, q="parques OR presupuesto") == [
        "areas-verdes",
        "parques-zonales",
        "presupuesto-2024",
    ]


def test_quoted_phrases(client, catalogue):
    assert names(client, q='"Parques zonales"') == ["parques-zonales"]
    assert names(client, q='title:"Ciclismo urbano"') == ["ciclismo-urbano"]
    assert names(client, fq='tags:"bici"') == ["ciclismo-urbano", "ciclovias"]


def test_prefix_wildcards(client, catalogue):
    assert names(client, q="ciclo*") == ["ciclovias"]
    assert names(client, q="cicl*") == ["ciclismo-urbano", "ciclovias"]
    assert names(client, fq="name:parq*") == ["parques-zonales"]
    assert names(client, fq="tags:sema*") == ["sin-grupo"]
    assert names(client, fq="organization:*") == ALL


def test_resource_format_and_counts(client, catalogue):
    assert names(client, fq="res_format:csv") == ["ciclovias"]
    assert names(client, fq="res_format:(CSV OR XLSX)") == [
        "ciclovias",
        "parques-zonales",
    ]
    assert names(client, fq="num_resources:[2 TO *]") == ["ciclovias"]
    assert names(client, fq="num_resources:{0 TO 2}") == ["parques-zonales"]


def test_inclusive_and_exclusive_date_ranges_and_date_math(client, catalogue):
    assert names(client, fq="metadata_modified:[NOW-5DAYS TO NOW]") == [
        "areas-verdes",
        "ciclovias",
        "presupuesto-2024",
    ]
    assert names(client, fq="metadata_modified:[* TO NOW-1YEAR]") == ["sin-grupo"]
    # NOW/DAY rounds to today's midnight (UTC): modified today vs before today.
    today = names(client, fq="metadata_modified:[NOW/DAY TO *]")
    before = names(client, fq="metadata_modified:{* TO NOW/DAY}")
    assert sorted(today + before) == ALL and "presupuesto-2024" in today
    exact = Dataset.objects.get(slug="ciclovias").modified_at
    stamp = exact.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert "ciclovias" in names(client, fq=f"metadata_modified:[{stamp} TO *]")
    assert "ciclovias" not in names(client, fq=f"metadata_modified:{{{stamp} TO *]")
    assert "ciclovias" not in names(client, fq=f"metadata_modified:[* TO {stamp}}}")
    assert names(client, fq="metadata_created:[2000-01-01T00:00:00Z TO NOW+1DAY]") == (
        ALL
    )


def test_fq_list_and_id_field(client, catalogue):
    uuid = str(catalogue["ciclovias"].uuid)
    assert names(client, fq=f"id:{uuid}") == ["ciclovias"]
    assert names(client, fq_list=["tags:bici", "organization:sgdi"]) == ["ciclovias"]
    assert names(client, fq="capacity:public +state:active dataset_type:dataset") == ALL


def test_license_id_uses_ckan_ids(client, catalogue):
    assert names(client, fq="license_id:cc-by") == ALL
    assert names(client, fq="license_id:odc-odbl") == []


@pytest.mark.parametrize(
    "params",
    [
        {"fq": "organisation:sgdi"},  # unknown field: never ignored
        {"q": "colour:rojo"},
        {"fq": "extras_foo:bar"},
        {"fq": "metadata_modified:[ayer TO *]"},
        {"fq": "metadata_modified:[2024-13-45T00:00:00Z TO *]"},
        {"fq": "metadata_modified:[99999-01-01T00:00:00Z TO *]"},
        {"fq": "metadata_modified:[NOW-1FORTNIGHT TO *]"},
        {"fq": "metadata_modified:[NOW-999999999YEARS TO *]"},
        {"fq": "id:no-es-un-uuid"},
        {"fq": "tags:[a TO b]"},
        {"fq": "organization:(sgdi"},
        {"q": "a AND"},
        {"fq": "num_resources:[x TO 3]"},
        {"fq": "num_resources:[99999999999999999999 TO *]"},
        {"fq": "/regex/"},
    ],
)
def test_bad_queries_are_search_query_errors(client, catalogue, params):
    assert error(client, **params)


def test_match_all_forms(client, catalogue):
    assert names(client, q="*:*") == ALL
    assert names(client, q="*") == ALL
    assert names(client, q="", fq="") == ALL


def test_date_math():
    now = dt.datetime(2024, 3, 31, 15, 45, 12, tzinfo=dt.UTC)
    parse = ckan_query.parse_date
    assert parse("NOW/DAY", now=now) == dt.datetime(2024, 3, 31, tzinfo=dt.UTC)
    assert parse("NOW-1MONTH", now=now) == dt.datetime(
        2024, 2, 29, 15, 45, 12, tzinfo=dt.UTC
    )
    assert parse("NOW+1DAY/MONTH", now=now) == dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
    assert parse("2024-01-01T00:00:00Z+2HOURS") == dt.datetime(
        2024, 1, 1, 2, tzinfo=dt.UTC
    )
    assert parse("*") is None


# --- ckanext-harvest's CKAN harvester ----------------------------------------------------


def harvest(client, *, orgs=(), groups=(), since=None):
    """The gather stage of ckanext-harvest's CKANHarvester: fq terms joined by spaces,
    pages of 100 sorted by id, stop on an empty page; dataset ids are deduplicated
    only as a check (a duplicate would be logged and skipped by the harvester)."""
    fq_terms = []
    if orgs:
        fq_terms.append(" OR ".join(f"organization:{o}" for o in orgs))
    if groups:
        fq_terms.append(" OR ".join(f"groups:{g}" for g in groups))
    if since is not None:
        fq_terms.append(f"metadata_modified:[{since.isoformat()}Z TO *]")
    params = {"rows": "100", "start": "0", "sort": "id asc"}
    if fq_terms:
        params["fq"] = " ".join(fq_terms)
    seen = []
    while True:
        r = client.get("/api/3/action/package_search", params)
        assert r.status_code == 200, r.content
        page = r.json()["result"]["results"]
        if not page:
            break
        seen.extend(p["name"] for p in page)
        params["start"] = str(int(params["start"]) + int(params["rows"]))
    assert len(seen) == len(set(seen)), "a dataset came twice"
    return seen


def test_harvester_two_organizations_and_two_groups_full_and_incremental(client, db):
    sgdi = OrgUnit.objects.get(slug="sgdi")
    gp = OrgUnit.objects.get(slug="planificacion")
    sg = OrgUnit.objects.get(slug="secretaria-general")
    parks = TopicFactory(slug="parques", name="Parques")
    mobility = TopicFactory(slug="movilidad", name="Movilidad")
    other = TopicFactory(slug="otros", name="Otros")
    long_ago = timezone.now() - dt.timedelta(days=30)
    expected = set()
    for i in range(150):
        publisher = (sgdi, gp, sg)[i % 3]
        topic = (parks, mobility, other)[(i // 3) % 3]
        d = DatasetFactory(slug=f"ds-{i:03d}", publisher=publisher, topics=[topic])
        Dataset.objects.filter(pk=d.pk).update(modified_at=long_ago)
        if publisher != sg and topic != other:
            expected.add(d.slug)
    full = harvest(
        client, orgs=("sgdi", "planificacion"), groups=("parques", "movilidad")
    )
    assert set(full) == expected and len(full) == len(expected) == 68

    # The harvester's next run asks for changes since its last gather, minus one hour.
    gather_started = timezone.now().astimezone(dt.UTC).replace(tzinfo=None)
    changed = ["ds-000", "ds-004", "ds-100", "ds-002"]  # ds-002 is of sg: not wanted
    Dataset.objects.filter(slug__in=changed).update(modified_at=timezone.now())
    incremental = harvest(
        client,
        orgs=("sgdi", "planificacion"),
        groups=("parques", "movilidad"),
        since=gather_started - dt.timedelta(hours=1),
    )
    assert sorted(incremental) == sorted(set(changed) & expected)
    assert sorted(incremental) == ["ds-000", "ds-004", "ds-100"]

    # Unfiltered full harvest: every dataset exactly once.
    assert sorted(harvest(client)) == sorted(f"ds-{i:03d}" for i in range(150))
