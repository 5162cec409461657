"""Every read of the open data catalogue: the queries the pages, the CKAN API and the
DCAT catalogue share (published packages, facet counts), catalogue and facets, dataset
pages, counters, transparency sections and this app's providers (site search, home
figures)."""

import hashlib
import json
import logging
from typing import Any

from django.core.cache import cache
from django.db.models import CharField, Count, F, Max, Prefetch, Q, Sum, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.registry import HomeCard, HomeIndicatorBlock

from . import conf
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


def package_qs():
    """Published datasets with everything a CKAN package or a DCAT dataset shows."""
    return (
        Dataset.objects.filter(state=Dataset.State.PUBLISHED)
        .select_related("publisher")
        .prefetch_related(
            "tags",
            "topics",
            "districts",
            Prefetch("resources", queryset=Resource.objects.order_by("position", "id")),
        )
    )


def catalogue_dates() -> dict[str, Any]:
    """How many datasets are published, when the catalogue last changed and when its
    first dataset was published (the DCAT catalogue's totals and dates)."""
    qs = dataset_published_qs()
    first = qs.exclude(published_at=None).order_by("published_at")
    return {
        "count": qs.count(),
        "last_modified": qs.order_by("-modified_at")
        .values_list("modified_at", flat=True)
        .first(),
        "first_published": first.values_list("published_at", flat=True).first(),
    }


def published_package_by_slug(*, slug: str) -> Dataset | None:
    """A published dataset as `package_qs` loads it, or None."""
    return package_qs().filter(slug=slug).first()


# --- Facet counts (the catalogue page and CKAN's package_search) -----------------------


def facet_rows(field, ids):
    """Counts of matching datasets per value, grouped on the narrowest table."""
    if field == "organization":
        qs = (
            Dataset.objects.filter(id__in=ids)
            .values(facet_name=F("publisher__slug"), facet_label=F("publisher__name"))
            .annotate(count=Count("id"))
        )
    elif field == "license_id":
        qs = (
            Dataset.objects.filter(id__in=ids)
            .values(facet_name=F("license"), facet_label=F("license"))
            .annotate(count=Count("id"))
        )
        # facet names are mapped to CKAN's licence ids by the caller
    elif field == "tags":
        qs = (
            Dataset.tags.through.objects.filter(dataset_id__in=ids)
            .values(facet_name=F("tag__name"), facet_label=F("tag__name"))
            .annotate(count=Count("dataset_id"))
        )
    elif field == "groups":
        qs = (
            Dataset.topics.through.objects.filter(dataset_id__in=ids)
            .values(facet_name=F("topic__slug"), facet_label=F("topic__name"))
            .annotate(count=Count("dataset_id"))
        )
    else:
        qs = (
            Resource.objects.filter(dataset_id__in=ids)
            .exclude(format="")
            .values(facet_name=F("format"), facet_label=F("format"))
            .annotate(count=Count("dataset_id", distinct=True))
        )
    return qs.order_by("-count", "facet_name")


def facet_counts(fields, ids) -> dict[str, list[dict]]:
    """`facet_rows` of several fields in ONE query (UNION ALL of the grouped counts,
    each tagged with its field), sorted per field as `facet_rows` sorts them."""
    fields = list(dict.fromkeys(fields))
    out: dict[str, list[dict]] = {f: [] for f in fields}
    if not fields:
        return out
    parts = [
        facet_rows(field, ids)
        .order_by()
        .annotate(facet_field=Value(field, output_field=CharField()))
        for field in fields
    ]
    qs = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for row in qs.order_by("facet_field", "-count", "facet_name"):
        field = row.pop("facet_field")
        out[field].append(row)
    return out


def cached_facet_rows(field, ids, *, key, limit=None) -> list[dict]:
    """`facet_rows` as a list, cached for OPENDATA_FACET_CACHE_SECONDS under `key` (a
    JSON-able description of the filters that produced `ids`): counting every matching
    dataset per value is the one cost of a page that grows with the catalogue."""
    return cached_facets([field], ids, key=key, limit=limit)[field]


def _facet_cache_key(field, limit, key) -> str:
    digest = hashlib.sha256(
        json.dumps([field, limit, key], sort_keys=True, default=str).encode()
    ).hexdigest()[:32]
    return f"opendata:facets:{digest}"


