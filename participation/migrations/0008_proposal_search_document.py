"""The proposals' search vector moves to a table of its own (docs/performance.md, "Ninth
session"): a support no longer rewrites the GIN index. The stored vectors are copied, so
search answers the same right after the migration; backwards copies them back."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

import openlima.indexes


COPY_TO_DOCUMENTS = (
    "INSERT INTO participation_proposalsearchdocument (proposal_id, search_vector) "
    "SELECT id, search_vector FROM participation_proposal "
    "WHERE search_vector IS NOT NULL"
)
COPY_BACK = (
    "UPDATE participation_proposal AS p SET search_vector = d.search_vector "
    "FROM participation_proposalsearchdocument AS d WHERE d.proposal_id = p.id"
)


def on_postgresql(sql: str):
    """A data step for PostgreSQL only (SQLite stores no vectors)."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("participation", "0007_drop_redundant_indexes")]

    operations = [
        migrations.CreateModel(
            name="ProposalSearchDocument",
            fields=[
                (
                    "proposal",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="participation.proposal",
                        verbose_name="propuesta",
                    ),
                ),
                (
                    "search_vector",
                    django.contrib.postgres.search.SearchVectorField(
                        editable=False, null=True
                    ),
                ),
            ],
            options={
                "verbose_name": "texto de búsqueda de una propuesta",
                "verbose_name_plural": "textos de búsqueda de las propuestas",
                "indexes": [
                    openlima.indexes.SearchGinIndex(
                        fields=["search_vector"], name="prop_doc_search_gin"
                    )
                ],
            },
        ),
        migrations.RunPython(
            on_postgresql(COPY_TO_DOCUMENTS), on_postgresql(COPY_BACK)
        ),
        migrations.RemoveIndex(model_name="proposal", name="prop_search_gin"),
        migrations.RemoveField(model_name="proposal", name="search_vector"),
    ]
