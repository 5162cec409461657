"""Typed reads of settings with their defaults, for each app's `conf.py`.

Each accessor reads `django.conf.settings` when it is called (never at import), so a
test's `settings` fixture and `override_settings` apply. An app lists its settings, their
types and defaults once, in its own `conf.py` (docs/architecture.md)."""

from typing import Any

from django.conf import settings


def setting(name: str, default: Any = None) -> Any:
    """The setting's value, or `default` when the settings do not define it."""
    return getattr(settings, name, default)


def setting_int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def setting_str(name: str, default: str = "") -> str:
    """A text setting; an empty or None value counts as unset."""
    return getattr(settings, name, default) or default


def secret_or_secret_key(name: str) -> str:
    """A secret that falls back to SECRET_KEY when unset or empty."""
    return getattr(settings, name, "") or settings.SECRET_KEY


def secret_keys() -> list[str]:
    """SECRET_KEY then SECRET_KEY_FALLBACKS (for keys derived from them, rotated with them)."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def email_subject_prefix() -> str:
    return getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "") or ""


# --- The core's own settings (read when called; defaults here, once) ------------------

MB = 1024 * 1024
OUTBOX_MAX_ATTEMPTS = 10
OUTBOX_KEEP_SENT_DAYS = 7


def city_profile_name() -> str:
    """CITY_PROFILE: the city profile's name or folder (docs/city-profile.md)."""
    from .city import DEFAULT_PROFILE

    return str(setting("CITY_PROFILE", DEFAULT_PROFILE))


def business_holidays() -> list[str] | None:
    """BUSINESS_HOLIDAYS: replaces the city profile's holidays when set (None: unset)."""
    configured = setting("BUSINESS_HOLIDAYS", None)
    return None if configured is None else list(configured)


def complaint_holidays() -> list[str]:
    """COMPLAINT_HOLIDAYS: extra non-business days added to the holidays."""
    return list(setting("COMPLAINT_HOLIDAYS", []) or [])


def page_cache_seconds() -> int:
    """PAGE_CACHE_SECONDS: how long an anonymous page is cached (0: off)."""
    return int(setting("PAGE_CACHE_SECONDS", 0) or 0)


def page_cache_stale_seconds() -> int:
    return setting_int("PAGE_CACHE_STALE_SECONDS", 3600)


def page_cache_wait_seconds() -> float:
    return float(setting("PAGE_CACHE_WAIT_SECONDS", 5.0))


def mfa_encryption_key() -> str:
    """MFA_ENCRYPTION_KEY: the key TOTP secrets are encrypted with ("" : derived from
    SECRET_KEY and its fallbacks)."""
    return setting_str("MFA_ENCRYPTION_KEY")


def metrics_token() -> str:
    """METRICS_TOKEN: the bearer token /metrics asks for from outside ("" : none)."""
    return setting_str("METRICS_TOKEN")


def content_security_policy() -> dict[str, str]:
    """CONTENT_SECURITY_POLICY: directives that replace the default policy's."""
    return dict(setting("CONTENT_SECURITY_POLICY", {}) or {})


def public_base_url() -> str:
    """The portal's public address, without a trailing slash (OPENDATA_BASE_URL, else
    SITE_URL; "" when neither is set)."""
    return (setting_str("OPENDATA_BASE_URL") or setting_str("SITE_URL")).rstrip("/")


def outbox_max_attempts() -> int:
    return setting_int("OUTBOX_MAX_ATTEMPTS", OUTBOX_MAX_ATTEMPTS)


def outbox_keep_sent_days() -> int:
    return setting_int("OUTBOX_KEEP_SENT_DAYS", OUTBOX_KEEP_SENT_DAYS)


def upload_zip_limits() -> tuple[int, int]:
    """UPLOAD_ZIP_MAX_MEMBER_BYTES and UPLOAD_ZIP_MAX_TOTAL_BYTES."""
    return (
        setting_int("UPLOAD_ZIP_MAX_MEMBER_BYTES", 64 * MB),
        setting_int("UPLOAD_ZIP_MAX_TOTAL_BYTES", 256 * MB),
    )


def upload_max_image_pixels() -> int:
    """UPLOAD_MAX_IMAGE_PIXELS (Pillow's own limit by default)."""
    from PIL import Image

    return setting_int("UPLOAD_MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS or 0)


def feedback_rate_limit() -> int:
    """FEEDBACK_RATE_LIMIT: ratings one client may send per hour."""
    return setting_int("FEEDBACK_RATE_LIMIT", 10)
