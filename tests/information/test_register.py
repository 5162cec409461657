"""Requests received on paper or by e-mail: the officer registers them with the
requester's identity; the same deadlines run from the reception date."""

import datetime as dt

import pytest
from django.urls import reverse

from information import services
from information.models import Channel, InformationRequest, State
from openlima.errors import Invalid
from openlima.models import AuditLog

from .conftest import MARKER, MONDAY

pytestmark = pytest.mark.django_db

D = dt.date

DATA = {
    "title": "Licencias de edificación 2025",
    "text": "Relación de licencias de edificación otorgadas en 2025.",
    "requester_name": f"Rosa {MARKER} Quispe",
    "document_type": "dni",
    "document_number": "41234567",
    "address": f"Av. {MARKER} 456",
    "contact_email": "",
    "delivery_form": "pickup",
    "unit": None,
    "show_anonymous": True,
}


def register(actor, now=MONDAY, **changes):
    data = {**DATA, "channel": Channel.PAPER, "received_on": D(2026, 2, 27), **changes}
    return services.request_register(actor=actor, now=now, **data)


def test_officer_registers_a_paper_request_with_the_deadline_from_reception(officer):
    # received on Friday 27 February: ten business days later is Friday 13 March
    r = register(officer)
    assert r.channel == Channel.PAPER and r.requester is None
    assert r.state == State.RECEIVED
    assert r.due_on == D(2026, 3, 13)
    assert r.number == f"2026-{r.pk:06d}"
    assert r.requester_name == DATA["requester_name"]
    entry = AuditLog.objects.get(action="information.register")
    assert entry.details["channel"] == "paper"
    assert MARKER not in str(entry.details)


def test_received_today_by_email_counts_from_now(officer):
    r = register(officer, channel=Channel.EMAIL, received_on=MONDAY.date())
    assert r.received_at == MONDAY
    assert r.due_on == D(2026, 3, 16)


def test_received_on_a_saturday_counts_from_monday(officer):
    r = register(officer, received_on=D(2026, 2, 28))
    assert r.due_on == D(2026, 3, 13)


@pytest.mark.parametrize(
    "change",
    [
        {"received_on": D(2026, 3, 3)},  # future
        {"received_on": D(2025, 12, 1)},  # older than 60 days
        {"received_on": "2026-02-27"},  # not a date
        {"channel": Channel.ONLINE},
        {"channel": "fax"},
        {"title": ""},
        {"text": "x" * 5001},
        {"requester_name": "Ana\x00"},
        {"document_type": "nope"},
        {"document_number": "123"},
        {"address": "", "contact_email": ""},
    ],
)
def test_bad_input_is_refused_and_nothing_written(officer, change):
    with pytest.raises(Invalid) as exc:
        register(officer, **change)
    assert exc.value.field_errors
    assert not InformationRequest.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "unit_editor", "other_unit_editor"])
def test_only_the_officer_registers(request, who):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        register(request.getfixturevalue(who))
    assert not InformationRequest.objects.exists()


def test_the_registered_request_is_worked_like_any_other(officer, unit):
    r = register(officer)
    services.request_assign(actor=officer, info_request=r, unit=unit, now=MONDAY)
    r.refresh_from_db()
    assert r.state == State.ASSIGNED


# --- the page ------------------------------------------------------------------------


def test_officer_registers_through_the_page(
    staff_client_factory, officer, client, django_assert_max_num_queries
):
    c = staff_client_factory(officer)
    url = reverse("information:work_register")
    with django_assert_max_num_queries(12):
        assert c.get(url).status_code == 200
    today = dt.date.today()
    post = {
        **{k: v for k, v in DATA.items() if v is not None},
        "channel": "email",
        "received_on": today.isoformat(),
        "show_anonymous": "on",
    }
    response = c.post(url, post)
    r = InformationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("information:work_detail", args=[r.number])
    assert r.channel == Channel.EMAIL and r.show_anonymous
    detail = c.get(response["Location"]).content.decode()
    assert "Por correo electrónico" in detail and MARKER in detail
    # the public page never shows the identity
    c.logout()
    public = client.get(r.get_absolute_url()).content.decode()
    assert r.title in public and MARKER not in public


def test_register_page_bad_input_is_400(staff_client_factory, officer):
    c = staff_client_factory(officer)
    response = c.post(
        reverse("information:work_register"),
        {"channel": "paper", "received_on": "no-date", "title": "<script>"},
    )
    assert response.status_code == 400
    assert not InformationRequest.objects.exists()


def test_register_page_is_the_officers_only(
    staff_client_factory, unit_editor, client, citizen
):
    url = reverse("information:work_register")
    assert client.get(url).status_code in (302, 403)
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(url).status_code == 403
    client.logout()
    c = staff_client_factory(unit_editor)
    assert c.get(url).status_code == 403
    assert c.post(url, {"channel": "paper"}).status_code == 403
