"""Files of the open data catalogue: which formats it takes (sniffed by content, never by
name) and the preview of a tabular file's first rows."""

import csv
import datetime as dt
import io
import logging
import re

from django.utils.translation import gettext as _

from openlima import uploads

from . import conf

logger = logging.getLogger(__name__)

FORMATS = {
    "CSV": "text/csv",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "JSON": "application/json",
    "GeoJSON": "application/geo+json",
    "PDF": "application/pdf",
}
PREVIEW_ROWS = 10


def max_upload_bytes() -> int:
    return conf.max_upload_bytes()


# --- Files: sniffing and previews ---------------------------------------------------


# Our format names <- the shared kinds (`openlima.uploads`).
FORMAT_OF_KIND = {
    "csv": "CSV",
    "xlsx": "XLSX",
    "json": "JSON",
    "geojson": "GeoJSON",
    "pdf": "PDF",
}


def file_sniff(*, data: bytes, filename: str, allowed=None) -> str:
    """The format of `data` judged by its content (the extension only tells CSV from
    other text). Raises ApplicationError for anything not in `allowed`."""
    allowed = allowed or FORMATS.keys()
    messages = {
        "empty": _("El archivo está vacío."),
        "too_big": _("El archivo supera el tamaño máximo de %(mb)d MB."),
        "not_allowed": _(
            "Tipo de archivo no admitido. Se aceptan: %(formats)s (se revisa el contenido, no la extensión)."
        ),
    }
    refuse = {"messages": messages, "formats": ", ".join(allowed)}
    uploads.check_size(len(data), max_bytes=max_upload_bytes(), **refuse)
    kinds = {kind for kind, fmt in FORMAT_OF_KIND.items() if fmt in allowed}
    sniffed = uploads.sniff(data, allowed=kinds, filename=filename, **refuse)
    return FORMAT_OF_KIND[sniffed.kind]


_INT = re.compile(r"^[+-]?\d+$")
_DEC = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _infer_type(values) -> str:
    values = [v for v in values if v not in ("", None)]
    if not values:
        return "text"
    checks = [
        (
            "integer",
            lambda v: isinstance(v, int)
            and not isinstance(v, bool)
            or (isinstance(v, str) and _INT.match(v)),
        ),
        (
            "number",
            lambda v: isinstance(v, (int, float))
            and not isinstance(v, bool)
            or (isinstance(v, str) and _DEC.match(v)),
        ),
        (
            "date",
            lambda v: isinstance(v, (dt.date, dt.datetime))
            or (isinstance(v, str) and _DATE.match(v)),
        ),
        (
            "boolean",
            lambda v: isinstance(v, bool)
            or (
                isinstance(v, str) and v.lower() in ("true", "false", "si", "sí", "no")
            ),
        ),
    ]
    for name, check in checks:
        if all(check(v) for v in values):
            return name
    return "text"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)[:200]


def tabular_preview(*, data: bytes, fmt: str) -> dict:
    """First rows, column names and inferred column types of a CSV or XLSX file."""
    try:
        if fmt == "CSV":
            text = uploads.decode_text(data) or ""
            sample = text[:65536]
            try:
                dialect = csv.Sniffer().sniff(
                    sample.split("\n", 1)[0], delimiters=",;\t|"
                )
            except csv.Error:
                dialect = csv.excel
            reader = csv.reader(io.StringIO(text), dialect)
            header = next(reader, [])
            raw = []
            for row in reader:
                raw.append(row)
                if len(raw) >= PREVIEW_ROWS:
                    break
        elif fmt == "XLSX":
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True, max_row=PREVIEW_ROWS + 1)
            header = [_cell(v) for v in next(rows, ())]
            raw = [list(r) for r in rows]
            book.close()
        else:
            return {}
    except Exception:  # a broken file still uploads; it just has no preview
        logger.info("preview failed", exc_info=True)
        return {}
    header = [h.strip() or f"col{i + 1}" for i, h in enumerate(header)][:50]
    columns = []
    for i, name in enumerate(header):
        column_values = [r[i] if i < len(r) else None for r in raw]
        columns.append({"name": name, "type": _infer_type(column_values)})
    rows = [
        [_cell(r[i]) if i < len(r) else "" for i in range(len(header))] for r in raw
    ]
    return {"columns": columns, "rows": rows}
