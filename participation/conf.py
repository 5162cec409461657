"""Settings of Lima Activa, with their types and defaults (read when called)."""

from openlima.conf import setting_int, setting_str

MB = 1024 * 1024


def support_threshold() -> int:
    """PROPOSAL_SUPPORT_THRESHOLD: supports a proposal needs to go to evaluation."""
    return setting_int("PROPOSAL_SUPPORT_THRESHOLD", 100)


def support_months() -> int:
    """PROPOSAL_SUPPORT_MONTHS: how long a proposal collects supports."""
    return setting_int("PROPOSAL_SUPPORT_MONTHS", 12)


def flag_hide_threshold() -> int:
    """COMMENT_FLAG_HIDE_THRESHOLD: flags that hide a comment until moderated."""
    return setting_int("COMMENT_FLAG_HIDE_THRESHOLD", 3)


def default_unit_slug() -> str:
    """PROPOSAL_DEFAULT_UNIT_SLUG: the unit that answers unassigned proposals."""
    return setting_str("PROPOSAL_DEFAULT_UNIT_SLUG", "participacion-vecinal")


def proposal_rate_limit_per_hour() -> int:
    return setting_int("PROPOSAL_RATE_LIMIT_PER_HOUR", 5)


def comment_rate_limit_per_10_min() -> int:
    return setting_int("COMMENT_RATE_LIMIT_PER_10_MIN", 10)


def image_max_bytes() -> int:
    return setting_int("PROPOSAL_IMAGE_MAX_BYTES", 5 * MB)
