"""Issue 12: after asking for verification the form is not shown again and the page says
where and when to go (offices kept by staff); the citizen gets an e-mail, through the
outbox, when verified or rejected."""

from datetime import date

import pytest
from django.core import mail

from budgets import services
from budgets.models import ResidentVerification, VerificationOffice
from budgets.tasks import verification_decision_email
from openlima.models import OutboxMessage
from tests.factories import UserFactory

from .factories import valid_dni

pytestmark = pytest.mark.django_db
URL = "/participa/presupuestos/verificacion/"
TASK = "budgets.tasks.verification_decision_email"


def claim(user, district, number):
    return services.resident_verification_request(
        user=user,
        dni=valid_dni(number),
        birth_date=date(1990, 5, 17),
        district=district,
    )


def test_pending_page_shows_offices_not_the_form(client, districts):
    VerificationOffice.objects.create(
        name="Oficina de Atención al Vecino",
        address="Jr. Conde de Superunda 141",
        hours="lunes a viernes de 8:30 a 16:30",
        district=districts[0],
    )
    VerificationOffice.objects.create(
        name="Oficina cerrada", address="x", hours="y", is_active=False
    )
    user = UserFactory()
    pending = claim(user, districts[0], "40000001")
    assert pending.status == ResidentVerification.Status.PENDING
    client.force_login(user)
    body = client.get(URL).content.decode()
    assert 'name="dni"' not in body  # not asked again
    assert (
        "Oficina de Atención al Vecino" in body and "Jr. Conde de Superunda 141" in body
    )
    assert "lunes a viernes de 8:30 a 16:30" in body and "Oficina cerrada" not in body
    assert "Le enviaremos un correo" in body


def test_offices_are_kept_by_staff_in_the_admin(staff_client_factory):
    from openlima import roles
    from tests.factories import StaffFactory

    client = staff_client_factory(StaffFactory(roles=[roles.OGP_COORDINATOR]))
    assert client.get("/gestion/budgets/verificationoffice/add/").status_code == 200
    r = client.post(
        "/gestion/budgets/verificationoffice/add/",
        {
            "name": "Sede Comas",
            "address": "Av. Túpac Amaru 1",
            "hours": "9 a 13",
            "position": 0,
            "is_active": "on",
        },
    )
    assert (
        r.status_code == 302
        and VerificationOffice.objects.filter(name="Sede Comas").exists()
    )
    citizen = staff_client_factory(StaffFactory(roles=[roles.DATA_PUBLISHER]))
    assert citizen.get("/gestion/budgets/verificationoffice/").status_code == 403


@pytest.mark.parametrize("decision", ["confirm", "reject"])
def test_decision_sends_an_email_through_the_outbox(districts, budget_staff, decision):
    user = UserFactory()
    pending = claim(user, districts[0], "40000002")
    if decision == "confirm":
        services.resident_verification_confirm(
            verification_id=pending.pk,
            staff=budget_staff,
            dni_shown=valid_dni("40000002"),
        )
    else:
        services.resident_verification_reject(
            verification_id=pending.pk,
            staff=budget_staff,
            reason="Domicilio en otra ciudad",
        )
    assert OutboxMessage.objects.filter(task_name=TASK).count() == 1
    assert verification_decision_email(verification_id=pending.pk)
    message = mail.outbox[-1]
    assert message.to == [user.email]
    if decision == "confirm":
        assert "confirmada" in message.subject and "Ya puede votar" in message.body
    else:
        assert "rechazada" in message.subject
        assert "Domicilio en otra ciudad" in message.body


def test_no_email_while_pending(districts):
    pending = claim(UserFactory(), districts[0], "40000003")
    assert not OutboxMessage.objects.filter(task_name=TASK).exists()
    assert verification_decision_email(verification_id=pending.pk) is False
