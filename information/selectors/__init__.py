"""Every read and permission check of access-to-information requests.

Who may do what (docs/information-requests.md):
- anyone: the public page of a request (no requester identity), published documents;
- the requester (a citizen with a verified e-mail): their own request's private page
  (deadline, extension, messages), and messages to the city;
- the transparency officer (staff + 2FA + `transparency_officer`): everything in the
  workspace, including the requester's identity;
- a unit editor (staff + 2FA + `unit_editor`) of the unit the request is assigned to:
  reads the request (not the requester's identity), answers it, adds documents, writes
  messages. Extensions, denials, redaction, publishing and delivery are the officer's.

Modules: rules (settings), access (permissions, how a request is shown), lists (lists,
search), stats (statistics), people (e-mail recipients, ARCO, API). Import from the
package: `from information import selectors`.
"""

from .access import *  # noqa: F403
from .annual_report import *  # noqa: F403
from .lists import *  # noqa: F403
from .people import *  # noqa: F403
from .rules import *  # noqa: F403
from .stats import *  # noqa: F403
