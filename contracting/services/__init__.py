"""Every write of the contracting app, by sub-domain; the public names are re-exported here
so `services.X` keeps working."""

from .bulk import bulk_export
from .files import document_file_clean, photo_clean
from .imports import releases_import
from .publication import (
    erase_personal_data,
    follow_create,
    follow_delete,
    follows_notify,
    project_saved,
    publish_and_notify,
    publish_due,
)
from .release_body import (
    _iso,
    _money,
    _org,
    _prune,
    _tag_for,
    buyer_party,
    local_stage,
    release_body,
)
from .releases import (
    _summary_from_compiled,
    _supplier_get_or_create,
    ocid_new,
    process_compile,
    process_create,
    process_saved,
    release_write,
)

__all__ = [
    "bulk_export",
    "document_file_clean",
    "photo_clean",
    "_money",
    "_iso",
    "_prune",
    "_org",
    "buyer_party",
    "local_stage",
    "release_body",
    "_tag_for",
    "ocid_new",
    "release_write",
    "_summary_from_compiled",
    "_supplier_get_or_create",
    "process_compile",
    "process_create",
    "process_saved",
    "releases_import",
    "project_saved",
    "publish_and_notify",
    "publish_due",
    "follow_create",
    "follow_delete",
    "follows_notify",
    "erase_personal_data",
]
