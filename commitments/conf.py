"""Settings of commitment tracking, with their types and defaults (read when called)."""

from openlima.conf import setting, setting_int

MB = 1024 * 1024
EVIDENCE_DEFAULT_MAX_BYTES = 10 * MB


def milestone_reminder_days() -> list[int]:
    """MILESTONE_REMINDER_DAYS: days before a due date that editors are reminded, sorted."""
    return sorted({int(d) for d in setting("MILESTONE_REMINDER_DAYS", [7, 1])})


def evidence_max_bytes() -> int:
    """COMMITMENTS_EVIDENCE_MAX_BYTES: the largest evidence file."""
    return setting_int("COMMITMENTS_EVIDENCE_MAX_BYTES", EVIDENCE_DEFAULT_MAX_BYTES)
