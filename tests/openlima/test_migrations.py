"""Migrations give the same result forever (issue 11, "Data that survives"): reference
data is frozen inside them, not read from files that keep changing; indexes created with
SQL are declared in the models too, so Django's migration state knows them."""

import csv
import importlib
import inspect
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _seed_migration():
    return importlib.import_module(
        "openlima.migrations.0002_seed_roles_districts_units"
    )


def test_district_seed_migration_reads_no_file():
    source = inspect.getsource(_seed_migration())
    for needle in ("open(", "import csv", "Path(", "lima-districts", "read_text"):
        assert needle not in source, needle


def test_frozen_districts_are_the_43_of_lima_with_unique_ubigeos():
    districts = _seed_migration().DISTRICTS
    assert len(districts) == 43
    assert len({u for u, _ in districts}) == 43
    assert all(u.startswith("1501") and len(u) == 6 for u, _ in districts)
    # Today the live file still says the same; if it changes, the change needs its own
    # migration (this migration keeps its frozen copy).
    with (ROOT / "profiles" / "lima" / "districts.csv").open(encoding="utf-8") as fh:
        live = [(row["ubigeo"], row["name"]) for row in csv.DictReader(fh)]
    assert list(districts) == live


# --- GIN indexes declared in the models ------------------------------------------------

import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

SEARCH_INDEXES = {
    "prop_doc_search_gin": "participation_proposalsearchdocument",
    "opendata_dataset_search_gin": "opendata_dataset",
    "opendata_doc_search_gin": "opendata_transparencydocument",
}


def test_search_gin_indexes_are_in_the_models_meta():
    from django.apps import apps

    from openlima.indexes import SearchGinIndex

    declared = {
        index.name: model._meta.db_table
        for model in apps.get_models()
        for index in model._meta.indexes
        if isinstance(index, SearchGinIndex)
    }
    assert declared == SEARCH_INDEXES


def _index_oids(cursor) -> dict[str, tuple[int, str]]:
    cursor.execute(
        "SELECT c.relname, c.oid, pg_get_indexdef(c.oid) FROM pg_class c "
        "WHERE c.relkind = 'i' AND c.relname = ANY(%s)",
        [list(SEARCH_INDEXES)],
    )
    return {name: (oid, definition) for name, oid, definition in cursor.fetchall()}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_gin_indexes_exist_and_the_migration_rebuilds_none():
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        before = _index_oids(cursor)
    assert set(before) == set(SEARCH_INDEXES)
    assert all("USING gin (search_vector)" in d for _, d in before.values())
    # Back to the migrations that made the indexes with SQL, and forward again: the very
    # same index objects (same OIDs) are there, none was dropped and created again. The
    # proposals' index is the exception: it moved to a table of its own in 0008, which
    # going back drops (and the old index on the proposals' table comes back).
    call_command("migrate", "participation", "0002", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef('prop_search_gin'::regclass), "
            "to_regclass('participation_proposalsearchdocument')"
        )
        assert cursor.fetchone() == (
            "CREATE INDEX prop_search_gin ON public.participation_proposal "
            "USING gin (search_vector)",
            None,
        )
    call_command("migrate", "opendata", "0002", verbosity=0)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        after = _index_oids(cursor)
        cursor.execute("SELECT to_regclass('prop_search_gin')")
        assert cursor.fetchone() == (None,)
    moved = "prop_doc_search_gin"
    assert "USING gin (search_vector)" in after[moved][1]
    assert {k: v[0] for k, v in after.items() if k != moved} == {
        k: v[0] for k, v in before.items() if k != moved
    }


SQLITE_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from participation.models import Proposal, ProposalSearchDocument
from opendata.models import Dataset
# SQLite rebuilds a table for many schema changes: every declared index is made again.
with connection.schema_editor() as editor:
    editor._remake_table(Proposal)
    editor._remake_table(ProposalSearchDocument)
    editor._remake_table(Dataset)
with connection.cursor() as cursor:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    print(" ".join(sorted(row[0] for row in cursor.fetchall())))
"""


def test_the_embedded_default_still_migrates_on_sqlite(tmp_path):
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
    )
    done = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    names = set(done.stdout.split())
    assert set(SEARCH_INDEXES) <= names
