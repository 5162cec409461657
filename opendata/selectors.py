"""Every read of the open data catalogue: catalogue and facets, dataset pages, counters,
transparency sections, site search and the home page indicators."""

import datetime as dt
import logging
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openlima import registry

from .models import (
    Dataset,
    DatasetDailyStat,
    License,
    Resource,
    ResourceDailyStat,
    ResourceVersion,
    Tag,
    TransparencyCategory,
    TransparencyDocument,
)
from .search import stored_text_filter, stored_text_search

logger = logging.getLogger(__name__)

FACET_FIELDS = {
    "topic": "groups",
    "publisher": "organization",
    "format": "res_format",
    "license": "license_id",
}
SORTS = {
    "recientes": ("-modified_at", "-id"),
    "titulo": ("title", "id"),
    "antiguos": ("modified_at", "id"),
}


def dataset_published_qs():
    return Dataset.objects.filter(state=Dataset.State.PUBLISHED)


def dataset_card_qs(qs):
    """What a list of datasets shows, in a bounded number of queries."""
    return qs.select_related("publisher").prefetch_related(
        "topics",
        Prefetch(
            "resources", queryset=Resource.objects.only("id", "dataset_id", "format")
        ),
    )


def district_by_code(*, code: str):
    """The district of a UBIGEO or slug (the `?distrito=` of the catalogue), or None."""
    if not code:
        return None
    from openlima.models import District

    return District.objects.filter(Q(ubigeo=code) | Q(slug=code)).first()


def catalogue_search(
    *,
    q: str = "",
    topic: str = "",
    publisher: str = "",
    format: str = "",
    license: str = "",
    sort: str = "",
    district: str = "",
):
    """The filtered catalogue and its facets (counts computed on the filtered set).
    `district` (a UBIGEO or a district slug) is what the DCAT `dct:spatial` URIs of
    the datasets point to (`/datos/?distrito=150122`)."""
    qs = dataset_published_qs()
    if district:
        qs = qs.filter(
            id__in=Dataset.districts.through.objects.filter(
                Q(district__ubigeo=district) | Q(district__slug=district)
            ).values("dataset_id")
        )
    # Semi-joins rather than joins + DISTINCT: the page is then read in modified_at
    # order and stops at 20 rows instead of sorting every match.
    if topic:
        qs = qs.filter(
            id__in=Dataset.topics.through.objects.filter(topic__slug=topic).values(
                "dataset_id"
            )
        )
    if publisher:
        qs = qs.filter(publisher__slug=publisher)
    if format:
        qs = qs.filter(
            id__in=Resource.objects.filter(format__iexact=format).values("dataset_id")
        )
    if license:
        qs = qs.filter(license=license)
    if q.strip():
        # The stored, GIN-indexed vector: cheap to repeat in every facet subquery.
        qs = stored_text_filter(qs, query=q)
    from .ckan import cached_facet_rows

    base_ids = qs.values("id")
    facets = {}
    facet_key = [
        "catalogue",
        q.strip(),
        topic,
        publisher,
        format.upper(),
        license,
        district,
    ]
    for key, field in FACET_FIELDS.items():
        rows = cached_facet_rows(field, base_ids, key=facet_key, limit=30)
        facets[key] = [
            (
                r["facet_name"],
                dict(License.choices).get(r["facet_label"], r["facet_label"])
                if key == "license"
                else r["facet_label"],
                r["count"],
            )
            for r in rows
            if r["facet_name"]
        ]
    qs = qs.order_by(*SORTS.get(sort, SORTS["recientes"]))
    return dataset_card_qs(qs), facets


def _dataset_page_qs():
    return Dataset.objects.select_related("publisher").prefetch_related(
        "topics",
        "tags",
        "districts",
        Prefetch(
            "resources",
            queryset=Resource.objects.prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ResourceVersion.objects.defer("preview").order_by(
                        "-number"
                    ),
                )
            ),
        ),
    )


def access_dataset_by_slug(*, slug: str) -> Dataset:
    """A published or withdrawn dataset (withdrawn ones show their reason, no files)."""
    dataset = (
        _dataset_page_qs()
        .filter(slug=slug, state__in=[Dataset.State.PUBLISHED, Dataset.State.WITHDRAWN])
        .first()
    )
    if dataset is None:
        raise Http404
    return dataset


def dataset_for_preview(*, pk) -> Dataset:
    """Any dataset, whatever its state, for the staff preview in /gestion/ (the caller
    checks the publisher's permission)."""
    dataset = _dataset_page_qs().filter(pk=pk).first()
    if dataset is None:
        raise Http404
    return dataset


def resource_previews(*, dataset: Dataset) -> dict[int, dict]:
    """Preview of the latest version of each tabular resource, keyed by resource id."""
    previews: dict[int, dict[str, Any]] = {}
    rows = (
        ResourceVersion.objects.filter(
            resource__dataset=dataset, format__in=["CSV", "XLSX"]
        )
        .order_by("resource_id", "-number")
        .values("resource_id", "number", "preview")
    )
    for row in rows:
        previews.setdefault(row["resource_id"], row["preview"])
    return previews


