"""Rules of the law: from the city profile's `information` section (docs/city-profile.md;
Lima's values in profiles/lima), a setting overriding a deadline when it is set."""

from django.conf import settings

from openlima import city

__all__ = [
    "PAGE_SIZE",
    "DATASET_KEY",
    "law_info",
    "response_business_days",
    "extension_max_business_days",
    "extension_notice_business_days",
    "appeal_business_days",
    "reminder_business_days",
    "copy_cost_per_page",
    "max_document_bytes",
    "DOCUMENT_KINDS",
    "document_type_choices",
    "document_type_label",
    "exception_choices",
    "exception_label",
]

PAGE_SIZE = 20


DATASET_KEY = "estadisticas-solicitudes-informacion"

# Lima's values (TUO Ley 27806), for a profile that leaves a deadline out.
_DEFAULT_DAYS = {
    "response_business_days": 10,  # art. 11 b)
    "extension_notice_business_days": 2,  # art. 11 b)
    "extension_max_business_days": 10,
    "appeal_business_days": 15,
}


def law_info(language: str | None = None) -> dict:
    """The profile's `information` section in the active language (law names, appeal body,
    deadlines, identity documents, exceptions)."""
    return city.city(language).get("information", {})


def _days(key: str, setting: str) -> int:
    value = getattr(settings, setting, None)
    if value is None:
        value = law_info().get(key, _DEFAULT_DAYS[key])
    return int(value)


def response_business_days() -> int:
    return _days("response_business_days", "INFORMATION_RESPONSE_BUSINESS_DAYS")


def extension_max_business_days() -> int:
    """How many business days an extension may add to the legal deadline."""
    return _days(
        "extension_max_business_days", "INFORMATION_EXTENSION_MAX_BUSINESS_DAYS"
    )


def extension_notice_business_days() -> int:
    """The extension is communicated within this many business days of receipt."""
    return _days(
        "extension_notice_business_days", "INFORMATION_EXTENSION_NOTICE_BUSINESS_DAYS"
    )


def appeal_business_days() -> int:
    return _days("appeal_business_days", "INFORMATION_APPEAL_BUSINESS_DAYS")


def reminder_business_days() -> int:
    return int(getattr(settings, "INFORMATION_REMINDER_BUSINESS_DAYS", 2))


def copy_cost_per_page() -> str:
    return str(getattr(settings, "INFORMATION_COPY_COST_PER_PAGE", "0.10"))


def max_document_bytes() -> int:
    return int(getattr(settings, "INFORMATION_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


DOCUMENT_KINDS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "json", "jpeg", "png"]


# Choices come from the profile when a form is built or a value shown, never from the
# model's field (they would enter migrations: docs/city-profile.md).


def document_type_choices() -> list[tuple[str, str]]:
    from ..models import DocumentType

    types = law_info().get("document_types")
    if not types:
        return [(v, str(label)) for v, label in DocumentType.choices]
    return list(types.items())


def document_type_label(code: str) -> str:
    return dict(document_type_choices()).get(code, code)


def exception_choices() -> list[tuple[str, str]]:
    from ..models import LegalException

    exceptions = law_info().get("exceptions")
    if not exceptions:
        return [(v, str(label)) for v, label in LegalException.choices]
    return list(exceptions.items())


def exception_label(code: str) -> str:
    if not code:
        return ""
    return dict(exception_choices()).get(code, code)
