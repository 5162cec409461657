"""Every write of access-to-information requests: filing, the officer's and units' steps,
messages, documents (original private, redacted public), reminders and ARCO erasure.

Every step is audit-logged (openlima.services.audit_log_record) without personal data:
the audit entry names the request number and the step, never the requester.

Modules: requests (filing, steps, messages), documents, jobs (deadlines, e-mails, ARCO);
_common holds the shared checks. Import from the package: `from information import services`.
"""

from ._common import *  # noqa: F403
from .documents import *  # noqa: F403
from .jobs import *  # noqa: F403
from .requests import *  # noqa: F403
