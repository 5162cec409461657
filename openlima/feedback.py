""" "¿Le fue útil?": the anonymous platform rating (docs/feedback.md).

One endpoint (`openlima.views.feedback`) takes a 1–5 score, an optional comment, the part of
the portal and the moment of the journey. Nothing identifies the person: no account, no
cookie, no page address, no referrer, only the day. Abuse is limited per client address,
but the address is never stored: it is hashed with a key that changes every hour and the
hash lives only as a counter in the cache for that hour.

Writes: `rating_record`. Reads: `rating_summary` (the home indicator, per part),
`rating_dataset` (the open dataset, `dataset:valoracion-plataforma`), `unreviewed_count`.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from . import conf, roles
from .models import PlatformRating
from .registry import HomeIndicatorBlock
from .tableschema import schema_columns, table_schema

COMMENT_MAX = 1000
DATASET_KEY = "valoracion-plataforma"


class RatingRefused(ValueError):
    """A rating that is not stored (bad input or too many from one client)."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.status = status


def _client_bucket(address: str) -> str:
    """An hourly-rotating keyed hash of the client address: the cache key of its counter."""
    hour = int(time.time() // 3600)
    key = f"{settings.SECRET_KEY}:feedback:{hour}".encode()
    digest = hmac.new(key, (address or "-").encode(), hashlib.sha256).hexdigest()[:32]
    return f"feedback:rl:{hour}:{digest}"


def rate_limit_hit(*, address: str) -> bool:
    """True when this client already sent FEEDBACK_RATE_LIMIT ratings this hour."""
    limit = conf.feedback_rate_limit()
    bucket = _client_bucket(address)
    added = cache.add(bucket, 1, timeout=3600)
    if added:
        return False
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr, or the cache is down
        cache.add(bucket, 1, timeout=3600)
        return False
    return count > limit


def rating_record(
    *, score, part: str, moment: str = "", comment: str = "", address: str = ""
) -> PlatformRating:
    """Validate and store one rating; raise RatingRefused (nothing written) otherwise."""
    try:
        score = int(str(score).strip())
    except (TypeError, ValueError):
        raise RatingRefused(_("Elija una valoración del 1 al 5.")) from None
    if not 1 <= score <= 5:
        raise RatingRefused(_("Elija una valoración del 1 al 5."))
    if part not in PlatformRating.Part.values:
        raise RatingRefused(_("Parte del portal desconocida."))
    moment = moment or PlatformRating.Moment.PAGE
    if moment not in PlatformRating.Moment.values:
        raise RatingRefused(_("Momento desconocido."))
    comment = (comment or "").strip()
    if "\x00" in comment:
        raise RatingRefused(_("El comentario contiene un carácter no válido."))
    if len(comment) > COMMENT_MAX:
        raise RatingRefused(
            _("El comentario puede tener hasta %(n)d caracteres.") % {"n": COMMENT_MAX}
        )
    if rate_limit_hit(address=address):
        raise RatingRefused(
            _("Ha enviado muchas valoraciones. Inténtelo de nuevo más tarde."),
            status=429,
        )
    return PlatformRating.objects.create(
        score=score, part=part, moment=moment, comment=comment, reviewed=not comment
    )


def rating_summary() -> dict:
    """The home indicator: average and count overall and per part, from one grouped
    query (the overall figures are the parts' counts and score sums added up)."""
    labels = dict(PlatformRating.Part.choices)
    rows = list(
        PlatformRating.objects.values("part")
        .annotate(n=Count("id"), total=Sum("score"))
        .order_by("part")
    )
    by_part = [
        {
            "part": row["part"],
            "label": str(labels.get(row["part"], row["part"])),
            "ratings": row["n"],
            "average": round(row["total"] / row["n"], 2),
        }
        for row in rows
    ]
    count = sum(row["n"] for row in rows)
    score_sum = sum(row["total"] for row in rows)
    return {
        "ratings": count,
        "average": round(score_sum / count, 2) if count else None,
        "by_part": by_part,
    }


def home_indicator_blocks() -> list[HomeIndicatorBlock]:
    """`home_indicators:feedback`: where the home page shows the rating."""
    return [
        {
            "place": "figures",
            "template": "openlima/home/feedback_figures.html",
            "order": 30,
        },
        {
            "place": "charts",
            "template": "openlima/home/feedback_charts.html",
            "order": 30,
        },
    ]


# Table Schema of the dataset (openlima/tableschema.py).
RATING_SCHEMA = table_schema(
    ("fecha", "date", "Fecha"),
    ("parte", "string", "Parte del portal"),
    ("momento", "string", "Momento de la valoración"),
    *((f"puntaje_{i}", "integer", f"Valoraciones con {i}") for i in range(1, 6)),
    primary_key=("fecha", "parte", "momento"),
)


def rating_dataset() -> dict:
    """`dataset:valoracion-plataforma`: per day, part and moment, the count of each score
    (comments are not published: they go to moderators)."""
    rows = {}
    for r in (
        PlatformRating.objects.values("created_on", "part", "moment", "score")
        .annotate(n=Count("id"))
        .order_by("created_on", "part", "moment", "score")
    ):
        key = (r["created_on"].isoformat(), r["part"], r["moment"])
        row = rows.setdefault(
            key,
            {
                "fecha": key[0],
                "parte": key[1],
                "momento": key[2],
                **{f"puntaje_{i}": 0 for i in range(1, 6)},
            },
        )
        row[f"puntaje_{r['score']}"] = r["n"]
    return {
        "title": _("Valoración de la plataforma"),
        "description": _(
            "Valoraciones anónimas del 1 al 5 («¿Le fue útil?») por día, parte del portal "
            "y momento. No incluye comentarios ni dato alguno de quien valoró."
        ),
        "publisher_slug": roles.role_unit_slug(roles.OGP_COORDINATOR),
        "tags": ["participación", "gobierno abierto"],
        "columns": schema_columns(RATING_SCHEMA),
        "rows": list(rows.values()),
        "schema": RATING_SCHEMA,
    }


def unreviewed_count() -> int:
    return PlatformRating.objects.filter(reviewed=False).exclude(comment="").count()


def staff_tasks(*, user) -> list[dict]:
    """`staff_tasks:openlima`: moderators see the rating comments not yet reviewed."""
    from django.urls import reverse

    from .selectors import user_has_role

    if not user_has_role(user=user, role=roles.MODERATOR):
        return []
    return [
        {
            "label": _("Comentarios de valoración por revisar"),
            "count": unreviewed_count(),
            "url": reverse("admin:openlima_platformrating_changelist")
            + "?reviewed__exact=0",
        }
    ]


def part_for(resolver_match) -> str:
    """The part of the portal a page belongs to (its URL namespace)."""
    if resolver_match is None:
        return PlatformRating.Part.OTHER
    if resolver_match.url_name == "home":
        return PlatformRating.Part.HOME
    if (resolver_match.url_name or "").startswith("account") or (
        resolver_match.view_name or ""
    ).startswith("account"):
        return PlatformRating.Part.ACCOUNT
    app = resolver_match.app_name or ""
    if app in PlatformRating.Part.values:
        return app
    return PlatformRating.Part.OTHER
