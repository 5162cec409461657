"""What Lima Activa provides other apps through the registry: site search, datasets, indicators, personal data, staff tasks."""

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from openlima import charts, city, roles
from openlima.registry import HomeCard, HomeCharts, HomeIndicatorBlock
from openlima.search import text_search
from openlima.selectors import user_has_role
from openlima.tableschema import schema_columns, table_schema

from ..models import (
    Comment,
    CommentVote,
    Consultation,
    ConsultationRating,
    Follow,
    Level,
    Proposal,
    Session,
    SessionRegistration,
    Support,
)
from .common import PUBLIC_STATUSES, _iso
from .consultations import consultation_results_many, consultations_visible
from .districts import district_participation
from .proposals import proposal_search


def indicators() -> dict:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    proposals = Proposal.objects.filter(is_hidden=False)
    participants = (
        User.objects.filter(
            Q(proposals__isnull=False)
            | Q(pk__in=Support.objects.values("user_id"))
            | Q(pk__in=ConsultationRating.objects.values("user_id"))
        )
        .distinct()
        .count()
    )
    return {
        "proposals": proposals.count(),
        "supports": Support.objects.count(),
        "comments": Comment.objects.filter(status=Comment.Status.VISIBLE).count(),
        "participants": participants,
        "consultations": consultations_visible().order_by().count(),
        "by_district": [
            {
                k: r[k]
                for k in (
                    "district",
                    "ubigeo",
                    "proposals",
                    "supports",
                    "comments",
                    "attendance",
                )
            }
            for r in district_participation()
        ],
    }


def site_search(*, query: str, limit: int) -> list[dict]:
    qs = Proposal.objects.filter(is_hidden=False, status__in=PUBLIC_STATUSES)
    results = proposal_search(qs, query=query)
    found = [
        {
            "kind": "proposal",
            "kind_label": _("Propuesta"),
            "title": p.title,
            "summary": p.summary,
            "url": reverse("participation:proposal_detail", args=[p.pk]),
            "rank": float(p.rank),
        }
        for p in results.order_by("-rank", "-id")[:limit]
    ]
    consultations = text_search(
        consultations_visible(),
        fields=["title", "question", "description"],
        query=query,
        weights=["A", "B", "C"],
    )[:limit]
    found += [
        {
            "kind": "consultation",
            "kind_label": _("Consulta"),
            "title": c.title,
            "summary": c.question[:300],
            "url": reverse("participation:consultation_detail", args=[c.slug]),
            "rank": float(c.rank),
        }
        for c in consultations
    ]
    sessions = text_search(
        Session.objects.all(), fields=["title", "agenda", "address"], query=query
    )[:limit]
    found += [
        {
            "kind": "session",
            "kind_label": _("Sesión de participación"),
            "title": s.title,
            "summary": s.agenda[:300],
            "url": reverse("participation:session_detail", args=[s.pk]),
            "rank": float(s.rank),
        }
        for s in sessions
    ]
    found.sort(key=lambda r: -r["rank"])
    return found[:limit]


def dataset_proposals() -> dict:
    rows = [
        {
            "id": p["id"],
            "titulo": p["title"],
            "resumen": p["summary"],
            "tema": p["topic"],
            "distrito": p["district__name"] or "",
            "ubigeo": p["district__ubigeo"] or "",
            "estado": p["status"],
            "apoyos": p["support_count"],
            "comentarios": p["comment_count"],
            "publicada": p["published_at"].isoformat(),
            "respuesta": p["outcome"],
            "compromiso_id": p["commitment_id"],
        }
        for p in Proposal.objects.filter(is_hidden=False)
        .order_by("id")
        .values(
            "id",
            "title",
            "summary",
            "topic",
            "district__name",
            "district__ubigeo",
            "status",
            "support_count",
            "comment_count",
            "published_at",
            "outcome",
            "commitment_id",
        )
        .iterator(chunk_size=2000)
    ]
    return {
        "title": "Propuestas ciudadanas de " + city.text("participation_name", "es"),
        "description": "Propuestas publicadas en "
        + city.text("participation_name", "es")
        + " con su número de apoyos, "
        "estado y respuesta municipal.",
        "publisher_slug": "participacion-vecinal",
        "tags": ["participación", "propuestas", city.text("participation_name", "es")],
        "columns": schema_columns(PROPOSAL_SCHEMA),
        "schema": PROPOSAL_SCHEMA,
        "rows": rows,
    }