def cached_facets(fields, ids, *, key, limit=None) -> dict[str, list[dict]]:
    """Every requested facet, from the cache where stored, the others counted in one
    grouped query (`facet_counts`) and cached for OPENDATA_FACET_CACHE_SECONDS."""
    timeout = conf.facet_cache_seconds()
    keys = {f: _facet_cache_key(f, limit, key) for f in dict.fromkeys(fields)}
    found = cache.get_many(list(keys.values())) if timeout > 0 else {}
    out = {f: found[k] for f, k in keys.items() if k in found}
    missing = [f for f in keys if f not in out]
    if missing:
        counted = facet_counts(missing, ids)
        for field in missing:
            rows = counted[field]
            if limit is not None and limit >= 0:
                rows = rows[:limit]
            out[field] = rows
        if timeout > 0:
            cache.set_many({keys[f]: out[f] for f in missing}, timeout)
    return out


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
    facet_key = [
        "catalogue",
        q.strip(),
        topic,
        publisher,
        format.upper(),
        license,
        district,
    ]
    facets = _catalogue_facets(qs.values("id"), facet_key=facet_key)
    qs = qs.order_by(*SORTS.get(sort, SORTS["recientes"]))
    return dataset_card_qs(qs), facets


def _catalogue_facets(base_ids, *, facet_key: list[str]) -> dict[str, list[tuple]]:
    """(value, label, count) of each facet of the catalogue page over `base_ids` (the
    filtered datasets), 30 at most, cached under the filters in `facet_key`."""
    licenses = dict(License.choices)
    facets = {}
    for key, field in FACET_FIELDS.items():
        rows = cached_facet_rows(field, base_ids, key=facet_key, limit=30)
        facets[key] = [
            (
                r["facet_name"],
                licenses.get(r["facet_label"], r["facet_label"])
                if key == "license"
                else r["facet_label"],
                r["count"],
            )
            for r in rows
            if r["facet_name"]
        ]
    return facets


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
    """Provider `search:opendata`: datasets and transparency documents, in one query (a
    UNION ALL ranked together; site search keeps the best `limit` of every app anyway:
    docs/performance.md)."""

    def part(qs, kind: str, key: str):
        return (
            stored_text_search(qs, query=query)
            .annotate(kind=Value(kind, output_field=CharField()), key=F(key))
            .order_by()  # SQLite refuses ORDER BY inside a UNION's parts
            .values_list("kind", "key", "title", "description", "rank")
        )

    rows = (
        part(dataset_published_qs(), "dataset", "slug")
        .union(part(transparency_published_qs(), "transparency", "category"), all=True)
        .order_by("-rank")[: limit * 2]
    )
    results = []
    for kind, key, title, description, rank in rows:
        if kind == "dataset":
            label = _("Conjunto de datos")
            url = reverse("opendata:dataset", kwargs={"slug": key})
        else:
            label = _("Documento de transparencia")
            url = reverse("opendata:transparency_section", kwargs={"slug": key})
        results.append(
            {
                "kind": kind,
                "kind_label": label,
                "title": title,
                "summary": (description or "")[:240],
                "url": url,
                "rank": float(rank or 0),
            }
        )
    return results


# --- Home page figures (openlima.registry "indicators:opendata") ------------------------


def indicators() -> dict:
    """`indicators:opendata`: datasets published and downloads counted."""
    return {
        "datasets_published": dataset_published_qs().count(),
        "datasets_downloads": DatasetDailyStat.objects.aggregate(d=Sum("downloads"))[
            "d"
        ]
        or 0,
    }


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


def home_card() -> HomeCard:
    """`home_card:opendata`: the catalogue on the home page."""
    return {
        "title": _("Datos abiertos"),
        "summary": _(
            "El catálogo de datos de la ciudad, con API compatible con CKAN y catálogo DCAT, y el portal de transparencia."
        ),
        "url": reverse("opendata:catalogue"),
        "order": 40,
    }


def home_indicator_blocks() -> list[HomeIndicatorBlock]:
    """`home_indicators:opendata`: where the home page shows `indicators:opendata`."""
    return [
        {"place": "figures", "template": "opendata/home/figures.html", "order": 10},
    ]
