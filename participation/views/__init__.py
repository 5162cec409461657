"""Lima Activa pages: thin views over selectors and services. Every form works without
JavaScript; with htmx, support/rating/comment forms swap a partial in place.
"""

from .account import (
    notification_settings,
    unsubscribe,
)
from .comments import (
    comment_action,
    comment_moderate,
    comments,
    moderation_log,
)
from .consultations import (
    consultation_detail,
    consultation_list,
    consultation_rate,
)
from .districts import (
    district_detail,
    district_list,
)
from .proposals import (
    answer_queue,
    follow,
    index,
    my_proposals,
    my_supports,
    proposal_answer,
    proposal_create,
    proposal_detail,
    proposal_edit,
    proposal_image,
    proposal_list,
    proposal_moderate,
    proposal_support,
    proposal_withdraw,
)
from .sessions import (
    session_cancel,
    session_close,
    session_detail,
    session_list,
    session_register,
)

__all__ = [
    "index",
    "proposal_list",
    "proposal_detail",
    "proposal_create",
    "proposal_edit",
    "proposal_withdraw",
    "proposal_support",
    "follow",
    "my_proposals",
    "my_supports",
    "answer_queue",
    "proposal_answer",
    "proposal_moderate",
    "proposal_image",
    "comments",
    "comment_action",
    "comment_moderate",
    "moderation_log",
    "consultation_list",
    "consultation_detail",
    "consultation_rate",
    "session_list",
    "session_detail",
    "session_register",
    "session_cancel",
    "session_close",
    "district_list",
    "district_detail",
    "notification_settings",
    "unsubscribe",
]
