"""Pages and the API: who sees what, bad input, query counts, OpenAPI."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from information import services
from information.models import InformationRequest, State

from .conftest import MARKER, MONDAY, pdf_bytes

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


FORM = {
    "title": "Presupuesto de parques 2025",
    "text": "Ejecución del presupuesto de mantenimiento de parques en 2025.",
    "delivery_form": "email",
    "requester_name": f"Ana {MARKER}",
    "document_type": "dni",
    "document_number": "41234567",
    "contact_email": "ana@example.pe",
    "show_anonymous": "on",
    "accept_cost": "on",
}


# --- filing ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("information:file"))
    assert response.status_code == 302 and "/cuenta/" in response["Location"]


def test_unverified_account_sees_why_and_cannot_file(client):
    from tests.factories import UserFactory

    login(client, UserFactory(verified_email=False))
    response = client.post(reverse("information:file"), FORM)
    assert response.status_code == 403
    assert "correo electrónico verificado" in response.content.decode()
    assert not InformationRequest.objects.exists()


def test_form_shows_cost_rule_and_files(client, citizen, django_assert_max_num_queries):
    login(client, citizen)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("information:file"))
    assert 'data-testid="cost-rule"' in response.content.decode()
    response = client.post(reverse("information:file"), FORM)
    r = InformationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("information:track", args=[r.number])
    assert r.requester == citizen and r.state == State.RECEIVED


def test_suggestions_before_filing(client, citizen, officer, file_request):
    r = file_request(title="Mantenimiento de parques zonales", text="Gasto en parques.")
    services.request_answer(actor=officer, info_request=r, answer_text="Adjuntamos.")
    from opendata.services import dataset_create, dataset_publish
    from openlima.models import OrgUnit

    dataset = dataset_create(
        title="Presupuesto de parques",
        description="Presupuesto de parques por año.",
        publisher=OrgUnit.objects.get(slug="sgdi"),
    )
    dataset_publish(dataset=dataset)
    login(client, citizen)
    response = client.post(reverse("information:file"), {**FORM, "suggest": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="suggestions"' in body
    assert r.get_absolute_url() in body
    assert dataset.get_absolute_url() in body
    assert InformationRequest.objects.count() == 1  # nothing filed


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"text": "a\x00b"},
        {"document_number": "12"},
        {"document_type": "<script>"},
        {"unit": "999999999999999999999"},
        {"unit": "abc"},
        {"accept_cost": ""},
        {"delivery_form": "fax"},
        {"contact_email": "not-an-email"},
    ],
)
def test_file_bad_input(client, citizen, change):
    login(client, citizen)
    response = client.post(reverse("information:file"), {**FORM, **change})
    assert response.status_code == 400
    assert not InformationRequest.objects.exists()


# --- public page, requester page -----------------------------------------------------------


def test_public_page_and_requester_page(
    client, file_request, citizen, other_citizen, django_assert_max_num_queries
):
    r = file_request()
    with django_assert_max_num_queries(8):
        response = client.get(r.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert r.title in body and "Solicitante anónimo" in body
    # Track page: requester only.
    track = reverse("information:track", args=[r.number])
    assert client.get(track).status_code == 302
    login(client, other_citizen)
    assert client.get(track).status_code == 403
    login(client, citizen)
    with django_assert_max_num_queries(12):
        response = client.get(track)
    assert response.status_code == 200
    assert 'data-testid="days-left"' in response.content.decode()


def test_unknown_number_is_404(client):
    assert (
        client.get(reverse("information:detail", args=["2026-999999"])).status_code
        == 404
    )
    assert client.get("/informacion/%00/").status_code == 404


def test_requester_posts_message_and_bad_input(
    client, file_request, citizen, other_citizen
):
    r = file_request()
    url = reverse("information:track_message", args=[r.number])
    login(client, citizen)
    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "x" * 6000}).status_code == 400
    assert client.post(url, {"body": "¿Novedades?"}).status_code == 302
    assert r.messages.count() == 1
    login(client, other_citizen)
    assert client.post(url, {"body": "intruso"}).status_code == 403
    assert r.messages.count() == 1


def test_overdue_page_explains_silencio_negativo_and_appeal(
    client, file_request, citizen
):
    r = file_request(now=MONDAY)
    services.deadlines_process(now=MONDAY + dt.timedelta(days=20))
    body = client.get(r.get_absolute_url()).content.decode()
    assert "silencio negativo" in body and "Tribunal de Transparencia" in body
    appeal = reverse("information:appeal", args=[r.number])
    assert appeal not in body  # the letter link is for the requester only
    assert client.get(appeal).status_code == 302
    login(client, citizen)
    body = client.get(reverse("information:track", args=[r.number])).content.decode()
    assert appeal in body
    response = client.get(appeal)
    letter = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        r.number in letter
        and "silencio negativo" in letter
        and r.requester_name in letter
    )


def test_appeal_letter_not_available_while_in_time(
    client, file_request, citizen, other_citizen
):
    r = file_request()
    login(client, citizen)
    assert client.get(reverse("information:appeal", args=[r.number])).status_code == 404
    login(client, other_citizen)
    assert client.get(reverse("information:appeal", args=[r.number])).status_code == 403


def test_index_search_statistics_and_mine(
    client, file_request, officer, citizen, django_assert_max_num_queries
):
    for i in range(5):
        r = file_request(title=f"Pregunta {i} sobre parques")
        services.request_answer(actor=officer, info_request=r, answer_text="Respuesta.")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("information:index"), {"q": "parques"})
    assert response.status_code == 200 and "Pregunta 4" in response.content.decode()
    for bad in (
        {"page": "x"},
        {"page": "999999999999"},
        {"estado": "<b>"},
    ):
        assert client.get(reverse("information:index"), bad).status_code == 200
    # A NUL byte in any query string is refused before the view (openlima/api_errors.py).
    assert client.get(reverse("information:index"), {"q": "a\x00"}).status_code == 400
    with django_assert_max_num_queries(6):
        response = client.get(reverse("information:statistics"))
    assert response.status_code == 200
    login(client, citizen)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("information:mine")).status_code == 200


# --- workspace ---------------------------------------------------------------------------------


@pytest.fixture
def officer_client(staff_client_factory, officer):
    return staff_client_factory(officer)


def test_workspace_needs_staff_2fa_and_a_role(client, citizen, staff_client_factory):
    from tests.factories import StaffFactory

    assert client.get(reverse("information:work_list")).status_code in (302, 403)
    login(client, citizen)
    assert client.get(reverse("information:work_list")).status_code == 403
    staff_without_role = StaffFactory()
    c = staff_client_factory(staff_without_role)
    assert c.get(reverse("information:work_list")).status_code == 403


def test_officer_works_a_request_through_the_pages(
    officer_client, client, file_request, unit, django_assert_max_num_queries
):
    r = file_request(now=MONDAY)
    with django_assert_max_num_queries(15):
        response = officer_client.get(reverse("information:work_list"))
    assert r.number in response.content.decode()
    with django_assert_max_num_queries(20):
        response = officer_client.get(
            reverse("information:work_detail", args=[r.number])
        )
    assert MARKER in response.content.decode()  # the officer sees the identity
    prefixes = {
        "asignar": "assign",
        "prorrogar": "extend",
        "responder": "answer",
        "entregar": "deliver",
        "inventado": "x",
    }
    act = lambda a, data: officer_client.post(  # noqa: E731
        reverse("information:work_action", args=[r.number, a]),
        {f"{prefixes[a]}-{k}": v for k, v in data.items()},
    )
    assert act("asignar", {"unit": unit.pk}).status_code == 302
    assert act("asignar", {"unit": "abc"}).status_code == 400
    # Extension outside the window: the real today is long after MONDAY.
    response = act("prorrogar", {"new_due_on": "2026-03-20", "reason": "x"})
    assert response.status_code == 409
    assert (
        act("prorrogar", {"new_due_on": "not-a-date", "reason": "x"}).status_code == 400
    )
    assert act("responder", {"answer_text": ""}).status_code == 400
    upload = SimpleUploadedFile("r.pdf", pdf_bytes(), content_type="application/pdf")
    assert (
        officer_client.post(
            reverse("information:work_action", args=[r.number, "documento"]),
            {"document-title": "Resolución", "document-file": upload},
        ).status_code
        == 302
    )
    assert (
        act("responder", {"answer_text": "Adjuntamos la resolución."}).status_code
        == 302
    )
    doc = r.documents.get()
    doc_url = lambda a: reverse(  # noqa: E731
        "information:work_document", args=[r.number, doc.pk, a]
    )
    assert officer_client.post(doc_url("publicar")).status_code == 409  # not redacted
    assert (
        officer_client.post(doc_url("redactar"), {"same_as_original": "on"}).status_code
        == 302
    )
    assert officer_client.post(doc_url("publicar")).status_code == 302
    assert act("entregar", {"cost": "-5"}).status_code == 400
    assert act("entregar", {"cost": "0", "note": ""}).status_code == 302
    assert act("inventado", {}).status_code == 404
    r.refresh_from_db()
    assert r.state == State.DELIVERED
    public = officer_client.get(
        reverse("information:document", args=[r.number, doc.pk])
    )
    assert public.status_code == 200 and public["Content-Type"] == "application/pdf"
    # Validators, 304 and byte ranges on the published document (openlima/downloads.py).
    url = reverse("information:document", args=[r.number, doc.pk])
    etag = public["ETag"]
    assert etag and public["Last-Modified"] and public["Accept-Ranges"] == "bytes"
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert (
        client.get(url, HTTP_IF_MODIFIED_SINCE=public["Last-Modified"]).status_code
        == 304
    )
    part = client.get(url, HTTP_RANGE="bytes=0-3")
    assert part.status_code == 206 and part.content == b"%PDF"
    assert client.head(url).status_code == 200


def test_unit_editor_sees_only_own_unit_without_identity(
    staff_client_factory, file_request, officer, unit, unit_editor, other_unit_editor
):
    r = services.request_assign(actor=officer, info_request=file_request(), unit=unit)
    c = staff_client_factory(unit_editor)
    body = c.get(reverse("information:work_detail", args=[r.number])).content.decode()
    assert MARKER not in body and "40771234" not in body
    assert "prorrogar" not in body and "denegar" not in body
    deny = c.post(
        reverse("information:work_action", args=[r.number, "denegar"]),
        {"deny-partial": "0", "deny-exception": "secret", "deny-reasoning": "x"},
    )
    assert deny.status_code == 403
    c.logout()
    c2 = staff_client_factory(other_unit_editor)
    assert (
        c2.get(reverse("information:work_detail", args=[r.number])).status_code == 403
    )
    assert r.number not in c2.get(reverse("information:work_list")).content.decode()


def test_unpublished_document_is_not_public(client, file_request, officer):
    r = file_request()
    upload = SimpleUploadedFile("r.pdf", pdf_bytes(), content_type="application/pdf")
    doc = services.document_add(
        actor=officer, info_request=r, title="x", uploaded=upload
    )
    assert (
        client.get(reverse("information:document", args=[r.number, doc.pk])).status_code
        == 404
    )
    assert client.get(
        reverse("information:work_document", args=[r.number, doc.pk, "original"])
    ).status_code in (302, 403)


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_public_fields_only(
    client, file_request, officer, django_assert_max_num_queries
):
    for _ in range(3):
        file_request()
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/information-requests/")
    data = response.json()
    assert response.status_code == 200 and data["count"] == 3
    row = data["results"][0]
    assert row["requester"] == "Solicitante anónimo"
    for private in ("requester_name", "document_number", "address", "contact_email"):
        assert private not in row
    number = row["number"]
    assert client.get(f"/api/v1/information-requests/{number}/").status_code == 200
    assert client.get("/api/v1/information-requests/nope/").status_code == 404
    bad = client.get("/api/v1/information-requests/", {"state": "<x>"})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/json")
    assert client.post("/api/v1/information-requests/", {}).status_code in (403, 405)


def test_api_in_openapi_schema(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert "/api/v1/information-requests/" in response.content.decode()


def test_appeal_and_document_downloads_query_counts(
    client, file_request, citizen, officer, django_assert_max_num_queries
):
    r = file_request(now=MONDAY)
    services.deadlines_process(now=MONDAY + dt.timedelta(days=20))
    login(client, citizen)
    with django_assert_max_num_queries(6):
        assert (
            client.get(reverse("information:appeal", args=[r.number])).status_code
            == 200
        )
    r.refresh_from_db()
    services.request_answer(actor=officer, info_request=r, answer_text="tarde")
    upload = SimpleUploadedFile("r.pdf", pdf_bytes(), content_type="application/pdf")
    doc = services.document_add(
        actor=officer, info_request=r, title="x", uploaded=upload
    )
    services.document_redact(actor=officer, document=doc, same_as_original=True)
    services.document_publish(actor=officer, document=doc)
    client.logout()
    with django_assert_max_num_queries(3):
        response = client.get(reverse("information:document", args=[r.number, doc.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"


def test_english_pages(client, file_request):
    r = file_request()
    body = client.get("/en" + r.get_absolute_url()).content.decode()
    assert "Anonymous requester" in body and "Legal deadline" in body
    body = client.get("/en/informacion/estadisticas/").content.decode()
    assert "Requests received" in body


def test_deadline_task_takes_a_lock_and_records_a_heartbeat(file_request):
    from django.core.cache import cache

    from information.tasks import information_deadlines
    from openlima.models import JobHeartbeat

    file_request(now=MONDAY)
    assert information_deadlines() == {"overdue": 1, "reminders": 0}
    assert (
        "'overdue': 1"
        in JobHeartbeat.objects.get(name="information_deadlines").last_result
    )
    cache.add("lock:information_deadlines", "1", timeout=60)
    assert information_deadlines() == {"skipped": "locked"}
