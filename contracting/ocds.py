"""The Open Contracting standards as bundled in contracting/schema/ (docs/contracting.md):
schemas resolved locally (nothing fetched), codelists, validation with JSON paths, and the
merge of releases into a compiled release with ocdsmerge."""

import csv
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema
import ocdsmerge
from django.conf import settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
OCDS_DIR = SCHEMA_DIR / "ocds-1.1.5"
OC4IDS_DIR = SCHEMA_DIR / "oc4ids-0.9.4"
OCDS_VERSION = "1.1"
OC4IDS_VERSION = "0.9"
# The bid statistics and details extension (bids.details), used by two red flags.
BID_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"


@cache
def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _registry() -> Registry:
    """Every bundled schema registered under its `id`, so `$ref`s resolve offline."""
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*/*.json")):
        schema = _load(path)
        resources.append(
            (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        )
    return Registry().with_resources(resources)


@cache
def _validator(name: str) -> jsonschema.Draft4Validator:
    directory = OC4IDS_DIR if name.startswith("project") else OCDS_DIR
    schema = _load(directory / f"{name}.json")
    return jsonschema.Draft4Validator(
        schema,
        registry=_registry(),
        format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
    )


def validation_errors(data, *, schema: str) -> list[dict]:
    """Every schema error as {"path": "$.releases[0].tag", "message": ...}, path-sorted.

    `schema` is one of release-package-schema, record-package-schema, release-schema,
    project-package-schema."""
    errors = []
    for error in _validator(schema).iter_errors(data):
        path = "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path
        )
        errors.append({"path": path, "message": error.message[:500]})
    errors.sort(key=lambda e: e["path"])
    return errors


@cache
def codelist(name: str, *, standard: str = "ocds") -> dict[str, str]:
    """Code -> English title of a bundled codelist (e.g. codelist("method"))."""
    directory = OC4IDS_DIR if standard == "oc4ids" else OCDS_DIR
    with (directory / "codelists" / f"{name}.csv").open(encoding="utf-8") as fh:
        return {row["Code"]: row["Title"] for row in csv.DictReader(fh)}


@cache
def _merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=_load(OCDS_DIR / "release-schema.json"))


def compile_releases(releases: list[dict]) -> dict:
    """The compiled release of one ocid, merged by ocdsmerge with the bundled schema."""
    ordered = sorted(releases, key=lambda r: (r.get("date") or "", r.get("id") or ""))
    return _merger().create_compiled_release(ordered)


def ocid_prefix() -> str:
    return settings.OCDS_OCID_PREFIX


def publisher() -> dict:
    return {
        "name": settings.OCDS_PUBLISHER_NAME,
        "scheme": settings.OCDS_PUBLISHER_SCHEME,
        "uid": settings.OCDS_PUBLISHER_RUC,
        "uri": settings.SITE_URL,
    }


def package_metadata(*, uri: str, published_date: str) -> dict:
    """The fields every package carries (uri, version, publisher, licence, policy)."""
    base = settings.SITE_URL.rstrip("/")
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [BID_EXTENSION],
        "publishedDate": published_date,
        "publisher": publisher(),
        "license": settings.OCDS_LICENSE_URL,
        "publicationPolicy": f"{base}/contrataciones/politica-de-publicacion/",
    }


def money(amount) -> dict | None:
    """An OCDS/OC4IDS Value: the amount as a JSON number (whole amounts as integers) in the
    city profile's currency (PEN for Lima, BOB for La Paz; docs/city-profile.md)."""
    from openlima import city

    if amount is None:
        return None
    amount = Decimal(amount)
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": city.raw()["currency"]["code"]}
