"""Every read and permission check of access-to-information requests.

Who may do what (docs/information-requests.md):
- anyone: the public page of a request (no requester identity), published documents;
- the requester (a citizen with a verified e-mail): their own request's private page
  (deadline, extension, messages), and messages to the city;
- the transparency officer (staff + 2FA + `transparency_officer`): everything in the
  workspace, including the requester's identity;
- a unit editor (staff + 2FA + `unit_editor`) of the unit the request is assigned to:
  reads the request (not the requester's identity), answers it, adds documents, writes
  messages. Extensions, denials, redaction, publishing and delivery are the officer's.
"""

import datetime
import re
import statistics
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, FloatField, Prefetch, Q, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import calendar, roles
from openlima.search import text_search
from openlima.selectors import user_has_role, user_public_label
from openlima.tableschema import table_schema

from .models import (
    ANSWERED_STATES,
    OPEN_STATES,
    Document,
    InformationRequest,
    LegalException,
    Message,
    State,
)

PAGE_SIZE = 20
DATASET_KEY = "estadisticas-solicitudes-informacion"


# --- rules read from settings (defaults here, once) -------------------------------------


def response_business_days() -> int:
    # TUO Ley 27806 art. 11 b): ten business days.
    return int(getattr(settings, "INFORMATION_RESPONSE_BUSINESS_DAYS", 10))


def extension_max_business_days() -> int:
    """How many business days an extension may add to the legal deadline."""
    return int(getattr(settings, "INFORMATION_EXTENSION_MAX_BUSINESS_DAYS", 10))


def extension_notice_business_days() -> int:
    # TUO art. 11 b): the extension is communicated within two business days of receipt.
    return int(getattr(settings, "INFORMATION_EXTENSION_NOTICE_BUSINESS_DAYS", 2))


def reminder_business_days() -> int:
    return int(getattr(settings, "INFORMATION_REMINDER_BUSINESS_DAYS", 2))


def copy_cost_per_page() -> str:
    return str(getattr(settings, "INFORMATION_COPY_COST_PER_PAGE", "0.10"))


