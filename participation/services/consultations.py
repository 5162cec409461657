"""Writes of consultations: ratings and scheduled publication."""

from collections.abc import Mapping, Sequence

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

# Ids beyond PostgreSQL's integer column are refused as unknown (SQLite would overflow).
_MAX_ID = 2**31 - 1
_MAX_CONTRIBUTION = 2000


def _clean_level(level, *, field: str = "level") -> str:
    if not isinstance(level, str) or level not in Level.values:
        raise Invalid(
            _("Elija un nivel de prioridad."),
            field_errors={field: [_("Elija un nivel de prioridad.")]},
        )
    return level


def _clean_contribution(contribution, *, field: str = "contribution") -> str:
    if contribution is None:
        return ""
    if not isinstance(contribution, str) or "\x00" in contribution:
        raise Invalid(
            _("El aporte contiene caracteres no permitidos."),
            field_errors={field: [_("Caracteres no permitidos.")]},
        )
    contribution = contribution.strip()
    if len(contribution) > _MAX_CONTRIBUTION:
        raise Invalid(
            _("El aporte es demasiado largo (máximo 2000 caracteres)."),
            field_errors={field: [_("Máximo 2000 caracteres.")]},
        )
    return contribution


def _parse_id(value) -> int | None:
    """An option id as sent (form text or JSON number), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isascii() or not value.isdigit() or len(value) > 10:
            return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number <= _MAX_ID else None


def _save_rating(*, user, option, level: str, contribution: str, now):
    """Create or change one participant's rating of one option (repeat-safe)."""
    try:
        with transaction.atomic():
            rating, created = ConsultationRating.objects.get_or_create(
                option=option,
                user=user,
                defaults={
                    "consultation_id": option.consultation_id,
                    "level": level,
                    "contribution": contribution,
                },
            )
    except IntegrityError:
        rating, created = (
            ConsultationRating.objects.get(option=option, user=user),
            False,
        )
    if not created and (rating.level, rating.contribution) != (level, contribution):
        rating.level = level
        rating.contribution = contribution
        rating.updated_at = now
        rating.save(update_fields=["level", "contribution", "updated_at"])
    return rating


@transaction.atomic
def consultation_rate(
    *, user, option_id: int, level: str, contribution: str = ""
) -> ConsultationRating:
    """One rating per participant per option; changeable until the consultation closes."""
    selectors.access_participation(user=user)
    pk = _parse_id(option_id)
    option = (
        ConsultationOption.objects.select_related("consultation").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if option is None:
        raise NotFound(_("La opción no existe."))
    if not option.consultation.is_open:
        raise Conflict(_("La consulta no está abierta."))
    level = _clean_level(level)
    contribution = _clean_contribution(contribution)
    return _save_rating(
        user=user,
        option=option,
        level=level,
        contribution=contribution,
        now=timezone.now(),
    )


def _open_consultation(consultation_id) -> Consultation:
    """The consultation to rate: published (drafts do not exist) and open now."""
    cid = _parse_id(consultation_id)
    consultation = (
        Consultation.objects.filter(pk=cid).first() if cid is not None else None
    )
    if consultation is None or consultation.status == Consultation.Status.DRAFT:
        raise NotFound(_("La consulta no existe."))
    if not consultation.is_open:
        raise Conflict(_("La consulta no está abierta."))
    return consultation


def _ratings_clean(
    ratings, *, options: dict[int, ConsultationOption]
) -> list[tuple[ConsultationOption, str, str]]:
    """Every item checked (option of this consultation, once each; level; text) before
    anything is written: the first bad item refuses the whole submission."""
    if not isinstance(ratings, Sequence) or isinstance(ratings, str | bytes):
        raise Invalid(_("Califique al menos una opción."))
    if not ratings:
        raise Invalid(_("Califique al menos una opción."))
    if len(ratings) > len(options):
        raise Invalid(_("Hay más calificaciones que opciones."))
    cleaned: list[tuple[ConsultationOption, str, str]] = []
    seen: set[int] = set()
    for item in ratings:
        if not isinstance(item, Mapping):
            raise Invalid(_("Calificación no válida."))
        pk = _parse_id(item.get("option"))
        if pk is None or pk not in options:
            raise Invalid(_("Una de las opciones no pertenece a esta consulta."))
        if pk in seen:
            raise Invalid(_("Cada opción se califica una sola vez."))
        seen.add(pk)
        cleaned.append(
            (
                options[pk],
                _clean_level(item.get("level"), field=f"level-{pk}"),
                _clean_contribution(
                    item.get("contribution"), field=f"contribution-{pk}"
                ),
            )
        )
    return cleaned


@transaction.atomic
def consultation_rate_many(
    *, user, consultation_id: int, ratings: Sequence[Mapping]
) -> list[ConsultationRating]:
    """Rate several options of one consultation in one action (issue 12).

    Each item is ``{"option": id, "level": str, "contribution": str}``. Every item is
    checked before anything is written, and all are written in one transaction: a bad
    item (unknown or repeated option, unknown level, a text too long or with NUL) refuses
    the whole submission and leaves the participant's earlier ratings as they were.
    Field errors are keyed ``level-<option id>`` / ``contribution-<option id>``, the
    names of the page's form fields.
    """
    selectors.access_participation(user=user)
    consultation = _open_consultation(consultation_id)
    options = {o.pk: o for o in consultation.options.all()}
    cleaned = _ratings_clean(ratings, options=options)
    now = timezone.now()
    # One upsert for every item: the unique (option, user) constraint turns a double
    # submit into an update, never a duplicate; created_at keeps the first rating's time.
    return ConsultationRating.objects.bulk_create(
        [
            ConsultationRating(
                consultation=consultation,
                option=option,
                user=user,
                level=level,
                contribution=contribution,
                created_at=now,
                updated_at=now,
            )
            for option, level, contribution in cleaned
        ],
        update_conflicts=True,
        unique_fields=["option", "user"],
        update_fields=["level", "contribution", "updated_at"],
    )


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
