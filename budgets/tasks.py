"""Budgets have no job of their own: phases, results and pending tracking move with the
core `publish_scheduled` sweep (see apps.py, services.budgets_publish_due). The only task
is the voter's e-mail receipt, sent through the outbox."""

from celery import shared_task


@shared_task(name="budgets.tasks.ballot_receipt_email")
def ballot_receipt_email(ballot_id: int) -> bool:
    """The voter's receipt: heading, projects chosen, when, and until when it can change
    (issue 12). Repeat-safe: a voided or deleted ballot sends nothing."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _

    from openlima.selectors import absolute_url

    from .models import Ballot

    ballot = (
        Ballot.objects.select_related("user", "heading__process")
        .prefetch_related("projects")
        .filter(pk=ballot_id, voided_at__isnull=True)
        .first()
    )
    if ballot is None or not ballot.user.email:
        return False
    heading = ballot.heading
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "budgets/email/ballot_receipt.txt",
            {
                "ballot": ballot,
                "heading": heading,
                "process": heading.process,
                "projects": list(ballot.projects.order_by("title")),
                "url": absolute_url()
                + reverse("budgets:ballot", args=[heading.process.slug, heading.slug]),
            },
        )
        subject = _("Su voto en «%(heading)s» quedó registrado") % {
            "heading": heading.name
        }
    send_mail(
        f"{getattr(settings, 'ACCOUNT_EMAIL_SUBJECT_PREFIX', '')}{subject}",
        body,
        None,
        [ballot.user.email],
    )
    return True


@shared_task(name="budgets.tasks.verification_decision_email")
def verification_decision_email(verification_id: int) -> bool:
    """Tell the citizen their resident verification was confirmed or rejected (with the
    reason), issue 12. Sends nothing for a verification still pending."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _

    from openlima.selectors import absolute_url

    from .models import ResidentVerification

    verification = (
        ResidentVerification.objects.select_related("user", "district")
        .filter(pk=verification_id)
        .first()
    )
    if verification is None or verification.status not in (
        ResidentVerification.Status.VERIFIED,
        ResidentVerification.Status.REJECTED,
    ):
        return False
    if not verification.user.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "budgets/email/verification_decision.txt",
            {
                "verification": verification,
                "url": absolute_url() + reverse("budgets:verification"),
                "budgets_url": absolute_url() + reverse("budgets:index"),
            },
        )
        subject = (
            _("Su verificación de residencia fue confirmada")
            if verification.status == ResidentVerification.Status.VERIFIED
            else _("Su verificación de residencia fue rechazada")
        )
    send_mail(
        f"{getattr(settings, 'ACCOUNT_EMAIL_SUBJECT_PREFIX', '')}{subject}",
        body,
        None,
        [verification.user.email],
    )
    return True
