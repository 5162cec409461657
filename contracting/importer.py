"""Reading OCDS input for `manage.py import_ocds`: release packages, record packages (with
embedded releases) or JSON lines of releases or packages. Everything is validated against
the bundled schema before anything is written; a problem is reported with its JSON path."""

import json
import urllib.request
from dataclasses import dataclass, field

from . import ocds
from .models import Release

MAX_BYTES = 200 * 1024 * 1024


@dataclass
class Parsed:
    releases: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_source(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            source, headers={"Accept": "application/json"}
        )
        # Only http(s) reaches here (checked above).
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
    elif "://" in source:
        raise ValueError(f"solo se aceptan archivos o direcciones http(s): {source}")
    else:
        with open(source, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError("el archivo supera el tamaño máximo (200 MB)")
    return data


def _check(parsed: Parsed, data, *, schema: str, where: str) -> bool:
    errors = ocds.validation_errors(data, schema=schema)
    for e in errors:
        path = e["path"].replace("$", where, 1)
        parsed.problems.append(f"{path}: {e['message']}")
    return not errors


def _take_package(parsed: Parsed, package, *, where: str) -> None:
    if not isinstance(package, dict):
        parsed.problems.append(f"{where}: se esperaba un objeto JSON")
        return
    if "releases" in package:
        if _check(parsed, package, schema="release-package-schema", where=where):
            parsed.releases.extend(package["releases"])
    elif "records" in package:
        if not _check(parsed, package, schema="record-package-schema", where=where):
            return
        for n, record in enumerate(package["records"]):
            embedded = [r for r in record.get("releases") or [] if "tag" in r]
            if not embedded:
                parsed.problems.append(
                    f"{where}.records[{n}].releases: el registro solo enlaza sus "
                    "releases; importe el paquete de releases"
                )
            for m, release in enumerate(embedded):
                if _check(
                    parsed,
                    release,
                    schema="release-schema",
                    where=f"{where}.records[{n}].releases[{m}]",
                ):
                    parsed.releases.append(release)
    elif "ocid" in package and "tag" in package:
        if _check(parsed, package, schema="release-schema", where=where):
            parsed.releases.append(package)
    else:
        parsed.problems.append(
            f"{where}: no es un paquete de releases, de registros ni un release"
        )


def parse(raw: bytes) -> Parsed:
    parsed = Parsed()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.problems.append("$: el archivo no está en UTF-8")
        return parsed
    if "\x00" in text:
        parsed.problems.append("$: el archivo contiene caracteres NUL")
        return parsed
    try:
        _take_package(parsed, json.loads(text), where="$")
    except json.JSONDecodeError:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            parsed.problems.append("$: no es JSON válido ni JSON lines")
            return parsed
        for n, line in enumerate(lines, start=1):
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                parsed.problems.append(f"línea {n}: JSON no válido ({exc.msg})")
                continue
            _take_package(parsed, item, where=f"línea {n}: $")
    _check_duplicates(parsed)
    return parsed


def _check_duplicates(parsed: Parsed) -> None:
    """The same ocid + id twice with different content (in the file or already stored)
    is an error: releases are immutable."""
    seen: dict[tuple, dict] = {}
    for release in parsed.releases:
        key = (release["ocid"], release["id"])
        if key in seen and seen[key] != release:
            parsed.problems.append(
                f"release {key[0]} {key[1]}: aparece dos veces con contenido distinto"
            )
        seen[key] = release
    if not seen:
        return
    ocids = {k[0] for k in seen}
    for ocid, release_id, data in Release.objects.filter(ocid__in=ocids).values_list(
        "ocid", "release_id", "data"
    ):
        new = seen.get((ocid, release_id))
        if new is not None and new != data:
            parsed.problems.append(
                f"release {ocid} {release_id}: ya se importó con otro contenido "
                "(los releases no se modifican; publique uno nuevo)"
            )
    parsed.releases = list(seen.values())
