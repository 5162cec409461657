"""The procurement_editor role group and the logistics unit (for installations created
before they were added to openlima.roles)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    OrgUnit = apps.get_model("openlima", "OrgUnit")
    Group.objects.get_or_create(name="procurement_editor")
    if not OrgUnit.objects.filter(slug="logistica").exists():
        OrgUnit.objects.get_or_create(
            name="Oficina General de Logística",
            defaults={"slug": "logistica", "acronym": "OGL"},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contracting", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
