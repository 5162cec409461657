"""Role groups (docs/architecture.md), the 43 districts of Lima (INEI UBIGEO) and default municipal
units; and, on PostgreSQL, a trigger that makes the audit log append-only."""

import csv
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data" / "lima-districts.csv"

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
    with DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            District.objects.update_or_create(
                ubigeo=row["ubigeo"], defaults={"name": row["name"], "slug": slugify(row["name"])}
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
