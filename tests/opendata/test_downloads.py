"""Downloads (docs/opendata-downloads.md): one count per full GET (not HEAD, Range or
304), validators and conditional requests, byte ranges, charset on text; platform
datasets in the portal's CSV convention with formula cells neutralised."""

import pytest
from django.core.files.base import ContentFile

from opendata import services
from opendata.models import ResourceDailyStat

pytestmark = pytest.mark.django_db


def url_of(dataset):
    resource = dataset.resources.get()
    return resource, f"/datos/{dataset.slug}/recursos/{resource.uuid}/descargar/"


def downloads(resource):
    stat = ResourceDailyStat.objects.filter(resource=resource).first()
    return stat.downloads if stat else 0


def test_head_and_ranges_do_not_count(client, dataset_with_file, csv_bytes):
    resource, url = url_of(dataset_with_file)
    for _ in range(5):
        r = client.head(url)
        assert r.status_code == 200
    assert downloads(resource) == 0
    r = client.get(url, HTTP_RANGE="bytes=0-7")
    assert r.status_code == 206 and r.content == csv_bytes[:8]
    assert r["Content-Range"] == f"bytes 0-7/{len(csv_bytes)}"
    r = client.get(url, HTTP_RANGE="bytes=-5")
    assert r.status_code == 206 and r.content == csv_bytes[-5:]
    r = client.get(url, HTTP_RANGE=f"bytes={len(csv_bytes)}-")
    assert r.status_code == 416 and r["Content-Range"] == f"bytes */{len(csv_bytes)}"
    assert downloads(resource) == 0
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == csv_bytes
    assert downloads(resource) == 1


def test_validators_and_304(client, dataset_with_file):
    resource, url = url_of(dataset_with_file)
    r = client.get(url)
    etag, modified = r["ETag"], r["Last-Modified"]
    assert etag.startswith('"sha256-') and modified.endswith("GMT")
    assert r["Accept-Ranges"] == "bytes"
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"otro"').status_code == 200
    # If-Range with a stale validator: the whole (new) file, not a range.
    r = client.get(url, HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"viejo"')
    assert r.status_code == 200
    assert downloads(resource) == 3


def test_malformed_ranges_send_the_whole_file(client, dataset_with_file, csv_bytes):
    _resource, url = url_of(dataset_with_file)
    for header in (
        "bytes=a-b",
        "bytes=0-1,4-5",
        "items=0-1",
        "bytes=-",
        "bytes=" + "9" * 40 + "-",
    ):
        r = client.get(url, HTTP_RANGE=header)
        assert r.status_code in (200, 416), header


def test_post_is_not_allowed(client, dataset_with_file):
    _resource, url = url_of(dataset_with_file)
    assert client.post(url).status_code == 405


def test_platform_dataset_csv_is_neutralised_and_conventional(client, db):
    result = services.platform_dataset_refresh(
        key="prueba",
        spec={
            "title": "Prueba",
            "columns": ["nombre", "valor"],
            "rows": [
                {"nombre": "=cmd|' /C calc'!A0", "valor": -3},
                {"nombre": "@SUM(1)", "valor": "-2.5"},
            ],
        },
    )
    from opendata.models import Dataset

    dataset = Dataset.objects.get(slug=result["dataset"])
    csv_resource = dataset.resources.get(source_key="CSV")
    r = client.get(f"/datos/{dataset.slug}/recursos/{csv_resource.uuid}/descargar/")
    body = b"".join(r.streaming_content)
    assert body == b"nombre,valor\r\n'=cmd|' /C calc'!A0,-3\r\n'@SUM(1),-2.5\r\n"
    assert r["Content-Type"] == "text/csv; charset=utf-8"


def test_transparency_document_has_validators_304_and_ranges(client, db):
    """Transparency documents are served like resources: ETag and Last-Modified, 304 on
    either validator, single byte ranges (206/416), HEAD without a body."""
    data = b"%PDF-1.4\n" + b"x" * 200 + b"\n%%EOF\n"
    doc = services.transparency_document_create(
        category="presupuesto", title="PIA 2024", data=data, filename="pia.pdf"
    )
    url = f"/transparencia/documentos/{doc.pk}/descargar/"
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == data
    etag, modified = r["ETag"], r["Last-Modified"]
    assert etag.startswith('"doc-') and r["Accept-Ranges"] == "bytes"
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    r = client.get(url, HTTP_RANGE="bytes=0-7")
    assert r.status_code == 206 and r.content == data[:8]
    assert r["Content-Range"] == f"bytes 0-7/{len(data)}"
    r = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")
    assert r.status_code == 416
    r = client.head(url)
    assert r.status_code == 200 and r["ETag"] == etag
    assert client.post(url).status_code == 405
    # A replaced file gets a new validator: the old ETag no longer matches.
    doc.file.save("pia-v2.pdf", ContentFile(data + b"% v2\n"))
    r = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert r.status_code == 200 and r["ETag"] != etag
