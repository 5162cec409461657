"""Reference data every installation has: role groups, the city profile's territorial units
(districts or macrodistricts) and municipal units (docs/city-profile.md). Idempotent.

Migration 0002 seeds Lima's districts and units; `city_profile_load` (run by
`manage.py load_city_profile` and, after `migrate`, when the database holds another city's
units) makes the database match the profile."""

import csv
import json

from django.db import transaction
from django.utils.text import slugify

from . import city as city_profile
from . import roles


def reference_data_ensure() -> None:
    from django.contrib.auth.models import Group

    from .models import District, OrgUnit

    if Group.objects.filter(name__in=roles.ALL_ROLES).count() < len(roles.ALL_ROLES):
        role_groups_sync()
    profile = city_profile.raw()
    if (
        not District.objects.exists()
        or not OrgUnit.objects.exists()
        or city_profile_mismatch(profile)
    ):
        city_profile_load(profile)


def territorial_units(profile: dict) -> list[dict]:
    """[{"code", "name", "geometry"}] of the profile's territory files, in file order
    (read once per profile folder and files: tests ask for it before every test)."""
    territory = profile["territory"]
    key = (profile["_dir"], json.dumps(territory, sort_keys=True))
    if key not in _UNITS_CACHE:
        _UNITS_CACHE[key] = _territorial_units_read(profile)
    return [dict(u) for u in _UNITS_CACHE[key]]


_UNITS_CACHE: dict[tuple, list[dict]] = {}


def _territorial_units_read(profile: dict) -> list[dict]:
    territory = profile["territory"]
    code_key = territory.get("code_property", "code")
    name_key = territory.get("name_property", "name")
    path = city_profile.resolve_file(territory["units"], profile)
    units: list[dict] = []
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                units.append(
                    {"code": row[code_key].strip(), "name": row[name_key].strip()}
                )
    else:
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            props = feature.get("properties") or {}
            units.append(
                {
                    "code": str(props[code_key]).strip(),
                    "name": str(props[name_key]).strip(),
                    "geometry": feature.get("geometry"),
                }
            )
    if territory.get("polygons"):
        polygons = json.loads(
            city_profile.resolve_file(territory["polygons"], profile).read_text(
                encoding="utf-8"
            )
        )
        by_code = {
            str((f.get("properties") or {}).get(code_key)): f.get("geometry")
            for f in polygons["features"]
        }
        for unit in units:
            unit.setdefault("geometry", by_code.get(unit["code"]))
    codes = [u["code"] for u in units]
    if len(set(codes)) != len(codes) or not all(codes):
        raise city_profile.ProfileError(
            "territorial unit codes must be unique, non-empty"
        )
    if any(len(c) > 6 for c in codes):
        raise city_profile.ProfileError(
            "territorial unit codes have at most 6 characters"
        )
    return units


def city_profile_mismatch(profile: dict) -> bool:
    """True when the database's territorial units are not the profile's."""
    from .models import District

    wanted = {u["code"] for u in territorial_units(profile)}
    return set(District.objects.values_list("ubigeo", flat=True)) != wanted


@transaction.atomic
def city_profile_load(profile: dict) -> dict:
    """Make the database's territorial and municipal units the profile's (idempotent).

    Units are matched by code (districts) and slug (municipal units): existing rows are
    updated, missing ones created. Districts not in the profile are deleted when nothing
    refers to them, otherwise kept and reported; municipal units not in the profile are
    deactivated. Returns counts."""
    from django.db.models import ProtectedError

    from .models import District, OrgUnit

    result = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0, "kept": []}
    units = territorial_units(profile)
    existing = {d.ubigeo: d for d in District.objects.all()}
    used_slugs = {d.slug: d.ubigeo for d in existing.values()}
    for unit in units:
        district = existing.get(unit["code"])
        slug = slugify(unit["name"])[:140] or slugify(unit["code"])
        if used_slugs.get(slug, unit["code"]) != unit["code"]:
            slug = f"{slug[:130]}-{slugify(unit['code'])}"
        values = {"name": unit["name"], "slug": slug, "geometry": unit.get("geometry")}
        if district is None:
            stale = [c for c, d in existing.items() if d.slug == slug]
            for code in stale:  # another city's unit holding this slug
                existing.pop(code).delete()
            District.objects.create(ubigeo=unit["code"], **values)
            result["created"] += 1
        elif any(getattr(district, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(district, key, value)
            district.save()
            result["updated"] += 1
        else:
            result["unchanged"] += 1
        used_slugs[slug] = unit["code"]
    wanted = {u["code"] for u in units}
    for code, district in existing.items():
        if code in wanted:
            continue
        if _in_use(district):
            result["kept"].append(code)
            continue
        try:
            with transaction.atomic():
                district.delete()
            result["removed"] += 1
        except ProtectedError:
            result["kept"].append(code)
    slugs = []
    for unit in profile["municipal_units"]:
        slugs.append(unit["slug"])
        OrgUnit.objects.update_or_create(
            slug=unit["slug"],
            defaults={
                "name": unit["name"],
                "acronym": unit.get("acronym", ""),
                "is_active": True,
                **({"email": unit["email"]} if unit.get("email") else {}),
            },
        )
    OrgUnit.objects.exclude(slug__in=slugs).filter(is_active=True).update(
        is_active=False
    )
    result["roles"] = _roles_apply(profile)
    return result


def _roles_apply(profile: dict) -> dict:
    """The profile's role defaults (docs/city-profile.md, `roles`): every role group
    exists, and staff members of a role who belong to no unit get its default unit.
    Returns {role: members given the unit}."""
    from django.contrib.auth.models import Group

    from . import roles
    from .models import OrgUnit, User

    applied = {}
    configured = profile.get("roles") or {}
    for role in roles.ALL_ROLES:
        Group.objects.get_or_create(name=role)
        slug = (configured.get(role) or {}).get("unit") or roles.DEFAULT_ROLE_UNITS.get(
            role
        )
        unit = (
            OrgUnit.objects.filter(slug=slug, is_active=True).first() if slug else None
        )
        if unit is None:
            continue
        applied[role] = User.objects.filter(
            groups__name=role, is_staff=True, org_unit__isnull=True
        ).update(org_unit=unit)
    return applied


def _in_use(obj) -> bool:
    """True when any row (of any app) refers to `obj`: such a unit is kept, not deleted."""
    relations = [
        f
        for f in obj._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.many_to_many)
    ]
    for rel in relations:  # include_hidden: FKs with related_name="+" count too
        model = rel.related_model
        if rel.many_to_many:
            field = rel.field
            through = field.remote_field.through
            if through.objects.filter(
                **{field.m2m_reverse_field_name(): obj.pk}
            ).exists():
                return True
        elif model._default_manager.filter(**{rel.field.name: obj.pk}).exists():
            return True
    return False


def role_groups_sync(*, using: str = "default") -> None:
    """Create the role groups and grant each the permissions the apps declare
    (`roles.role_permissions()`; only those that exist yet: apps create theirs in their
    own post_migrate)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    declared = roles.role_permissions()
    for name in roles.ALL_ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = declared.get(name)
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
