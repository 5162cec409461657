"""The read side of CKAN's Action API v3, answering as CKAN does (envelope, keys, error
types and status codes) so that CKAN clients and harvesters need no adapter."""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation

from openlima import city
from openlima.models import OrgUnit

from . import ckan_query, geo
from .models import (
    CKAN_LICENSES,
    LICENSE_URLS,
    Dataset,
    License,
    Resource,
    Tag,
    Topic,
)

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
    """CKAN's validation error: the field errors beside `__type`, no `message`."""

    status = 409
    type = "Validation Error"

    def as_dict(self):
        return {"__type": self.type, **self.fields}


class SearchQueryError(ActionError):
    status = 400
    type = "Search Query Error"


class NotAuthorized(ActionError):
    status = 403
    type = "Authorization Error"


def _iso(value) -> str | None:
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def base_url(request=None) -> str:
    """The public address every URL and URI of the API and the catalogue is built on:
    OPENDATA_BASE_URL, else SITE_URL; never the request's Host header (a forged Host
    would otherwise end up in harvested metadata and caches)."""
    return (
        getattr(settings, "OPENDATA_BASE_URL", "")
        or getattr(settings, "SITE_URL", "")
        or "http://127.0.0.1:8000"
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
    spatial = geo.bbox_polygon([d.ubigeo for d in districts_all])
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
        "license_id": ckan_license_id(dataset.license),
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
            # GeoJSON, as ckanext-spatial requires; the names in their own extra.
            {"key": "spatial", "value": json.dumps(spatial, separators=(",", ":"))},
            {
                "key": "spatial_text",
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
        .values("dataset_id", name=F("district__name"), ubigeo=F("district__ubigeo"))
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

INT_MAX = 2**31 - 1  # larger offsets and limits are refused, never sent to the database


def _text(params, key, default="") -> str:
    value = params.get(key, default)
    if value is None:
        return default
    if isinstance(value, list | dict):
        raise ValidationError(None, {key: ["Must be a string"]})
    value = str(value)
    if "\x00" in value:
        raise ValidationError(None, {key: ["Invalid character"]})
    return value


def _int(params, key, default, *, minimum=0):
    value = params.get(key, default)
    if value in (None, ""):
        return default
    if isinstance(value, bool | list | dict | float):
        raise ValidationError(None, {key: ["Invalid integer"]})
    try:
        value = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(None, {key: ["Invalid integer"]}) from None
    if value < minimum:
        raise ValidationError(None, {key: ["Must be a natural number"]})
    if value > INT_MAX:
        raise ValidationError(None, {key: [f"Must be at most {INT_MAX}"]})
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
        values = value
    else:
        value = str(value)
        values = [value]
        if value.startswith("["):
            try:
                parsed = json.loads(value)
            except ValueError:
                raise ValidationError(None, {key: ["Invalid JSON list"]}) from None
            values = parsed if isinstance(parsed, list) else []
    if any(isinstance(v, list | dict) for v in values):
        raise ValidationError(None, {key: ["Must be a list of strings"]})
    values = [str(v) for v in values]
    if any("\x00" in v for v in values):
        raise ValidationError(None, {key: ["Invalid character"]})
    return values


def _query(text: str):
    """(Q or None, free-text terms) of a q/fq string; a CKAN Search Query Error if the
    query cannot be run (syntax, unknown field, bad date)."""
    try:
        return ckan_query.compile_query(text)
    except ckan_query.QueryError as exc:
        raise SearchQueryError(f"Search Query is invalid: {exc}") from None


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
        if len(bits) > 2 or direction not in ("asc", "desc"):
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
    name_or_id = _text(params, "id") or _text(params, "name_or_id")
    if not name_or_id:
        raise ValidationError(None, {"name_or_id": ["Missing value"]})
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
    q = _text(params, "q").strip()
    fq = _text(params, "fq")
    fq_list = _list(params, "fq_list")
    sort = _text(params, "sort").strip() or "score desc, metadata_modified desc"
    qs = Dataset.objects.filter(state=Dataset.State.PUBLISHED)
    q_condition, terms = _query(q)
    for text in (q_condition, *(_query(f)[0] for f in [fq, *fq_list])):
        if text is not None:
            qs = qs.filter(text)
    has_query = bool(terms)
    order = _order(sort, has_query)
    if has_query and settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchRank

        from openlima.search import spanish_query

        qs = qs.annotate(
            rank=SearchRank(F("search_vector"), spanish_query(" ".join(terms)[:200]))
        )
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
    facet_key = ["package_search", q, fq, fq_list]
    for field in facet_fields:
        rows_qs = cached_facet_rows(field, ids, key=facet_key, limit=facet_limit)
        rename = ckan_license_id if field == "license_id" else str
        items = [
            {
                "name": rename(r["facet_name"]),
                "display_name": rename(r["facet_label"]),
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
    sort = _text(params, "sort").split() or ["name", "asc"]
    if len(sort) > 2 or (len(sort) == 2 and sort[1].lower() not in ("asc", "desc")):
        raise ValidationError(None, {"sort": ["Invalid sort"]})
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
    limit = min(_int(params, "limit", 1000), 1000)
    qs = qs[offset : offset + limit]
    if _bool(params, "all_fields"):
        return [to_dict(o, package_count=o.package_count) for o in qs]
    return [getattr(o, name_field) for o in qs]


def organization_show(params, base):
    """Return the details of an organization.

    :param id: the id or name of the organization
    :param include_datasets: include a truncated list of the organization's datasets
    """
    name = _text(params, "id")
    if not name:
        raise ValidationError(None, {"id": ["Missing value"]})
    org = _org_qs().filter(slug=name).first()
    if org is None:
        raise NotFound("Organization was not found.")
    data = organization_dict(org, package_count=org.package_count)
    data["users"] = []
    data["extras"] = []
    data["tags"] = []
    data["groups"] = []
    if _bool(params, "include_datasets"):
        data["packages"] = _packages_where(base, publisher=org)
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
    query = _text(params, "query") or _text(params, "q")
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
    name = _text(params, "name")
    if not name:
        raise ValidationError(None, {"name": ["Missing value"]})
    func = ACTIONS.get(name)
    if func is None:
        raise NotFound(f"Action function not found: {name}")
    return func.__doc__


def _topic_qs():
    return Topic.objects.annotate(
        package_count=Count(
            "datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED)
        )
    )


def group_show(params, base):
    """Return the details of a group (a topic of the catalogue).

    :param id: the id or name of the group
    :param include_datasets: include a truncated list of the group's datasets
    """
    name = _text(params, "id")
    if not name:
        raise ValidationError(None, {"id": ["Missing value"]})
    topic = _topic_qs().filter(slug=name).first()
    if topic is None:
        raise NotFound("Group not found")
    data = group_dict(topic, package_count=topic.package_count)
    data.update(users=[], extras=[], tags=[], groups=[])
    if _bool(params, "include_datasets"):
        data["packages"] = _packages_where(base, topics=topic)
    return data


def _packages_where(base, **filters) -> list[dict]:
    """`include_datasets` of organization_show, group_show and tag_show: the newest
    1,000 published datasets matching `filters`, serialised as package_show does."""
    ids = (
        Dataset.objects.filter(state=Dataset.State.PUBLISHED, **filters)
        .order_by("-modified_at", "id")
        .values_list("id", flat=True)[:1000]
    )
    return package_dicts(ids, base)


def resource_show(params, base):
    """Return the metadata of a resource.

    :param id: the id of the resource
    """
    import uuid as uuidlib

    rid = _text(params, "id")
    if not rid:
        raise ValidationError(None, {"id": ["Missing value"]})
    try:
        rid = uuidlib.UUID(rid)
    except ValueError:
        raise NotFound("Resource was not found.") from None
    resource = (
        Resource.objects.filter(uuid=rid, dataset__state=Dataset.State.PUBLISHED)
        .only("dataset_id")
        .first()
    )
    if resource is None:
        raise NotFound("Resource was not found.")
    (package,) = package_dicts([resource.dataset_id], base)
    for item in package["resources"]:
        if item["id"] == str(rid):
            return item
    raise NotFound("Resource was not found.")  # pragma: no cover


def resource_view_list(params, base):
    """Return the list of resource views for a particular resource (none here: the
    portal shows its own preview).

    :param id: the id of the resource
    """
    resource_show(params, base)
    return []


def current_package_list_with_resources(params, base):
    """Return a list of the site's datasets and their resources, most recently
    modified first.

    :param limit: if given, the list of datasets will be broken into pages of at most
        ``limit`` datasets per page
    :param offset: when ``limit`` is given, the offset to start returning packages from
    """
    limit = min(_int(params, "limit", ROWS_MAX), ROWS_MAX)
    offset = _int(params, "offset", 0)
    ids = (
        Dataset.objects.filter(state=Dataset.State.PUBLISHED)
        .order_by("-modified_at", "id")
        .values_list("id", flat=True)[offset : offset + limit]
    )
    return package_dicts(list(ids), base)


def ckan_license_id(license_value: str) -> str:
    return CKAN_LICENSES.get(license_value, (license_value,))[0]


def license_list(params, base):
    """Return the list of licenses available for datasets on the site."""
    return [
        {
            "id": ckan_id,
            "title": title,
            "url": LICENSE_URLS[value],
            "status": "active",
            "maintainer": "",
            "family": "",
            "od_conformance": "approved",
            "osd_conformance": "not reviewed",
            "domain_content": True,
            "domain_data": True,
            "domain_software": False,
            "is_generic": False,
            "is_okd_compliant": True,
            "is_osi_compliant": False,
        }
        for value, (ckan_id, title) in CKAN_LICENSES.items()
    ]


def tag_show(params, base):
    """Return the details of a tag and its datasets.

    :param id: the name of the tag
    :param include_datasets: include a list of the tag's datasets (up to 1000)
    """
    name = _text(params, "id")
    if not name:
        raise ValidationError(None, {"id": ["Missing value"]})
    tag = (
        Tag.objects.filter(name=name, datasets__state=Dataset.State.PUBLISHED)
        .distinct()
        .first()
    )
    if tag is None:
        raise NotFound("Could not find tag")
    data = {
        "id": str(tag.pk),
        "name": tag.name,
        "display_name": tag.name,
        "vocabulary_id": None,
    }
    if _bool(params, "include_datasets"):
        data["packages"] = _packages_where(base, tags=tag)
    return data


def package_autocomplete(params, base):
    """Return a list of datasets that match a string (name or title).

    :param q: the string to search for
    :param limit: the maximum number of datasets to return (default 10)
    """
    q = _text(params, "q").strip()
    limit = min(_int(params, "limit", 10), 100)
    if not q:
        return []
    rows = (
        Dataset.objects.filter(state=Dataset.State.PUBLISHED)
        .filter(Q(slug__icontains=q) | Q(title__icontains=q))
        .order_by("slug")
        .values("slug", "title")[:limit]
    )
    results = []
    for row in rows:
        match_field = "name" if q.lower() in row["slug"].lower() else "title"
        results.append(
            {
                "name": row["slug"],
                "title": row["title"],
                "match_field": match_field,
                "match_displayed": row[
                    match_field if match_field == "title" else "slug"
                ],
            }
        )
    return results


def site_read(params, base):
    """Return ``True``: the site is readable."""
    return True


def recently_changed_packages_activity_list(params, base):
    """Return the activity stream of recently changed datasets (creation or update,
    newest first; CKAN 2.10's activity shape with the package in ``data``).

    :param limit: the maximum number of activities to return (default 31, max 100)
    :param offset: where to start
    """
    limit = min(_int(params, "limit", 31), 100)
    offset = _int(params, "offset", 0)
    ids = list(
        Dataset.objects.filter(state=Dataset.State.PUBLISHED)
        .order_by("-modified_at", "id")
        .values_list("id", flat=True)[offset : offset + limit]
    )
    activities = []
    for package in package_dicts(ids, base):
        new = package["metadata_created"] == package["metadata_modified"]
        activities.append(
            {
                "id": hashlib.sha1(  # noqa: S324 (an identifier, not security)
                    f"{package['id']}{package['metadata_modified']}".encode()
                ).hexdigest(),
                "timestamp": package["metadata_modified"],
                "user_id": None,
                "object_id": package["id"],
                "activity_type": "new package" if new else "changed package",
                "data": {"package": package},
            }
        )
    return activities


# CKAN write actions a client may try: this portal's CKAN API is read-only (datasets
# are published from /gestion/), so they answer CKAN's 403, not "unknown action".
WRITE_ACTIONS = frozenset(
    f"{thing}_{verb}"
    for thing in (
        "package",
        "resource",
        "organization",
        "group",
        "tag",
        "user",
        "resource_view",
        "package_relationship",
        "member",
        "organization_member",
        "group_member",
        "datastore",
        "vocabulary",
    )
    for verb in ("create", "update", "patch", "delete", "purge")
) | {"package_revise", "package_owner_org_update", "dataset_purge", "datastore_upsert"}


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
        group_show,
        resource_show,
        resource_view_list,
        current_package_list_with_resources,
        license_list,
        tag_show,
        package_autocomplete,
        site_read,
        recently_changed_packages_activity_list,
    )
}


def call(name: str, params: dict, base: str) -> tuple[int, dict]:
    """Run action `name`; return (HTTP status, CKAN envelope)."""
    help_url = f"{base}/api/3/action/help_show?name={name}"
    func = ACTIONS.get(name)
    if func is None and name in WRITE_ACTIONS:
        error = NotAuthorized(f"Access denied: Not authorized to call {name}")
        return 403, {"help": help_url, "success": False, "error": error.as_dict()}
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
