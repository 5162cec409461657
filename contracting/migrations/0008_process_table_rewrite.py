"""Rewrite the process table once after 0007 (PostgreSQL): dropping a column leaves its
bytes in every row until the row is rewritten, so the rows would stay as fat as before
and the list's counts would still read them (docs/contracting.md, "Scale"). VACUUM FULL
cannot run in a transaction, hence a non-atomic migration; SQLite needs nothing."""

from django.db import migrations


def rewrite(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("contracting", "ContractingProcess")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'VACUUM FULL ANALYZE "{table}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("contracting", "0007_compiled_release_own_table"),
    ]

    operations = [
        migrations.RunPython(rewrite, migrations.RunPython.noop, elidable=True),
    ]
