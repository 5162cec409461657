"""The Lucene/Solr query subset that CKAN clients send in `q`, `fq` and `fq_list`,
parsed with luqum and compiled to one Django `Q` on `Dataset` (docs/opendata-api.md).

Supported: `AND`, `OR`, `NOT`, `+`/`-`, parentheses, field groups (`tags:(a OR b)`),
quoted phrases, prefix and `?`/`*` wildcards (`ciclo*`), fielded terms anywhere,
inclusive `[a TO b]` and exclusive `{a TO b}` ranges (mixed too), `*` open ends and Solr
date math (`NOW`, `NOW-1DAY`, `NOW/DAY`, `2024-01-01T00:00:00Z+1MONTH`). Juxtaposed
clauses are AND-ed, as CKAN's `q.op=AND`. An unknown field, a syntax error, a malformed
date or a range on a field that has none is a `QueryError` (CKAN's "Search Query Error").

Multi-valued fields (tags, groups, resources) compile to `id IN (subquery)` so that OR
and NOT keep their set meaning and no join duplicates a dataset."""

import calendar
import datetime as dt
import re
import uuid

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser

MAX_QUERY_LENGTH = 2000
MAX_NODES = 200


class QueryError(Exception):
    """The query cannot be run; the message says why (in English, as Solr's)."""


MATCH_ALL = Q(pk__isnull=False)
MATCH_NONE = Q(pk__in=[])

# CKAN field -> how it is matched.
EXACT_FIELDS = {
    "organization": "publisher__slug",
    "owner_org": "publisher__slug",
    "license_id": "license",
    "name": "slug",
}
TEXT_FIELDS = {
    "title": ("title",),
    "notes": ("description",),
    "author": ("publisher__name",),
    "maintainer": ("contact_name",),
}
DATE_FIELDS = {
    "metadata_modified": "modified_at",
    "metadata_created": "created_at",
}
# Constant fields CKAN indexes for every public, active dataset.
CONSTANT_FIELDS = {
    "capacity": "public",
    "state": "active",
    "dataset_type": "dataset",
    "type": "dataset",
    "private": "false",
}
MULTI_FIELDS = ("tags", "groups", "res_format", "res_name")
NUMBER_FIELDS = ("num_resources", "num_tags")
FIELDS = (
    {"id", "text", "site_id"}
    | set(EXACT_FIELDS)
    | set(TEXT_FIELDS)
    | set(DATE_FIELDS)
    | set(CONSTANT_FIELDS)
    | set(MULTI_FIELDS)
    | set(NUMBER_FIELDS)
)

DATE_RE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?Z?)?|NOW)"
    r"(?P<math>(?:[+-]\d{1,9}[A-Z]+|/[A-Z]+)*)"
)
MATH_RE = re.compile(r"([+-]\d{1,9}|/)([A-Z]+)")
UNITS = {
    "YEAR": "years",
    "MONTH": "months",
    "DAY": "days",
    "DATE": "days",
    "HOUR": "hours",
    "MINUTE": "minutes",
    "SECOND": "seconds",
    "MILLI": "millis",
    "MILLISECOND": "millis",
}


def _unit(name: str) -> str:
    unit = UNITS.get(name) or UNITS.get(name[:-1] if name.endswith("S") else "")
    if unit is None:
        raise QueryError(f"Invalid Date Math String: unknown unit {name}")
    return unit


def _add_months(value: dt.datetime, months: int) -> dt.datetime:
    total = value.year * 12 + value.month - 1 + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise QueryError("Invalid Date Math String: out of range")
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def parse_date(text: str, *, now=None) -> dt.datetime | None:
    """A Solr date (ISO 8601 in UTC, or NOW) with optional date math; None for `*`."""
    if text == "*":
        return None
    m = DATE_RE.fullmatch(text)
    if m is None:
        raise QueryError(f"Invalid Date String:'{text}'")
    base = m.group("date")
    if base == "NOW":
        value = now or timezone.now()
    else:
        try:
            value = dt.datetime.fromisoformat(base.rstrip("Z")[:26])
        except ValueError:
            raise QueryError(f"Invalid Date String:'{text}'") from None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    try:
        for op, name in MATH_RE.findall(m.group("math")):
            unit = _unit(name)
            if op == "/":
                value = _round(value, unit)
                continue
            amount = int(op)
            if unit == "years":
                value = _add_months(value, 12 * amount)
            elif unit == "months":
                value = _add_months(value, amount)
            elif unit == "millis":
                value += dt.timedelta(milliseconds=amount)
            else:
                value += dt.timedelta(**{unit: amount})
    except OverflowError:
        raise QueryError(f"Invalid Date Math String:'{text}'") from None
    return value