def max_document_bytes() -> int:
    return int(getattr(settings, "INFORMATION_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


DOCUMENT_KINDS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "json", "jpeg", "png"]


# --- people and permissions -------------------------------------------------------------


def user_can_file(*, user) -> bool:
    """A registered citizen with a verified e-mail address."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.deleted_at:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def user_is_officer(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user_has_role(user=user, role=roles.TRANSPARENCY_OFFICER)
    )


def user_is_unit_editor(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.org_unit_id
        and user_has_role(user=user, role=roles.UNIT_EDITOR)
    )


def user_can_work_on(*, user, info_request) -> bool:
    """Officer, or a unit editor of the unit the request is assigned to."""
    if user_is_officer(user=user):
        return True
    return bool(
        info_request.unit_id
        and info_request.state != State.RECEIVED
        and user_is_unit_editor(user=user)
        and user.org_unit_id == info_request.unit_id
    )


def access_workspace(*, user) -> str:
    """'officer' or 'unit', else PermissionDenied (the view has checked staff + 2FA)."""
    if user_is_officer(user=user):
        return "officer"
    if user_is_unit_editor(user=user):
        return "unit"
    raise PermissionDenied


def _base():
    return InformationRequest.objects.select_related(
        "unit", "requester", "requester__district"
    )


def _by_number(number) -> InformationRequest:
    number = str(number or "")[:20]
    if not number or "\x00" in number:
        raise Http404
    obj = _base().filter(number=number).first()
    if obj is None:
        raise Http404
    return obj


def access_request_public(*, number) -> InformationRequest:
    return _by_number(number)


def access_request_as_requester(*, user, number) -> InformationRequest:
    obj = _by_number(number)
    if not getattr(user, "is_authenticated", False) or obj.requester_id != user.pk:
        raise PermissionDenied
    return obj


def user_is_requester(*, user, info_request) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and info_request.requester_id == user.pk
    )


def access_request_for_work(*, user, number) -> InformationRequest:
    obj = _by_number(number)
    if not user_can_work_on(user=user, info_request=obj):
        raise PermissionDenied
    return obj


def access_document(*, document_id, info_request) -> Document:
    try:
        return info_request.documents.get(pk=int(document_id))
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_public_document(*, number, document_id) -> Document:
    info_request = _by_number(number)
    doc = access_document(document_id=document_id, info_request=info_request)
    if not doc.is_public:
        raise Http404
    return doc


# --- how a request is shown ---------------------------------------------------------------


def requester_label(*, info_request) -> str:
    """The only thing ever shown publicly about who asked."""
    if info_request.show_anonymous or info_request.requester is None:
        return _("Solicitante anónimo")
    return user_public_label(user=info_request.requester)


def deadline_info(*, info_request, today=None) -> dict:
    today = today or calendar.local_date(timezone.now())
    due = info_request.effective_due_on
    cal = calendar.Calendar()
    if info_request.is_open:
        left = cal.business_days_between(today, due) if today <= due else 0
        late = cal.business_days_between(due, today) if today > due else 0
    else:
        left = late = 0
    return {
        "due_on": due,
        "legal_due_on": info_request.due_on,
        "extended": bool(info_request.extended_due_on),
        "business_days_left": left,
        "business_days_late": late,
        "overdue": info_request.is_overdue,
    }


def public_documents(*, info_request):
    return [d for d in info_request.documents.all() if d.is_public]


def request_messages(*, info_request):
    return list(info_request.messages.select_related("author"))


# --- lists ---------------------------------------------------------------------------------


def public_request_list(*, q: str = "", state: str = "", page: int = 1):
    qs = _base().prefetch_related(
        Prefetch(
            "documents",
            queryset=Document.objects.filter(published_at__isnull=False),
        )
    )
    if state in State.values:
        qs = qs.filter(state=state)
    if q:
        qs = text_search(qs, fields=["title", "text", "answer_text"], query=q)
        qs = qs.order_by("-rank", "-received_at", "-id")
    else:
        qs = qs.order_by("-received_at", "-id")
    from django.core.paginator import Paginator

    paginator = Paginator(qs, PAGE_SIZE)
    return paginator.get_page(page)


def requests_of(*, user):
    return _base().filter(requester=user).order_by("-received_at", "-id")


def workspace_list(*, user, role: str, state: str = "", unit_id=None, limit=200):
    qs = _base().annotate(
        document_count=Count("documents"),
    )
    if role == "unit":
        qs = qs.filter(unit_id=user.org_unit_id).exclude(state=State.RECEIVED)
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in State.values:
        qs = qs.filter(state=state)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return list(qs.order_by("due_on", "id")[:limit])


# --- search ------------------------------------------------------------------------------


def answered_search(*, query: str, limit: int, any_word: bool = False):
    """Answered requests matching `query` (every word), or with `any_word` any of its
    significant words (to suggest answers before filing), best first."""
    qs = InformationRequest.objects.filter(state__in=ANSWERED_STATES)
    fields = ["title", "text", "answer_text"]
    if any_word:
        words = [w for w in re.findall(r"\w+", query or "") if len(w) >= 4][:8]
        if not words:
            return []
        if settings.IS_POSTGRES:
            qs = text_search(qs, fields=fields, query=" or ".join(words))
        else:
            condition = Q()
            for word in words:
                for field in fields:
                    condition |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(condition).annotate(
                rank=Value(1.0, output_field=FloatField())
            )
    else:
        qs = text_search(qs, fields=fields, query=query)
    return list(
        qs.order_by("-rank", "-id").only("number", "title", "text", "state")[:limit]
    )


def site_search(*, query: str, limit: int, any_word: bool = False) -> list[dict]:
    """`search:information`: answered requests (title, question and answer)."""
    return [
        {
            "kind": "information_request",
            "kind_label": _("Solicitud de información respondida"),
            "title": f"{r.number} · {r.title}",
            "summary": r.text[:240],
            "url": r.get_absolute_url(),
            "rank": float(getattr(r, "rank", 1.0)),
        }
        for r in answered_search(query=query, limit=limit, any_word=any_word)
    ]


def suggestions(*, query: str, title: str = "", limit: int = 5) -> dict:
    """Before filing: answered requests and datasets that may already hold the answer."""
    from openlima import registry

    query = (query or "").strip()[:200]
    if not query:
        return {"requests": [], "datasets": []}
    datasets: dict[str, dict] = {}
    provider = registry.provider("search:opendata")
    # The catalogue's search wants every word; look for the title's longest words one by
    # one (at most three look-ups, only when the citizen asks for suggestions).
    words = sorted(
        {w for w in re.findall(r"\w+", title or query) if len(w) >= 4},
        key=lambda w: (-len(w), w),
    )[:3]
    for word in words if provider is not None else []:
        try:
            found = provider(query=word, limit=limit)
        except Exception:  # site search must never stop a citizen from filing
            found = []
        for r in found:
            if r.get("kind") == "dataset":
                datasets.setdefault(r["url"], r)
    return {
        "requests": site_search(query=query, limit=limit, any_word=True),
        "datasets": list(datasets.values())[:limit],
    }


# --- statistics ---------------------------------------------------------------------------


def _answer_days(rows, cal) -> dict[int, int]:
    out = {}
    for r in rows:
        if r["answered_at"]:
            out[r["id"]] = cal.business_days_between(
                calendar.local_date(r["received_at"]),
                calendar.local_date(r["answered_at"]),
            )
    return out


def statistics_rows() -> list[dict]:
    """One row per month received and unit: the figures of the law's annual report."""
    cal = calendar.Calendar()
    rows = list(
        InformationRequest.objects.values(
            "id",
            "received_at",
            "answered_at",
            "due_on",
            "extended_due_on",
            "state",
            "denial_exception",
            "unit__name",
        ).order_by("received_at", "id")
    )
    days = _answer_days(rows, cal)
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        month = calendar.local_date(r["received_at"]).strftime("%Y-%m")
        groups[(month, r["unit__name"] or _("Sin asignar"))].append(r)
    out = []
    for (month, unit), items in sorted(groups.items()):
        answered = [r for r in items if r["answered_at"]]
        on_time = [
            r
            for r in answered
            if calendar.local_date(r["answered_at"])
            <= (r["extended_due_on"] or r["due_on"])
        ]
        exceptions = Counter(
            r["denial_exception"] for r in items if r["denial_exception"]
        )
        answer_days = [days[r["id"]] for r in answered]
        out.append(
            {
                "month": month,
                "unit": unit,
                "received": len(items),
                "answered": len(answered),
                "answered_on_time": len(on_time),
                "answered_late": len(answered) - len(on_time),
                "extended": sum(1 for r in items if r["extended_due_on"]),
                "denied": sum(1 for r in items if r["state"] == State.DENIED),
                "partially_denied": sum(
                    1 for r in items if r["state"] == State.PARTIALLY_DENIED
                ),
                "pending": sum(1 for r in items if r["state"] in OPEN_STATES),
                "overdue": sum(1 for r in items if r["state"] == State.OVERDUE),
                "median_business_days": (
                    statistics.median(answer_days) if answer_days else None
                ),
                "exceptions": ";".join(
                    f"{k}:{v}" for k, v in sorted(exceptions.items())
                ),
            }
        )
    return out


def statistics_summary() -> dict:
    """The public statistics page: totals, per month, per unit, per exception."""
    cal = calendar.Calendar()
    rows = list(
        InformationRequest.objects.values(
            "id",
            "received_at",
            "answered_at",
            "due_on",
            "extended_due_on",
            "state",
            "denial_exception",
        )
    )
    days = _answer_days(rows, cal)
    answered = [r for r in rows if r["answered_at"]]
    on_time = sum(
        1
        for r in answered
        if calendar.local_date(r["answered_at"])
        <= (r["extended_due_on"] or r["due_on"])
    )
    labels = dict(LegalException.choices)
    exceptions = Counter(r["denial_exception"] for r in rows if r["denial_exception"])
    by_unit = list(
        InformationRequest.objects.values("unit__name")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
        )
        .order_by("-received", "unit__name")
    )
    by_month = Counter(
        calendar.local_date(r["received_at"]).strftime("%Y-%m") for r in rows
    )
    return {
        "total": len(rows),
        "answered": len(answered),
        "answered_on_time": on_time,
        "extended": sum(1 for r in rows if r["extended_due_on"]),
        "denied": sum(1 for r in rows if r["state"] == State.DENIED),
        "partially_denied": sum(
            1 for r in rows if r["state"] == State.PARTIALLY_DENIED
        ),
        "pending": sum(1 for r in rows if r["state"] in OPEN_STATES),
        "overdue": sum(1 for r in rows if r["state"] == State.OVERDUE),
        "median_business_days": (statistics.median(days.values()) if days else None),
        "by_month": sorted(by_month.items()),
        "by_unit": [
            {
                "unit": u["unit__name"] or _("Sin asignar"),
                "received": u["received"],
                "answered": u["answered"],
            }
            for u in by_unit
        ],
        "by_exception": [
            {"code": k, "label": labels.get(k, k), "count": v}
            for k, v in exceptions.most_common()
        ],
    }


