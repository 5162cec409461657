from django.db import migrations


def add_role(apps, schema_editor):
    """The `transparency_officer` role group (openlima/roles.py), for existing installs."""
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).get_or_create(
        name="transparency_officer"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("information", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(add_role, migrations.RunPython.noop)]
