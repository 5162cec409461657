"""Index classes shared by the apps' models."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models


class SearchGinIndex(GinIndex):
    """A GIN index on PostgreSQL (full-text search vectors), a plain index elsewhere.

    Declared in the models' `Meta.indexes` so that Django's migration state knows the
    index (its name, its column) on every backend. SQLite has no GIN, and SQLite re-creates
    every declared index when a migration rebuilds a table, so there the same name is a
    plain B-tree index (harmless: SQLite searches with icontains, openlima/search.py)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def check_supported(self, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            super().check_supported(schema_editor)
