"""Rules read from settings (defaults here, once)."""

from django.conf import settings

__all__ = [
    "PAGE_SIZE",
    "DATASET_KEY",
    "response_business_days",
    "extension_max_business_days",
    "extension_notice_business_days",
    "reminder_business_days",
    "copy_cost_per_page",
    "max_document_bytes",
    "DOCUMENT_KINDS",
]

PAGE_SIZE = 20


DATASET_KEY = "estadisticas-solicitudes-informacion"


# --- rules read from settings (defaults here, once) -------------------------------------


def response_business_days() -> int:
    # TUO Ley 27806 art. 11 b): ten business days.
    return int(getattr(settings, "INFORMATION_RESPONSE_BUSINESS_DAYS", 10))


def extension_max_business_days() -> int:
    """How many business days an extension may add to the legal deadline."""
    return int(getattr(settings, "INFORMATION_EXTENSION_MAX_BUSINESS_DAYS", 10))


def extension_notice_business_days() -> int:
    # TUO art. 11 b): the extension is communicated within two business days of receipt.
    return int(getattr(settings, "INFORMATION_EXTENSION_NOTICE_BUSINESS_DAYS", 2))


def reminder_business_days() -> int:
    return int(getattr(settings, "INFORMATION_REMINDER_BUSINESS_DAYS", 2))


def copy_cost_per_page() -> str:
    return str(getattr(settings, "INFORMATION_COPY_COST_PER_PAGE", "0.10"))


def max_document_bytes() -> int:
    return int(getattr(settings, "INFORMATION_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


DOCUMENT_KINDS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "json", "jpeg", "png"]


# --- people and permissions -------------------------------------------------------------