def _round(value: dt.datetime, unit: str) -> dt.datetime:
    fields = ["years", "months", "days", "hours", "minutes", "seconds", "millis"]
    keep = fields.index(unit)
    parts = {
        "month": 1,
        "day": 1,
        "hour": 0,
        "minute": 0,
        "second": 0,
        "microsecond": 0,
    }
    names = ["year", "month", "day", "hour", "minute", "second", "microsecond"]
    reset = {k: v for k, v in parts.items() if names.index(k) > keep}
    if unit == "millis":
        reset = {"microsecond": value.microsecond // 1000 * 1000}
    return value.replace(**reset)


def _unquote(node) -> tuple[str, bool]:
    """The text of a Word or Phrase and whether it was a phrase."""
    if isinstance(node, tree.Phrase):
        return node.value[1:-1].replace('\\"', '"'), True
    value = node.value
    return re.sub(r"\\(.)", r"\1", value), False


def _wildcard_regex(value: str) -> str:
    return "^" + re.escape(value).replace(r"\*", ".*").replace(r"\?", ".") + "$"


def _string_match(column: str, value: str, wildcard: bool, *, iexact=False) -> Q:
    if value == "*":
        return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})
    if wildcard:
        stripped = value.rstrip("*")
        if "*" not in stripped and "?" not in stripped:
            lookup = "istartswith" if iexact else "startswith"
            return Q(**{f"{column}__{lookup}": stripped})
        lookup = "iregex" if iexact else "regex"
        return Q(**{f"{column}__{lookup}": _wildcard_regex(value)})
    return Q(**{f"{column}__iexact" if iexact else column: value})


def _text_match(columns, value: str, wildcard: bool) -> Q:
    value = value.replace("*", "").replace("?", "") if wildcard else value
    if not value.strip():
        return MATCH_ALL
    condition = MATCH_NONE
    for column in columns:
        condition |= Q(**{f"{column}__icontains": value})
    return condition


def _through(model_field: str, **lookup):
    from .models import Dataset

    through = getattr(Dataset, model_field).through
    return Q(id__in=through.objects.filter(**lookup).values("dataset_id"))


def _free_text(value: str, phrase: bool, wildcard: bool) -> Q:
    """A term of the catalogue's full text (title, description, tags)."""
    from .models import Dataset, Tag

    if not value.strip("*?"):
        return MATCH_ALL
    if settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery
        from django.db.models import Value

        from openlima.search import Unaccent, spanish_query

        if wildcard and not phrase:
            word = re.sub(r"[^\w]", "", value)
            if not word:
                return MATCH_ALL
            # As Solr, a wildcard term is not stemmed: the prefix itself must
            # begin an indexed lexeme ("ciclo*" finds ciclovías, not ciclismo).
            search = SearchQuery(
                Unaccent(Value(f"{word.lower()}:*")),
                config="simple",
                search_type="raw",
            )
            return Q(search_vector=search)
        text = f'"{value}"' if phrase else value
        return Q(search_vector=spanish_query(text))
    value = value.replace("*", "").replace("?", "")
    tag_ids = Tag.objects.filter(name__icontains=value).values("id")
    return (
        Q(title__icontains=value)
        | Q(description__icontains=value)
        | Q(
            id__in=Dataset.tags.through.objects.filter(tag_id__in=tag_ids).values(
                "dataset_id"
            )
        )
    )


