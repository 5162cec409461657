"""The GIN indexes of datasets and transparency documents, created with SQL by 0002 on
PostgreSQL, declared in the models (`SearchGinIndex`) so Django's migration state knows
them. Nothing is rebuilt on PostgreSQL: the documents' index is only renamed (its old name
was longer than the 30 characters Django allows) and each is created only if missing. On
SQLite the same names become plain indexes, as `SearchGinIndex` makes them there."""

from django.db import migrations

import openlima.indexes

INDEXES = [
    ("opendata_dataset_search_gin", "opendata_dataset"),
    ("opendata_doc_search_gin", "opendata_transparencydocument"),
]


def forwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "ALTER INDEX IF EXISTS opendata_transparency_search_gin "
            "RENAME TO opendata_doc_search_gin"
        )
    for name, table in INDEXES:
        using = "USING gin " if postgres else ""
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} {using}(search_vector)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER INDEX IF EXISTS opendata_doc_search_gin "
            "RENAME TO opendata_transparency_search_gin"
        )
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("opendata", "0002_search_vector")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AddIndex(
                    model_name="dataset",
                    index=openlima.indexes.SearchGinIndex(
                        fields=["search_vector"], name="opendata_dataset_search_gin"
                    ),
                ),
                migrations.AddIndex(
                    model_name="transparencydocument",
                    index=openlima.indexes.SearchGinIndex(
                        fields=["search_vector"], name="opendata_doc_search_gin"
                    ),
                ),
            ],
        )
    ]
