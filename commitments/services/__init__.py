"""Every write of commitment tracking. Milestone changes always go through
`milestone_update`, which writes the ProgressUpdate and recomputes the commitment.
"""

from .commitments import (
    action_plan_save,
    commitment_recompute,
    commitment_save,
    commitment_track_project,
)
from .evidence import (
    EVIDENCE_DEFAULT_MAX_BYTES,
    EVIDENCE_KINDS,
    EVIDENCE_MESSAGES,
    evidence_add,
    evidence_check_file,
)
from .milestones import (
    MILESTONE_EDITABLE_FIELDS,
    milestone_create,
    milestone_delete,
    milestone_update,
    milestones_mark_completed,
    milestones_mark_delayed,
)
from .notices import (
    follower_digests_send,
    milestone_reminders_send,
)
from .personal_data import (
    erase_personal_data,
)
from .progress import (
    DATE_FIELDS,
    progress_update_create,
    progress_update_publish_due,
)
from .subscriptions import (
    subscription_confirm,
    subscription_follow,
    subscription_request_email,
    subscription_send_confirmation,
    subscription_unfollow,
    subscription_unsubscribe,
)

__all__ = [
    "commitment_recompute",
    "commitment_save",
    "action_plan_save",
    "commitment_track_project",
    "MILESTONE_EDITABLE_FIELDS",
    "milestone_update",
    "milestone_create",
    "milestone_delete",
    "milestones_mark_completed",
    "milestones_mark_delayed",
    "EVIDENCE_KINDS",
    "EVIDENCE_MESSAGES",
    "EVIDENCE_DEFAULT_MAX_BYTES",
    "evidence_check_file",
    "evidence_add",
    "progress_update_create",
    "progress_update_publish_due",
    "DATE_FIELDS",
    "subscription_follow",
    "subscription_unfollow",
    "subscription_request_email",
    "subscription_send_confirmation",
    "subscription_confirm",
    "subscription_unsubscribe",
    "milestone_reminders_send",
    "follower_digests_send",
    "erase_personal_data",
]
