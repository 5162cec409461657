"""Every read and permission check of Lima Honesta."""

import json
import statistics
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import charts, city, roles
from openlima.registry import HomeCard, HomeCharts, HomeIndicatorBlock
from openlima.selectors import access_staff_area, user_has_role
from openlima.tableschema import schema_columns, table_schema

from . import conf, crypto, unlock
from .models import (
    ATTENDED_STAGES,
    CLOSED_STAGES,
    RESPONSE_STAGES,
    STAGE_PATH,
    Attachment,
    Channel,
    Complaint,
    Entry,
    KeyGrant,
    MemberKey,
    Stage,
)

SUPPRESS_BELOW = 5


class WorkspaceLocked(PermissionDenied):
    """A member whose private key is not unlocked in this session."""


# --- Tracking code look-up ----------------------------------------------------------------

_DUMMY = {}


def _dummy_fields() -> tuple[bytes, dict]:
    params = crypto.argon2_params()
    key = json.dumps(params, sort_keys=True)
    if key not in _DUMMY:
        _DUMMY[key] = crypto.random_salt()
    return _DUMMY[key], params


def lookup_max_failures() -> int:
    return conf.lookup_max_failures()


def lookup_window() -> int:
    return conf.lookup_window_seconds()


FAIL_KEY = "complaints:lookup-failures"


def lookup_throttled() -> bool:
    """Too many failed look-ups lately (from anyone): from now on each look-up must carry
    a proof of work or an answered question (whose cost rises with the failures), until
    the window ends. Nobody is locked out, and a right code does not reset the counter
    (docs/threat-model.md, attack 4)."""
    return int(cache.get(FAIL_KEY) or 0) >= lookup_max_failures()


def complaint_find_by_code(*, code: str) -> tuple[Complaint, bytes] | None:
    """The case and its key for a reporter's code, or None (a pure read: the service
    `complaint_access_by_code` counts the failures).

    Same work whether the code exists or not: the short keyed index selects the (usually
    zero or one) candidate rows and argon2id always runs at least once, against a dummy
    when there is no candidate.
    """
    code = crypto.code_normalise(code)
    candidates = []
    if len(code) == crypto.CODE_DIGITS:
        candidates = list(
            Complaint.objects.filter(
                code_index__in=crypto.code_index_candidates(code),
                purged_at__isnull=True,
            )
        )
    found = None
    if not candidates:
        salt, params = _dummy_fields()
        crypto.code_derive(code or "0", salt, params)
    for complaint in candidates:
        verifier, reporter_key = crypto.code_derive(
            code, bytes(complaint.code_salt), complaint.code_params
        )
        if found is None and crypto.verifier_matches(complaint.code_verifier, verifier):
            try:
                key = crypto.decrypt(reporter_key, bytes(complaint.reporter_grant))
            except crypto.DecryptionError:
                continue
            found = (complaint, key)
    return found


# --- Workspace access -----------------------------------------------------------------------


def access_workspace(*, request) -> None:
    """Staff + 2FA + integrity role, else PermissionDenied (superusers included)."""
    access_staff_area(request=request)
    if not user_has_role(user=request.user, role=roles.INTEGRITY_MEMBER):
        raise PermissionDenied


UNLOCK_WINDOW = 15 * 60


def unlock_fail_key(user) -> str:
    return f"complaints:unlock-fail:{user.pk}"


def unlock_attempts_exhausted(*, user) -> bool:
    """Five wrong passwords on the unlock form in 15 minutes stop that account's
    attempts (only that account's) until the window ends."""
    limit = conf.unlock_max_failures()
    return int(cache.get(unlock_fail_key(user)) or 0) >= limit


def access_workspace_key(*, request) -> bytes:
    access_workspace(request=request)
    private = unlock.private_key_from_request(request)
    if private is None:
        raise WorkspaceLocked
    record = MemberKey.objects.filter(user=request.user).first()
    if record is None:
        raise WorkspaceLocked
    from nacl.public import PrivateKey

    if bytes(PrivateKey(private).public_key) != bytes(record.public_key):
        raise WorkspaceLocked
    return private


