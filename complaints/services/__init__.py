"""Every write of Lima Honesta. Content is encrypted here before it reaches a model."""

from .handling import (
    complaint_message_send,
    complaint_note_add,
    complaint_transition,
    complaint_update_handling,
)
from .intake import (
    BODY_FIELDS,
    MAX_TEXT,
    complaint_rate,
    complaint_replace_code,
    complaint_submit,
    reporter_message_add,
)
from .keys import (
    integrity_members,
    member_grant_access,
    member_key_create,
    member_key_rewrap,
    member_key_unlock,
    recovery_grant_access,
    recovery_key_create,
    recovery_key_rotate,
    recovery_public_key,
    unlock_failed,
)
from .notices import (
    REMINDER_WINDOW,
    complaint_deadlines_remind,
    unit_notify,
)
from .retention import (
    erase_personal_data,
    retention_days,
    retention_purge,
)
from .storage import (
    blob_delete,
    blob_name,
    blob_read,
    blob_write,
)

__all__ = [
    "blob_name",
    "blob_write",
    "blob_read",
    "blob_delete",
    "integrity_members",
    "member_key_create",
    "member_key_unlock",
    "member_key_rewrap",
    "unlock_failed",
    "recovery_key_create",
    "recovery_public_key",
    "member_grant_access",
    "recovery_grant_access",
    "recovery_key_rotate",
    "BODY_FIELDS",
    "MAX_TEXT",
    "complaint_submit",
    "complaint_replace_code",
    "reporter_message_add",
    "complaint_rate",
    "complaint_transition",
    "complaint_message_send",
    "complaint_note_add",
    "complaint_update_handling",
    "unit_notify",
    "REMINDER_WINDOW",
    "complaint_deadlines_remind",
    "retention_days",
    "retention_purge",
    "erase_personal_data",
]
