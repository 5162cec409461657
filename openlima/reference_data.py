"""Reference data every installation has (also created by migration 0002): role groups, the
districts of Lima and the default municipal units. Idempotent."""

import csv
from pathlib import Path

from django.utils.text import slugify

from . import roles

DISTRICTS_CSV = Path(__file__).resolve().parent / "data" / "lima-districts.csv"


def reference_data_ensure() -> None:
    from django.contrib.auth.models import Group

    from .models import District, OrgUnit

    if Group.objects.filter(name__in=roles.ALL_ROLES).count() < len(roles.ALL_ROLES):
        for name in roles.ALL_ROLES:
            Group.objects.get_or_create(name=name)
    if not District.objects.exists():
        with DISTRICTS_CSV.open(encoding="utf-8") as fh:
            District.objects.bulk_create(
                [
                    District(
                        ubigeo=r["ubigeo"], name=r["name"], slug=slugify(r["name"])
                    )
                    for r in csv.DictReader(fh)
                ]
            )
    if not OrgUnit.objects.exists():
        OrgUnit.objects.bulk_create(
            [OrgUnit(name=n, slug=s, acronym=a) for n, s, a in roles.DEFAULT_ORG_UNITS]
        )
