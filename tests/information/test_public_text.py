"""Redacting the request text itself: the officer edits the published version; the
requester's original words never appear publicly again (docs/information-requests.md)."""

import pytest
from django.urls import reverse

from information import selectors, services
from information.models import InformationRequest
from openlima.errors import Invalid
from openlima.models import AuditLog

pytestmark = pytest.mark.django_db

SECRET = "QQORIGINAL5521"


def _filed(file_request):
    return file_request(
        title=f"Contratos de limpieza de {SECRET}",
        text=f"Soy {SECRET}, vecino del jirón 123; pido los contratos de limpieza 2025.",
    )


def _public_urls(r):
    return [
        reverse("information:index"),
        reverse("information:index") + "?q=contratos",
        r.get_absolute_url(),
        "/en" + r.get_absolute_url(),
        "/api/v1/information-requests/",
        f"/api/v1/information-requests/{r.number}/",
        "/buscar/?q=contratos",
    ]


def test_before_redaction_the_text_is_public_as_filed(client, file_request):
    r = _filed(file_request)
    assert r.public_title == r.title and r.public_text == r.text
    assert SECRET in client.get(r.get_absolute_url()).content.decode()


def test_the_original_never_appears_publicly_after_redaction(
    client, file_request, officer, citizen
):
    r = _filed(file_request)
    services.request_answer(actor=officer, info_request=r, answer_text="Adjuntamos.")
    services.request_redact_text(
        actor=officer,
        info_request=r,
        public_title="Contratos de limpieza",
        public_text="Pido los contratos de limpieza pública de 2025.",
    )
    r.refresh_from_db()
    assert SECRET in r.title and SECRET in r.text  # the original is kept, private
    for url in _public_urls(r):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    assert (
        "Pido los contratos de limpieza"
        in client.get(r.get_absolute_url()).content.decode()
    )
    # search and the site-search provider read only the published version (the query
    # itself is echoed in the search box, so look for the request's number instead)
    for url in (reverse("information:index") + f"?q={SECRET}", f"/buscar/?q={SECRET}"):
        assert r.number not in client.get(url).content.decode(), url
    assert selectors.site_search(query=SECRET, limit=5) == []
    assert [x["title"] for x in selectors.site_search(query="contratos", limit=5)] == [
        f"{r.number} · Contratos de limpieza"
    ]
    spec = selectors.statistics_dataset()
    assert SECRET not in str(spec)
    # the requester still sees the words they wrote
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    track = client.get(reverse("information:track", args=[r.number])).content.decode()
    assert SECRET in track
    entry = AuditLog.objects.get(action="information.redact_text")
    assert SECRET not in str(entry.details)


@pytest.mark.parametrize("who", ["citizen", "unit_editor", "other_citizen"])
def test_only_the_officer_edits_the_published_text(request, file_request, who):
    from django.core.exceptions import PermissionDenied

    r = _filed(file_request)
    with pytest.raises(PermissionDenied):
        services.request_redact_text(
            actor=request.getfixturevalue(who),
            info_request=r,
            public_title="x",
            public_text="y",
        )
    r.refresh_from_db()
    assert r.public_text == r.text and r.text_redacted_at is None


@pytest.mark.parametrize(
    "change",
    [
        {"public_title": ""},
        {"public_text": ""},
        {"public_text": "x" * 5001},
        {"public_title": "a\x00b"},
    ],
)
def test_bad_input_is_refused_and_nothing_written(file_request, officer, change):
    r = _filed(file_request)
    data = {"public_title": "Contratos", "public_text": "Texto.", **change}
    with pytest.raises(Invalid):
        services.request_redact_text(actor=officer, info_request=r, **data)
    r.refresh_from_db()
    assert r.public_text == r.text


def test_officer_edits_through_the_workspace(
    staff_client_factory, officer, unit_editor, unit, file_request, client
):
    r = _filed(file_request)
    services.request_assign(actor=officer, info_request=r, unit=unit)
    url = reverse("information:work_action", args=[r.number, "texto-publico"])
    data = {
        "redact_text-public_title": "Contratos de limpieza",
        "redact_text-public_text": "Pido los contratos de limpieza.",
    }
    editor = staff_client_factory(unit_editor)
    assert editor.post(url, data).status_code == 403
    editor.logout()
    c = staff_client_factory(officer)
    page = c.get(reverse("information:work_detail", args=[r.number])).content.decode()
    assert "Versión publicada de la solicitud" in page
    assert c.post(url, {"redact_text-public_title": ""}).status_code == 400
    assert c.post(url, data).status_code == 302
    r = InformationRequest.objects.get(pk=r.pk)
    assert r.public_title == "Contratos de limpieza" and r.text_redacted_at
    c.logout()
    assert SECRET not in client.get(r.get_absolute_url()).content.decode()
