"""One CSV convention for every export of the portal (docs/opendata-downloads.md):
UTF-8 without BOM, comma-separated, CRLF line ends (RFC 4180), header row first, and
cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the
start) prefixed with an apostrophe (OWASP "CSV injection"). Plain numbers are kept
as they are: "-12.5" is data, not a formula."""

import csv
import io
import re

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
LINE_END = "\r\n"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def neutralise(value):
    """`value` made safe for a spreadsheet cell (strings only; numbers unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def csv_row(values) -> list:
    return ["" if v is None else neutralise(v) for v in values]


class _Echo:
    def write(self, value):
        return value


def csv_bytes(columns, rows) -> bytes:
    """`rows` (dicts) under `columns` as CSV bytes in the portal's convention."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=LINE_END)
    writer.writerow(csv_row(columns))
    for row in rows:
        writer.writerow(csv_row(row.get(c) for c in columns))
    return out.getvalue().encode("utf-8")


def csv_stream(columns, rows):
    """The same as `csv_bytes`, as an iterator of str lines (for streaming)."""
    writer = csv.writer(_Echo(), lineterminator=LINE_END)
    yield writer.writerow(csv_row(columns))
    for row in rows:
        yield writer.writerow(csv_row(row.get(c) for c in columns))
