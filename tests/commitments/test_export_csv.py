"""The plan's CSV exports follow the portal's one CSV convention (openlima/exports.py):
no BOM, CRLF, and formula cells neutralised."""

import csv
import io

import pytest

pytestmark = pytest.mark.django_db


def test_commitments_csv_neutralises_formulas_and_follows_convention(client, milestone):
    commitment = milestone.commitment
    commitment.title = '=HYPERLINK("http://malo.example","Clic")'
    commitment.save(update_fields=["title"])
    response = client.get(f"/compromisos/{commitment.plan.slug}/compromisos.csv")
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert not body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert rows[0]["title"] == "'" + commitment.title
