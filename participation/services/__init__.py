"""Every write of Lima Activa."""

from .comments import (
    comment_create,
    comment_flag,
    comment_moderate,
    comment_vote,
)
from .consultations import (
    consultation_rate,
    consultation_rate_many,
    consultations_publish_due,
    publish_due,
)
from .notifications import (
    follow_set,
    follower_digests_send,
    followers,
    notification_settings_get,
    notification_settings_update,
    notifications_send,
    notify,
    unsubscribe_by_token,
    unsubscribe_path,
)
from .personal_data import (
    erase_personal_data,
)
from .proposals import (
    SupportState,
    proposal_answer,
    proposal_assign,
    proposal_create,
    proposal_moderate,
    proposal_search_index,
    proposal_support,
    proposal_unsupport,
    proposal_update,
    proposal_withdraw,
    proposals_archive_due,
)
from .sessions import (
    session_cancel,
    session_cancel_registration,
    session_close,
    session_register,
)

__all__ = [
    "notification_settings_get",
    "notification_settings_update",
    "notify",
    "followers",
    "follow_set",
    "notifications_send",
    "unsubscribe_path",
    "unsubscribe_by_token",
    "follower_digests_send",
    "proposal_search_index",
    "proposal_create",
    "proposal_update",
    "proposal_withdraw",
    "SupportState",
    "proposal_support",
    "proposal_unsupport",
    "proposal_answer",
    "proposal_assign",
    "proposal_moderate",
    "proposals_archive_due",
    "comment_create",
    "comment_vote",
    "comment_flag",
    "comment_moderate",
    "consultation_rate",
    "consultation_rate_many",
    "consultations_publish_due",
    "publish_due",
    "session_register",
    "session_cancel_registration",
    "session_close",
    "session_cancel",
    "erase_personal_data",
]
