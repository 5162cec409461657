"""Staff admin at /gestion/. Object-level rules come from selectors; every milestone
change goes through services.milestone_update (which writes the ProgressUpdate).
"""

from .common import (
    MILESTONE_FORM_FIELDS,
)
from .milestones import (
    EvidenceForm,
    EvidenceInline,
    MilestoneAdmin,
    MilestoneAdminForm,
    ProgressUpdateAdmin,
    ProgressUpdateForm,
)
from .others import (
    IndicatorAdmin,
    MeasurementInline,
    SentNoticeAdmin,
    SubscriptionAdmin,
)
from .plans import (
    ActionPlanAdmin,
    CommitmentAdmin,
    CommitmentForm,
    MilestoneInline,
)

__all__ = [
    "MILESTONE_FORM_FIELDS",
    "ActionPlanAdmin",
    "MilestoneInline",
    "CommitmentForm",
    "CommitmentAdmin",
    "EvidenceForm",
    "EvidenceInline",
    "MilestoneAdminForm",
    "MilestoneAdmin",
    "ProgressUpdateForm",
    "ProgressUpdateAdmin",
    "MeasurementInline",
    "IndicatorAdmin",
    "SubscriptionAdmin",
    "SentNoticeAdmin",
]
