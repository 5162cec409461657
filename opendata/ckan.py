"""The read side of CKAN's Action API v3, answering as CKAN does (envelope, keys, error
types and status codes) so that CKAN clients and harvesters need no adapter."""

import datetime as dt
import hashlib
import json
import re

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from openlima import city
from openlima.models import OrgUnit

from .models import LICENSE_URLS, Dataset, License, Resource, Tag, Topic
from .search import stored_text_search

ROWS_MAX = 1000
CKAN_VERSION = "2.10.4"


class ActionError(Exception):
    status = 400
    type = "Bad Request"

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def as_dict(self):
        body = {"__type": self.type, "message": self.message}
        body.update(self.fields)
        return body


class NotFound(ActionError):
    status = 404
    type = "Not Found Error"


class ValidationError(ActionError):
    status = 409
    type = "Validation Error"


class SearchQueryError(ActionError):
    status = 409
    type = "Search Query Error"


def _iso(value) -> str | None:
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def base_url(request) -> str:
    return (
        getattr(settings, "OPENDATA_BASE_URL", "") or request.build_absolute_uri("/")
    ).rstrip("/")


def dataset_url(dataset, base) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return base + reverse("opendata:dataset", kwargs={"slug": dataset.slug})


def resource_url(resource, dataset, base) -> str:
    if resource.external_url:
        return resource.external_url
    with translation.override(settings.LANGUAGE_CODE):
        return base + reverse(
            "opendata:resource_download",
            kwargs={"slug": dataset.slug, "resource": resource.uuid},
        )


def package_qs():
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


