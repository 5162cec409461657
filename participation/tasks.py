"""Lima Activa jobs: each takes ids, loads, calls a service; repeat-safe."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from openlima import city
from openlima.conf import email_subject_prefix
from openlima.jobs import scheduled_job
from openlima.selectors import absolute_url

from . import services
from .models import Proposal, SessionRegistration


@shared_task(name="participation.tasks.follower_digests")
@scheduled_job("participation.follower_digests", lock_timeout=3600)
def follower_digests() -> int:
    """One e-mail per person per day at most with everything they follow that changed."""
    return services.follower_digests_send()


@shared_task(name="participation.tasks.send_notifications")
def send_notifications(user_id: int) -> int:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return 0
    return services.notifications_send(user=user, digest=False)


@shared_task(name="participation.tasks.session_registration_email")
def session_registration_email(registration_id: int) -> bool:
    reg = (
        SessionRegistration.objects.select_related("session", "user")
        .filter(pk=registration_id)
        .first()
    )
    if reg is None or reg.status == SessionRegistration.Status.CANCELLED:
        return False
    body = render_to_string(
        "participation/email/session_registration.txt",
        {
            "registration": reg,
            "session": reg.session,
            "site": absolute_url(),
            "session_url": reverse(
                "participation:session_detail", args=[reg.session_id]
            ),
            "unsubscribe_url": absolute_url()
            + services.unsubscribe_path(user=reg.user),
        },
    )
    send_mail(
        f"{email_subject_prefix()}"
        + _("%(name)s: su inscripción a «%(title)s»")
        % {"name": city.text("participation_name"), "title": reg.session.title},
        body,
        None,
        [reg.user.email],
    )
    return True


@shared_task(name="participation.tasks.unit_assignment_email")
def unit_assignment_email(proposal_id: int) -> bool:
    proposal = (
        Proposal.objects.select_related("assigned_unit").filter(pk=proposal_id).first()
    )
    if (
        proposal is None
        or not proposal.assigned_unit
        or not proposal.assigned_unit.email
    ):
        return False
    body = render_to_string(
        "participation/email/unit_assignment.txt",
        {
            "proposal": proposal,
            "site": absolute_url(),
            "answer_url": reverse("participation:proposal_answer", args=[proposal.pk]),
        },
    )
    send_mail(
        f"{email_subject_prefix()}" + _("Propuesta ciudadana asignada a su unidad"),
        body,
        None,
        [proposal.assigned_unit.email],
    )
    return True
