"""Settings of the open-data catalogue, with their types and defaults (read when called)."""

from openlima.conf import setting_int, setting_str

MB = 1024 * 1024


def base_url() -> str:
    """OPENDATA_BASE_URL, else SITE_URL, else the development server (no trailing /)."""
    return (
        setting_str("OPENDATA_BASE_URL", "")
        or setting_str("SITE_URL", "")
        or "http://127.0.0.1:8000"
    ).rstrip("/")


def facet_cache_seconds() -> int:
    return setting_int("OPENDATA_FACET_CACHE_SECONDS", 60)


def max_upload_bytes() -> int:
    return setting_int("OPENDATA_MAX_UPLOAD_BYTES", 50 * MB)


def dcat_page_size() -> int:
    return setting_int("OPENDATA_DCAT_PAGE_SIZE", 100)
