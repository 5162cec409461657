"""Writes of consultations: ratings and scheduled publication."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Conflict, Invalid, NotFound

from .. import selectors
from ..models import (
    Consultation,
    ConsultationOption,
    ConsultationRating,
    Follow,
    Level,
)
from .notifications import followers, notify
from .proposals import proposals_archive_due


@transaction.atomic
def consultation_rate(
    *, user, option_id: int, level: str, contribution: str = ""
) -> ConsultationRating:
    """One rating per participant per option; changeable until the consultation closes."""
    selectors.access_participation(user=user)
    try:
        option = ConsultationOption.objects.select_related("consultation").get(
            pk=int(option_id)
        )
    except (ConsultationOption.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("La opción no existe.")) from exc
    if not option.consultation.is_open:
        raise Conflict(_("La consulta no está abierta."))
    if level not in Level.values:
        raise Invalid(
            _("Elija un nivel de prioridad."),
            field_errors={"level": [_("Elija un nivel de prioridad.")]},
        )
    contribution = (contribution or "").strip()
    if len(contribution) > 2000:
        raise Invalid(
            _("El aporte es demasiado largo (máximo 2000 caracteres)."),
            field_errors={"contribution": [_("Máximo 2000 caracteres.")]},
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            rating, created = ConsultationRating.objects.get_or_create(
                option=option,
                user=user,
                defaults={
                    "consultation": option.consultation,
                    "level": level,
                    "contribution": contribution,
                },
            )
    except IntegrityError:
        rating, created = (
            ConsultationRating.objects.get(option=option, user=user),
            False,
        )
    if not created:
        rating.level = level
        rating.contribution = contribution
        rating.updated_at = now
        rating.save(update_fields=["level", "contribution", "updated_at"])
    return rating


def consultations_publish_due(*, now) -> dict:
    """Open scheduled consultations whose time has come and close the finished ones."""
    from django.db.models import Count

    # Never open an empty or one-option ballot (it stays scheduled; staff see it).
    opened = (
        Consultation.objects.filter(
            status=Consultation.Status.SCHEDULED, opens_at__lte=now, closes_at__gt=now
        )
        .filter(
            pk__in=ConsultationOption.objects.values("consultation_id")
            .annotate(n=Count("id"))
            .filter(n__gte=2)
            .values("consultation_id")
        )
        .update(status=Consultation.Status.OPEN)
    )
    closing = list(
        Consultation.objects.filter(
            status__in=[Consultation.Status.OPEN, Consultation.Status.SCHEDULED],
            closes_at__lte=now,
        ).values_list("pk", "title", "slug")
    )
    for pk, title, slug in closing:
        with transaction.atomic():
            if (
                Consultation.objects.filter(pk=pk)
                .exclude(status=Consultation.Status.CLOSED)
                .update(status=Consultation.Status.CLOSED)
            ):
                notify(
                    user_ids=followers(kind=Follow.Kind.CONSULTATION, target_id=pk),
                    kind="consultation.closed",
                    text=_(
                        "La consulta «%(title)s» cerró: ya puede ver los resultados."
                    )
                    % {"title": title},
                    url=reverse("participation:consultation_detail", args=[slug]),
                )
    return {"opened": opened, "closed": len(closing)}


def publish_due(*, now) -> dict:
    """Publisher registered for `publish_scheduled`."""
    result = consultations_publish_due(now=now)
    result["archived"] = proposals_archive_due(now=now)
    return result
