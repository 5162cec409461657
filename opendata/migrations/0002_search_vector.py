"""Stored search vectors of datasets and transparency documents: the columns, their GIN
indexes and a backfill of the existing rows (indexes and backfill on PostgreSQL only;
SQLite searches with icontains through openlima.search); an index on UPPER(format) of
resources for the `res_format` filter."""

import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations, models

# Frozen copies of opendata.search.DATASET_VECTOR_SQL / DOCUMENT_VECTOR_SQL.
DATASET_VECTOR = """
    setweight(to_tsvector('spanish'::regconfig, COALESCE(unaccent(d.title), '')), 'A')
    || setweight(to_tsvector('spanish'::regconfig,
                             COALESCE(unaccent(d.description), '')), 'B')
    || setweight(to_tsvector('spanish'::regconfig, COALESCE(unaccent((
        SELECT string_agg(t.name, ' ' ORDER BY t.name)
        FROM opendata_dataset_tags dt JOIN opendata_tag t ON t.id = dt.tag_id
        WHERE dt.dataset_id = d.id)), '')), 'B')
"""
DOCUMENT_VECTOR = """
    setweight(to_tsvector('spanish'::regconfig, COALESCE(unaccent(d.title), '')), 'A')
    || setweight(to_tsvector('spanish'::regconfig,
                             COALESCE(unaccent(d.description), '')), 'B')
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"UPDATE opendata_dataset AS d SET search_vector = {DATASET_VECTOR}"
    )
    schema_editor.execute(
        "UPDATE opendata_transparencydocument AS d "
        f"SET search_vector = {DOCUMENT_VECTOR}"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS opendata_dataset_search_gin "
        "ON opendata_dataset USING gin (search_vector)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS opendata_transparency_search_gin "
        "ON opendata_transparencydocument USING gin (search_vector)"
    )
    # Planner statistics for the new column (the backfill rewrote every row) and the
    # expression index (without them `res_format:CSV` is estimated at 50 rows).
    schema_editor.execute("ANALYZE opendata_dataset")
    schema_editor.execute("ANALYZE opendata_transparencydocument")
    schema_editor.execute("ANALYZE opendata_resource")  # stats of UPPER(format)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS opendata_dataset_search_gin")
    schema_editor.execute("DROP INDEX IF EXISTS opendata_transparency_search_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_initial"),
        ("openlima", "0003_unaccent"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.AddField(
            model_name="transparencydocument",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                django.db.models.functions.text.Upper("format"),
                name="opendata_res_format_upper",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
