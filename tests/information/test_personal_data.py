"""A marker in the requester's identity never appears on a public page, in the open
dataset, in the API, in site search, in an e-mail to staff, or in a log."""

import datetime as dt
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from information import selectors, services
from openlima import registry

from .conftest import MARKER, MONDAY, pdf_bytes

pytestmark = pytest.mark.django_db
DNI = "40771234"


@pytest.fixture
def every_state(file_request, officer, unit, citizen):
    """One request in each state, all with the marker in name, address and e-mail."""
    overdue = file_request(now=MONDAY)
    services.deadlines_process(now=MONDAY + dt.timedelta(days=40))
    overdue.refresh_from_db()
    out = {"overdue": overdue, "received": file_request(now=MONDAY)}
    r = file_request(now=MONDAY, show_anonymous=False)
    out["assigned"] = services.request_assign(actor=officer, info_request=r, unit=unit)
    r = file_request(now=MONDAY)
    out["extended"] = services.request_extend(
        actor=officer,
        info_request=r,
        new_due_on=dt.date(2026, 3, 20),
        reason="x",
        now=MONDAY,
    )
    r = file_request()
    services.message_post(actor=citizen, info_request=r, body="¿Novedades?")
    upload = SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")
    doc = services.document_add(
        actor=officer, info_request=r, title="Informe", uploaded=upload
    )
    out["answered"] = services.request_answer(
        actor=officer, info_request=r, answer_text="ok"
    )
    services.document_redact(actor=officer, document=doc, same_as_original=True)
    services.document_publish(actor=officer, document=doc)
    out["partially_denied"] = services.request_deny(
        actor=officer,
        info_request=file_request(),
        exception="personal_data",
        reasoning="r",
        partial=True,
        answer_text="parte",
    )
    out["denied"] = services.request_deny(
        actor=officer,
        info_request=file_request(),
        exception="secret",
        reasoning="r",
        partial=False,
    )
    r = services.request_answer(
        actor=officer, info_request=file_request(), answer_text="ok"
    )
    out["delivered"] = services.request_deliver(actor=officer, info_request=r, cost="2")
    return out


def test_marker_never_public(
    client, every_state, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    assert len({r.state for r in every_state.values()}) == 8
    pages = [
        reverse("information:index"),
        reverse("information:index") + "?q=contratos",
        reverse("information:statistics"),
        "/api/v1/information-requests/",
        "/buscar/?q=contratos",
    ]
    for r in every_state.values():
        pages.append(r.get_absolute_url())
        pages.append(f"/api/v1/information-requests/{r.number}/")
        pages.append("/en" + r.get_absolute_url())
        for d in r.documents.filter(published_at__isnull=False):
            pages.append(reverse("information:document", args=[r.number, d.pk]))
    seen = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        data = (
            b"".join(response.streaming_content)
            if response.streaming  # documents are streamed (openlima/downloads.py)
            else response.content
        )
        body = data.decode("utf-8", "replace")
        assert MARKER not in body and MARKER.lower() not in body, url
        assert DNI not in body, url
        seen += 1
    assert seen >= 25
    # The open dataset (what opendata publishes) and site search.
    spec = registry.provider(f"dataset:{selectors.DATASET_KEY}")()
    assert MARKER not in str(spec) and DNI not in str(spec)
    assert sum(row["received"] for row in spec["rows"]) == 8
    for result in selectors.site_search(query="contratos", limit=50):
        assert MARKER not in str(result)
    # Logs and the audit trail.
    from openlima.models import AuditLog

    assert MARKER not in caplog.text and DNI not in caplog.text
    for row in AuditLog.objects.values("actor_label", "object_repr", "details"):
        assert MARKER not in str(row) and DNI not in str(row)


def test_marker_not_in_staff_emails(
    file_request, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = file_request()
        services.message_post(actor=officer, info_request=r, body="Hola")
    assert mailoutbox
    for m in mailoutbox:
        assert MARKER not in m.subject + m.body and DNI not in m.subject + m.body


def test_the_marker_test_can_fail(client, file_request):
    """Proof that the grep would catch a leak: a title carrying the marker shows."""
    r = file_request(title=f"Título con {MARKER}")
    assert MARKER in client.get(r.get_absolute_url()).content.decode()


def test_platform_dataset_published_by_opendata(every_state):
    from opendata.models import Dataset
    from opendata.services import platform_dataset_refresh

    spec = selectors.statistics_dataset()
    result = platform_dataset_refresh(key=selectors.DATASET_KEY, spec=spec)
    dataset = Dataset.objects.get(slug=result["dataset"])
    assert dataset.state == Dataset.State.PUBLISHED
    csv_version = dataset.resources.get(source_key="CSV").versions.get()
    content = csv_version.file.read().decode()
    assert content.splitlines()[0].startswith("month,unit,received")
    assert MARKER not in content and DNI not in content


def test_statistics_figures(every_state):
    stats = selectors.statistics_summary()
    assert stats["total"] == 8
    assert stats["extended"] == 1
    assert stats["denied"] == 1 and stats["partially_denied"] == 1
    assert stats["overdue"] == 1
    assert {e["code"] for e in stats["by_exception"]} == {"secret", "personal_data"}
    assert stats["answered"] == 4
    assert stats["median_business_days"] == 0
