"""Facets of package_search and their cache."""

import hashlib
import json

from django.core.cache import cache
from django.db.models import CharField, Count, F, Value

from .. import conf
from ..models import (
    Dataset,
    Resource,
)

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


def facet_cache_seconds() -> int:
    return conf.facet_cache_seconds()


def cached_facet_rows(field, ids, *, key, limit=None) -> list[dict]:
    """`facet_rows` as a list, cached for OPENDATA_FACET_CACHE_SECONDS under `key` (a
    JSON-able description of the filters that produced `ids`): counting every matching
    dataset per value is the one cost of a page that grows with the catalogue."""
    return cached_facets([field], ids, key=key, limit=limit)[field]


def _cache_key(field, limit, key) -> str:
    digest = hashlib.sha256(
        json.dumps([field, limit, key], sort_keys=True, default=str).encode()
    ).hexdigest()[:32]
    return f"opendata:facets:{digest}"


def cached_facets(fields, ids, *, key, limit=None) -> dict[str, list[dict]]:
    """Every requested facet, from the cache where stored, the others counted in one
    grouped query (`facet_counts`) and cached for OPENDATA_FACET_CACHE_SECONDS."""
    timeout = facet_cache_seconds()
    keys = {f: _cache_key(f, limit, key) for f in dict.fromkeys(fields)}
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
