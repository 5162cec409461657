"""Lima Honesta pages. Reporter pages keep nothing about the visitor: no session, no
messages framework, no cookie but CSRF, `Cache-Control: no-store`. Workspace pages are
for integrity members with 2FA and an unlocked key.
"""

from .members import (
    members,
    partners,
    register,
)
from .reporter import (
    altcha_challenge,
    index,
    receipt_page,
    submit,
    track,
    track_action,
)
from .workspace import (
    attachment,
    case,
    case_action,
    workspace,
    workspace_unlock,
)

__all__ = [
    "index",
    "altcha_challenge",
    "submit",
    "receipt_page",
    "track",
    "track_action",
    "workspace_unlock",
    "workspace",
    "case",
    "case_action",
    "attachment",
    "register",
    "members",
    "partners",
]
