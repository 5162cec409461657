"""Table Schemas written by the apps that own the data (docs/opendata-downloads.md).

A platform dataset's provider (`dataset:<slug>`, openlima/registry.py) declares the
schema of its CSV: each column's type and Spanish title, and the primary key where one
exists. The catalogue publishes it as written in the dataset's `datapackage.json`
instead of inferring one from the file, so a column keeps its type on a day its values
happen to look like another (an all-empty date column, a code that looks numeric)."""

from typing import Any

TYPES = {
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
    "yearmonth",
}


def table_schema(
    *fields: tuple[str, str, str], primary_key: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A Table Schema from (name, type, Spanish title) triples; the primary key's
    fields are declared required and (for a single field) unique."""
    out = []
    for name, kind, title in fields:
        if kind not in TYPES:
            raise ValueError(f"unknown Table Schema type {kind!r} for {name!r}")
        field = {"name": name, "type": kind, "title": title}
        if name in primary_key:
            field["constraints"] = {"required": True}
            if len(primary_key) == 1:
                field["constraints"]["unique"] = True
        out.append(field)
    names = [f["name"] for f in out]
    if len(set(names)) != len(names):
        raise ValueError("repeated field names")
    if any(k not in names for k in primary_key):
        raise ValueError("the primary key names a field that is not in the schema")
    schema: dict[str, Any] = {"fields": out}
    if primary_key:
        schema["primaryKey"] = list(primary_key)
    return schema


def schema_columns(schema: dict[str, Any]) -> list[str]:
    return [f["name"] for f in schema["fields"]]
