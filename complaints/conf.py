"""Settings of Lima Honesta, with their types and defaults (read when called).
Deadlines default to the city profile's legal section (docs/city-profile.md)."""

from openlima.conf import (
    secret_keys,
    secret_or_secret_key,
    setting,
    setting_int,
    setting_str,
)

MB = 1024 * 1024


def ack_days(default: int) -> int:
    """COMPLAINT_ACK_DAYS, else the city profile's `complaint_ack_days` (`default`)."""
    return setting_int("COMPLAINT_ACK_DAYS", default)


def response_business_days(default: int) -> int:
    """COMPLAINT_RESPONSE_BUSINESS_DAYS, else the city profile's value (`default`)."""
    return setting_int("COMPLAINT_RESPONSE_BUSINESS_DAYS", default)


def retention_days() -> int:
    return setting_int("COMPLAINT_RETENTION_DAYS", 5 * 365)


def recovery_public_key() -> str:
    """COMPLAINT_RECOVERY_PUBLIC_KEY (base64; empty: the stored one)."""
    return setting_str("COMPLAINT_RECOVERY_PUBLIC_KEY", "")


def altcha_hmac_key() -> str:
    return secret_or_secret_key("COMPLAINT_ALTCHA_HMAC_KEY")


def load_step() -> int:
    """COMPLAINT_LOAD_STEP: hits per level of the load-driven challenge (at least 1)."""
    return max(1, setting_int("COMPLAINT_LOAD_STEP", 10))


def altcha_max_number() -> int:
    return setting_int("COMPLAINT_ALTCHA_MAX_NUMBER", 100_000)


def nojs_base_wait_seconds() -> int:
    return setting_int("COMPLAINT_NOJS_BASE_WAIT_SECONDS", 15)


def bench_token() -> str:
    return setting_str("COMPLAINT_BENCH_TOKEN", "")


def argon2_overrides() -> dict:
    """COMPLAINT_ARGON2: overrides of the argon2id parameters t, m, p."""
    return setting("COMPLAINT_ARGON2", {}) or {}


def code_index_keys() -> list[str]:
    """COMPLAINT_CODE_INDEX_KEY, else SECRET_KEY and its fallbacks."""
    explicit = setting_str("COMPLAINT_CODE_INDEX_KEY", "")
    return [explicit] if explicit else secret_keys()


def lookup_max_failures() -> int:
    return setting_int("COMPLAINT_LOOKUP_MAX_FAILURES", 20)


def lookup_window_seconds() -> int:
    return setting_int("COMPLAINT_LOOKUP_WINDOW_SECONDS", 15 * 60)


def unlock_max_failures() -> int:
    return setting_int("COMPLAINT_UNLOCK_MAX_FAILURES", 5)


def max_attachments() -> int:
    return setting_int("COMPLAINT_MAX_ATTACHMENTS", 5)


def max_attachment_bytes() -> int:
    return setting_int("COMPLAINT_MAX_ATTACHMENT_BYTES", 30 * MB)


def partner_secret_key() -> str:
    return secret_or_secret_key("COMPLAINT_PARTNER_SECRET_KEY")


def partner_max_skew_seconds() -> int:
    return setting_int("COMPLAINT_PARTNER_MAX_SKEW_SECONDS", 300)
