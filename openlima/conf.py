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