class Compiler:
    def __init__(self, *, now=None):
        self.now = now or timezone.now()
        self.nodes = 0
        self.free_terms: list[str] = []

    def compile(self, node, field=None) -> Q:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise QueryError("Query too complex")
        if isinstance(node, tree.SearchField):
            name = node.name
            if name == "*" and isinstance(node.expr, tree.Word):
                if node.expr.value != "*":
                    raise QueryError("Invalid query: *:value")
                return MATCH_ALL
            if name.startswith("extras_") or name not in FIELDS:
                raise QueryError(f"undefined field {name}")
            if field is not None:
                raise QueryError(f"Nested field {name} inside {field}")
            return self.compile(node.expr, name)
        if isinstance(node, (tree.Group, tree.FieldGroup)):
            return self.compile(node.expr, field)
        if isinstance(node, tree.AndOperation | tree.UnknownOperation):
            condition = MATCH_ALL
            for child in node.children:
                condition &= self.compile(child, field)
            return condition
        if isinstance(node, tree.OrOperation):
            # Lucene: inside an OR, `-x` / `+x` keep their meaning as NOT x / x.
            condition = MATCH_NONE
            for child in node.children:
                condition |= self.compile(child, field)
            return condition
        if isinstance(node, tree.Not | tree.Prohibit):
            return ~self.compile(node.a, field)
        if isinstance(node, tree.Plus):
            return self.compile(node.a, field)
        if isinstance(node, tree.Boost):
            return self.compile(node.expr, field)
        if isinstance(node, tree.Fuzzy | tree.Proximity):
            return self.compile(node.term, field)
        if isinstance(node, tree.Range):
            return self.range(field, node)
        if isinstance(node, tree.From | tree.To):
            raise QueryError("Open ranges (>, <) are not supported; use [a TO *]")
        if isinstance(node, tree.Regex):
            raise QueryError("Regular expressions are not supported")
        if isinstance(node, tree.Word | tree.Phrase):
            return self.term(field, node)
        raise QueryError(f"Unsupported query element: {node}")

    def term(self, field, node) -> Q:
        value, phrase = _unquote(node)
        if "\x00" in value:
            raise QueryError("Invalid character in query")
        wildcard = not phrase and ("*" in value or "?" in value)
        if field is None or field == "text":
            if not phrase and value == "*":
                return MATCH_ALL
            self.free_terms.append(value.strip("*?") if wildcard else value)
            return _free_text(value, phrase, wildcard)
        if field in CONSTANT_FIELDS:
            if value == "*" or value.lower() == CONSTANT_FIELDS[field]:
                return MATCH_ALL
            return MATCH_NONE
        if field == "site_id":
            return MATCH_ALL
        if field == "id":
            if value == "*":
                return MATCH_ALL
            if wildcard:
                raise QueryError("Wildcards are not supported on id")
            try:
                return Q(uuid=uuid.UUID(value))
            except ValueError:
                raise QueryError(f"Invalid UUID string: {value}") from None
        if field == "license_id" and not wildcard:
            from .models import LICENSE_FROM_CKAN

            return Q(license=LICENSE_FROM_CKAN.get(value, value))
        if field in EXACT_FIELDS:
            return _string_match(EXACT_FIELDS[field], value, wildcard)
        if field in TEXT_FIELDS:
            return _text_match(TEXT_FIELDS[field], value, wildcard)
        if field == "tags":
            return _through("tags", **self._lookup("tag__name", value, wildcard))
        if field == "groups":
            return _through("topics", **self._lookup("topic__slug", value, wildcard))
        if field in ("res_format", "res_name"):
            from .models import Resource

            column = "format" if field == "res_format" else "name"
            match = _string_match(column, value, wildcard, iexact=True)
            if field == "res_name" and not wildcard and value != "*":
                match = Q(name__icontains=value)
            return Q(id__in=Resource.objects.filter(match).values("dataset_id"))
        if field in NUMBER_FIELDS:
            if value == "*":
                return MATCH_ALL
            return self._number_range(field, value, value, True, True)
        if field in DATE_FIELDS:
            if value == "*":
                return MATCH_ALL
            moment = parse_date(value, now=self.now)
            return Q(**{DATE_FIELDS[field]: moment})
        raise QueryError(f"undefined field {field}")  # pragma: no cover

    @staticmethod
    def _lookup(column, value, wildcard) -> dict:
        q = _string_match(column, value, wildcard)
        # _string_match returns a Q with one or two children; use them as kwargs.
        if value == "*":
            return {f"{column}__isnull": False}
        ((key, val),) = q.children
        return {key: val}

    def range(self, field, node) -> Q:
        if field in DATE_FIELDS:
            column = DATE_FIELDS[field]
            low = parse_date(_unquote(node.low)[0], now=self.now)
            high = parse_date(_unquote(node.high)[0], now=self.now)
            condition = MATCH_ALL
            if low is not None:
                op = "gte" if node.include_low else "gt"
                condition &= Q(**{f"{column}__{op}": low})
            if high is not None:
                op = "lte" if node.include_high else "lt"
                condition &= Q(**{f"{column}__{op}": high})
            return condition
        if field in NUMBER_FIELDS:
            return self._number_range(
                field,
                _unquote(node.low)[0],
                _unquote(node.high)[0],
                node.include_low,
                node.include_high,
            )
        if field in ("name", "organization", "owner_org", "license_id"):
            column = EXACT_FIELDS[field]
            condition = MATCH_ALL
            low, high = _unquote(node.low)[0], _unquote(node.high)[0]
            if low != "*":
                condition &= Q(
                    **{f"{column}__{'gte' if node.include_low else 'gt'}": low}
                )
            if high != "*":
                condition &= Q(
                    **{f"{column}__{'lte' if node.include_high else 'lt'}": high}
                )
            return condition
        raise QueryError(f"Range queries are not supported on field {field}")

    def _number_range(self, field, low, high, include_low, include_high) -> Q:
        from django.db.models import Count, OuterRef, Subquery

        from .models import Dataset, Resource

        bounds = []
        for text in (low, high):
            if text == "*":
                bounds.append(None)
                continue
            try:
                number = int(text)
            except ValueError:
                raise QueryError(f"Invalid Number: {text}") from None
            if abs(number) >= 2**31:
                raise QueryError(f"Number out of range: {text}")
            bounds.append(number)
        if field == "num_resources":
            counted = (
                Resource.objects.filter(dataset_id=OuterRef("pk"))
                .order_by()
                .values("dataset_id")
                .annotate(n=Count("id"))
                .values("n")
            )
        else:
            counted = (
                Dataset.tags.through.objects.filter(dataset_id=OuterRef("pk"))
                .order_by()
                .values("dataset_id")
                .annotate(n=Count("id"))
                .values("n")
            )
        from django.db.models.functions import Coalesce

        qs = Dataset.objects.annotate(_n=Coalesce(Subquery(counted), 0))
        low_n, high_n = bounds
        if low_n is not None:
            qs = qs.filter(**{"_n__gte" if include_low else "_n__gt": low_n})
        if high_n is not None:
            qs = qs.filter(**{"_n__lte" if include_high else "_n__lt": high_n})
        return Q(id__in=qs.values("id"))


def parse(text: str):
    """The luqum tree of `text`, or None for a match-all query (empty, `*:*`, `*`)."""
    text = (text or "").strip()
    if text in ("", "*:*", "*"):
        return None
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError("Query too long")
    if "\x00" in text:
        raise QueryError("Invalid character in query")
    try:
        return parser.parse(text)
    except (ParseError, ValueError, TypeError, IndexError) as exc:
        raise QueryError(f"Cannot parse '{text}': {exc}") from None


def compile_query(text: str, *, now=None) -> tuple[Q | None, list[str]]:
    """(`Q` on Dataset or None for match-all, the free-text terms used, for ranking)."""
    node = parse(text)
    if node is None:
        return None, []
    compiler = Compiler(now=now)
    try:
        condition = compiler.compile(node)
    except RecursionError:
        raise QueryError("Query too complex") from None
    return condition, compiler.free_terms
