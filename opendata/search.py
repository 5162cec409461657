"""Full-text search of datasets and transparency documents.

PostgreSQL: a stored `search_vector` (Spanish configuration, unaccented; title weighted A,
description and tags B) kept up to date by the services and GIN-indexed, matched with
the same websearch query as `openlima.search.text_search`, so a search reads the index
instead of computing `to_tsvector` over every row. The vector concatenates title and
description first and tags last, so that the rank of a query that does not touch a tag
is exactly the one `text_search(fields=["title", "description"])` computes.
Elsewhere (SQLite) `text_search` itself (icontains on title and description)."""

from django.conf import settings
from django.db import connection
from django.db.models import F, QuerySet

from openlima.search import spanish_query, spanish_vector_sql, text_search

SEARCH_FIELDS = ["title", "description"]

_TAG_NAMES_SQL = """(
        SELECT string_agg(t.name, ' ' ORDER BY t.name)
        FROM opendata_dataset_tags dt JOIN opendata_tag t ON t.id = dt.tag_id
        WHERE dt.dataset_id = d.id)"""
# Title A, description B (as text_search(fields=SEARCH_FIELDS) weighs them), tags B.
DATASET_VECTOR_SQL = spanish_vector_sql(["d.title", "d.description", _TAG_NAMES_SQL])
DOCUMENT_VECTOR_SQL = spanish_vector_sql(["d.title", "d.description"])


def _reindex(table: str, vector_sql: str, ids) -> int:
    if connection.vendor != "postgresql":
        return 0
    sql = f"UPDATE {table} AS d SET search_vector = {vector_sql}"  # noqa: S608 (constants)
    params = []
    if ids is not None:
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        sql += " WHERE d.id = ANY(%s)"
        params.append(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def dataset_search_index(*, dataset_ids=None) -> int:
    """Refresh the stored vector of these datasets (all when None); call it after any
    change of title, description or tags. A no-op off PostgreSQL."""
    return _reindex("opendata_dataset", DATASET_VECTOR_SQL, dataset_ids)


def transparency_search_index(*, document_ids=None) -> int:
    """Refresh the stored vector of these transparency documents (all when None)."""
    return _reindex("opendata_transparencydocument", DOCUMENT_VECTOR_SQL, document_ids)


def stored_text_search(qs: QuerySet, *, query: str) -> QuerySet:
    """`qs` filtered to the rows matching `query`, annotated with `rank` and ordered by
    it (best first, then newest id): the drop-in of `text_search` on the stored vector."""
    query = (query or "").strip()[:200]
    if not query:
        return qs.none()
    if not settings.IS_POSTGRES:
        return text_search(qs, fields=SEARCH_FIELDS, query=query)
    from django.contrib.postgres.search import SearchRank

    search_query = spanish_query(query)
    return (
        qs.filter(search_vector=search_query)
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .order_by("-rank", "-id")
    )


def stored_text_filter(qs: QuerySet, *, query: str) -> QuerySet:
    """`qs` filtered to the rows matching `query`, not ranked (for lists sorted by
    another key and for facet counts)."""
    query = (query or "").strip()[:200]
    if not query:
        return qs.none()
    if not settings.IS_POSTGRES:
        return text_search(qs, fields=SEARCH_FIELDS, query=query).order_by()
    return qs.filter(search_vector=spanish_query(query))