def dataset_counts(*, dataset: Dataset) -> dict:
    totals = DatasetDailyStat.objects.filter(dataset=dataset).aggregate(
        views=Sum("views"), downloads=Sum("downloads")
    )
    return {"views": totals["views"] or 0, "downloads": totals["downloads"] or 0}


def resource_download_totals(*, dataset: Dataset) -> dict[int, int]:
    return dict(
        ResourceDailyStat.objects.filter(resource__dataset=dataset)
        .values("resource_id")
        .annotate(total=Sum("downloads"))
        .values_list("resource_id", "total")
    )


def access_resource_download(*, slug: str, resource_uuid, number: int | None = None):
    """The file to serve for a published dataset's resource (latest or one version)."""
    resource = (
        Resource.objects.filter(
            uuid=resource_uuid,
            dataset__slug=slug,
            dataset__state=Dataset.State.PUBLISHED,
        )
        .select_related("dataset")
        .first()
    )
    if resource is None:
        raise Http404
    versions = resource.versions.defer("preview")
    version = (
        versions.filter(number=number).first()
        if number
        else versions.order_by("-number").first()
    )
    return resource, version


# --- Transparency ---------------------------------------------------------------------


def transparency_published_qs():
    return TransparencyDocument.objects.filter(publish_at__lte=timezone.now())


def transparency_sections() -> list[dict]:
    stats = {
        row["category"]: row
        for row in transparency_published_qs()
        .values("category")
        .annotate(count=Count("id"), last=Max("publish_at"))
    }
    return [
        {
            "slug": value,
            "label": label,
            "count": stats.get(value, {}).get("count", 0),
            "last_update": stats.get(value, {}).get("last"),
        }
        for value, label in TransparencyCategory.choices
    ]


def transparency_section(*, slug: str) -> dict:
    if slug not in TransparencyCategory.values:
        raise Http404
    return {
        "slug": slug,
        "label": TransparencyCategory(slug).label,
        "documents": transparency_published_qs()
        .filter(category=slug)
        .select_related("dataset")
        .order_by("-publish_at", "-id"),
    }


def access_transparency_document(*, pk: int) -> TransparencyDocument:
    doc = transparency_published_qs().filter(pk=pk).exclude(file="").first()
    if doc is None:
        raise Http404
    return doc


# --- Site search ----------------------------------------------------------------------


def site_search(*, query: str, limit: int) -> list[dict]:
    """Provider `search:opendata`: datasets and transparency documents."""
    results = []
    for d in stored_text_search(dataset_published_qs(), query=query).only(
        "slug", "title", "description"
    )[:limit]:
        results.append(
            {
                "kind": "dataset",
                "kind_label": _("Conjunto de datos"),
                "title": d.title,
                "summary": d.description[:240],
                "url": d.get_absolute_url(),
                "rank": float(d.rank),
            }
        )
    for doc in stored_text_search(transparency_published_qs(), query=query).only(
        "id", "title", "description", "category"
    )[:limit]:
        results.append(
            {
                "kind": "transparency",
                "kind_label": _("Documento de transparencia"),
                "title": doc.title,
                "summary": doc.description[:240],
                "url": reverse(
                    "opendata:transparency_section", kwargs={"slug": doc.category}
                ),
                "rank": float(doc.rank),
            }
        )
    return results


