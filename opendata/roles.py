"""The Django permissions the catalogue's admin pages need, per role group (registered
as `role_permissions:opendata`; the core grants them after every migrate)."""

from openlima import roles
from openlima.registry import RolePermissions


def role_permissions() -> RolePermissions:
    """`role_permissions:opendata`: a data publisher fills a dataset's publisher and
    districts through the admin's autocompletes (the core's reference lookups)."""
    return {roles.DATA_PUBLISHER: list(roles.REFERENCE_LOOKUP)}
