import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from opendata import services
from opendata.models import (
    Dataset,
    DatasetDailyStat,
    Resource,
    ResourceDailyStat,
    ResourceVersion,
    TransparencyDocument,
)
from openlima import viewcounts
from openlima.errors import ApplicationError
from openlima.tasks import publish_scheduled
from openlima.uploads import UploadRefused
from tests.opendata.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def _xlsx_bytes():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["distrito", "parques", "actualizado"])
    sheet.append(["Miraflores", 42, dt.date(2024, 1, 5)])
    sheet.append(["Comas", 17, dt.date(2024, 2, 1)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    "data,filename,expected",
    [
        (b"a,b\n1,2\n", "datos.csv", "CSV"),
        (b'{"a": 1}', "datos.json", "JSON"),
        (b'{"type": "FeatureCollection", "features": []}', "x.json", "GeoJSON"),
        (PDF, "acta.pdf", "PDF"),
        (None, "hoja.xlsx", "XLSX"),
    ],
)
def test_file_sniff_accepts_open_formats_by_content(data, filename, expected):
    data = data if data is not None else _xlsx_bytes()
    assert services.file_sniff(data=data, filename=filename) == expected


@pytest.mark.parametrize(
    "data,filename",
    [
        (b"", "vacio.csv"),
        (b"<html><script>alert(1)</script></html>", "datos.csv"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "datos.csv"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "foto.pdf"),
        (b"{not json", "datos.json"),
        (b"hola mundo", "nota.exe"),
    ],
)
def test_file_sniff_rejects_other_content_whatever_the_extension(data, filename):
    with pytest.raises(UploadRefused) as exc:
        services.file_sniff(data=data, filename=filename)
    assert exc.value.field_errors["file"]


def test_oversized_upload_is_rejected_without_half_write(settings, dataset_with_file):
    settings.OPENDATA_MAX_UPLOAD_BYTES = 100
    resource = dataset_with_file.resources.get()
    before = ResourceVersion.objects.count()
    with (
        translation.override("es"),
        pytest.raises(ApplicationError, match="tamaño máximo"),
    ):
        services.resource_version_add(
            resource=resource, data=b"a,b\n" + b"1,2\n" * 100, filename="grande.csv"
        )
    assert ResourceVersion.objects.count() == before
    resource.refresh_from_db()
    assert resource.size == 77


def test_csv_preview_has_columns_types_and_first_rows(dataset_with_file):
    version = ResourceVersion.objects.get(resource__dataset=dataset_with_file)
    assert version.preview["columns"] == [
        {"name": "distrito", "type": "text"},
        {"name": "poblacion", "type": "integer"},
        {"name": "fecha", "type": "date"},
    ]
    assert version.preview["rows"][0] == ["Miraflores", "99337", "2024-01-01"]
    assert version.sha256 and version.size == 77 and version.media_type == "text/csv"


def test_xlsx_preview(dataset_with_file):
    resource = services.resource_create(dataset=dataset_with_file, name="Parques")
    version = services.resource_version_add(
        resource=resource, data=_xlsx_bytes(), filename="parques.xlsx"
    )
    assert [c["type"] for c in version.preview["columns"]] == [
        "text",
        "integer",
        "date",
    ]
    assert version.preview["rows"][1][0] == "Comas"


def test_new_version_keeps_old_versions_and_skips_identical_content(
    dataset_with_file, csv_bytes
):
    resource = dataset_with_file.resources.get()
    assert (
        services.resource_version_add(
            resource=resource, data=csv_bytes, filename="p.csv", only_if_changed=True
        )
        is None
    )
    v2 = services.resource_version_add(
        resource=resource,
        data=csv_bytes + b"Lince,50000,2024-01-01\n",
        filename="p.csv",
    )
    assert v2.number == 2
    assert list(resource.versions.values_list("number", flat=True)) == [2, 1]
    resource.refresh_from_db()
    assert resource.sha256 == v2.sha256


def test_malicious_filename_is_sanitised(dataset_with_file, csv_bytes):
    resource = dataset_with_file.resources.get()
    version = services.resource_version_add(
        resource=resource,
        data=csv_bytes + b"x,1,2024-01-01\n",
        filename="../../etc/<b>pass wd.csv",
    )
    assert "/" not in version.filename and "<" not in version.filename
    assert ".." not in version.file.name.split("/")


def test_schedule_then_publish_scheduled_job_publishes(staff_user):
    dataset = DatasetFactory(
        state=Dataset.State.DRAFT, published_at=None, publish_at=None
    )
    soon = timezone.now() + dt.timedelta(hours=1)
    services.dataset_publish(dataset=dataset, publish_at=soon, actor=staff_user)
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.SCHEDULED
    assert services.datasets_publish_due(now=timezone.now()) == 0
    results = publish_scheduled.apply(kwargs={}).get()
    assert results["opendata"] == 0
    assert services.datasets_publish_due(now=soon + dt.timedelta(seconds=1)) == 1
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.PUBLISHED and dataset.published_at
    # idempotent
    assert services.datasets_publish_due(now=soon + dt.timedelta(seconds=2)) == 0


def test_withdraw_needs_a_reason(dataset_with_file):
    with pytest.raises(ApplicationError, match="Indique el motivo del retiro"):
        services.dataset_withdraw(dataset=dataset_with_file, reason="   ")
    dataset_with_file.refresh_from_db()
    assert dataset_with_file.state == Dataset.State.PUBLISHED
    services.dataset_withdraw(
        dataset=dataset_with_file, reason="Datos con errores de origen"
    )
    dataset_with_file.refresh_from_db()
    assert dataset_with_file.state == Dataset.State.WITHDRAWN


def test_counters_are_daily_rows_without_people(dataset_with_file):
    resource = dataset_with_file.resources.get()
    for _ in range(3):
        services.resource_download_count(resource=resource)
    services.dataset_view_count(dataset_id=dataset_with_file.pk)
    viewcounts.flush()  # with Redis the view waits there for the flush job
    row = DatasetDailyStat.objects.get()
    assert (row.views, row.downloads, row.day) == (1, 3, timezone.localdate())
    assert ResourceDailyStat.objects.get().downloads == 3
    fields = {
        f.name for m in (DatasetDailyStat, ResourceDailyStat) for f in m._meta.fields
    }
    assert not fields & {"ip", "ip_address", "user", "user_id", "user_agent", "session"}


def test_platform_dataset_refresh_versions_only_on_change(fake_providers):
    rows = [{"plan": "Plan 2022", "compromisos": 5}]
    spec = {
        "title": "Planes de acción",
        "description": "Planes de acción de gobierno abierto",
        "publisher_slug": "sgdi",
        "tags": ["gobierno abierto"],
        "columns": ["plan", "compromisos"],
        "rows": rows,
    }
    fake_providers("dataset:action-plans", lambda: spec)
    from opendata.tasks import opendata_refresh

    first = opendata_refresh.apply().get()
    assert first["action-plans"]["new_versions"] == 2
    dataset = Dataset.objects.get(source="action-plans")
    assert dataset.state == Dataset.State.PUBLISHED
    csv_res = dataset.resources.get(format="CSV")
    assert csv_res.versions.get().file.read() == b"plan,compromisos\r\nPlan 2022,5\r\n"
    json_res = dataset.resources.get(format="JSON")
    assert json.loads(json_res.versions.get().file.read()) == rows
    # unchanged: no new versions, same resources (stable URLs)
    assert opendata_refresh.apply().get()["action-plans"]["new_versions"] == 0
    rows.append({"plan": "Plan 2024", "compromisos": 7})
    assert opendata_refresh.apply().get()["action-plans"]["new_versions"] == 2
    assert Resource.objects.filter(dataset=dataset).count() == 2
    assert sorted(csv_res.versions.values_list("number", flat=True)) == [1, 2]


def test_platform_refresh_survives_a_failing_provider(fake_providers):
    def boom():
        raise RuntimeError("down")

    fake_providers("dataset:broken", boom)
    fake_providers(
        "dataset:ok", lambda: {"title": "Ok", "columns": ["a"], "rows": [{"a": 1}]}
    )
    results = services.platform_datasets_refresh()
    assert results["broken"] == "error"
    assert results["ok"]["new_versions"] == 2


def test_transparency_document_requires_content_and_sniffs_files():
    with pytest.raises(ValidationError):
        services.transparency_document_create(category="presupuesto", title="Vacío")
    with pytest.raises(
        ApplicationError, match=r"Tipo de archivo no admitido\. Se aceptan: CSV,"
    ):
        services.transparency_document_create(
            category="presupuesto",
            title="Falso",
            data=b"<html></html>",
            filename="a.pdf",
        )
    assert TransparencyDocument.objects.count() == 0
    doc = services.transparency_document_create(
        category="presupuesto", title="PIA 2024", data=PDF, filename="pia.pdf"
    )
    assert doc.media_type == "application/pdf"
