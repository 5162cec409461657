"""Parameters of the actions: limits, typed readers, the query and its order."""

import json

from django.conf import settings

from .. import ckan_query
from .errors import SearchQueryError, ValidationError

ROWS_MAX = 1000
# The facets package_search counts (`facet.field`).
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")


CKAN_VERSION = "2.10.4"


INT_MAX = 2**31 - 1  # larger offsets and limits are refused, never sent to the database


def _text(params, key, default="") -> str:
    value = params.get(key, default)
    if value is None:
        return default
    if isinstance(value, list | dict):
        raise ValidationError(None, {key: ["Must be a string"]})
    value = str(value)
    if "\x00" in value:
        raise ValidationError(None, {key: ["Invalid character"]})
    return value


def _int(params, key, default, *, minimum=0):
    value = params.get(key, default)
    if value in (None, ""):
        return default
    if isinstance(value, bool | list | dict | float):
        raise ValidationError(None, {key: ["Invalid integer"]})
    try:
        value = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(None, {key: ["Invalid integer"]}) from None
    if value < minimum:
        raise ValidationError(None, {key: ["Must be a natural number"]})
    if value > INT_MAX:
        raise ValidationError(None, {key: [f"Must be at most {INT_MAX}"]})
    return value


def _bool(params, key, default=False) -> bool:
    value = params.get(key, default)
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("true", "1", "yes", "on")


def _list(params, key) -> list:
    value = params.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, list):
        values = value
    else:
        value = str(value)
        values = [value]
        if value.startswith("["):
            try:
                parsed = json.loads(value)
            except ValueError:
                raise ValidationError(None, {key: ["Invalid JSON list"]}) from None
            values = parsed if isinstance(parsed, list) else []
    if any(isinstance(v, list | dict) for v in values):
        raise ValidationError(None, {key: ["Must be a list of strings"]})
    values = [str(v) for v in values]
    if any("\x00" in v for v in values):
        raise ValidationError(None, {key: ["Invalid character"]})
    return values


def _query(text: str):
    """(Q or None, free-text terms) of a q/fq string; a CKAN Search Query Error if the
    query cannot be run (syntax, unknown field, bad date)."""
    try:
        return ckan_query.compile_query(text)
    except ckan_query.QueryError as exc:
        raise SearchQueryError(f"Search Query is invalid: {exc}") from None


SORT_COLUMNS = ("id", "uuid", "slug", "title", "modified_at", "created_at")


SORT_FIELDS = {
    "id": "uuid",
    "name": "slug",
    "title": "title",
    "title_string": "title",
    "metadata_modified": "modified_at",
    "metadata_created": "created_at",
}


def _order(sort: str, has_query: bool) -> list[str]:
    order = []
    for part in (sort or "").split(","):
        bits = part.split()
        if not bits:
            continue
        field, direction = bits[0], (bits[1].lower() if len(bits) > 1 else "asc")
        if len(bits) > 2 or direction not in ("asc", "desc"):
            raise SearchQueryError(f"Invalid sort direction: {part.strip()}")
        if field == "score":
            if has_query and settings.IS_POSTGRES:
                order.append("-rank" if direction == "desc" else "rank")
            continue
        column = SORT_FIELDS.get(field)
        if column:
            order.append(f"-{column}" if direction == "desc" else column)
    if not order:
        order = ["-modified_at"]
    return [*order, "id"]
