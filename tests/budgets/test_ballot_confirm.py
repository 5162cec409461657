"""Issue 12: a ballot shows a summary before it is cast (confirm step, works without
JavaScript); nothing is written until the voter confirms."""

from decimal import Decimal

import pytest

from budgets.models import Ballot
from openlima.models import AuditLog, OutboxMessage

from .factories import ProjectFactory

BASE = "/participa/presupuestos"
pytestmark = pytest.mark.django_db


def test_summary_then_confirm(client, resident, district_heading):
    a = ProjectFactory(
        heading=district_heading, title="Rampas", estimated_cost=Decimal("700")
    )
    ProjectFactory(
        heading=district_heading, title="Biblioteca", estimated_cost=Decimal("400")
    )
    url = f"{BASE}/{district_heading.process.slug}/{district_heading.slug}/votar/"
    client.force_login(resident)
    audit_before, outbox_before = (
        AuditLog.objects.count(),
        OutboxMessage.objects.count(),
    )
    summary = client.post(url, {"projects": [a.pk]})
    html = summary.content.decode()
    assert summary.status_code == 200
    assert "Su voto todavía no está registrado" in html
    assert "Rampas" in html and "Biblioteca" not in html and "S/ 700.00" in html
    assert 'name="confirm"' in html and f'name="projects" value="{a.pk}"' in html
    assert not Ballot.objects.exists()
    assert (AuditLog.objects.count(), OutboxMessage.objects.count()) == (
        audit_before,
        outbox_before,
    )
    back = client.post(url, {"projects": [a.pk], "back": "1"})
    assert back.status_code == 200 and "checked" in back.content.decode()
    assert not Ballot.objects.exists()
    done = client.post(url, {"projects": [a.pk], "confirm": "1"})
    assert done.status_code == 302
    assert list(Ballot.objects.get().projects.values_list("pk", flat=True)) == [a.pk]


def test_summary_refuses_what_the_submission_refuses(
    client, resident, district_heading
):
    a = ProjectFactory(heading=district_heading, estimated_cost=Decimal("700"))
    b = ProjectFactory(heading=district_heading, estimated_cost=Decimal("400"))
    url = f"{BASE}/{district_heading.process.slug}/{district_heading.slug}/votar/"
    client.force_login(resident)
    over = client.post(url, {"projects": [a.pk, b.pk]})
    assert over.status_code == 400 and "superan el monto" in over.content.decode()
    for bad in ([], ["x"], ["9" * 30], ["1\x00"]):
        r = client.post(url, {"projects": bad})
        assert r.status_code == 400
    assert not Ballot.objects.exists()


def test_confirmed_ballot_sends_an_email_receipt(client, resident, district_heading):
    from django.core import mail

    a = ProjectFactory(
        heading=district_heading, title="Rampas", estimated_cost=Decimal("700")
    )
    url = f"{BASE}/{district_heading.process.slug}/{district_heading.slug}/votar/"
    client.force_login(resident)
    client.post(url, {"projects": [a.pk]})  # summary: no receipt
    assert not OutboxMessage.objects.filter(
        task_name__contains="ballot_receipt"
    ).exists()
    assert mail.outbox == []
    client.post(url, {"projects": [a.pk], "confirm": "1"})
    assert (
        OutboxMessage.objects.filter(
            task_name="budgets.tasks.ballot_receipt_email"
        ).count()
        == 1
    )
    from budgets.tasks import ballot_receipt_email

    assert ballot_receipt_email(ballot_id=Ballot.objects.get().pk)
    receipt = mail.outbox[-1]
    assert receipt.to == [resident.email]
    assert "quedó registrado" in receipt.subject and "Rampas" in receipt.body
    assert "S/ 700.00" in receipt.body
