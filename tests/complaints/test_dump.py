"""A database dump (dumpdata, raw SELECT of every column, pg_dump) and the private file
store contain none of a complaint's text, file bytes, file names or tracking code."""

import base64
import io
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from complaints import crypto, selectors, services
from complaints.models import KeyGrant
from complaints.uploads import CleanFile

from .conftest import pdf_bytes

TEXT = "PAGO-ILICITO-GERENCIA-9931"
WHO = "ING-FULANO-DE-TAL-5512"
CONTACT = "denunciante-secreto@correo.example"
FILE_NAME = "informe-confidencial-8823.pdf"
FILE_MARK = "CONTENIDO-DEL-ARCHIVO-7719"
REPLY = "RESPUESTA-DEL-DENUNCIANTE-3344"
MESSAGE = "MENSAJE-DE-LA-UNIDAD-6655"
NOTE = "NOTA-INTERNA-1122"


def _secrets(code):
    values = [TEXT, WHO, CONTACT, FILE_NAME, FILE_MARK, REPLY, MESSAGE, NOTE, code]
    out = []
    for v in values:
        out.append(v.encode())
        out.append(base64.b64encode(v.encode()))
    out.append(crypto.code_format(code).encode())
    return out


def _make_case(member):
    user, private = member
    complaint, code = services.complaint_submit(
        body={"what": TEXT, "who": WHO, "contact": CONTACT},
        files=[
            CleanFile(name=FILE_NAME, mime="application/pdf", data=pdf_bytes(FILE_MARK))
        ],
    )
    key = crypto.unseal(
        private,
        bytes(KeyGrant.objects.get(complaint=complaint, member=user).sealed_key),
    )
    services.reporter_message_add(complaint=complaint, key=key, text=REPLY)
    services.complaint_message_send(
        complaint=complaint, key=key, actor=user, text=MESSAGE
    )
    services.complaint_note_add(complaint=complaint, key=key, actor=user, text=NOTE)
    services.complaint_transition(
        complaint=complaint, key=key, actor=user, to_stage="evaluation", note=NOTE
    )
    # Sanity: the content is there for those who hold a key.
    detail = selectors.complaint_detail(complaint, key, for_reporter=False)
    assert detail["body"]["what"] == TEXT
    return complaint, code


def _assert_absent(blob: bytes, code: str, where: str):
    for secret in _secrets(code):
        assert secret not in blob, f"{secret!r} found in {where}"


@pytest.mark.django_db
def test_dumpdata_and_files_hold_no_complaint_content(member, settings):
    _complaint, code = _make_case(member)
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue().encode()
    assert b"complaints.complaint" in dump  # the rows are in the dump...
    _assert_absent(dump, code, "dumpdata")  # ...but not their content
    for path in (settings.PRIVATE_STORAGE_ROOT / "complaints").iterdir():
        assert FILE_NAME not in path.name
        _assert_absent(path.read_bytes(), code, str(path))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raw_select_and_pg_dump_hold_no_complaint_content(member):
    _complaint, code = _make_case(member)
    tables = [
        t for t in connection.introspection.table_names() if t.startswith("complaints_")
    ]
    assert {"complaints_complaint", "complaints_entry", "complaints_attachment"} <= set(
        tables
    )
    chunks = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        chunks.append(bytes(value))
                    else:
                        chunks.append(str(value).encode())
    _assert_absent(b"\n".join(chunks), code, "SELECT *")
    pg_dump = shutil.which("pg_dump")
    if pg_dump:
        s = connection.settings_dict
        env = dict(os.environ, PGPASSWORD=s.get("PASSWORD") or "")
        result = subprocess.run(
            [
                pg_dump,
                "-h",
                s.get("HOST") or "127.0.0.1",
                "-p",
                str(s.get("PORT") or 5432),
                "-U",
                s.get("USER") or "postgres",
                "--data-only",
                s["NAME"],
            ],
            capture_output=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[:500]
        assert b"complaints_complaint" in result.stdout
        _assert_absent(result.stdout, code, "pg_dump")
