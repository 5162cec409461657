"""Datasets, organizations and groups as CKAN's dictionaries."""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from openlima import city

from .. import geo
from ..models import (
    CKAN_LICENSES,
    LICENSE_URLS,
    Dataset,
    License,
    Resource,
)
from .links import dataset_url, resource_url


def _iso(value) -> str | None:
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


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
    related: dict[int, tuple[list[NS], list[NS], list[NS], list[NS]]] = {
        i: ([], [], [], []) for i in datasets
    }
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
    for topic in (
        Dataset.topics.through.objects.filter(dataset_id__in=ids)
        .order_by("topic__name")
        .values(
            "dataset_id",
            slug=F("topic__slug"),
            name=F("topic__name"),
            description=F("topic__description"),
        )
    ):
        related[topic["dataset_id"]][2].append(NS(**topic))
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


def ckan_license_id(license_value: str) -> str:
    return CKAN_LICENSES.get(license_value, (license_value,))[0]
