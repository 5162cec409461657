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


# Municipal units every installation starts with (a city adds its own in /gestion/).
DEFAULT_ORG_UNITS = [
    ("Subgerencia de Gobierno Digital e Innovación", "sgdi", "SGDI"),
    ("Unidad de Integridad Institucional", "integridad", "UII"),
    ("Gerencia de Participación Vecinal", "participacion-vecinal", "GPV"),
    (
        "Oficina General de Atención al Ciudadano y Gestión Documental",
        "atencion-ciudadano",
        "OGACGD",
    ),
    ("Secretaría General", "secretaria-general", "SG"),
    ("Gerencia Municipal Metropolitana", "gerencia-municipal", "GMM"),
    ("Gerencia de Planificación", "planificacion", "GP"),
    ("Oficina General de Comunicaciones", "comunicaciones", "OGC"),
    ("Oficina General de Logística", "logistica", "OGL"),
]
INTEGRITY_UNIT_SLUG = "integridad"
COORDINATING_UNIT_SLUG = "sgdi"


# Each role's default municipal unit (the unit its members belong to unless set otherwise,
# and the unit that publishes the role's datasets). The city profile's `roles` section
# overrides these (docs/city-profile.md); `load_city_profile` applies them.
DEFAULT_ROLE_UNITS = {
    OGP_COORDINATOR: COORDINATING_UNIT_SLUG,
    INTEGRITY_MEMBER: INTEGRITY_UNIT_SLUG,
    TRANSPARENCY_OFFICER: "secretaria-general",
    PROCUREMENT_EDITOR: "logistica",
    RESIDENT_REGISTRAR: "atencion-ciudadano",
    MODERATOR: "participacion-vecinal",
    DATA_PUBLISHER: COORDINATING_UNIT_SLUG,
}


def role_unit_slug(role: str) -> str:
    """The default unit of `role` in this city's profile (Lima's when it says nothing)."""
    from openlima import city

    configured = (city.raw().get("roles") or {}).get(role) or {}
    return configured.get("unit") or DEFAULT_ROLE_UNITS.get(role, "")
