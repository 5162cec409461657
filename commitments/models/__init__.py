"""Action plans, their commitments and milestones, evidence, the public progress history,
indicators, followers and the record of reminders already sent.
"""

from .choices import (
    CompletionLevel,
    MilestoneStatus,
    OgpValue,
    OpenGovernmentEffect,
    PlanLevel,
    PlanStatus,
)
from .indicators import (
    Indicator,
    Measurement,
)
from .milestones import (
    Evidence,
    Milestone,
    ProgressUpdate,
    evidence_upload_to,
)
from .plans import (
    ActionPlan,
    Commitment,
)
from .subscriptions import (
    SentNotice,
    Subscription,
)

__all__ = [
    "PlanLevel",
    "PlanStatus",
    "OgpValue",
    "CompletionLevel",
    "OpenGovernmentEffect",
    "MilestoneStatus",
    "ActionPlan",
    "Commitment",
    "Milestone",
    "evidence_upload_to",
    "Evidence",
    "ProgressUpdate",
    "Indicator",
    "Measurement",
    "Subscription",
    "SentNotice",
]
