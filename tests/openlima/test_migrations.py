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
    with (ROOT / "openlima" / "data" / "lima-districts.csv").open(
        encoding="utf-8"
    ) as fh:
        live = [(row["ubigeo"], row["name"]) for row in csv.DictReader(fh)]
    assert list(districts) == live
