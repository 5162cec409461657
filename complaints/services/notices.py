"""Notices to units and deadline reminders."""

import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city

from ..models import (
    CLOSED_STAGES,
    Complaint,
    Stage,
)
from .keys import integrity_members


def _unit_recipients(complaint: Complaint) -> list[str]:
    if complaint.assignee is not None and complaint.assignee.is_active:
        return [complaint.assignee.email]
    return list(integrity_members().values_list("email", flat=True))


def _workspace_link(complaint: Complaint) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "complaints:case", kwargs={"complaint_id": complaint.pk}
    )


def unit_notify(*, complaint_id: int, reason: str) -> int:
    """E-mail the unit that something needs attention: a link, never the content."""
    complaint = (
        Complaint.objects.select_related("assignee").filter(pk=complaint_id).first()
    )
    if complaint is None:
        return 0
    recipients = _unit_recipients(complaint)
    subjects = {
        "new": _("%(name)s: hay una denuncia nueva"),
        "update": _("%(name)s: hay novedades en un caso"),
        "ack-soon": _("%(name)s: un caso vence pronto (acuse de recibo)"),
        "ack-overdue": _("%(name)s: un caso venció (acuse de recibo)"),
        "response-soon": _("%(name)s: un caso vence pronto (respuesta)"),
        "response-overdue": _("%(name)s: un caso venció (respuesta)"),
    }
    subject = str(subjects.get(reason, subjects["update"])) % {
        "name": city.text("complaints_name")
    }
    # The unit is the one the city profile gives the integrity role (docs/city-profile.md,
    # "Roles"): Lima's Unidad de Integridad Institucional, La Paz's UTLCC.
    body = _(
        "Hay algo que revisar en el espacio de trabajo de la %(unit)s:\n%(link)s\n\n"
        "Por seguridad, este correo no incluye el contenido del caso."
    ) % {
        "unit": city.role_unit_name("integrity_member") or _("Unidad de Integridad"),
        "link": _workspace_link(complaint),
    }
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


REMINDER_WINDOW = datetime.timedelta(days=2)


def complaint_deadlines_remind(*, now=None) -> int:
    """Send each deadline reminder once (state kept in Complaint.reminders_sent)."""
    now = now or timezone.now()
    sent = 0
    open_cases = Complaint.objects.filter(
        purged_at__isnull=True,
    ).exclude(stage__in=CLOSED_STAGES)
    for complaint in open_cases.select_related("assignee").iterator():
        due = []
        if complaint.acknowledged_at is None:
            if now >= complaint.ack_due_at:
                due.append("ack-overdue")
            elif now >= complaint.ack_due_at - REMINDER_WINDOW:
                due.append("ack-soon")
        if complaint.stage in (Stage.RECEIVED, Stage.EVALUATION, Stage.INVESTIGATION):
            if now >= complaint.response_due_at:
                due.append("response-overdue")
            elif now >= complaint.response_due_at - REMINDER_WINDOW:
                due.append("response-soon")
        for reason in due:
            with transaction.atomic():
                locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
                if reason in locked.reminders_sent:
                    continue
                locked.reminders_sent = [*locked.reminders_sent, reason]
                locked.save(update_fields=["reminders_sent"])
                unit_notify(complaint_id=complaint.pk, reason=reason)
                sent += 1
    return sent