def dataset_consultation_results() -> dict:
    rows = []
    consultations = list(
        Consultation.objects.filter(
            status__in=[Consultation.Status.OPEN, Consultation.Status.CLOSED]
        ).order_by("id")
    )
    all_results = consultation_results_many(consultations=consultations)
    for c in consultations:
        for r in all_results[c.pk]:
            rows.append(
                {
                    "consulta": c.slug,
                    "opcion_id": r.option.pk,
                    "opcion": r.option.title,
                    "peso_muy_prioritario": c.weight_high,
                    "peso_prioritario": c.weight_medium,
                    "peso_poco_prioritario": c.weight_low,
                    "muy_prioritario": r.counts[Level.HIGH],
                    "prioritario": r.counts[Level.MEDIUM],
                    "poco_prioritario": r.counts[Level.LOW],
                    "puntaje_ponderado": r.score,
                    "puesto": r.rank,
                    "pasa_el_corte": r.passes,
                    "estado_consulta": c.status,
                }
            )
    return {
        "title": "Resultados de consultas ponderadas de "
        + city.text("participation_name", "es"),
        "description": "Por opción: votos por nivel de prioridad, pesos publicados, "
        "puntaje ponderado, puesto y si pasa el corte.",
        "publisher_slug": "participacion-vecinal",
        "tags": ["participación", "consultas", city.text("participation_name", "es")],
        "columns": schema_columns(CONSULTATION_RESULT_SCHEMA),
        "schema": CONSULTATION_RESULT_SCHEMA,
        "rows": rows,
    }


def personal_data(*, user) -> dict:
    """`personal_data:participation`: everything Lima Activa keeps about one person. One
    query per kind of record, however many rows."""
    from ..models import Notification, NotificationSettings

    proposals = _my_proposals(user)
    supports = _my_supports(user)
    comments = _my_comments(user)
    votes = _my_votes(user)
    flags = _my_flags(user)
    ratings = _my_ratings(user)
    registrations = _my_registrations(user)
    follows = _my_follows(user)
    settings_row = (
        NotificationSettings.objects.filter(user=user)
        .values("frequency", "follow_own_proposals")
        .first()
    )
    pending = Notification.objects.filter(user=user, sent_at__isnull=True).count()
    return {
        "summary": [
            [_("Propuestas"), len(proposals)],
            [_("Apoyos a propuestas"), len(supports)],
            [_("Comentarios"), len(comments)],
            [_("Votos a comentarios"), len(votes)],
            [_("Comentarios denunciados"), len(flags)],
            [_("Calificaciones en consultas"), len(ratings)],
            [_("Inscripciones a sesiones"), len(registrations)],
            [_("Seguimientos"), len(follows)],
            [_("Avisos pendientes de envío"), pending],
        ],
        "proposals": proposals,
        "supports": supports,
        "comments": comments,
        "comment_votes": votes,
        "comment_flags": flags,
        "consultation_ratings": ratings,
        "session_registrations": registrations,
        "follows": follows,
        "notification_settings": settings_row,
        "pending_notifications": pending,
    }


def _my_proposals(user) -> list[dict]:
    """The proposals the person wrote."""
    return [
        {
            "id": p.pk,
            "title": p.title,
            "summary": p.summary,
            "body": p.body,
            "topic": p.topic,
            "district": p.district.name if p.district is not None else None,
            "status": p.status,
            "support_count": p.support_count,
            "published_at": _iso(p.published_at),
            "url": reverse("participation:proposal_detail", args=[p.pk]),
        }
        for p in Proposal.objects.filter(author=user)
        .select_related("district")
        .order_by("id")
    ]


def _my_supports(user) -> list[dict]:
    """The proposals the person supported."""
    return [
        {"proposal_id": pid, "proposal": title, "created_at": _iso(at)}
        for pid, title, at in Support.objects.filter(user=user)
        .order_by("id")
        .values_list("proposal_id", "proposal__title", "created_at")
    ]


def _my_comments(user) -> list[dict]:
    """The comments the person wrote (any target)."""
    return [
        {
            "id": c["id"],
            "on": f"{c['target_type']}:{c['target_id']}",
            "body": c["body"],
            "status": c["status"],
            "created_at": _iso(c["created_at"]),
        }
        for c in Comment.objects.filter(author=user)
        .order_by("id")
        .values("id", "target_type", "target_id", "body", "status", "created_at")
    ]


def _my_votes(user) -> list[dict]:
    """The person's votes on comments."""
    return [
        {"comment_id": cid, "value": value}
        for cid, value in CommentVote.objects.filter(user=user)
        .order_by("id")
        .values_list("comment_id", "value")
    ]


def _my_flags(user) -> list[dict]:
    """The comments the person reported."""
    from ..models import CommentFlag

    return [
        {"comment_id": cid, "created_at": _iso(at)}
        for cid, at in CommentFlag.objects.filter(user=user)
        .order_by("id")
        .values_list("comment_id", "created_at")
    ]


def _my_ratings(user) -> list[dict]:
    """The person's ratings in consultations."""
    return [
        {
            "consultation": r["consultation__title"],
            "option": r["option__title"],
            "level": r["level"],
            "contribution": r["contribution"],
            "updated_at": _iso(r["updated_at"]),
        }
        for r in ConsultationRating.objects.filter(user=user)
        .order_by("id")
        .values(
            "consultation__title",
            "option__title",
            "level",
            "contribution",
            "updated_at",
        )
    ]