def search_everything(*, query: str, limit: int = 50) -> list[dict]:
    """Results of every `search:` provider merged and ranked, best first."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    results = []
    for name, func in registry.providers("search:").items():
        try:
            results.extend(func(query=query, limit=limit))
        except Exception:  # an app's failure must not break site search
            logger.exception("search provider %s failed", name)
    results.sort(key=lambda r: -float(r.get("rank") or 0))
    return results[:limit]


# --- Home page indicators ---------------------------------------------------------------

INDICATORS_TIMEOUT = 15 * 60


def _indicators_key() -> str:
    return f"opendata:home_indicators:{translation.get_language() or 'es'}"


def _bars(items, *, value_key="count", label_key="label", width=260) -> dict:
    """A horizontal bar chart drawn on the server: rows with bar widths scaled to the
    largest value (None values, e.g. suppressed figures, draw no bar)."""
    values = [i.get(value_key) or 0 for i in items]
    top = max(values) if values and max(values) > 0 else 1
    rows = []
    for n, item in enumerate(items):
        label = str(item.get(label_key) or "")
        value = item.get(value_key)
        bar = round((value or 0) * width / top)
        rows.append(
            {
                "label": label,
                "short_label": label if len(label) <= 24 else label[:23] + "…",
                "value": value,
                "width": bar,
                "y": n * 30,
                "text_y": n * 30 + 16,
                "value_x": 190 + bar + 6,
            }
        )
    return {"rows": rows, "height": max(len(rows) * 30, 30)}


def indicators_compute() -> dict:
    """Fresh figures for the home page (providers that are absent or fail are None)."""
    published = dataset_published_qs().count()
    downloads = DatasetDailyStat.objects.aggregate(d=Sum("downloads"))["d"] or 0
    data = {
        "datasets_published": published,
        "datasets_downloads": downloads,
        "computed_at": timezone.now().isoformat(),
        "commitments": None,
        "complaints": None,
        "participation": None,
        "contracting": None,
        "feedback": None,  # "¿Le fue útil?" (openlima.feedback, docs/feedback.md)
    }
    for key, func in registry.providers("indicators:").items():
        if key not in data:
            continue
        try:
            data[key] = func()
        except Exception:
            logger.exception("indicator provider %s failed", key)
    if data["complaints"]:
        c = data["complaints"]
        data["complaints_channel_bars"] = _bars(c.get("by_channel") or [])
    if data["participation"]:
        p = data["participation"]
        districts = [dict(d) for d in p.get("by_district") or []]
        for d in districts:
            d["participants"] = sum(
                d.get(k) or 0
                for k in ("proposals", "supports", "comments", "attendance")
            )
        districts = sorted(districts, key=lambda d: -d["participants"])[:10]
        data["participation_districts"] = districts
        data["participation_district_bars"] = _bars(
            districts, value_key="participants", label_key="district"
        )
    if data["commitments"]:
        data["commitments_bars"] = _bars(
            data["commitments"].get("completion_summary") or []
        )
    return data


# The last snapshot is also kept without expiry: when the fresh one has expired (beat
# late or stopped), a visitor gets the last one while a single request recomputes it.
INDICATORS_LAST_MAX_AGE = 60 * 60  # older than this: recompute before answering
INDICATORS_LOCK_SECONDS = 60


def indicators_refresh() -> dict:
    data = indicators_compute()
    key = _indicators_key()
    cache.set(key, data, INDICATORS_TIMEOUT)
    cache.set(f"{key}:last", data, None)
    return data


def _age_seconds(data) -> float:
    try:
        computed = dt.datetime.fromisoformat(data["computed_at"])
    except (KeyError, TypeError, ValueError):
        return float("inf")
    return (timezone.now() - computed).total_seconds()


def home_indicators() -> dict:
    """A cached snapshot (refreshed every 5 minutes by `indicators_refresh`). When it
    has expired, one request recomputes it (a cache lock) and the others meanwhile get
    the last snapshot, if it is less than an hour old (docs/performance.md)."""
    key = _indicators_key()
    found = cache.get_many([key, f"{key}:last"])
    data = found.get(key)
    if data is not None:
        return data
    last = found.get(f"{key}:last")
    recent = last is not None and _age_seconds(last) < INDICATORS_LAST_MAX_AGE
    if cache.add(f"{key}:lock", 1, INDICATORS_LOCK_SECONDS):
        try:
            return indicators_refresh()
        finally:
            cache.delete(f"{key}:lock")
    if recent and last is not None:
        return last
    return indicators_refresh()


def tag_names() -> list[str]:
    return list(
        Tag.objects.filter(datasets__state=Dataset.State.PUBLISHED)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )


# --- ARCO (Ley 29733): personal data ------------------------------------------------------


def personal_data(*, user) -> dict:
    """`personal_data:opendata`: the catalogue keeps nothing about citizens (downloads are
    counted per day, without who). The only personal item possible is a staff member's
    address given as a dataset's contact."""
    datasets = [
        {"title": title, "slug": slug}
        for title, slug in Dataset.objects.filter(contact_email__iexact=user.email)
        .order_by("id")
        .values_list("title", "slug")
    ]
    summary: list[list[Any]] = [
        [
            _("Datos abiertos"),
            _(
                "No guardamos datos personales suyos: las descargas se cuentan sin saber quién."
            ),
        ]
    ]
    if datasets:
        summary.append([_("Conjuntos con su correo como contacto"), len(datasets)])
    return {"summary": summary, "contact_for_datasets": datasets}


# --- Staff dashboard (openlima.registry "staff_tasks:opendata") -----------------------------
def staff_tasks(*, user) -> list[dict]:
    """A data publisher's datasets not yet public (drafts and scheduled), of their unit."""
    from openlima import roles
    from openlima.selectors import user_has_role

    if not user_has_role(user=user, role=roles.DATA_PUBLISHER):
        return []
    qs = Dataset.objects.filter(
        state__in=[Dataset.State.DRAFT, Dataset.State.SCHEDULED]
    )
    url = reverse("admin:opendata_dataset_changelist")
    params = "?state__exact=draft"
    if user.org_unit_id:
        qs = qs.filter(publisher_id=user.org_unit_id)
        params += f"&publisher__id__exact={user.org_unit_id}"
    return [
        {
            "label": _("Conjuntos de datos en borrador o programados"),
            "count": qs.count(),
            "url": url + params,
        }
    ]
