"""Import of `action-plan/1` files: validate everything first (each problem with its JSON
path), then write in one transaction, idempotently (a second run changes nothing)."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

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


@dataclass
class _Checker:
    problems: list[str] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def text(self, obj, key, path, *, required=True, max_length=None):
        value = obj.get(key)
        if value is None:
            if required:
                self.error(f"{path}.{key}", "missing (required text)")
            return ""
        if not isinstance(value, str):
            self.error(f"{path}.{key}", f"must be text, not {type(value).__name__}")
            return ""
        value = value.strip()
        if required and not value:
            self.error(f"{path}.{key}", "must not be empty")
        if max_length and len(value) > max_length:
            self.error(f"{path}.{key}", f"longer than {max_length} characters")
        return value

    def date(self, obj, key, path, *, required=True):
        value = obj.get(key)
        if value is None:
            if required:
                self.error(f"{path}.{key}", "missing (required date YYYY-MM-DD)")
            return None
        if not isinstance(value, str):
            self.error(f"{path}.{key}", "must be a date string YYYY-MM-DD")
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(f"{path}.{key}", f"invalid date {value!r} (use YYYY-MM-DD)")
            return None

    def choice(self, obj, key, path, choices, *, required=True):
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.error(f"{path}.{key}", "missing")
            return ""
        if value not in choices:
            self.error(
                f"{path}.{key}", f"{value!r} is not one of {', '.join(sorted(choices))}"
            )
            return ""
        return value

    def str_list(self, obj, key, path, *, max_length=300):
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(f"{path}.{key}", "must be a list of texts")
            return []
        result = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"{path}.{key}[{i}]", "must be non-empty text")
            elif len(item) > max_length:
                self.error(f"{path}.{key}[{i}]", f"longer than {max_length} characters")
            else:
                result.append(item.strip())
        return result

    def order(self, start, end, path, key_end):
        if start and end and end < start:
            self.error(f"{path}.{key_end}", "is before the start date")


def _units_index() -> dict[str, OrgUnit]:
    index = {}
    for unit in OrgUnit.objects.all():
        for key in (unit.name, unit.slug, unit.acronym):
            if key:
                index[key.strip().lower()] = unit
    return index


def _milestones(ck, raw, path):
    if not isinstance(raw, list):
        ck.error(path, "must be a list of milestones")
        return []
    result, codes = [], set()
    for i, m in enumerate(raw):
        mpath = f"{path}[{i}]"
        if not isinstance(m, dict):
            ck.error(mpath, "must be an object")
            continue
        code = ck.text(m, "code", mpath, max_length=10)
        if code and code in codes:
            ck.error(f"{mpath}.code", f"duplicate code {code!r}")
        codes.add(code)
        start = ck.date(m, "start", mpath)
        end = ck.date(m, "end", mpath)
        ck.order(start, end, mpath, "end")
        weight = m.get("weight", 1)
        if (
            not isinstance(weight, int)
            or isinstance(weight, bool)
            or not 1 <= weight <= 100
        ):
            ck.error(f"{mpath}.weight", "must be an integer from 1 to 100")
            weight = 1
        result.append(
            {
                "code": code,
                "title": ck.text(m, "title", mpath, max_length=300),
                "description": ck.text(m, "description", mpath, required=False),
                "start_on": start,
                "due_on": end,
                "weight": weight,
            }
        )
    return result


def validate(data) -> dict:
    """Check the whole file; raise ImportFileError listing every problem, else return
    the cleaned plan."""
    ck = _Checker()
    if not isinstance(data, dict):
        raise ImportFileError(["$: the file must contain a JSON object"])
    if data.get("format") != FORMAT:
        ck.error("$.format", f"must be {FORMAT!r}, found {data.get('format')!r}")
    plan_raw = data.get("plan")
    if not isinstance(plan_raw, dict):
        ck.error("$.plan", "missing or not an object")
        plan_raw = {}
    p = "$.plan"
    slug = ck.text(plan_raw, "slug", p, max_length=100)
    if slug and not SLUG_RE.match(slug):
        ck.error(f"{p}.slug", "use lowercase letters, digits and hyphens only")
    units = _units_index()
    coordinator = ck.text(
        plan_raw, "coordinator_unit", p, required=False, max_length=255
    )
    plan = {
        "slug": slug,
        "title": ck.text(plan_raw, "title", p, max_length=255),
        "government": ck.text(
            plan_raw, "government", p, required=False, max_length=255
        ),
        "level": ck.choice(plan_raw, "level", p, set(PlanLevel.values)),
        "programme": ck.text(plan_raw, "programme", p, required=False, max_length=100),
        "period_start": ck.date(plan_raw, "period_start", p),
        "period_end": ck.date(plan_raw, "period_end", p),
        "status": ck.choice(plan_raw, "status", p, set(PlanStatus.values)),
        "civil_society_partner": ck.text(
            plan_raw, "civil_society_partner", p, required=False, max_length=255
        ),
        "published_on": ck.date(plan_raw, "published_on", p, required=False),
        "coordinating_unit": units.get(coordinator.lower()) if coordinator else None,
        "coordinating_unit_name": coordinator,
        "source": (data.get("source") or "")[:2000]
        if isinstance(data.get("source", ""), str)
        else "",
    }
    ck.order(plan["period_start"], plan["period_end"], p, "period_end")
    template = []
    if "milestone_template" in data:
        template = _milestones(ck, data["milestone_template"], "$.milestone_template")
    commitments_raw = data.get("commitments")
    if not isinstance(commitments_raw, list) or not commitments_raw:
        ck.error("$.commitments", "must be a non-empty list")
        commitments_raw = []
    commitments, numbers, slugs = [], set(), set()
    completion_values = set(CompletionLevel.values)
    for i, c in enumerate(commitments_raw):
        cp = f"$.commitments[{i}]"
        if not isinstance(c, dict):
            ck.error(cp, "must be an object")
            continue
        number = c.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            ck.error(f"{cp}.number", "must be a positive integer")
        elif number in numbers:
            ck.error(f"{cp}.number", f"duplicate number {number}")
        numbers.add(number)
        title = ck.text(c, "title", cp, max_length=300)
        cslug = c.get("slug") or slugify(title)[:100]
        if not isinstance(cslug, str) or not SLUG_RE.match(cslug):
            ck.error(f"{cp}.slug", "use lowercase letters, digits and hyphens only")
        elif cslug in slugs:
            ck.error(f"{cp}.slug", f"duplicate slug {cslug!r}")
        slugs.add(cslug)
        unit_objs = []
        for j, name in enumerate(ck.str_list(c, "responsible_units", cp)):
            unit = units.get(name.lower())
            if unit is None:
                ck.error(
                    f"{cp}.responsible_units[{j}]",
                    f"unknown municipal unit {name!r} (create it in /gestion/ first)",
                )
            else:
                unit_objs.append(unit)
        responsible = c.get("responsible")
        if responsible is not None and not isinstance(responsible, str):
            ck.error(f"{cp}.responsible", "must be text or null")
            responsible = ""
        values = ck.str_list(c, "ogp_values", cp)
        for j, v in enumerate(values):
            if v not in OgpValue.values:
                ck.error(
                    f"{cp}.ogp_values[{j}]",
                    f"{v!r} is not one of {', '.join(OgpValue.values)}",
                )
        level_key = "completion_level" if "completion_level" in c else "compliance"
        level = ck.choice(c, level_key, cp, completion_values, required=False)
        impl_start = ck.date(c, "implementation_start", cp, required=False)
        impl_end = ck.date(c, "implementation_end", cp, required=False)
        com_start = ck.date(c, "commitment_start", cp, required=False)
        com_end = ck.date(c, "commitment_end", cp, required=False) or ck.date(
            c, "end_date", cp, required=False
        )
        ck.order(impl_start, impl_end, cp, "implementation_end")
        ck.order(com_start, com_end, cp, "commitment_end")
        raw_ms = c.get("milestones")
        if raw_ms == "template":
            if "milestone_template" not in data:
                ck.error(
                    f"{cp}.milestones",
                    '"template" but the file has no milestone_template',
                )
            milestones = [dict(m) for m in template]
        elif raw_ms is None:
            milestones = []
        else:
            milestones = _milestones(ck, raw_ms, f"{cp}.milestones")
        indicators = ck.str_list(c, "indicators", cp)
        commitments.append(
            {
                "number": number,
                "slug": cslug,
                "title": title,
                "component": ck.text(
                    c, "component", cp, required=False, max_length=200
                ),
                "units": unit_objs,
                "responsible_text": (responsible or "").strip()[:300],
                "ogp_values": ",".join(values),
                "sdg_targets": ",".join(ck.str_list(c, "sdg_targets", cp)),
                "problem": ck.text(c, "problem", cp, required=False),
                "stoppers": "\n".join(ck.str_list(c, "stoppers", cp)),
                "objective": ck.text(c, "objective", cp, required=False),
                "expected_results": "\n".join(indicators),
                "indicators": indicators,
                "implementation_start": impl_start,
                "implementation_end": impl_end,
                "commitment_start": com_start,
                "commitment_end": com_end,
                "completion_level": level,
                "note": ck.text(c, "note", cp, required=False),
                "milestones": milestones,
            }
        )
    if ck.problems:
        raise ImportFileError(ck.problems)
    return {"plan": plan, "commitments": commitments}


def _apply(obj, values: dict) -> list[str]:
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    return changed


@transaction.atomic
def import_plan(data) -> dict:
    """Validate then write. Returns counts of created/updated rows."""
    cleaned = validate(data)
    stats = {"created": 0, "updated": 0, "unchanged": 0}
    now = timezone.now()
    p = cleaned["plan"]
    plan = ActionPlan.objects.filter(slug=p["slug"]).first()
    values = {k: v for k, v in p.items() if k != "slug"}
    if plan is None:
        plan = ActionPlan(slug=p["slug"], is_published=True, **values)
        plan.full_clean()
        plan.save()
        stats["created"] += 1
    elif changed := _apply(plan, values):
        plan.updated_at = now
        plan.full_clean()
        plan.save(update_fields=[*changed, "updated_at"])
        stats["updated"] += 1
    else:
        stats["unchanged"] += 1
    for c in cleaned["commitments"]:
        fields = {
            k: c[k]
            for k in (
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
        }
        commitment = Commitment.objects.filter(plan=plan, slug=c["slug"]).first()
        if commitment is None:
            commitment = Commitment(plan=plan, slug=c["slug"], **fields)
            commitment.full_clean()
            commitment.save()
            stats["created"] += 1
        elif changed := _apply(commitment, fields):
            commitment.updated_at = now
            commitment.full_clean()
            commitment.save(update_fields=[*changed, "updated_at"])
            stats["updated"] += 1
        else:
            stats["unchanged"] += 1
        wanted_units = {u.pk for u in c["units"]}
        if (
            set(commitment.responsible_units.values_list("pk", flat=True))
            != wanted_units
        ):
            commitment.responsible_units.set(wanted_units)
            Commitment.objects.filter(pk=commitment.pk).update(updated_at=now)
        for order, name in enumerate(c["indicators"]):
            _ind, created = Indicator.objects.get_or_create(
                commitment=commitment, name=name[:300], defaults={"order": order}
            )
            stats["created" if created else "unchanged"] += 1
        existing = {m.code: m for m in commitment.milestones.all()}
        touched = False
        for m in c["milestones"]:
            milestone = existing.get(m["code"])
            if milestone is None:
                milestone = Milestone(commitment=commitment, **m)
                milestone.full_clean()
                milestone.save()
                stats["created"] += 1
                touched = True
                continue
            before = {k: getattr(milestone, k) for k in m}
            if changed := _apply(milestone, m):
                milestone.updated_at = now
                milestone.full_clean()
                milestone.save(update_fields=[*changed, "updated_at"])
                ProgressUpdate.objects.create(
                    commitment=commitment,
                    milestone=milestone,
                    unit=plan.coordinating_unit,
                    changes={
                        k: [_iso(before[k]), _iso(getattr(milestone, k))]
                        for k in changed
                    },
                    note="Actualizado desde el archivo del plan de acción.",
                    published_at=now,
                )
                stats["updated"] += 1
                touched = True
            else:
                stats["unchanged"] += 1
        if touched:
            from .services import commitment_recompute

            commitment_recompute(commitment=commitment)
    return {"plan": plan, **stats}


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value
