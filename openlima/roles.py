"""Role groups (docs/architecture.md). Created by migration 0002."""

UNIT_EDITOR = "unit_editor"
OGP_COORDINATOR = "ogp_coordinator"
INTEGRITY_MEMBER = "integrity_member"
MODERATOR = "moderator"
DATA_PUBLISHER = "data_publisher"
# Staff at a municipal office who confirm residents (DNI shown in person) and enter paper ballots.
RESIDENT_REGISTRAR = "resident_registrar"
# Staff of a buying unit (the logistics office) who publish its contracting processes.
PROCUREMENT_EDITOR = "procurement_editor"

# Funcionario responsable de acceso a la información (Ley 27806): triages and answers requests.
TRANSPARENCY_OFFICER = "transparency_officer"

ALL_ROLES = [
    UNIT_EDITOR,
    OGP_COORDINATOR,
    INTEGRITY_MEMBER,
    MODERATOR,
    DATA_PUBLISHER,
    RESIDENT_REGISTRAR,
    PROCUREMENT_EDITOR,
    TRANSPARENCY_OFFICER,
]

# Admin autocompletes (publisher, districts, responsible unit) ask the related admin for
# view permission: an app whose roles fill those fields grants them this lookup.
REFERENCE_LOOKUP = ["openlima.view_orgunit", "openlima.view_district"]


def role_permissions() -> dict[str, list[str]]:
    """The Django model permissions each role carries, for admin pages that use them (most
    apps check roles in their selectors instead): the union of what every app declares
    as `role_permissions:<app>` (openlima.registry). "app_label.*" means every
    permission of that app."""
    from . import registry

    merged: dict[str, list[str]] = {}
    for func in registry.providers("role_permissions:").values():
        for role, specs in func().items():
            wanted = merged.setdefault(role, [])
            wanted.extend(s for s in specs if s not in wanted)
    return merged


# Municipal units and each role's default unit (the unit its members belong to unless set
# otherwise, and the unit that publishes the role's datasets) are defined once, in the
# city profile (`municipal_units` and `roles`, docs/city-profile.md); `load_city_profile`
# applies them. A profile that names no unit for a role falls back to the default
# profile's (Lima's).


def role_unit_slug(role: str, profile: dict | None = None) -> str:
    """The default unit of `role` in `profile` (this city's by default), or in the
    default profile when it says nothing."""
    from openlima import city

    for source in (profile or city.raw(), city.raw(city.DEFAULT_PROFILE)):
        configured = (source.get("roles") or {}).get(role) or {}
        if configured.get("unit"):
            return configured["unit"]
    return ""
