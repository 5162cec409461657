"""Every read and permission check of Lima Honesta."""

from .arco import personal_data
from .cases import (
    attachment_meta,
    attachment_read,
    complaint_body,
    complaint_detail,
    stage_timeline,
)
from .lookup import (
    FAIL_KEY,
    complaint_find_by_code,
    lookup_max_failures,
    lookup_throttled,
    lookup_window,
)
from .public import (
    STATISTICS_SCHEMA,
    SUPPRESS_BELOW,
    home_card,
    home_charts,
    home_indicator_blocks,
    public_statistics,
    statistics_dataset,
)
from .referrals import complaint_referrals, partner_list, referral_for_institution
from .workspace import (
    UNLOCK_WINDOW,
    WorkspaceLocked,
    access_workspace,
    access_workspace_key,
    complaint_for_member,
    complaint_list,
    complaint_overdue,
    member_list,
    unlock_attempts_exhausted,
    unlock_fail_key,
)

__all__ = [
    "SUPPRESS_BELOW",
    "WorkspaceLocked",
    "lookup_max_failures",
    "lookup_window",
    "FAIL_KEY",
    "lookup_throttled",
    "complaint_find_by_code",
    "access_workspace",
    "UNLOCK_WINDOW",
    "unlock_fail_key",
    "unlock_attempts_exhausted",
    "access_workspace_key",
    "complaint_for_member",
    "complaint_list",
    "complaint_overdue",
    "complaint_body",
    "attachment_meta",
    "complaint_detail",
    "stage_timeline",
    "attachment_read",
    "member_list",
    "public_statistics",
    "STATISTICS_SCHEMA",
    "statistics_dataset",
    "personal_data",
    "partner_list",
    "referral_for_institution",
    "complaint_referrals",
    "home_card",
    "home_charts",
    "home_indicator_blocks",
]
