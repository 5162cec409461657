"""Frictionless Data Packages (opendata/datapackage.py): `frictionless validate` (the
`frictionless` package, as its CLI runs it) passes on every published data package of
the demo catalogue and of the platform's own datasets, fetched from the live server."""

import pytest

from opendata import datapackage, services
from opendata.models import Dataset

pytestmark = pytest.mark.django_db


def test_infer_table_types_titles_and_primary_key():
    data = (
        b"ubigeo,distrito,poblacion,area_km2,fecha,activo\r\n"
        b"150101,Lima,268352,21.98,2024-01-01,true\r\n"
        b"150122,Miraflores,99337,9.62,2024-01-01,false\r\n"
    )
    table = datapackage.infer_table(data)
    fields = {f["name"]: f for f in table["schema"]["fields"]}
    assert [fields[n]["type"] for n in fields] == [
        "integer",
        "string",
        "integer",
        "number",
        "date",
        "boolean",
    ]
    assert fields["area_km2"]["title"] == "Area km2"
    assert table["schema"]["primaryKey"] == ["ubigeo"]
    assert table["encoding"] == "utf-8"


def test_infer_table_semicolons_cp1252_and_leading_zeros():
    data = "codigo;nombre\n0001;Peñalolén\n0002;Ñaña\n".encode("cp1252")
    table = datapackage.infer_table(data)
    assert table["dialect"] == {"delimiter": ";"} and table["encoding"] == "cp1252"
    assert table["schema"]["fields"][0]["type"] == "string"  # leading zeros kept
    assert datapackage.infer_table(b"a,a\n1,2\n") is None  # repeated names
    assert datapackage.infer_table(b",b\n1,2\n") is None  # blank name


def test_dataset_without_stored_files_has_no_package(client, db):
    from tests.opendata.factories import DatasetFactory

    DatasetFactory(slug="vacio")
    assert client.get("/datos/vacio/datapackage.json").status_code == 404
    assert client.get("/datos/no-existe/datapackage.json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_frictionless_validate_every_published_data_package(live_server):
    import httpx
    from django.core.management import call_command
    from frictionless import validate

    call_command("load_demo")  # every app's demo, so every provider has rows
    services.platform_dataset_refresh(
        key="prueba",
        spec={
            "title": "Prueba de plataforma",
            "columns": ["id", "nombre", "valor"],
            "rows": [
                {"id": 1, "nombre": "=SUM(1)", "valor": 2.5},
                {"id": 2, "nombre": "Comas", "valor": -3},
            ],
        },
    )
    services.platform_datasets_refresh()
    checked = 0
    for slug in Dataset.objects.filter(state="published").values_list(
        "slug", flat=True
    ):
        url = f"{live_server.url}/datos/{slug}/datapackage.json"
        r = httpx.get(url)
        if r.status_code == 404:
            continue
        assert r.status_code == 200, (slug, r.status_code)
        descriptor = r.json()
        for resource in descriptor["resources"]:
            assert resource["path"].startswith(live_server.url)
            if resource["format"] == "csv":
                assert resource["schema"]["fields"], slug
        # What `frictionless validate <url>` runs: the package fetched over HTTP, every
        # resource downloaded and checked against its schema.
        report = validate(url)
        assert report.stats["tasks"] == len(descriptor["resources"]) > 0
        assert report.valid, (
            slug,
            report.flatten(["rowNumber", "fieldName", "type", "note"]),
        )
        checked += 1
    assert checked >= 15


@pytest.mark.django_db(transaction=True)
def test_every_platform_provider_writes_its_own_schema(client):
    """Every `dataset:` provider declares its CSV's Table Schema (types, Spanish titles,
    primary key where one exists): its fields are its columns, and the catalogue
    publishes it as written, not an inferred one."""
    from django.core.management import call_command

    from openlima import registry

    call_command("load_demo")
    providers = registry.providers("dataset:")
    assert len(providers) >= 11
    with_key = 0
    for key, func in providers.items():
        spec = func()
        schema = spec.get("schema")
        assert schema, key
        assert [f["name"] for f in schema["fields"]] == list(spec["columns"]), key
        for field in schema["fields"]:
            assert field["type"] in {
                "string",
                "integer",
                "number",
                "boolean",
                "date",
                "datetime",
                "yearmonth",
            }, (key, field)
            assert field["title"] and field["title"] != field["name"], (key, field)
        with_key += bool(schema.get("primaryKey"))
        services.platform_dataset_refresh(key=key, spec=spec)
        slug = Dataset.objects.get(source=key).slug
        package = client.get(f"/datos/{slug}/datapackage.json").json()
        (csv_resource,) = [r for r in package["resources"] if r["format"] == "csv"]
        assert csv_resource["schema"] == schema, key
    assert with_key >= 10


def test_a_schema_that_does_not_match_the_columns_is_refused(db):
    with pytest.raises(ValueError, match="differ from the columns"):
        services.platform_dataset_refresh(
            key="desajustado",
            spec={
                "title": "Desajustado",
                "columns": ["a", "b"],
                "rows": [{"a": 1, "b": 2}],
                "schema": {"fields": [{"name": "a", "type": "integer"}]},
            },
        )
    assert not Dataset.objects.filter(source="desajustado").exists()


def test_platform_provider_writes_its_schema(client, db):
    schema = {
        "fields": [
            {"name": "distrito", "title": "Distrito", "type": "string"},
            {"name": "propuestas", "title": "Propuestas", "type": "integer"},
        ],
        "primaryKey": ["distrito"],
    }
    services.platform_dataset_refresh(
        key="propuestas-por-distrito",
        spec={
            "title": "Propuestas por distrito",
            "columns": ["distrito", "propuestas"],
            "rows": [{"distrito": "Comas", "propuestas": 3}],
            "schema": schema,
        },
    )
    slug = Dataset.objects.get(source="propuestas-por-distrito").slug
    package = client.get(f"/datos/{slug}/datapackage.json").json()
    (csv_resource,) = [r for r in package["resources"] if r["format"] == "csv"]
    assert csv_resource["schema"] == schema
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_external_links_are_resources_with_their_url_as_path(client, db):
    """External-link resources appear in datapackage.json with `path` = their URL, and
    the descriptor is valid for frictionless; a dataset of links only has a package."""
    from frictionless import Package

    from tests.opendata.factories import DatasetFactory

    dataset = DatasetFactory(slug="con-enlaces")
    services.resource_create(
        dataset=dataset,
        name="Portal del INEI",
        external_url="https://www.inei.gob.pe/estadisticas/",
        format="HTML",
        media_type="text/html",
        description="Estadísticas oficiales",
    )
    services.resource_create(
        dataset=dataset,
        name="Serie histórica",
        external_url="https://datos.example.org/serie-historica.csv?v=2",
    )
    r = client.get("/datos/con-enlaces/datapackage.json")
    assert r.status_code == 200
    package = r.json()
    by_path = {res["path"]: res for res in package["resources"]}
    html = by_path["https://www.inei.gob.pe/estadisticas/"]
    assert html["format"] == "html" and html["mediatype"] == "text/html"
    assert html["description"] == "Estadísticas oficiales"
    csv_link = by_path["https://datos.example.org/serie-historica.csv?v=2"]
    assert csv_link["format"] == "csv" and "hash" not in csv_link
    report = Package.validate_descriptor(package)
    assert report.valid, report.flatten(["type", "note"])
