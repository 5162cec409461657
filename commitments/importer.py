"""Import of `action-plan/1` files: validate everything first (each problem with its JSON
path), then write in one transaction, idempotently (a second run changes nothing)."""

import datetime
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from jsonschema import Draft202012Validator

from openlima.models import OrgUnit

from .models import (
    ActionPlan,
    Commitment,
    CompletionLevel,
    Indicator,
    Milestone,
    OgpValue,
    PlanLevel,
    PlanStatus,
    ProgressUpdate,
)

FORMAT = "action-plan/1"
SLUG_RE = re.compile(r"^[-a-z0-9_]{1,100}$")


class ImportFileError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "action-plan-1.schema.json"
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@functools.cache
def schema() -> dict:
    """The published structure of the format (docs/action-plan-1.schema.json)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# --- structure: the JSON Schema, its errors in the importer's words --------------------


def _missing(kind: str) -> str:
    return {
        "text": "missing (required text)",
        "slug": "missing (required text)",
        "date": "missing (required date YYYY-MM-DD)",
        "number": "must be a positive integer",
        "format": f"must be {FORMAT!r}, found None",
        "plan": "missing or not an object",
        "commitments": "must be a non-empty list",
    }.get(kind, "missing")


def _message(kind: str, keyword: str, sub: dict, value) -> str:
    """One schema error as the importer has always worded it."""
    if value is None and kind in ("text", "slug", "date", "choice"):
        return _missing(kind)
    if kind in ("text", "slug"):
        if keyword == "type":
            return f"must be text, not {type(value).__name__}"
        if keyword == "maxLength":
            return f"longer than {sub['maxLength']} characters"
        if keyword == "pattern" and kind == "slug" and value.strip():
            return "use lowercase letters, digits and hyphens only"
        return "must not be empty"
    if kind == "date":
        if keyword == "type":
            return "must be a date string YYYY-MM-DD"
        return f"invalid date {value!r} (use YYYY-MM-DD)"
    if kind == "choice":
        if value == "":
            return "missing"
        choices = [c for c in sub["enum"] if c]
        return f"{value!r} is not one of {', '.join(sorted(choices))}"
    if kind == "ogp-value":
        if keyword == "maxLength":
            return f"longer than {sub['maxLength']} characters"
        if not isinstance(value, str) or not value.strip():
            return "must be non-empty text"
        return f"{value!r} is not one of {', '.join(OgpValue.values)}"
    if kind == "list-item":
        if keyword == "maxLength":
            return f"longer than {sub['maxLength']} characters"
        return "must be non-empty text"
    return {
        "format": f"must be {FORMAT!r}, found {value!r}",
        "plan": "missing or not an object",
        "commitments": "must be a non-empty list",
        "number": "must be a positive integer",
        "weight": "must be an integer from 1 to 100",
        "commitment-slug": "use lowercase letters, digits and hyphens only",
        "list": "must be a list of texts",
        "nullable-text": "must be text or null",
        "milestones": "must be a list of milestones",
        "object": "must be an object",
    }.get(kind, "is not valid")


def _path(error) -> str:
    return error.json_path


def _schema_problems(data) -> list[str]:
    problems, seen = [], set()

    def add(path: str, message: str) -> None:
        if path not in seen:  # one problem per place, as the checks always gave
            seen.add(path)
            problems.append(f"{path}: {message}")

    def walk(errors):
        for error in errors:
            sub, keyword, value = error.schema, error.validator, error.instance
            if keyword == "required":
                for name in sub["required"]:
                    if isinstance(value, dict) and name not in value:
                        kind = sub["properties"][name].get("x-kind", "")
                        add(f"{_path(error)}.{name}", _missing(kind))
                continue
            if keyword == "anyOf" and isinstance(value, list):
                walk(e for e in error.context if e.absolute_path != error.absolute_path)
                continue
            kind = sub.get("x-kind") or (
                "object" if sub.get("type") == "object" else ""
            )
            add(_path(error), _message(kind, keyword, sub, value))

    walk(Draft202012Validator(schema()).iter_errors(data))
    return problems


# --- meaning: what needs the database or the whole file --------------------------------


def _text(obj: dict, key: str) -> str:
    value = obj.get(key)
    return value.strip() if isinstance(value, str) else ""


def _texts(obj: dict, key: str) -> list[str]:
    value = obj.get(key)
    if not isinstance(value, list):
        return []
    return [
        v.strip() for v in value if isinstance(v, str) and v.strip() and len(v) <= 300
    ]


@dataclass
class _Meaning:
    """The semantic pass: real dates in order, no duplicates, units the portal knows,
    the template a commitment names. Values the schema refused are skipped here."""

    problems: list[str] = field(default_factory=list)
    units: dict = field(default_factory=dict)

    def error(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def date(self, obj: dict, key: str, path: str):
        value = obj.get(key)
        if not isinstance(value, str) or not DATE_RE.match(value):
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(f"{path}.{key}", f"invalid date {value!r} (use YYYY-MM-DD)")
            return None

    def order(self, start, end, path, key_end):
        if start and end and end < start:
            self.error(f"{path}.{key_end}", "is before the start date")

    def milestones(self, raw, path) -> list[dict]:
        result, codes = [], set()
        for i, m in enumerate(raw if isinstance(raw, list) else []):
            if not isinstance(m, dict):
                continue
            mpath = f"{path}[{i}]"
            code = _text(m, "code")
            if code and code in codes:
                self.error(f"{mpath}.code", f"duplicate code {code!r}")
            codes.add(code)
            start, end = self.date(m, "start", mpath), self.date(m, "end", mpath)
            self.order(start, end, mpath, "end")
            weight = m.get("weight", 1)
            valid = isinstance(weight, int) and not isinstance(weight, bool)
            result.append(
                {
                    "code": code,
                    "title": _text(m, "title"),
                    "description": _text(m, "description"),
                    "start_on": start,
                    "due_on": end,
                    "weight": weight if valid and 1 <= weight <= 100 else 1,
                }
            )
        return result

    def plan(self, data: dict) -> dict:
        raw = data.get("plan") if isinstance(data.get("plan"), dict) else {}
        p = "$.plan"
        coordinator = _text(raw, "coordinator_unit")
        source = data.get("source", "")
        plan = {
            "slug": _text(raw, "slug"),
            "title": _text(raw, "title"),
            "government": _text(raw, "government"),
            "level": raw.get("level") if raw.get("level") in PlanLevel.values else "",
            "programme": _text(raw, "programme"),
            "period_start": self.date(raw, "period_start", p),
            "period_end": self.date(raw, "period_end", p),
            "status": raw.get("status")
            if raw.get("status") in PlanStatus.values
            else "",
            "civil_society_partner": _text(raw, "civil_society_partner"),
            "published_on": self.date(raw, "published_on", p),
            "coordinating_unit": self.units.get(coordinator.lower())
            if coordinator
            else None,
            "coordinating_unit_name": coordinator,
            "source": (source or "")[:2000] if isinstance(source, str) else "",
        }
        self.order(plan["period_start"], plan["period_end"], p, "period_end")
        return plan

    def commitment_identity(self, c: dict, cp: str, seen: dict) -> tuple:
        """(number, title, slug), each number and slug once in the plan."""
        number = c.get("number")
        if isinstance(number, int) and not isinstance(number, bool) and number >= 1:
            if number in seen["numbers"]:
                self.error(f"{cp}.number", f"duplicate number {number}")
            seen["numbers"].add(number)
        title = _text(c, "title")
        cslug = c.get("slug") or slugify(title)[:100]
        if isinstance(cslug, str) and SLUG_RE.match(cslug):
            if cslug in seen["slugs"]:
                self.error(f"{cp}.slug", f"duplicate slug {cslug!r}")
            seen["slugs"].add(cslug)
        elif not c.get("slug"):  # a slug made from the title that does not fit
            self.error(f"{cp}.slug", "use lowercase letters, digits and hyphens only")
        return number, title, cslug

    def responsible_units(self, c: dict, cp: str) -> list:
        units = []
        for j, name in enumerate(_texts(c, "responsible_units")):
            unit = self.units.get(name.lower())
            if unit is None:
                self.error(
                    f"{cp}.responsible_units[{j}]",
                    f"unknown municipal unit {name!r} (create it in /gestion/ first)",
                )
            else:
                units.append(unit)
        return units

    def commitment_dates(self, c: dict, cp: str) -> dict:
        """The implementation and commitment periods, each in order (`end_date` is the
        older name of `commitment_end`)."""
        dates = {
            key: self.date(c, key, cp)
            for key in (
                "implementation_start",
                "implementation_end",
                "commitment_start",
                "commitment_end",
                "end_date",
            )
        }
        self.order(
            dates["implementation_start"],
            dates["implementation_end"],
            cp,
            "implementation_end",
        )
        dates["commitment_end"] = dates["commitment_end"] or dates["end_date"]
        self.order(
            dates["commitment_start"], dates["commitment_end"], cp, "commitment_end"
        )
        return dates

    def commitment_milestones(self, c: dict, cp: str, template) -> list:
        """The commitment's milestones, or a copy of the file's template."""
        raw_ms = c.get("milestones")
        if raw_ms == "template":
            if template is None:
                self.error(
                    f"{cp}.milestones",
                    '"template" but the file has no milestone_template',
                )
            return [dict(m) for m in template or []]
        return self.milestones(raw_ms, f"{cp}.milestones")

    def commitment(self, c: dict, cp: str, template, seen: dict) -> dict:
        number, title, cslug = self.commitment_identity(c, cp, seen)
        units = self.responsible_units(c, cp)
        dates = self.commitment_dates(c, cp)
        commitment_end = dates["commitment_end"]
        milestones = self.commitment_milestones(c, cp, template)
        level_key = "completion_level" if "completion_level" in c else "compliance"
        level = c.get(level_key)
        indicators = _texts(c, "indicators")
        responsible = c.get("responsible")
        return {
            "number": number,
            "slug": cslug,
            "title": title,
            "component": _text(c, "component"),
            "units": units,
            "responsible_text": (
                responsible.strip() if isinstance(responsible, str) else ""
            )[:300],
            "ogp_values": ",".join(
                v for v in _texts(c, "ogp_values") if v in OgpValue.values
            ),
            "sdg_targets": ",".join(_texts(c, "sdg_targets")),
            "problem": _text(c, "problem"),
            "stoppers": "\n".join(_texts(c, "stoppers")),
            "objective": _text(c, "objective"),
            "expected_results": "\n".join(indicators),
            "indicators": indicators,
            "implementation_start": dates["implementation_start"],
            "implementation_end": dates["implementation_end"],
            "commitment_start": dates["commitment_start"],
            "commitment_end": commitment_end,
            "completion_level": level if level in CompletionLevel.values else "",
            "note": _text(c, "note"),
            "milestones": milestones,
        }


def _units_index() -> dict[str, OrgUnit]:
    index = {}
    for unit in OrgUnit.objects.all():
        for key in (unit.name, unit.slug, unit.acronym):
            if key:
                index[key.strip().lower()] = unit
    return index


def validate(data) -> dict:
    """Check the whole file; raise ImportFileError listing every problem, else return
    the cleaned plan. The structure is checked against the published JSON Schema
    (docs/action-plan-1.schema.json), then `_Meaning` checks what the schema cannot."""
    if not isinstance(data, dict):
        raise ImportFileError(["$: the file must contain a JSON object"])
    problems = _schema_problems(data)
    meaning = _Meaning(units=_units_index())
    plan = meaning.plan(data)
    template = None
    if "milestone_template" in data:
        template = meaning.milestones(
            data["milestone_template"], "$.milestone_template"
        )
    seen = {"numbers": set(), "slugs": set()}
    raw = data.get("commitments")
    commitments = [
        meaning.commitment(c, f"$.commitments[{i}]", template, seen)
        for i, c in enumerate(raw if isinstance(raw, list) else [])
        if isinstance(c, dict)
    ]
    problems += meaning.problems
    if problems:
        raise ImportFileError(problems)
    return {"plan": plan, "commitments": commitments}


def _apply(obj, values: dict) -> list[str]:
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    return changed


COMMITMENT_FIELDS = (
    "number",
    "title",
    "component",
    "responsible_text",
    "ogp_values",
    "sdg_targets",
    "problem",
    "stoppers",
    "objective",
    "expected_results",
    "implementation_start",
    "implementation_end",
    "commitment_start",
    "commitment_end",
    "completion_level",
    "note",
)


def _upsert(
    existing, new, values: dict, *, now, stats: dict
) -> tuple[object, list[str]]:
    """Create `new()` when there is no `existing` row, else write only the fields that
    changed; counts the row as created, updated or unchanged. Returns the row and the
    names of the fields that changed."""
    if existing is None:
        obj = new()
        obj.full_clean()
        obj.save()
        stats["created"] += 1
        return obj, []
    if changed := _apply(existing, values):
        existing.updated_at = now
        existing.full_clean()
        existing.save(update_fields=[*changed, "updated_at"])
        stats["updated"] += 1
        return existing, changed
    stats["unchanged"] += 1
    return existing, []


def _sync_units(commitment, units, *, now) -> None:
    wanted = {u.pk for u in units}
    if set(commitment.responsible_units.values_list("pk", flat=True)) != wanted:
        commitment.responsible_units.set(wanted)
        Commitment.objects.filter(pk=commitment.pk).update(updated_at=now)


def _sync_indicators(commitment, names: list[str], *, stats: dict) -> None:
    for order, name in enumerate(names):
        _ind, created = Indicator.objects.get_or_create(
            commitment=commitment, name=name[:300], defaults={"order": order}
        )
        stats["created" if created else "unchanged"] += 1


def _sync_milestones(commitment, milestones, *, plan, now, stats: dict) -> bool:
    """Create or update the file's milestones; each change is recorded as a published
    ProgressUpdate. Returns whether any milestone was created or changed."""
    existing = {m.code: m for m in commitment.milestones.all()}
    touched = False
    for m in milestones:
        current = existing.get(m["code"])
        before = {k: getattr(current, k) for k in m} if current else {}
        milestone, changed = _upsert(
            current,
            lambda m=m: Milestone(commitment=commitment, **m),
            m,
            now=now,
            stats=stats,
        )
        touched = touched or current is None or bool(changed)
        if changed:
            ProgressUpdate.objects.create(
                commitment=commitment,
                milestone=milestone,
                unit=plan.coordinating_unit,
                changes={
                    k: [_iso(before[k]), _iso(getattr(milestone, k))] for k in changed
                },
                note="Actualizado desde el archivo del plan de acción.",
                published_at=now,
            )
    return touched


@transaction.atomic
def import_plan(data) -> dict:
    """Validate then write. Returns counts of created/updated rows."""
    cleaned = validate(data)
    stats = {"created": 0, "updated": 0, "unchanged": 0}
    now = timezone.now()
    p = cleaned["plan"]
    values = {k: v for k, v in p.items() if k != "slug"}
    plan, _changed = _upsert(
        ActionPlan.objects.filter(slug=p["slug"]).first(),
        lambda: ActionPlan(slug=p["slug"], is_published=True, **values),
        values,
        now=now,
        stats=stats,
    )
    for c in cleaned["commitments"]:
        fields = {k: c[k] for k in COMMITMENT_FIELDS}
        commitment, _changed = _upsert(
            Commitment.objects.filter(plan=plan, slug=c["slug"]).first(),
            lambda c=c, fields=fields: Commitment(plan=plan, slug=c["slug"], **fields),
            fields,
            now=now,
            stats=stats,
        )
        _sync_units(commitment, c["units"], now=now)
        _sync_indicators(commitment, c["indicators"], stats=stats)
        if _sync_milestones(
            commitment, c["milestones"], plan=plan, now=now, stats=stats
        ):
            from .services import commitment_recompute

            commitment_recompute(commitment=commitment)
    return {"plan": plan, **stats}


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value