def organization_dict(org, *, package_count=None) -> dict:
    data = {
        "id": org.slug,
        "name": org.slug,
        "title": org.name,
        "display_name": org.name,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active" if org.is_active else "deleted",
        "type": "organization",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def group_dict(topic, *, package_count=None) -> dict:
    data = {
        "id": topic.slug,
        "name": topic.slug,
        "title": topic.name,
        "display_name": topic.name,
        "description": topic.description,
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "type": "group",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


class _Urls:
    """The dataset and download URLs of many packages from two reversed templates
    (reverse() under translation.override costs more than the rest of a package)."""

    SLUG = "x0slug0x"
    UUID = "00000000-0000-4000-8000-00000000abcd"

    def __init__(self, base):
        self.base = base
        with translation.override(settings.LANGUAGE_CODE):
            self._dataset = reverse("opendata:dataset", kwargs={"slug": self.SLUG})
            self._download = reverse(
                "opendata:resource_download",
                kwargs={"slug": self.SLUG, "resource": self.UUID},
            )

    def dataset(self, dataset) -> str:
        return self.base + self._dataset.replace(self.SLUG, dataset.slug)

    def resource(self, resource, dataset) -> str:
        if resource.external_url:
            return resource.external_url
        return self.base + self._download.replace(
            self.UUID, str(resource.uuid)
        ).replace(self.SLUG, dataset.slug)


def package_dict(dataset, base, *, related=None, urls=None) -> dict:
    """A CKAN package; `related` (resources, tags, topics, districts lists) and `urls`
    (an _Urls) come from `package_dicts`, otherwise from the dataset's prefetches."""
    if related is None:
        related = (
            dataset.resources.all(),
            dataset.tags.all(),
            dataset.topics.all(),
            dataset.districts.all(),
        )
    res_all, tags_all, topics_all, districts_all = related
    resources = []
    for position, r in enumerate(res_all):
        resources.append(
            {
                "id": str(r.uuid),
                "package_id": str(dataset.uuid),
                "name": r.name,
                "description": r.description,
                "format": r.format,
                "mimetype": r.media_type or None,
                "url": urls.resource(r, dataset)
                if urls
                else resource_url(r, dataset, base),
                "url_type": None if r.external_url else "upload",
                "size": r.size,
                "hash": f"sha256:{r.sha256}" if r.sha256 else "",
                "created": _iso(r.created_at),
                "last_modified": _iso(r.modified_at),
                "metadata_modified": _iso(r.modified_at),
                "position": position,
                "state": "active",
                "datastore_active": False,
                "cache_url": None,
                "resource_type": None,
            }
        )
    tags = [
        {
            "id": str(t.pk),
            "name": t.name,
            "display_name": t.name,
            "state": "active",
            "vocabulary_id": None,
        }
        for t in tags_all
    ]
    districts = [d.name for d in districts_all]
    return {
        "id": str(dataset.uuid),
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "url": urls.dataset(dataset) if urls else dataset_url(dataset, base),
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": True,
        "version": None,
        "author": dataset.publisher.name,
        "author_email": dataset.publisher.email or None,
        "maintainer": dataset.contact_name or dataset.publisher.name,
        "maintainer_email": dataset.contact_email or dataset.publisher.email or None,
        "license_id": dataset.license,
        "license_title": dict(License.choices).get(dataset.license, dataset.license),
        "license_url": LICENSE_URLS.get(dataset.license, ""),
        "metadata_created": _iso(dataset.created_at),
        "metadata_modified": _iso(dataset.modified_at),
        "owner_org": dataset.publisher.slug,
        "organization": organization_dict(dataset.publisher),
        "groups": [group_dict(t) for t in topics_all],
        "tags": tags,
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [
            {"key": "frequency", "value": dataset.frequency},
            {"key": "issued", "value": _iso(dataset.published_at) or ""},
            {
                "key": "temporal_start",
                "value": dataset.temporal_start.isoformat()
                if dataset.temporal_start
                else "",
            },
            {
                "key": "temporal_end",
                "value": dataset.temporal_end.isoformat()
                if dataset.temporal_end
                else "",
            },
            {
                "key": "spatial",
                "value": ", ".join(districts)
                or city.text("territory.whole_city_label", "es"),
            },
        ],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


DATASET_VALUES = (
    "id",
    "uuid",
    "slug",
    "title",
    "description",
    "license",
    "frequency",
    "contact_name",
    "contact_email",
    "temporal_start",
    "temporal_end",
    "published_at",
    "created_at",
    "modified_at",
    "publisher_id",
)
PUBLISHER_VALUES = ("slug", "name", "email", "is_active")
RESOURCE_VALUES = (
    "dataset_id",
    "uuid",
    "name",
    "description",
    "format",
    "media_type",
    "external_url",
    "size",
    "sha256",
    "created_at",
    "modified_at",
)


def package_dicts(ids, base) -> list[dict]:
    """The packages of these dataset ids, in this order, in five flat queries (rows as
    plain values: no model instances, no per-row URL reversing)."""
    from types import SimpleNamespace as NS

    ids = list(ids)
    if not ids:
        return []
    urls = _Urls(base)
    datasets = {}
    for row in Dataset.objects.filter(id__in=ids).values(
        *DATASET_VALUES, *(f"publisher__{f}" for f in PUBLISHER_VALUES)
    ):
        publisher = NS(**{f: row.pop(f"publisher__{f}") for f in PUBLISHER_VALUES})
        datasets[row["id"]] = NS(**row, publisher=publisher)
    related = {i: ([], [], [], []) for i in datasets}
    for r in (
        Resource.objects.filter(dataset_id__in=ids)
        .order_by("position", "id")
        .values(*RESOURCE_VALUES)
    ):
        related[r["dataset_id"]][0].append(NS(**r))
    for t in (
        Dataset.tags.through.objects.filter(dataset_id__in=ids)
        .order_by("tag__name")
        .values("dataset_id", pk=F("tag_id"), name=F("tag__name"))
    ):
        related[t["dataset_id"]][1].append(NS(**t))
    for t in (
        Dataset.topics.through.objects.filter(dataset_id__in=ids)
        .order_by("topic__name")
        .values(
            "dataset_id",
            slug=F("topic__slug"),
            name=F("topic__name"),
            description=F("topic__description"),
        )
    ):
        related[t["dataset_id"]][2].append(NS(**t))
    for d in (
        Dataset.districts.through.objects.filter(dataset_id__in=ids)
        .order_by("district__name")
        .values("dataset_id", name=F("district__name"))
    ):
        related[d["dataset_id"]][3].append(NS(**d))
    results = []
    for i in ids:
        dataset = datasets.get(i)
        if dataset is None:
            continue
        results.append(package_dict(dataset, base, related=related[i], urls=urls))
    return results


def cached_package_dicts(ids, base) -> list[dict]:
    """`package_dicts` with each serialised package cached per dataset and content
    generation (docs/performance.md): the key carries the generation that every write
    to an opendata table bumps (openlima/pagecache.py), so an edit, a new resource or a
    withdrawal is never served stale. Off when the page cache is off (no generations)."""
    from openlima.pagecache import GENERATION_KEY, page_cache_seconds

    ids = list(ids)
    timeout = page_cache_seconds()
    if not ids or timeout <= 0:
        return package_dicts(ids, base)
    generation = cache.get(GENERATION_KEY.format("opendata"), 0)
    prefix = hashlib.sha256(f"{base}|{generation}".encode()).hexdigest()[:16]
    keys = {i: f"opendata:pkg:{prefix}:{i}" for i in ids}
    found = cache.get_many(list(keys.values()))
    missing = [i for i in ids if keys[i] not in found]
    if missing:
        fresh = package_dicts(missing, base)
        if len(fresh) != len(missing):  # a dataset vanished meanwhile: no caching
            return package_dicts(ids, base)
        made = dict(zip(missing, fresh, strict=True))
        cache.set_many({keys[i]: p for i, p in made.items()}, timeout)
        found.update({keys[i]: p for i, p in made.items()})
    results = []
    for i in ids:
        package = found.get(keys[i])
        if package is not None:
            results.append(package)
    return results


# --- Parameter parsing ------------------------------------------------------------------


def _int(params, key, default, *, minimum=0):
    value = params.get(key, default)
    if value in (None, ""):
        return default
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError("Validation Error", {key: ["Invalid integer"]}) from None
    if value < minimum:
        raise ValidationError("Validation Error", {key: ["Must be a natural number"]})
    return value


def _bool(params, key, default=False) -> bool:
    value = params.get(key, default)
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("true", "1", "yes", "on")


def _list(params, key) -> list:
    value = params.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    value = str(value)
    if value.startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            raise ValidationError(
                "Validation Error", {key: ["Invalid JSON list"]}
            ) from None
        return [str(v) for v in parsed] if isinstance(parsed, list) else []
    return [value]


FQ_TOKEN = re.compile(r'([+-]?)([\w.]+):("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{[^}]*\}|\S+)')
FQ_FIELDS = {
    "organization": "publisher__slug",
    "owner_org": "publisher__slug",
    "tags": "tags__name",
    "res_format": "resources__format__iexact",
    "groups": "topics__slug",
    "license_id": "license",
    "name": "slug",
    "id": "uuid",
}
DATE_FIELDS = {"metadata_modified": "modified_at", "metadata_created": "created_at"}


def _parse_date(value: str):
    value = value.strip()
    if value in ("*", ""):
        return None
    if value.upper() == "NOW":
        return timezone.now()
    value = re.sub(r"(/[A-Z]+|[+-]\d+[A-Z]+)+$", "", value)  # Solr date math: drop it
    parsed = parse_datetime(value.replace("Z", "+00:00"))
    if parsed is None:
        try:
            parsed = dt.datetime.fromisoformat(value[:10])
        except ValueError:
            raise SearchQueryError(f"Invalid date in fq: {value}") from None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _fq_filter(fq: str):
    """Solr filter queries as CKAN clients send them; unknown fields are ignored."""
    condition = Q()
    joins = False
    for sign, field, raw in FQ_TOKEN.findall(fq or ""):
        value = raw
        if value.startswith('"') and value.endswith('"'):
            value = value[1:-1].replace('\\"', '"')
        if field in DATE_FIELDS:
            if not (raw.startswith("[") or raw.startswith("{")):
                raise SearchQueryError(f"Invalid range in fq: {raw}")
            parts = raw[1:-1].split(" TO ")
            if len(parts) != 2:
                raise SearchQueryError(f"Invalid range in fq: {raw}")
            low, high = (_parse_date(p) for p in parts)
            column = DATE_FIELDS[field]
            part = Q()
            if low:
                part &= Q(**{f"{column}__gte": low})
            if high:
                part &= Q(**{f"{column}__lte": high})
        elif field in FQ_FIELDS:
            if value == "*":
                continue
            part = Q(**{FQ_FIELDS[field]: value})
            joins = joins or field in ("tags", "res_format", "groups")
        else:
            continue
        condition &= ~part if sign == "-" else part
    return condition, joins


SORT_COLUMNS = ("id", "uuid", "slug", "title", "modified_at", "created_at")
SORT_FIELDS = {
    "id": "uuid",
    "name": "slug",
    "title": "title",
    "title_string": "title",
    "metadata_modified": "modified_at",
    "metadata_created": "created_at",
}


def _order(sort: str, has_query: bool) -> list[str]:
    order = []
    for part in (sort or "").split(","):
        bits = part.split()
        if not bits:
            continue
        field, direction = bits[0], (bits[1].lower() if len(bits) > 1 else "asc")
        if direction not in ("asc", "desc"):
            raise SearchQueryError(f"Invalid sort direction: {part.strip()}")
        if field == "score":
            if has_query and settings.IS_POSTGRES:
                order.append("-rank" if direction == "desc" else "rank")
            continue
        column = SORT_FIELDS.get(field)
        if column:
            order.append(f"-{column}" if direction == "desc" else column)
    if not order:
        order = ["-modified_at"]
    return [*order, "id"]


FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")


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


def facet_cache_seconds() -> int:
    return int(getattr(settings, "OPENDATA_FACET_CACHE_SECONDS", 60))


def cached_facet_rows(field, ids, *, key, limit=None) -> list[dict]:
    """`facet_rows` as a list, cached for OPENDATA_FACET_CACHE_SECONDS under `key` (a
    JSON-able description of the filters that produced `ids`): counting every matching
    dataset per value is the one cost of a page that grows with the catalogue."""
    timeout = facet_cache_seconds()
    digest = hashlib.sha256(
        json.dumps([field, limit, key], sort_keys=True, default=str).encode()
    ).hexdigest()[:32]
    cache_key = f"opendata:facets:{digest}"
    if timeout > 0:
        rows = cache.get(cache_key)
        if rows is not None:
            return rows
    qs = facet_rows(field, ids)
    if limit is not None and limit >= 0:
        qs = qs[:limit]
    rows = list(qs)
    if timeout > 0:
        cache.set(cache_key, rows, timeout)
    return rows


# --- Actions ------------------------------------------------------------------------------


def package_list(params, base):
    """Return a list of the names of the site's datasets (packages).

    :param limit: if given, the list of datasets will be broken into pages of at most
        ``limit`` datasets per page (optional)
    :param offset: when ``limit`` is given, the offset to start returning packages from
    """
    qs = Dataset.objects.filter(state=Dataset.State.PUBLISHED).order_by("slug")
    offset = _int(params, "offset", 0)
    limit = _int(params, "limit", None)
    qs = qs[offset : offset + limit] if limit is not None else qs[offset:]
    return list(qs.values_list("slug", flat=True))


def _get_package(params):
    name_or_id = params.get("id") or params.get("name_or_id")
    if not name_or_id:
        raise ValidationError("Validation Error", {"name_or_id": ["Missing value"]})
    qs = package_qs()
    condition = Q(slug=str(name_or_id))
    try:
        import uuid

        condition |= Q(uuid=uuid.UUID(str(name_or_id)))
    except ValueError:
        pass
    dataset = qs.filter(condition).first()
    if dataset is None:
        raise NotFound("Not found")
    return dataset


def package_show(params, base):
    """Return the metadata of a dataset (package) and its resources.

    :param id: the id or name of the dataset
    """
    return package_dict(_get_package(params), base)


def package_search(params, base):
    """Searches for packages satisfying a given search criteria.

    :param q: the search query (default ``*:*``)
    :param fq: filter query, e.g. ``organization:sgdi tags:transporte res_format:CSV
        metadata_modified:[2024-01-01T00:00:00Z TO *]``
    :param facet.field: the fields to facet upon (a JSON list)
    :param facet.limit: the maximum number of values per facet (default 50)
    :param rows: the maximum number of matching rows to return (max 1000)
    :param start: the offset in the complete result for where the set of returned
        datasets should begin
    :param sort: e.g. ``metadata_modified desc`` or ``id asc`` (default
        ``score desc, metadata_modified desc``)
    """
    rows = min(_int(params, "rows", 10), ROWS_MAX)
    start = _int(params, "start", 0)
    q = str(params.get("q") or "").strip()
    qs = Dataset.objects.filter(state=Dataset.State.PUBLISHED)
    condition, joins = _fq_filter(str(params.get("fq") or ""))
    for extra in _list(params, "fq_list"):
        extra_condition, extra_joins = _fq_filter(extra)
        condition &= extra_condition
        joins = joins or extra_joins
    has_query = bool(q) and q not in ("*:*", "*")
    if has_query:
        m = re.fullmatch(r"(\w+):(\S+)", q)
        if m and (m.group(1) in FQ_FIELDS or m.group(1) in DATE_FIELDS):
            extra_condition, extra_joins = _fq_filter(q)
            condition &= extra_condition
            joins = joins or extra_joins
            has_query = False
    if condition:
        if joins:
            qs = qs.filter(id__in=Dataset.objects.filter(condition).values("id"))
        else:
            qs = qs.filter(condition)
    sort = str(params.get("sort") or "score desc, metadata_modified desc")
    order = _order(sort, has_query)
    if has_query:
        # The stored, GIN-indexed vector (ranked, then sorted and paged by the database).
        qs = stored_text_search(qs, query=q)
    count = qs.count()
    ordered_ids = (
        list(qs.order_by(*order).values_list("id", flat=True)[start : start + rows])
        if rows
        else []
    )
    ids = qs.order_by().values("id")
    results = cached_package_dicts(ordered_ids, base)

    facet_fields = [f for f in _list(params, "facet.field") if f in FACET_FIELDS]
    facet_limit = _int(params, "facet.limit", 50, minimum=-1)
    facet_mincount = _int(params, "facet.mincount", 1)
    facets, search_facets = {}, {}
    # q, fq and fq_list determine the matching set.
    facet_key = [
        "package_search",
        q,
        str(params.get("fq") or ""),
        _list(params, "fq_list"),
    ]
    for field in facet_fields:
        rows_qs = cached_facet_rows(field, ids, key=facet_key, limit=facet_limit)
        items = [
            {
                "name": r["facet_name"],
                "display_name": r["facet_label"],
                "count": r["count"],
            }
            for r in rows_qs
            if r["count"] >= facet_mincount and r["facet_name"] not in ("", None)
        ]
        facets[field] = {i["name"]: i["count"] for i in items}
        search_facets[field] = {"title": field, "items": items}
    return {
        "count": count,
        "sort": sort,
        "facets": facets,
        "search_facets": search_facets,
        "results": results,
    }


def _org_qs():
    return OrgUnit.objects.filter(is_active=True).annotate(
        package_count=Count(
            "datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED)
        )
    )


def organization_list(params, base):
    """Return a list of the names of the site's organizations.

    :param all_fields: return group dictionaries instead of just names (default False)
    :param sort: ``name asc`` (default), ``title asc`` or ``package_count desc``
    :param limit: the maximum number of organizations returned
    :param offset: when ``limit`` is given, the offset to start returning organizations
    :param organizations: a list of names of the organizations to return, if given
    """
    return _group_like_list(
        params,
        _org_qs(),
        organization_dict,
        name_field="slug",
        title_field="name",
        filter_key="organizations",
    )


def _group_like_list(params, qs, to_dict, *, name_field, title_field, filter_key):
    sort = str(params.get("sort") or "name asc").split()
    field = {
        "name": name_field,
        "title": title_field,
        "package_count": "package_count",
    }.get(sort[0], name_field)
    desc = len(sort) > 1 and sort[1].lower() == "desc"
    qs = qs.order_by(f"-{field}" if desc else field, "pk")
    names = _list(params, filter_key)
    if names:
        qs = qs.filter(**{f"{name_field}__in": names})
    offset = _int(params, "offset", 0)
    limit = _int(params, "limit", 1000)
    qs = qs[offset : offset + limit]
    if _bool(params, "all_fields"):
        return [to_dict(o, package_count=o.package_count) for o in qs]
    return [getattr(o, name_field) for o in qs]


def organization_show(params, base):
    """Return the details of an organization.

    :param id: the id or name of the organization
    :param include_datasets: include a truncated list of the organization's datasets
    """
    name = params.get("id")
    if not name:
        raise ValidationError("Validation Error", {"id": ["Missing value"]})
    org = _org_qs().filter(slug=str(name)).first()
    if org is None:
        raise NotFound("Organization was not found.")
    data = organization_dict(org, package_count=org.package_count)
    data["users"] = []
    data["extras"] = []
    data["tags"] = []
    data["groups"] = []
    if _bool(params, "include_datasets"):
        data["packages"] = package_dicts(
            Dataset.objects.filter(state=Dataset.State.PUBLISHED, publisher=org)
            .order_by("-modified_at", "id")
            .values_list("id", flat=True)[:1000],
            base,
        )
    return data


def group_list(params, base):
    """Return a list of the names of the site's groups (the catalogue's topics).

    :param all_fields: return group dictionaries instead of just names (default False)
    :param sort: ``name asc`` (default), ``title asc`` or ``package_count desc``
    """
    qs = Topic.objects.annotate(
        package_count=Count(
            "datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED)
        )
    )
    return _group_like_list(
        params,
        qs,
        group_dict,
        name_field="slug",
        title_field="name",
        filter_key="groups",
    )


def tag_list(params, base):
    """Return a list of the site's tags.

    :param query: a tag name query to search for, if given only tags whose names contain
        this string will be returned
    :param all_fields: return full tag dictionaries instead of just names
    """
    qs = (
        Tag.objects.filter(datasets__state=Dataset.State.PUBLISHED)
        .distinct()
        .order_by("name")
    )
    query = str(params.get("query") or params.get("q") or "")
    if query:
        qs = qs.filter(name__icontains=query)
    if _bool(params, "all_fields"):
        return [
            {
                "id": str(t.pk),
                "name": t.name,
                "display_name": t.name,
                "vocabulary_id": None,
            }
            for t in qs
        ]
    return list(qs.values_list("name", flat=True))


def status_show(params, base):
    """Return a dictionary with information about the site's configuration."""
    return {
        "site_title": city.text("portal_name", "es"),
        "site_description": "Portal de datos abiertos: "
        + settings.OPENLIMA["MUNICIPALITY_NAME"],
        "site_url": base,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": ["openlima"],
    }


def help_show(params, base):
    """Return the help string for a particular API action.

    :param name: action function name (eg `package_search`)
    """
    name = params.get("name")
    if not name:
        raise ValidationError("Validation Error", {"name": ["Missing value"]})
    func = ACTIONS.get(str(name))
    if func is None:
        raise NotFound(f"Action function not found: {name}")
    return func.__doc__


ACTIONS = {
    f.__name__: f
    for f in (
        package_list,
        package_show,
        package_search,
        organization_list,
        organization_show,
        group_list,
        tag_list,
        status_show,
        help_show,
    )
}


def call(name: str, params: dict, base: str) -> tuple[int, dict]:
    """Run action `name`; return (HTTP status, CKAN envelope)."""
    help_url = f"{base}/api/3/action/help_show?name={name}"
    func = ACTIONS.get(name)
    if func is None:
        return 400, {
            "help": help_url,
            "success": False,
            "error": {
                "__type": "Bad Request",
                "message": f"Bad request - Action name not known: {name}",
            },
        }
    try:
        result = func(params, base)
    except ActionError as exc:
        return exc.status, {"help": help_url, "success": False, "error": exc.as_dict()}
    return 200, {"help": help_url, "success": True, "result": result}
