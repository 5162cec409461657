"""Public and workspace lists, site search and suggestions."""

import re

from django.conf import settings
from django.db.models import Count, FloatField, Prefetch, Q, Value
from django.utils.translation import gettext as _

from openlima.search import text_search

from ..models import (
    ANSWERED_STATES,
    OPEN_STATES,
    Document,
    InformationRequest,
    State,
)
from .access import _base
from .rules import PAGE_SIZE

__all__ = [
    "public_request_list",
    "requests_of",
    "workspace_list",
    "answered_search",
    "site_search",
    "suggestions",
]


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
        qs = text_search(
            qs, fields=["public_title", "public_text", "answer_text"], query=q
        )
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
    fields = ["public_title", "public_text", "answer_text"]
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
        qs.order_by("-rank", "-id").only(
            "number", "public_title", "public_text", "state"
        )[:limit]
    )


def site_search(*, query: str, limit: int, any_word: bool = False) -> list[dict]:
    """`search:information`: answered requests (title, question and answer)."""
    return [
        {
            "kind": "information_request",
            "kind_label": _("Solicitud de información respondida"),
            "title": f"{r.number} · {r.public_title}",
            "summary": r.public_text[:240],
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
