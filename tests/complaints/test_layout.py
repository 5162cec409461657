"""Issue 18: the complaints selectors are a package that keeps every public name of the
former module importable from `complaints.selectors`."""

from pathlib import Path

import complaints
from complaints import selectors

APP = Path(complaints.__file__).parent

PUBLIC = [
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
    "home_indicator_blocks",
    "home_charts",
]


def test_selectors_keep_their_public_names():
    missing = [name for name in PUBLIC if not hasattr(selectors, name)]
    assert missing == []
    assert sorted(selectors.__all__) == sorted(PUBLIC)
    assert (APP / "selectors").is_dir() and not (APP / "selectors.py").exists()
