"""Demo data for Lima Activa (idempotent): proposals across districts with supports and
comments, the second public consultation of Lima's 2022 plan as a weighted consultation
(with the citizen contributions of its Fig. 15) and a participation session."""

import json
import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from openlima import registry
from openlima.models import District, OrgUnit

from .content import render_markdown, render_plain
from .models import (
    Comment,
    Consultation,
    ConsultationOption,
    ConsultationRating,
    Level,
    Proposal,
    Session,
    Support,
    Topic,
)

CONSULTATION_SLUG = "segunda-consulta-publica-2022"
DEMO_PROPOSALS = [
    (
        "Historial de sugerencias y priorización de propuestas",
        "Que la plataforma guarde un historial de sugerencias para votar constantemente.",
        "Propongo que Lima Activa muestre **todas las sugerencias** recibidas y su "
        "priorización, para que la ciudadanía pueda votar de forma constante.",
        Topic.PARTICIPACION,
        None,
    ),
    (
        "Talleres de educación cívica en los colegios del distrito",
        "Bloques de capacitación sobre derechos y deberes ciudadanos.",
        "Desconocemos muchos de nuestros derechos y deberes. Propongo talleres "
        "mensuales de educación cívica en colegios públicos y comedores populares.",
        Topic.EDUCACION,
        "San Juan de Lurigancho",
    ),
    (
        "Ventanilla digital para formalizar a comerciantes ambulantes",
        "Una plataforma que conecte al comerciante con las entidades para su licencia.",
        "Crear una ventanilla digital que permita iniciar el negocio, conectarse con "
        "las entidades necesarias para su aprobación y luego vender en línea.",
        Topic.ECONOMIA,
        "Comas",
    ),
    (
        "Ciclovía segura en la avenida Arequipa",
        "Separadores físicos y señalización en todo el tramo.",
        "La ciclovía actual tiene tramos sin separación. Propongo separadores "
        "físicos, semaforización para bicicletas y mantenimiento periódico.",
        Topic.MOVILIDAD,
        "Miraflores",
    ),
    (
        "Publicar las licitaciones en su primera etapa",
        "Dar a conocer proyectos y licitaciones desde el inicio.",
        "Así más profesionales pueden presentarse y trabajar por su ciudad.",
        Topic.TRANSPARENCIA,
        None,
    ),
]
DEMO_COMMENTS = [
    "Muy buena idea; en mi barrio lo necesitamos.",
    "¿Cómo se financiaría? Sería bueno ver el presupuesto.",
    "Apoyo, y sugiero empezar por un piloto.",
]
# Second public consultation of the 2022 co-creation: the five commitments from the
# workshops, rated muy prioritario / prioritario / poco prioritario (3/2/1).
SECOND_CONSULTATION_OPTIONS = [
    (
        "open-lima",
        "Open Lima",
        "Plataforma digital de transparencia y rendición de cuentas.",
    ),
    (
        "lima-digital",
        "Lima Digital",
        "Células organizacionales de capacitación transversal digital.",
    ),
    ("lima-honesta", "Lima Honesta", "Plataforma de denuncias anticorrupción."),
    (
        "tracker-de-denuncias",
        "Tracker de denuncias",
        "Sistema interinstitucional de seguimiento de denuncias.",
    ),
    (
        "lima-activa",
        "Lima Activa",
        "Plataforma digital y presencial de activación ciudadana y oferta de servicios digitales municipales.",
    ),
]
# Demo ratings per option (high, medium, low) chosen so that, as in the plan, four options
# reach the cut and "Tracker de denuncias" does not.
DEMO_RATINGS = {
    "open-lima": (9, 2, 1),
    "lima-digital": (8, 3, 1),
    "lima-honesta": (9, 1, 2),
    "tracker-de-denuncias": (4, 4, 4),
    "lima-activa": (8, 3, 1),
}


