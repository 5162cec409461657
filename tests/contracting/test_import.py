"""`manage.py import_ocds`: validates first, all or nothing, idempotent by ocid + id."""

import json

import pytest
from django.core.management import CommandError, call_command

from contracting.models import ContractingProcess, Release

pytestmark = pytest.mark.django_db

OCID = "ocds-dgv273-seacev3-900001"


def _release(n, *, date, tag, **extra):
    return {
        "ocid": OCID,
        "id": f"{OCID}-{n}",
        "date": date,
        "tag": [tag],
        "initiationType": "tender",
        **extra,
    }


def _package(releases):
    return {
        "uri": "https://contratacionesabiertas.osce.gob.pe/api/example",
        "version": "1.1",
        "publishedDate": "2026-05-01T00:00:00Z",
        "publisher": {"name": "OSCE"},
        "releases": releases,
    }


TENDER = {
    "id": "1",
    "title": "Adquisición de mobiliario escolar",
    "procurementMethod": "open",
    "mainProcurementCategory": "goods",
    "value": {"amount": 50000, "currency": "PEN"},
    "tenderPeriod": {
        "startDate": "2026-04-01T09:00:00-05:00",
        "endDate": "2026-04-20T17:00:00-05:00",
    },
}
AWARD = {
    "id": "a1",
    "status": "active",
    "value": {"amount": 48000, "currency": "PEN"},
    "suppliers": [{"id": "PE-RUC-20512345678", "name": "Muebles del Perú S.A.C."}],
}


@pytest.fixture
def package_file(tmp_path):
    path = tmp_path / "releases.json"
    path.write_text(
        json.dumps(
            _package(
                [
                    _release(
                        1, date="2026-04-01T09:00:00Z", tag="tender", tender=TENDER
                    ),
                    _release(
                        2,
                        date="2026-05-01T09:00:00Z",
                        tag="award",
                        awards=[AWARD],
                        parties=[
                            {
                                "id": "PE-RUC-20512345678",
                                "name": "Muebles del Perú S.A.C.",
                                "roles": ["supplier"],
                            }
                        ],
                    ),
                ]
            )
        ),
        encoding="utf-8",
    )
    return path


def _snapshot():
    return (
        list(Release.objects.order_by("id").values_list("id", "release_id", "data")),
        list(
            ContractingProcess.objects.order_by("id").values_list(
                "id", "stage", "compiled_release__data", "value_awarded"
            )
        ),
    )


def test_import_twice_changes_nothing_the_second_time(package_file, capsys):
    call_command("import_ocds", str(package_file))
    assert "2 releases nuevos" in capsys.readouterr().out
    process = ContractingProcess.objects.get(ocid=OCID)
    assert process.source == "import"
    assert process.stage == "award"
    assert process.title == "Adquisición de mobiliario escolar"
    assert str(process.value_awarded) == "48000.00"
    assert process.compiled["awards"][0]["suppliers"][0]["name"] == (
        "Muebles del Perú S.A.C."
    )
    before = _snapshot()
    call_command("import_ocds", str(package_file))
    assert "0 releases nuevos, 2 ya importados" in capsys.readouterr().out
    assert _snapshot() == before


def test_invalid_input_reports_json_paths_and_imports_nothing(tmp_path):
    good = _release(1, date="2026-04-01T09:00:00Z", tag="tender", tender=TENDER)
    bad = _release(2, date="not a date", tag="tender")
    del bad["initiationType"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_package([good, bad])), encoding="utf-8")
    with pytest.raises(CommandError, match="no se importó nada") as exc:
        call_command("import_ocds", str(path))
    assert Release.objects.count() == 0
    assert ContractingProcess.objects.count() == 0
    assert "problema" in str(exc.value)


def test_problems_are_printed_with_their_path(tmp_path, capsys):
    bad = _release(1, date="2026-04-01T09:00:00Z", tag="not-a-tag")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_package([bad])), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_ocds", str(path))
    err = capsys.readouterr().err
    assert "$.releases[0].tag[0]" in err


def test_json_lines_and_record_packages(tmp_path):
    r1 = _release(1, date="2026-04-01T09:00:00Z", tag="tender", tender=TENDER)
    r2 = _release(2, date="2026-05-01T09:00:00Z", tag="award", awards=[AWARD])
    lines = tmp_path / "releases.jsonl"
    lines.write_text(json.dumps(r1) + "\n" + json.dumps(r2) + "\n", encoding="utf-8")
    call_command("import_ocds", str(lines))
    assert Release.objects.count() == 2
    record_package = {
        "uri": "https://example.org/records",
        "version": "1.1",
        "publishedDate": "2026-05-01T00:00:00Z",
        "publisher": {"name": "OSCE"},
        "records": [{"ocid": OCID, "releases": [r1, r2]}],
    }
    path = tmp_path / "records.json"
    path.write_text(json.dumps(record_package), encoding="utf-8")
    call_command("import_ocds", str(path))
    assert Release.objects.count() == 2


def test_same_release_id_with_other_content_is_refused(package_file, tmp_path):
    call_command("import_ocds", str(package_file))
    changed = json.loads(package_file.read_text(encoding="utf-8"))
    changed["releases"][0]["tender"]["title"] = "Otro título"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    before = _snapshot()
    with pytest.raises(CommandError):
        call_command("import_ocds", str(path))
    assert _snapshot() == before


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01", b"{not json", b"[1, 2]", b'{"a": 1}', "ñ".encode("latin-1")],
)
def test_garbage_is_refused(tmp_path, content):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_ocds", str(path))
    assert Release.objects.count() == 0


def test_other_schemes_and_missing_files_are_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_ocds", "file:///etc/passwd")
    with pytest.raises(CommandError):
        call_command("import_ocds", str(tmp_path / "missing.json"))
