"""Role groups (docs/architecture.md), the 43 districts of Lima (INEI UBIGEO) and default municipal
units; and, on PostgreSQL, a trigger that makes the audit log append-only."""

from django.db import migrations
from django.utils.text import slugify

# Frozen copy of the districts file (now profiles/lima/districts.csv) as it was when this migration was
# written: a migration must give the same result forever, whatever the live file becomes
# (later changes to the districts go in a new migration or `load_city_profile`).
DISTRICTS = (
    ("150101", "Lima (Cercado de Lima)"),
    ("150102", "Ancón"),
    ("150103", "Ate"),
    ("150104", "Barranco"),
    ("150105", "Breña"),
    ("150106", "Carabayllo"),
    ("150107", "Chaclacayo"),
    ("150108", "Chorrillos"),
    ("150109", "Cieneguilla"),
    ("150110", "Comas"),
    ("150111", "El Agustino"),
    ("150112", "Independencia"),
    ("150113", "Jesús María"),
    ("150114", "La Molina"),
    ("150115", "La Victoria"),
    ("150116", "Lince"),
    ("150117", "Los Olivos"),
    ("150118", "Lurigancho (Chosica)"),
    ("150119", "Lurín"),
    ("150120", "Magdalena del Mar"),
    ("150121", "Pueblo Libre"),
    ("150122", "Miraflores"),
    ("150123", "Pachacámac"),
    ("150124", "Pucusana"),
    ("150125", "Puente Piedra"),
    ("150126", "Punta Hermosa"),
    ("150127", "Punta Negra"),
    ("150128", "Rímac"),
    ("150129", "San Bartolo"),
    ("150130", "San Borja"),
    ("150131", "San Isidro"),
    ("150132", "San Juan de Lurigancho"),
    ("150133", "San Juan de Miraflores"),
    ("150134", "San Luis"),
    ("150135", "San Martín de Porres"),
    ("150136", "San Miguel"),
    ("150137", "Santa Anita"),
    ("150138", "Santa María del Mar"),
    ("150139", "Santa Rosa"),
    ("150140", "Santiago de Surco"),
    ("150141", "Surquillo"),
    ("150142", "Villa El Salvador"),
    ("150143", "Villa María del Triunfo"),
)

ROLES = ["unit_editor", "ogp_coordinator", "integrity_member", "moderator", "data_publisher"]
UNITS = [
    ("Subgerencia de Gobierno Digital e Innovación", "sgdi", "SGDI"),
    ("Unidad de Integridad Institucional", "integridad", "UII"),
    ("Gerencia de Participación Vecinal", "participacion-vecinal", "GPV"),
    ("Oficina General de Atención al Ciudadano y Gestión Documental", "atencion-ciudadano", "OGACGD"),
    ("Secretaría General", "secretaria-general", "SG"),
    ("Gerencia Municipal Metropolitana", "gerencia-municipal", "GMM"),
    ("Gerencia de Planificación", "planificacion", "GP"),
    ("Oficina General de Comunicaciones", "comunicaciones", "OGC"),
]

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION openlima_auditlog_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'openlima_auditlog is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS openlima_auditlog_no_change ON openlima_auditlog;
CREATE TRIGGER openlima_auditlog_no_change BEFORE UPDATE OR DELETE ON openlima_auditlog
FOR EACH ROW EXECUTE FUNCTION openlima_auditlog_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS openlima_auditlog_no_change ON openlima_auditlog;
DROP FUNCTION IF EXISTS openlima_auditlog_append_only();
"""


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    District = apps.get_model("openlima", "District")
    OrgUnit = apps.get_model("openlima", "OrgUnit")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for ubigeo, name in DISTRICTS:
        District.objects.update_or_create(
            ubigeo=ubigeo, defaults={"name": name, "slug": slugify(name)}
        )
    for name, slug, acronym in UNITS:
        OrgUnit.objects.get_or_create(slug=slug, defaults={"name": name, "acronym": acronym})


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


def trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL)


def untrigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("openlima", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(trigger, untrigger),
    ]
