"""Absolute links to datasets and resources, as CKAN gives them."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation


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
