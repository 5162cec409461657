"""The nightly bulk files (docs/contracting.md, "Bulk files"): written to storage by a
@scheduled_job in bounded chunks, valid OCDS, the flattened sheets made by flattentool, and
held as resources of the catalogue dataset (CKAN API and DCAT see size, format and date;
downloads with ETag and Range)."""

import hashlib
import io
import json
import zipfile

import pytest

from contracting import ocds, services, tasks
from contracting.models import Bid, BulkFile, Release
from openlima.storage import public_storage

pytestmark = pytest.mark.django_db

V = Bid.Status.VALID


@pytest.fixture
def three(make_process):
    make_process("Uno", bids=[(1, "95000", V)], award=(1, "95000"))
    make_process("Dos", bids=[(1, "50000", V), (2, "40000", V)], award=(2, "40000"))
    make_process("Tres", method="")  # planning only: no call yet


def _read(name) -> bytes:
    with public_storage().open(BulkFile.objects.get(name=name).storage_name) as f:
        return f.read()


def test_the_job_writes_three_valid_files(three):
    result = tasks.bulk_export()
    assert set(result) == {"releases.json", "releases.jsonl", "releases-flat.zip"}
    package = json.loads(_read("releases.json"))
    assert ocds.validation_errors(package, schema="release-package-schema") == []
    assert len(package["releases"]) == Release.objects.count()
    lines = _read("releases.jsonl").decode().splitlines()
    assert len(lines) == Release.objects.count()
    for line in lines:
        assert ocds.validation_errors(json.loads(line), schema="release-schema") == []
    row = BulkFile.objects.get(name="releases.jsonl")
    data = _read("releases.jsonl")
    assert row.size == len(data) and row.sha256 == hashlib.sha256(data).hexdigest()
    # Nothing changed: the JSON lines file keeps its stored copy.
    again = services.bulk_export()
    assert again["releases.jsonl"] == "unchanged"


def test_flattened_sheets_merge_chunks_under_the_union_of_columns(three):
    # Chunks of one process: the planning-only process has no award columns, the
    # others do; every sheet still gets one header with every column.
    services.bulk_export(flatten_chunk=1)
    archive = zipfile.ZipFile(io.BytesIO(_read("releases-flat.zip")))
    names = set(archive.namelist())
    assert {"releases.csv", "awards.csv"} <= names
    main = archive.read("releases.csv").decode().splitlines()
    header = main[0].split(",")
    assert "ocid" in header and "tender/title" in header
    assert len(main) == 1 + 3  # one row per process
    awards = archive.read("awards.csv").decode().splitlines()
    assert len(awards) == 1 + 2
    assert "awards/0/value/amount" in awards[0] or "value/amount" in awards[0]


def test_bulk_files_are_resources_of_the_catalogue_dataset(client, three):
    from opendata.services import platform_datasets_refresh

    services.bulk_export()
    platform_datasets_refresh()
    ckan = client.get(
        "/api/3/action/package_show", {"id": "openlima-contrataciones-ocds"}
    ).json()["result"]
    by_format = {r["format"]: r for r in ckan["resources"]}
    jsonl = BulkFile.objects.get(name="releases.jsonl")
    assert by_format["JSONL"]["size"] == jsonl.size
    assert by_format["JSONL"]["mimetype"] == "application/x-ndjson"
    assert by_format["JSONL"]["last_modified"]
    assert {"JSON", "ZIP", "CSV"} <= set(by_format)
    # Served like any resource: ETag, and a byte range.
    url = by_format["JSONL"]["url"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    whole = client.get(path)
    assert whole.status_code == 200 and whole["ETag"]
    part = client.get(path, HTTP_RANGE="bytes=0-9")
    assert part.status_code == 206
    body = b"".join(part.streaming_content) if part.streaming else part.content
    assert body == _read("releases.jsonl")[:10]
    # DCAT lists the distribution with its byte size.
    ttl = client.get("/catalog.ttl").content.decode()
    assert "application/x-ndjson" in ttl and str(jsonl.size) in ttl
    # A second refresh with nothing new adds no version.
    assert platform_datasets_refresh()["contrataciones-ocds"]["new_versions"] == 0


def _listed_download_paths(client) -> set[str]:
    """Every download the catalogue lists for the bulk dataset: the CKAN API's resource
    URLs, DCAT's download URLs and the dataset page's links (older versions too)."""
    import re

    slug = "openlima-contrataciones-ocds"
    paths = set()
    ckan = client.get("/api/3/action/package_show", {"id": slug}).json()
    if not ckan.get("success"):  # the first night, before the catalogue's refresh
        return paths
    urls = [r["url"] for r in ckan["result"]["resources"]]
    urls += re.findall(
        r"<(https?://[^>]+/descargar/)>", client.get("/catalog.ttl").text
    )
    for url in urls:
        paths.add("/" + url.split("://", 1)[1].split("/", 1)[1])
    html = client.get(f"/datos/{slug}/").content.decode()
    paths |= set(re.findall(r'href="(/datos/[^"]+/descargar/)"', html))
    return {p for p in paths if f"/datos/{slug}/" in p}


def test_every_listed_bulk_file_version_exists_after_three_nights(client, make_process):
    """docs/contracting.md, "Bulk files": the job keeps the current copy and the one the
    catalogue still lists until its refresh; the catalogue lists only the current copy
    of a bulk file. Three nights (each with new data), and every listed download
    answers 200, both right after the job and after the catalogue's refresh."""
    from opendata.services import platform_datasets_refresh

    seen = set()
    for night in range(3):
        make_process(f"Proceso de la noche {night}", bids=[(1, "95000", V)])
        services.bulk_export()
        for stage in ("after the job", "after the refresh"):
            paths = _listed_download_paths(client)
            assert paths or night == 0
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (night, stage, path)
                if response.streaming:
                    b"".join(response.streaming_content)
            seen |= paths
            if stage == "after the job":
                platform_datasets_refresh()
    assert len(seen) >= 6  # the three files' copies changed every night


def test_catalogue_refresh_does_not_depend_on_the_active_language(three):
    """The refresh writes the portal's language whatever language the calling thread
    has active (a worker after an English request, a test after an English page):
    otherwise each refresh saw a change and versioned the files again."""
    from django.utils import translation

    from opendata.services import platform_datasets_refresh

    services.bulk_export()
    with translation.override("en"):
        platform_datasets_refresh()
    with translation.override("es"):
        again = platform_datasets_refresh()
    assert again["contrataciones-ocds"]["new_versions"] == 0