def complaint_for_member(
    *, user, complaint_id: int, private_key: bytes
) -> tuple[Complaint, bytes]:
    """A case and its key for a member who holds a grant, else PermissionDenied (a pure
    read: the service `complaint_access_for_member` audit-logs every access)."""
    complaint = (
        Complaint.objects.select_related("category", "assignee")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise PermissionDenied
    grant = KeyGrant.objects.filter(complaint=complaint, member=user).first()
    if grant is None:
        raise PermissionDenied
    try:
        key = crypto.unseal(private_key, bytes(grant.sealed_key))
    except crypto.DecryptionError:
        raise PermissionDenied from None
    return complaint, key


def complaint_list(*, member, filters: dict):
    """The unit's queue. `unread`: reporter messages since the unit last wrote to the
    reporter or changed the stage."""
    last_unit_at = Subquery(
        Entry.objects.filter(
            complaint=OuterRef("pk"),
            kind__in=[Entry.Kind.TO_REPORTER, Entry.Kind.STAGE],
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    qs = (
        Complaint.objects.select_related("category", "assignee")
        .annotate(last_unit_at=last_unit_at)
        .annotate(
            granted=Count("grants", filter=Q(grants__member=member), distinct=True),
            unread=Count(
                "entries",
                filter=Q(entries__kind=Entry.Kind.FROM_REPORTER)
                & (
                    Q(last_unit_at__isnull=True)
                    | Q(entries__created_at__gt=F("last_unit_at"))
                ),
                distinct=True,
            ),
        )
    )
    if filters.get("stage"):
        qs = qs.filter(stage=filters["stage"])
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("priority"):
        qs = qs.filter(priority=filters["priority"])
    if filters.get("assignee") == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.get("assignee") == "me":
        qs = qs.filter(assignee=member)
    elif filters.get("assignee"):
        qs = qs.filter(assignee_id=filters["assignee"])
    now = timezone.now()
    deadline = filters.get("deadline")
    if deadline == "overdue":
        qs = qs.filter(_overdue_q(now))
    elif deadline == "open":
        qs = qs.exclude(stage__in=CLOSED_STAGES)
    elif deadline == "closed":
        qs = qs.filter(stage__in=CLOSED_STAGES)
    return qs.order_by("-priority", "response_due_at", "-id")


def _overdue_q(now):
    return Q(acknowledged_at__isnull=True, ack_due_at__lt=now) | Q(
        stage__in=list(RESPONSE_STAGES), response_due_at__lt=now
    )


def complaint_overdue(complaint: Complaint, now=None) -> dict:
    now = now or timezone.now()
    ack = complaint.acknowledged_at is None and complaint.ack_due_at < now
    response = complaint.stage in RESPONSE_STAGES and complaint.response_due_at < now
    return {"ack": ack, "response": response, "any": ack or response}


def _text(key: bytes, data) -> str:
    if data is None:
        return ""
    return crypto.decrypt(key, bytes(data)).decode()


def complaint_body(complaint: Complaint, key: bytes) -> dict:
    if complaint.sealed_body is None:
        return {}
    return json.loads(crypto.decrypt(key, bytes(complaint.sealed_body)))


def attachment_meta(attachment: Attachment, key: bytes) -> dict:
    meta = json.loads(crypto.decrypt(key, bytes(attachment.sealed_meta)))
    meta["id"] = attachment.pk
    meta["entry_id"] = attachment.entry_id
    meta["from_reporter"] = attachment.from_reporter
    return meta


def complaint_detail(complaint: Complaint, key: bytes, *, for_reporter: bool) -> dict:
    """Decrypted body, timeline and attachments; the reporter never sees internal notes
    nor the note of a stage change unless it was made public."""
    entries = []
    for entry in complaint.entries.select_related("author").all():
        if for_reporter and entry.kind == Entry.Kind.NOTE:
            continue
        text = _text(key, entry.sealed_text)
        if for_reporter and entry.kind == Entry.Kind.STAGE and not entry.is_public:
            text = ""
        entries.append(
            {
                "entry": entry,
                "kind": entry.kind,
                "text": text,
                "stage_to_label": dict(Stage.choices).get(entry.stage_to, ""),
                "author": (
                    None
                    if for_reporter
                    else (entry.author.display_name or entry.author.email)
                    if entry.author
                    else None
                ),
            }
        )
    attachments = [attachment_meta(a, key) for a in complaint.attachments.all()]
    return {
        "body": complaint_body(complaint, key),
        "entries": entries,
        "attachments": attachments,
        "timeline": stage_timeline(complaint),
        "referrals": complaint_referrals(complaint, key),
    }


def stage_timeline(complaint: Complaint) -> list[dict]:
    if complaint.stage == Stage.ARCHIVED:
        reached = {
            e.stage_from for e in complaint.entries.all() if e.kind == Entry.Kind.STAGE
        }
        steps = [s for s in STAGE_PATH if s in reached] + [Stage.ARCHIVED]
    else:
        steps = list(STAGE_PATH)
    current = steps.index(Stage(complaint.stage))
    return [
        {
            "label": Stage(s).label,
            "state": "done" if i < current else "current" if i == current else "todo",
        }
        for i, s in enumerate(steps)
    ]


def attachment_read(*, complaint: Complaint, key: bytes, attachment_id: int):
    from .services import blob_read

    attachment = Attachment.objects.filter(
        complaint=complaint, pk=attachment_id
    ).first()
    if attachment is None:
        raise PermissionDenied
    meta = attachment_meta(attachment, key)
    data = crypto.decrypt(key, blob_read(attachment))
    return meta, data


def member_list():
    from .services import integrity_members

    members = list(integrity_members().order_by("email"))
    keys = dict(
        MemberKey.objects.filter(user__in=members).values_list("user_id", "approved_at")
    )
    counts = dict(
        KeyGrant.objects.filter(member__in=members)
        .values_list("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    total = Complaint.objects.filter(purged_at__isnull=True).count()
    return [
        {
            "user": m,
            "has_key": m.pk in keys,
            "approved": keys.get(m.pk) is not None,
            "cases": counts.get(m.pk, 0),
            "total": total,
        }
        for m in members
    ]


# --- Public aggregates ------------------------------------------------------------------------


def _suppress(value):
    return value if value is not None and value >= SUPPRESS_BELOW else None


def public_statistics() -> dict:
    """Aggregates only (docs/threat-model.md); any count under 5 is None."""
    rows = Complaint.objects.aggregate(
        received=Count("id"),
        attended=Count("id", filter=Q(stage__in=list(ATTENDED_STAGES))),
        ratings=Count("rating"),
        average_rating=Avg("rating"),
    )
    received = rows["received"]
    attended = _suppress(rows["attended"])
    by_channel_raw = dict(
        Complaint.objects.values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    by_stage_raw = dict(
        Complaint.objects.values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    ack_days = [
        (ack - rec).total_seconds() / 86400
        for rec, ack in Complaint.objects.filter(acknowledged_at__isnull=False)
        .values_list("received_at", "acknowledged_at")
        .iterator()
        if ack is not None  # the filter says so; this tells the type checker
    ]
    ratings = _suppress(rows["ratings"])
    return {
        "received": _suppress(received),
        "attended": attended,
        "attended_ratio": round(attended / received, 3)
        if attended is not None and received
        else None,
        "by_channel": [
            {
                "channel": value,
                "label": str(label),
                "count": _suppress(by_channel_raw.get(value, 0)),
            }
            for value, label in Channel.choices
        ],
        "by_stage": [
            {
                "stage": value,
                "label": str(label),
                "count": _suppress(by_stage_raw.get(value, 0)),
            }
            for value, label in Stage.choices
        ],
        "median_days_to_acknowledge": round(statistics.median(ack_days), 1)
        if len(ack_days) >= SUPPRESS_BELOW
        else None,
        "average_rating": round(rows["average_rating"], 2)
        if ratings is not None
        else None,
        "ratings": ratings,
        "suppressed_below": SUPPRESS_BELOW,
    }


# Table Schema of `dataset:estadisticas-denuncias` (openlima/tableschema.py); an
# empty value is a figure below the suppression threshold.
STATISTICS_SCHEMA = table_schema(
    ("dimension", "string", "Dimensión"),
    ("category", "string", "Categoría"),
    ("label", "string", "Etiqueta"),
    ("value", "number", "Valor"),
    primary_key=("dimension", "category"),
)


def statistics_dataset() -> dict:
    """`dataset:estadisticas-denuncias`: the public figures as a platform dataset."""
    rows = _statistics_rows(public_statistics())
    return {
        "title": _("Estadísticas de denuncias de %(name)s")
        % {"name": city.text("complaints_name")},
        "description": _(
            "Cifras agregadas de las denuncias recibidas por %(name)s: por canal, por "
            "etapa, atención y valoración. Las cifras menores que 5 se omiten (vacías) "
            "para proteger a las personas denunciantes."
        )
        % {"name": city.text("complaints_name")},
        "publisher_slug": roles.role_unit_slug(roles.INTEGRITY_MEMBER),
        "tags": ["denuncias", "integridad", "anticorrupción"],
        "columns": schema_columns(STATISTICS_SCHEMA),
        "rows": [{**r, "label": str(r["label"])} for r in rows],
        "schema": STATISTICS_SCHEMA,
    }


def _statistics_rows(stats: dict) -> list[dict[str, Any]]:
    """The public figures as rows (dimension, category, label, value): totals, ratings,
    then one per channel and per stage."""
    rows: list[dict[str, Any]] = [
        {
            "dimension": "total",
            "category": "received",
            "label": _("Recibidas"),
            "value": stats["received"],
        },
        {
            "dimension": "total",
            "category": "attended",
            "label": _("Atendidas"),
            "value": stats["attended"],
        },
        {
            "dimension": "total",
            "category": "attended_ratio",
            "label": _("Atendidas / recibidas"),
            "value": stats["attended_ratio"],
        },
        {
            "dimension": "total",
            "category": "median_days_to_acknowledge",
            "label": _("Mediana de días hasta el acuse"),
            "value": stats["median_days_to_acknowledge"],
        },
        {
            "dimension": "rating",
            "category": "average",
            "label": _("Valoración media"),
            "value": stats["average_rating"],
        },
        {
            "dimension": "rating",
            "category": "count",
            "label": _("Valoraciones"),
            "value": stats["ratings"],
        },
    ]
    rows += [
        {
            "dimension": "channel",
            "category": c["channel"],
            "label": c["label"],
            "value": c["count"],
        }
        for c in stats["by_channel"]
    ]
    rows += [
        {
            "dimension": "stage",
            "category": s["stage"],
            "label": s["label"],
            "value": s["count"],
        }
        for s in stats["by_stage"]
    ]
    return rows


# --- ARCO (Ley 29733): personal data ------------------------------------------------------


def personal_data(*, user) -> dict:
    """`personal_data:complaints`: complaints are anonymous and never linked to an account,
    so a citizen has nothing here. For an integrity member: when their key was created
    and approved, how many case keys are sealed to it and how many cases they are assigned
    (never the keys themselves nor any case content)."""
    key = (
        MemberKey.objects.filter(user=user).values("created_at", "approved_at").first()
    )
    grants = KeyGrant.objects.filter(member=user).count()
    assigned = Complaint.objects.filter(assignee=user).count()
    member = None
    if key is not None or grants or assigned:
        member = {
            "key_created_at": key["created_at"].isoformat() if key else None,
            "key_approved_at": key["approved_at"].isoformat()
            if key and key["approved_at"]
            else None,
            "case_keys": grants,
            "assigned_cases": assigned,
        }
    summary: list[list[Any]] = [
        [
            _("Denuncias"),
            _("Las denuncias son anónimas y nunca se vinculan a su cuenta."),
        ]
    ]
    if member is not None:
        summary += [
            [_("Casos a los que tiene acceso (miembro de la unidad)"), grants],
            [_("Casos asignados a ti"), assigned],
        ]
    return {"summary": summary, "integrity_member": member}


# --- Inter-institutional tracker ------------------------------------------------------------


def partner_list():
    from .models import PartnerInstitution

    return PartnerInstitution.objects.annotate(referral_count=Count("referrals"))


def referral_for_institution(*, institution, reference: str):
    from .models import Referral

    return (
        Referral.objects.filter(
            reference=str(reference or "")[:32], institution=institution
        )
        .prefetch_related("events")
        .first()
    )


def complaint_referrals(complaint, key: bytes) -> list[dict]:
    """Referrals of a case with the institutions' events, notes decrypted (the referral's
    private key is encrypted with the complaint key)."""
    out = []
    for referral in complaint.referrals.select_related("institution").prefetch_related(
        "events"
    ):
        try:
            private = crypto.decrypt(key, bytes(referral.sealed_private_key))
        except crypto.DecryptionError:
            private = None
        events = []
        for event in referral.events.all():
            note = ""
            if event.sealed_note and private is not None:
                try:
                    note = crypto.unseal(private, bytes(event.sealed_note)).decode()
                except crypto.DecryptionError:
                    note = ""
            events.append(
                {
                    "stage": event.stage,
                    "stage_label": event.get_stage_display(),
                    "occurred_on": event.occurred_on,
                    "note": note,
                }
            )
        out.append(
            {
                "institution": referral.institution.name,
                "reference": referral.reference,
                "created_at": referral.created_at,
                "events": events,
            }
        )
    return out


def home_card() -> HomeCard:
    """`home_card:complaints`: Lima Honesta on the home page (named as the city profile names it)."""
    return {
        "title": city.city()["complaints_name"],
        "summary": _(
            "Denuncie actos de corrupción de forma anónima y segura. Recibirá un código para seguir su caso; solo la Unidad de Integridad puede leerlo."
        ),
        "url": reverse("complaints:index"),
        "order": 20,
    }


def home_indicator_blocks() -> list[HomeIndicatorBlock]:
    """`home_indicators:complaints`: where the home page shows `indicators:complaints`."""
    return [
        {"place": "figures", "template": "complaints/home/figures.html", "order": 20},
        {"place": "charts", "template": "complaints/home/charts.html", "order": 10},
    ]


def home_charts(*, figures: dict[str, Any]) -> HomeCharts:
    """`home_charts:complaints`: complaints by channel, drawn from `public_statistics`
    (a suppressed count is drawn without a bar)."""
    return {"channel_bars": charts.bars(figures.get("by_channel") or [])}
