"""The Django permissions budgets' admin pages need, per role group (registered as
`role_permissions:budgets`; the core grants them after every migrate)."""

from openlima import roles
from openlima.registry import RolePermissions

# Staff at a municipal office confirm residents and enter paper ballots.
REGISTRAR_PERMISSIONS = [
    "budgets.view_residentverification",
    "budgets.change_residentverification",
    "budgets.view_paperballot",
    "budgets.add_paperballot",
]


def role_permissions() -> RolePermissions:
    """`role_permissions:budgets`: registrars confirm residents and enter paper ballots;
    the coordinator runs the processes (every budgets permission) and fills their
    district and unit fields (the core's reference lookups)."""
    return {
        roles.RESIDENT_REGISTRAR: list(REGISTRAR_PERMISSIONS),
        roles.OGP_COORDINATOR: [
            "budgets.*",
            *REGISTRAR_PERMISSIONS,
            *roles.REFERENCE_LOOKUP,
        ],
    }
