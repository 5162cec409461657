"""Every write of participatory budgeting."""

from .ballots import (
    ballot_submit,
)
from .personal_data import (
    erase_personal_data,
)
from .processes import (
    budgets_publish_due,
    process_phase_advance,
)
from .projects import (
    ALLOWED_IMAGE_KINDS,
    IMAGE_MAX_PIXELS,
    IMAGE_MESSAGES,
    image_strip_metadata,
    project_image_add,
    project_propose,
    project_tracking_sync,
    support_add,
)
from .results import (
    results_compute,
    results_publish,
)
from .verification import (
    resident_find_by_dni,
    resident_verification_confirm,
    resident_verification_reject,
    resident_verification_request,
)

__all__ = [
    "resident_verification_request",
    "resident_verification_confirm",
    "resident_verification_reject",
    "resident_find_by_dni",
    "ALLOWED_IMAGE_KINDS",
    "IMAGE_MAX_PIXELS",
    "IMAGE_MESSAGES",
    "image_strip_metadata",
    "project_image_add",
    "project_propose",
    "support_add",
    "project_tracking_sync",
    "ballot_submit",
    "results_compute",
    "results_publish",
    "process_phase_advance",
    "budgets_publish_due",
    "erase_personal_data",
]