def _plan_data() -> dict:
    path = Path(settings.BASE_DIR) / "commitments" / "data" / "lima-2022.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _citizens(n: int):
    from allauth.account.models import EmailAddress

    User = get_user_model()
    districts = list(
        District.objects.filter(
            name__in=[
                "Miraflores",
                "San Juan de Lurigancho",
                "Comas",
                "Cercado de Lima",
                "Lima",
            ]
        )
    ) or list(District.objects.all()[:3])
    users = []
    for i in range(1, n + 1):
        user, created = User.objects.get_or_create(
            email=f"participante{i}@demo.openlima.pe",
            defaults={
                "display_name": f"Participante {i}",
                "public_profile": i % 3 == 0,
                "district": districts[i % len(districts)] if districts else None,
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
    return users


@transaction.atomic
def load(*, stdout=None) -> None:
    rng = random.Random(2022)
    citizens = _citizens(12)
    now = timezone.now()
    for idx, row in enumerate(DEMO_PROPOSALS):
        _demo_proposal(idx, row, citizens=citizens, rng=rng, now=now)

    from .services import proposal_search_index

    proposal_search_index()
    _second_consultation(now=now)
    _demo_session(now=now)
    if stdout:
        stdout.write("participation: demo proposals, consultation and session ready\n")


def _demo_proposal(idx: int, row: tuple, *, citizens: list, rng, now) -> None:
    """The idx-th demo proposal, by the idx-th citizen, with supporters drawn from `rng`
    and a thread of comments; nothing when it exists already."""
    title, summary, body, topic, district_name = row
    district = (
        District.objects.filter(name=district_name).first() if district_name else None
    )
    author = citizens[idx]
    proposal, created = Proposal.objects.get_or_create(
        title=title,
        defaults={
            "author": author,
            "summary": summary,
            "body": body,
            "body_html": render_markdown(body),
            "topic": topic,
            "district": district,
            "published_at": now - timedelta(days=20 - idx),
            "support_ends_at": now + timedelta(days=340 + idx),
        },
    )
    if not created:
        return
    supporters = rng.sample(citizens, k=min(len(citizens), 3 + idx * 2))
    Support.objects.bulk_create(
        [Support(proposal=proposal, user=u) for u in supporters],
        ignore_conflicts=True,
    )
    proposal.support_count = Support.objects.filter(proposal=proposal).count()
    _comment_thread(proposal, idx, citizens=citizens)
    proposal.comment_count = Comment.objects.filter(
        target_type="participation.proposal", target_id=proposal.pk
    ).count()
    proposal.save(update_fields=["support_count", "comment_count"])


def _comment_thread(proposal, idx: int, *, citizens: list) -> None:
    """One to three comments, each answering the previous one."""
    parent = None
    for j, text in enumerate(DEMO_COMMENTS[: 1 + idx % 3]):
        c = Comment.objects.create(
            target_type="participation.proposal",
            target_id=proposal.pk,
            author=citizens[(idx + j + 1) % len(citizens)],
            body=text,
            body_html=render_plain(text),
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
        )
        c.root_id = parent.root_id if parent else c.pk
        c.save(update_fields=["root_id"])
        parent = c


def _second_consultation(*, now) -> None:
    """The plan's second public consultation, closed, with its options and ratings
    (DEMO_RATINGS) carrying the citizen contributions of the plan's Fig. 15."""
    plan = _plan_data()
    co = plan.get("co_creation", {})
    scale = co.get("priority_scale", {})
    questions = co.get("second_consultation_questions", [])
    consultation, created = Consultation.objects.get_or_create(
        slug=CONSULTATION_SLUG,
        defaults={
            "title": "Segunda consulta pública del Plan de Gobierno Abierto Lima 2022",
            "question": questions[0]
            if questions
            else "¿Cómo calificaría los compromisos en orden de prioridad?",
            "contribution_question": questions[1]
            if len(questions) > 1
            else "¿Qué mejora o aporte propondrías para los compromisos?",
            "description": "Calificación de los compromisos construidos en los talleres "
            "de cocreación. Solo pasan la valla los compromisos cuyo puntaje ponderado "
            "queda en el décimo superior (al menos el 90 % del mejor puntaje).",
            "status": Consultation.Status.CLOSED,
            "opens_at": now - timedelta(days=60),
            "closes_at": now - timedelta(days=45),
            "weight_high": scale.get("muy_prioritario", 3),
            "weight_medium": scale.get("prioritario", 2),
            "weight_low": scale.get("poco_prioritario", 1),
            "cut_kind": Consultation.Cut.SCORE_SHARE,
            "cut_fraction": "0.900",
        },
    )
    if created:
        options = _consultation_options(consultation)
        _consultation_ratings(consultation, options=options, plan=plan)


def _consultation_options(consultation) -> dict:
    """The five commitments as options by code, each linked to the plan's commitment of
    that title when the commitments app provides it."""
    choices = {}
    provider = registry.provider("commitments.choices")
    if provider:
        try:
            choices = {title.lower(): pk for pk, title in provider()}
        except Exception:
            choices = {}
    options = {}
    for pos, (code, title, description) in enumerate(SECOND_CONSULTATION_OPTIONS):
        commitment_id = next(
            (pk for t, pk in choices.items() if t.startswith(title.lower() + ":")),
            None,
        )
        options[code] = ConsultationOption.objects.create(
            consultation=consultation,
            title=title,
            description=description,
            position=pos,
            commitment_id=commitment_id,
        )
    return options


def _consultation_ratings(consultation, *, options: dict, plan: dict) -> None:
    contributions: dict[str, list] = {}
    for item in plan.get("citizen_contributions_second_consultation", []):
        contributions.setdefault(item["commitment"], []).append(item["text"])
    raters = _citizens(12)
    rows = []
    for code, (high, medium, low) in DEMO_RATINGS.items():
        levels = [Level.HIGH] * high + [Level.MEDIUM] * medium + [Level.LOW] * low
        texts = contributions.get(code, [])
        for k, level in enumerate(levels):
            rows.append(
                ConsultationRating(
                    consultation=consultation,
                    option=options[code],
                    user=raters[k],
                    level=level,
                    contribution=texts[k] if k < len(texts) else "",
                )
            )
    ConsultationRating.objects.bulk_create(rows, ignore_conflicts=True)


def _demo_session(*, now) -> None:
    unit = OrgUnit.objects.filter(slug="participacion-vecinal").first()
    Session.objects.get_or_create(
        title="Lima Activa Físicamente: mesa de propuestas vecinales",
        defaults={
            "agenda": "1. Presentación de Lima Activa.\n2. Mesas de trabajo por tema.\n"
            "3. Redacción de propuestas.\n4. Cierre y próximos pasos.",
            "mode": Session.Mode.HYBRID,
            "district": District.objects.filter(name="San Juan de Lurigancho").first(),
            "address": "Casa de la Juventud, San Juan de Lurigancho",
            "online_url": "https://example.org/lima-activa",
            "starts_at": now + timedelta(days=10),
            "ends_at": now + timedelta(days=10, hours=2),
            "capacity": 40,
            "organiser_unit": unit,
        },
    )


def city_demo_proposal(
    *, title: str, summary: str, body: str, topic: str, district_code: str = ""
) -> bool:
    """Provider `participation.demo_proposal` (openlima/registry.py): one published demo
    proposal of a city profile's demo content (docs/city-profile.md), by a demo citizen.
    Idempotent by title; returns True when it was created."""
    if Proposal.objects.filter(title=title).exists():
        return False
    citizens = _citizens(3)
    now = timezone.now()
    index = Proposal.objects.count() % len(citizens)
    Proposal.objects.create(
        title=title,
        author=citizens[index],
        summary=summary,
        body=body,
        body_html=render_markdown(body),
        topic=topic,
        district=District.objects.filter(ubigeo=district_code).first()
        if district_code
        else None,
        published_at=now - timedelta(days=3),
        support_ends_at=now + timedelta(days=330),
    )
    return True


def city_demo_session(
    *,
    title: str,
    agenda: str,
    mode: str,
    address: str = "",
    district_code: str = "",
    organiser_unit: str = "",
    days_ahead: int = 10,
    capacity: int = 40,
) -> bool:
    """Provider `participation.demo_session` (openlima/registry.py): one scheduled demo
    session of a city profile's demo content (docs/city-profile.md), open for registration.
    Idempotent by title; returns True when it was created."""
    now = timezone.now()
    _session, created = Session.objects.get_or_create(
        title=title,
        defaults={
            "agenda": agenda,
            "mode": mode,
            "district": District.objects.filter(ubigeo=district_code).first()
            if district_code
            else None,
            "address": address,
            "starts_at": now + timedelta(days=days_ahead),
            "ends_at": now + timedelta(days=days_ahead, hours=2),
            "capacity": capacity,
            "organiser_unit": OrgUnit.objects.filter(slug=organiser_unit).first()
            if organiser_unit
            else None,
        },
    )
    return created
