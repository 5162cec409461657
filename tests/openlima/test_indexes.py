"""No index that another index already covers (docs/performance.md, "Indexes").

A single-column B-tree index is redundant where a full (not partial) multi-column B-tree
index of the same table starts with that column: PostgreSQL answers the same lookups
from the longer index, and every insert and non-HOT update paid for both. Django adds
one such index for every foreign key, so a model that also declares an index or a
unique constraint starting with that key says `db_index=False` on it. Each support, for
example, wrote five index entries where three serve every query."""

import pytest
from django.apps import apps
from django.db import connection

from openlima.pagecache import project_apps

REDUNDANT = """
SELECT s.indrelid::regclass::text, s.indexrelid::regclass::text
FROM pg_index s
JOIN pg_class ic ON ic.oid = s.indexrelid
JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
WHERE s.indnatts = 1 AND NOT s.indisunique AND NOT s.indisprimary
  AND s.indpred IS NULL AND s.indexprs IS NULL
  AND s.indrelid::regclass::text = ANY(%s)
  AND EXISTS (
    SELECT 1 FROM pg_index m
    JOIN pg_class mc ON mc.oid = m.indexrelid
    JOIN pg_am mam ON mam.oid = mc.relam AND mam.amname = 'btree'
    WHERE m.indrelid = s.indrelid AND m.indnatts > 1
      AND m.indpred IS NULL AND m.indexprs IS NULL
      AND m.indkey[0] = s.indkey[0])
ORDER BY 1, 2
"""


@pytest.mark.postgres
@pytest.mark.django_db
def test_no_single_column_index_that_a_longer_index_covers():
    # Django's own many-to-many tables are left as Django makes them.
    own = set(project_apps())
    tables = [
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in own and not m._meta.auto_created
    ]
    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT, [tables])
        redundant = cursor.fetchall()
    assert redundant == []
