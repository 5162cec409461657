"""The proposals' GIN index, created with SQL by 0002 on PostgreSQL, declared in the
model (`SearchGinIndex`) so Django's migration state knows it. On PostgreSQL nothing is
rebuilt (the index is created only if it is missing); on SQLite the same name becomes a
plain index, as `SearchGinIndex` makes it there."""

from django.db import migrations

import openlima.indexes


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS prop_search_gin "
            "ON participation_proposal USING gin (search_vector)"
        )
    else:
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS prop_search_gin "
            "ON participation_proposal (search_vector)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":  # 0002 owns it on PostgreSQL
        schema_editor.execute("DROP INDEX IF EXISTS prop_search_gin")


class Migration(migrations.Migration):
    dependencies = [("participation", "0002_search_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AddIndex(
                    model_name="proposal",
                    index=openlima.indexes.SearchGinIndex(
                        fields=["search_vector"], name="prop_search_gin"
                    ),
                )
            ],
        )
    ]