STAT_COLUMNS = [
    "month",
    "unit",
    "received",
    "answered",
    "answered_on_time",
    "answered_late",
    "extended",
    "denied",
    "partially_denied",
    "pending",
    "overdue",
    "median_business_days",
    "exceptions",
]


# Table Schema of the statistics dataset (openlima/tableschema.py).
STAT_SCHEMA = table_schema(
    ("month", "yearmonth", "Mes de recepción"),
    ("unit", "string", "Unidad"),
    ("received", "integer", "Recibidas"),
    ("answered", "integer", "Respondidas"),
    ("answered_on_time", "integer", "Respondidas en plazo"),
    ("answered_late", "integer", "Respondidas fuera de plazo"),
    ("extended", "integer", "Prorrogadas"),
    ("denied", "integer", "Denegadas"),
    ("partially_denied", "integer", "Denegadas parcialmente"),
    ("pending", "integer", "Pendientes"),
    ("overdue", "integer", "Vencidas"),
    ("median_business_days", "number", "Mediana de días hábiles hasta la respuesta"),
    ("exceptions", "string", "Denegatorias por excepción (código:cantidad)"),
    primary_key=("month", "unit"),
)


def statistics_dataset() -> dict:
    """`dataset:estadisticas-solicitudes-informacion` (aggregates only, no person)."""
    return {
        "title": _("Estadísticas de solicitudes de acceso a la información pública"),
        "description": _(
            "Solicitudes de acceso a la información pública (Ley 27806) por mes de "
            "recepción y unidad: recibidas, respondidas dentro y fuera del plazo, "
            "prorrogadas, denegadas (total o parcialmente), pendientes, vencidas, mediana "
            "de días hábiles hasta la respuesta y denegatorias por excepción legal "
            "(código:cantidad). Sin datos personales."
        ),
        "publisher_slug": "secretaria-general",
        "tags": ["acceso a la información", "transparencia", "Ley 27806"],
        "columns": STAT_COLUMNS,
        "rows": statistics_rows(),
        "schema": STAT_SCHEMA,
    }


