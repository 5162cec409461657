"""GIN index on the proposals' search vector (PostgreSQL only; SQLite searches with
icontains through openlima.search)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS prop_search_gin "
            "ON participation_proposal USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS prop_search_gin")


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
