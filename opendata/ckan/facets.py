"""Facets of package_search and their cache."""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F

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
