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
        role_groups_sync()
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


def role_groups_sync(*, using: str = "default") -> None:
    """Create the role groups and grant each the permissions listed in roles.ROLE_PERMISSIONS
    (only those that exist yet: apps create theirs in their own post_migrate)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for name in roles.ALL_ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = roles.ROLE_PERMISSIONS.get(name)
        if not wanted:
            continue
        condition = Q(pk__in=[])
        for spec in wanted:
            app_label, codename = spec.split(".", 1)
            if codename == "*":
                condition |= Q(content_type__app_label=app_label)
            else:
                condition |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.using(using).filter(condition))
