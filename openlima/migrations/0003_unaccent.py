from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """`unaccent` for Spanish full-text search (a no-op on SQLite)."""

    dependencies = [("openlima", "0002_seed_roles_districts_units")]

    operations = [UnaccentExtension()]
