"""La Paz demo: access-to-information pages (public, requester, officer workspace, the
appeal letter and the annual report) and every e-mail the information app sends mention
no Lima, Peru, DNI or Ley 27806 (issue 15 k)."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from information import services
from information.models import InformationRequest, State
from tests.city.test_lapaz import district_words, leaks

pytestmark = [pytest.mark.city_lapaz, pytest.mark.django_db]


@pytest.fixture
def demo(lapaz):
    call_command("load_demo", stdout=StringIO())
    return lapaz


def test_la_paz_demo_has_information_requests_in_every_state(demo):
    states = set(InformationRequest.objects.values_list("state", flat=True))
    assert states == set(State.values)
    titles = list(InformationRequest.objects.values_list("title", flat=True))
    assert all(t.startswith("[Demostración]") for t in titles)
    assert set(InformationRequest.objects.values_list("document_type", flat=True)) == {
        "ci"
    }


def test_information_pages_and_workspace_do_not_leak(
    client, demo, staff_client_factory
):
    from django.contrib.auth import get_user_model

    requests = list(InformationRequest.objects.order_by("id"))
    overdue = next(r for r in requests if r.state == State.OVERDUE)
    pages = [
        reverse("information:index"),
        reverse("information:statistics"),
        reverse("information:file"),
        "/en" + reverse("information:index"),
        *[r.get_absolute_url() for r in requests],
    ]
    found = {}
    for path in pages:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        html = response.content.decode()
        if bad := leaks(html) + district_words(html):
            found[path] = bad
    # the requester's pages and the appeal letter
    client.force_login(
        overdue.requester, backend="django.contrib.auth.backends.ModelBackend"
    )
    for path in (
        reverse("information:track", args=[overdue.number]),
        reverse("information:appeal", args=[overdue.number]),
        reverse("information:mine"),
        reverse("information:file"),
    ):
        body = client.get(path).content.decode()
        if bad := leaks(body):
            found[path] = bad
    client.logout()
    officer = get_user_model().objects.get(email="transparencia@demo.openlima.pe")
    staff = staff_client_factory(officer)
    for path in (
        reverse("information:work_list"),
        reverse("information:work_register"),
        *[reverse("information:work_detail", args=[r.number]) for r in requests],
    ):
        response = staff.get(path)
        assert response.status_code == 200, path
        if bad := leaks(response.content.decode()):
            found[path] = bad
    report = staff.get(reverse("information:annual_report", args=["csv"]))
    if bad := leaks(report.content.decode()):
        found["annual report"] = bad
    assert found == {}


def test_information_emails_do_not_leak(demo, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    officer = User.objects.get(email="transparencia@demo.openlima.pe")
    citizen = User.objects.get(email="vecino1@demo.openlima.pe")
    mail.outbox.clear()
    r = services.request_file(
        user=citizen,
        title="Horarios de buses municipales",
        text="Horarios y recorridos de los buses municipales.",
        requester_name="Vecina de prueba",
        document_type="ci",
        document_number="4827193",
        contact_email="vecina@example.bo",
        delivery_form="email",
    )
    for event in (
        "filed",
        "assigned",
        "extended",
        "answered",
        "delivered",
        "message_city",
        "message_requester",
        "reminder",
        "overdue",
    ):
        services.notify(request_id=r.pk, event=event)
    services.message_post(actor=officer, info_request=r, body="Estamos en ello.")
    assert len(mail.outbox) >= 9
    for message in mail.outbox:
        text = message.subject + "\n" + message.body
        assert leaks(text) == [], (message.subject, leaks(text))
    assert dt.date.today()  # the e-mails carry dates in the profile's format
