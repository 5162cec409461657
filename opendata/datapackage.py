"""Frictionless Data Package (v1 descriptor) of a dataset, with a Table Schema for each
stored CSV resource (docs/opendata-downloads.md).

A schema is inferred from the whole file (not the preview's ten rows) so that
`frictionless validate` passes on every row: integer, number, date, boolean or string,
Spanish titles from the column names, a primary key where a key-like column (`id`,
`codigo`, `ubigeo`, `*_id`) is unique and filled. A platform dataset's provider may
write the schema itself (`schema` in its spec, kept with the file's version); that one
is published as written. Schemas are cached by the file's SHA-256."""

import csv
import datetime as dt
import io
import re

from django.core.cache import cache
from django.utils.text import slugify

from .ckan import resource_url
from .models import CKAN_LICENSES, LICENSE_URLS, Dataset

INTEGER = re.compile(r"[+-]?(0|[1-9]\d*)")
NUMBER = re.compile(r"[+-]?((0|[1-9]\d*)(\.\d+)?|\.\d+)([eE][+-]?\d+)?")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BOOLEAN = {"true", "false", "True", "False", "TRUE", "FALSE"}
KEY_NAMES = {"id", "codigo", "código", "ubigeo", "uuid"}
SPDX = {
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc-zero": "CC0-1.0",
    "odc-by": "ODC-By-1.0",
    "odc-odbl": "ODbL-1.0",
}


def _is_date(value: str) -> bool:
    if not DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _field_type(values: list[str]) -> str:
    filled = [v for v in values if v != ""]
    if not filled:
        return "string"
    if all(INTEGER.fullmatch(v) for v in filled):
        if any(len(v.lstrip("+-")) > 15 for v in filled):
            return "string"
        return "integer"
    if all(NUMBER.fullmatch(v) for v in filled):
        return "number"
    if all(_is_date(v) for v in filled):
        return "date"
    if all(v in BOOLEAN for v in filled):
        return "boolean"
    return "string"


def _title(name: str) -> str:
    text = re.sub(r"[_\-]+", " ", name).strip()
    return (text[:1].upper() + text[1:]) if text else name


def _decode(data: bytes) -> tuple[str, str] | None:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def infer_table(data: bytes) -> dict | None:
    """{"schema", "dialect", "encoding"} of a CSV file; None when it is not a table
    Frictionless could read (binary, no header, blank or repeated column names)."""
    decoded = _decode(data)
    if decoded is None:
        return None
    text, encoding = decoded
    first = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return None
    header = rows[0]
    if not header or any(h.strip() == "" for h in header):
        return None
    if len(set(header)) != len(header):
        return None
    body = [r for r in rows[1:] if r]
    columns = [[r[i] if i < len(r) else "" for r in body] for i in range(len(header))]
    fields = [
        {"name": name, "title": _title(name), "type": _field_type(values)}
        for name, values in zip(header, columns, strict=True)
    ]
    schema = {"fields": fields}
    for name, values in zip(header, columns, strict=True):
        key_like = name.lower() in KEY_NAMES or name.lower().endswith("_id")
        if key_like and values and all(values) and len(set(values)) == len(values):
            schema["primaryKey"] = [name]
            for field in fields:
                if field["name"] == name:
                    field["constraints"] = {"required": True, "unique": True}
            break
    table = {"schema": schema, "encoding": encoding}
    if delimiter != ",":
        table["dialect"] = {"delimiter": delimiter}
    return table


def version_table(version) -> dict | None:
    """The Table Schema of a stored CSV version: the provider's, else inferred."""
    written = (version.preview or {}).get("schema")
    if written:
        return {"schema": written, "encoding": "utf-8"}
    key = f"opendata:tableschema:v1:{version.sha256}"
    table = cache.get(key)
    if table is None:
        with version.file.open("rb") as handle:
            table = infer_table(handle.read()) or {}
        cache.set(key, table, 24 * 3600)
    return table or None


def _resource_name(name: str, used: set) -> str:
    base = slugify(name).replace("_", "-")[:80] or "recurso"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def _external_item(resource, used: set) -> dict:
    """A link to a file or page elsewhere: a resource whose `path` is its URL (the Data
    Package spec allows remote paths); no hash, size or schema, which we cannot vouch
    for. Clients that follow it fetch it from its own server."""
    fmt = (resource.format or "").lower()
    if not fmt:
        tail = resource.external_url.split("?", 1)[0].rsplit("/", 1)[-1]
        fmt = tail.rsplit(".", 1)[-1].lower() if "." in tail else ""
    item = {
        "name": _resource_name(resource.name, used),
        "title": resource.name,
        "path": resource.external_url,
    }
    if fmt.isalnum():
        item["format"] = fmt
    if resource.media_type:
        item["mediatype"] = resource.media_type
    if resource.description:
        item["description"] = resource.description
    return item


def datapackage(dataset: Dataset, base: str) -> dict:
    """The Data Package descriptor of a published dataset: its stored files (with
    hash, size and Table Schema) and its external links (path = the URL)."""
    from .ckan import dataset_url

    used: set = set()
    resources = []
    for resource in dataset.resources.all():
        if resource.external_url:
            resources.append(_external_item(resource, used))
            continue
        version = resource.versions.defer("preview").order_by("-number").first()
        if version is None:
            continue
        version = type(version).objects.get(pk=version.pk)  # with its preview
        item = {
            "name": _resource_name(resource.name, used),
            "title": resource.name,
            "path": resource_url(resource, dataset, base),
            "format": version.format.lower(),
            "mediatype": version.media_type,
            "bytes": version.size,
            "hash": f"sha256:{version.sha256}",
        }
        if resource.description:
            item["description"] = resource.description
        if version.format == "CSV":
            table = version_table(version)
            if table:
                item["profile"] = "tabular-data-resource"
                item["encoding"] = table.get("encoding", "utf-8")
                item["schema"] = table["schema"]
                if table.get("dialect"):
                    item["dialect"] = table["dialect"]
        resources.append(item)
    descriptor = {
        "profile": "data-package",
        "name": dataset.slug,
        "id": str(dataset.uuid),
        "title": dataset.title,
        "description": dataset.description,
        "homepage": dataset_url(dataset, base),
        "keywords": [t.name for t in dataset.tags.all()],
        "licenses": [
            {
                "name": SPDX.get(dataset.license, dataset.license),
                "path": LICENSE_URLS.get(dataset.license, ""),
                "title": CKAN_LICENSES.get(dataset.license, ("", dataset.license))[1],
            }
        ],
        "contributors": [{"title": dataset.publisher.name, "role": "publisher"}],
        "resources": resources,
    }
    if dataset.published_at:
        descriptor["created"] = dataset.published_at.replace(microsecond=0).isoformat()
    return descriptor
