"""Lima Activa: proposals and supports, threaded comments with moderation, weighted
consultations, participation sessions, follows and notifications.
"""

from .comments import (
    Comment,
    CommentFlag,
    CommentVote,
    ModerationAction,
)
from .consultations import (
    Consultation,
    ConsultationOption,
    ConsultationRating,
    Level,
)
from .notifications import (
    Follow,
    Notification,
    NotificationSettings,
)
from .proposals import (
    Proposal,
    ProposalSearchDocument,
    Support,
    Topic,
)
from .sessions import (
    Session,
    SessionRegistration,
)

__all__ = [
    "Topic",
    "Proposal",
    "ProposalSearchDocument",
    "Support",
    "Comment",
    "CommentVote",
    "CommentFlag",
    "ModerationAction",
    "Consultation",
    "Level",
    "ConsultationOption",
    "ConsultationRating",
    "Session",
    "SessionRegistration",
    "Follow",
    "NotificationSettings",
    "Notification",
]