def _my_registrations(user) -> list[dict]:
    """The person's registrations to sessions."""
    return [
        {
            "session": r["session__title"],
            "starts_at": _iso(r["session__starts_at"]),
            "status": r["status"],
            "created_at": _iso(r["created_at"]),
        }
        for r in SessionRegistration.objects.filter(user=user)
        .order_by("id")
        .values("session__title", "session__starts_at", "status", "created_at")
    ]


def _my_follows(user) -> list[dict]:
    """What the person follows."""
    return [
        {"kind": kind, "target_id": target, "created_at": _iso(at)}
        for kind, target, at in Follow.objects.filter(user=user)
        .order_by("id")
        .values_list("kind", "target_id", "created_at")
    ]


# --- Staff dashboard (openlima.registry "staff_tasks:participation") ------------------------
def staff_tasks(*, user) -> list[dict]:
    from django.urls import reverse

    rows = []
    if user_has_role(user=user, role=roles.MODERATOR):
        flagged = Comment.objects.filter(
            status=Comment.Status.VISIBLE, flag_count__gt=0
        ).count()
        rows.append(
            {
                "label": _("Comentarios señalados por revisar"),
                "count": flagged,
                "url": reverse("admin:participation_comment_changelist")
                + "?senalados=1",
            }
        )
    unit_id = getattr(user, "org_unit_id", None)
    if user_has_role(user=user, role=roles.UNIT_EDITOR) and unit_id:
        waiting = Proposal.objects.filter(
            status=Proposal.Status.EVALUATION, assigned_unit_id=unit_id
        ).count()
        rows.append(
            {
                "label": _("Propuestas de su unidad por responder"),
                "count": waiting,
                "url": reverse("participation:answer_queue"),
            }
        )
    return rows


# The Table Schemas of the datasets above (openlima/tableschema.py): Spanish titles.
PROPOSAL_SCHEMA = table_schema(
    ("id", "integer", "Identificador"),
    ("titulo", "string", "Título"),
    ("resumen", "string", "Resumen"),
    ("tema", "string", "Tema"),
    ("distrito", "string", "Distrito"),
    ("ubigeo", "string", "Ubigeo del distrito"),
    ("estado", "string", "Estado"),
    ("apoyos", "integer", "Apoyos"),
    ("comentarios", "integer", "Comentarios"),
    ("publicada", "datetime", "Publicada el"),
    ("respuesta", "string", "Respuesta municipal"),
    ("compromiso_id", "integer", "Compromiso vinculado"),
    primary_key=("id",),
)
CONSULTATION_RESULT_SCHEMA = table_schema(
    ("consulta", "string", "Consulta"),
    ("opcion_id", "integer", "Identificador de la opción"),
    ("opcion", "string", "Opción"),
    ("peso_muy_prioritario", "integer", "Peso de «muy prioritario»"),
    ("peso_prioritario", "integer", "Peso de «prioritario»"),
    ("peso_poco_prioritario", "integer", "Peso de «poco prioritario»"),
    ("muy_prioritario", "integer", "Votos «muy prioritario»"),
    ("prioritario", "integer", "Votos «prioritario»"),
    ("poco_prioritario", "integer", "Votos «poco prioritario»"),
    ("puntaje_ponderado", "integer", "Puntaje ponderado"),
    ("puesto", "integer", "Puesto"),
    ("pasa_el_corte", "boolean", "Pasa el corte"),
    ("estado_consulta", "string", "Estado de la consulta"),
    primary_key=("opcion_id",),
)


def home_card() -> HomeCard:
    """`home_card:participation`: Lima Activa on the home page (named as the city profile names it)."""
    return {
        "title": city.city()["participation_name"],
        "summary": _(
            "Propuestas ciudadanas, apoyos, debates, consultas con prioridades y sesiones presenciales y digitales."
        ),
        "url": reverse("participation:index"),
        "order": 30,
    }


def home_indicator_blocks() -> list[HomeIndicatorBlock]:
    """`home_indicators:participation`: where the home page shows `indicators:participation`."""
    return [
        {
            "place": "figures",
            "template": "participation/home/figures.html",
            "order": 40,
        },
        {"place": "charts", "template": "participation/home/charts.html", "order": 20},
    ]


# The home page's chart shows the districts with most participations.
HOME_DISTRICTS = 10


def home_charts(*, figures: dict[str, Any]) -> HomeCharts:
    """`home_charts:participation`: the districts with most participations (proposals,
    supports, comments and attendance added up), drawn from `indicators`' by_district."""
    districts = [
        {
            "district": d.get("district"),
            "participants": sum(
                d.get(k) or 0
                for k in ("proposals", "supports", "comments", "attendance")
            ),
        }
        for d in figures.get("by_district") or []
    ]
    districts.sort(key=lambda d: -d["participants"])
    return {
        "district_bars": charts.bars(
            districts[:HOME_DISTRICTS], value_key="participants", label_key="district"
        )
    }