# --- reminders ----------------------------------------------------------------------------


def requests_needing_reminders(*, today: datetime.date):
    return list(
        InformationRequest.objects.filter(state__in=OPEN_STATES).select_related("unit")
    )


def officer_emails() -> list[str]:
    from openlima.models import User

    return list(
        User.objects.filter(
            is_active=True,
            is_staff=True,
            groups__name=roles.TRANSPARENCY_OFFICER,
        )
        .values_list("email", flat=True)
        .distinct()
    )


def unit_editor_emails(*, unit_id) -> list[str]:
    from openlima.models import User

    if not unit_id:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            is_staff=True,
            org_unit_id=unit_id,
            groups__name=roles.UNIT_EDITOR,
        )
        .values_list("email", flat=True)
        .distinct()
    )


# --- ARCO (Ley 29733) ------------------------------------------------------------------------


def personal_data(*, user) -> dict:
    """`personal_data:information`: the person's own requests and identity as given
    (the document number is not repeated: the registry contract forbids it)."""
    requests = list(
        InformationRequest.objects.filter(requester=user)
        .order_by("received_at", "id")
        .values(
            "number",
            "title",
            "text",
            "state",
            "received_at",
            "requester_name",
            "address",
            "contact_email",
            "show_anonymous",
            "delivery_form",
        )
    )
    message_count = Message.objects.filter(
        request__requester=user, from_city=False
    ).count()
    for r in requests:
        r["received_at"] = r["received_at"].isoformat()
    return {
        "summary": [
            [_("Solicitudes de acceso a la información"), len(requests)],
            [_("Mensajes enviados a la municipalidad"), message_count],
        ],
        "information_requests": requests,
    }


def workspace_url(info_request) -> str:
    return reverse("information:work_detail", args=[info_request.number])


def api_requests():
    return (
        InformationRequest.objects.select_related(
            "unit", "requester", "requester__district"
        )
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.filter(published_at__isnull=False),
            )
        )
        .order_by("-received_at", "-id")
    )
