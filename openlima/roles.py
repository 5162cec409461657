"""Role groups of DESIGN.md ("People and roles"). Created by migration 0002."""

UNIT_EDITOR = "unit_editor"
OGP_COORDINATOR = "ogp_coordinator"
INTEGRITY_MEMBER = "integrity_member"
MODERATOR = "moderator"
DATA_PUBLISHER = "data_publisher"

ALL_ROLES = [UNIT_EDITOR, OGP_COORDINATOR, INTEGRITY_MEMBER, MODERATOR, DATA_PUBLISHER]

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
]
INTEGRITY_UNIT_SLUG = "integridad"
COORDINATING_UNIT_SLUG = "sgdi"
