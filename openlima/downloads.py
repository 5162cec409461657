"""File downloads with HTTP validators and byte ranges, shared by every app that serves
stored files: ETag and Last-Modified (304 on If-None-Match / If-Modified-Since), single
byte ranges (206/416), `charset=utf-8` on text (docs/opendata-downloads.md)."""

import re

from django.http import FileResponse, HttpResponse

TEXT_MEDIA_TYPES = ("application/json", "application/geo+json", "application/ld+json")
RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)")


def _byte_range(header: str, size: int):
    """(start, end) of a single `Range: bytes=a-b` within `size`; None to send the
    whole file (no header, several ranges or a syntax error: RFC 9110 lets a server
    ignore them); "unsatisfiable" when it lies past the end."""
    m = RANGE_RE.fullmatch((header or "").strip())
    if m is None or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if not first:  # the last N bytes
        length = int(last[:19])
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first[:19])
    end = min(int(last[:19]), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def file_response(request, *, handle, size, etag, last_modified, filename, media_type):
    """A download with validators (ETag, Last-Modified: 304 on If-None-Match /
    If-Modified-Since), single byte ranges (206/416) and `charset=utf-8` on text.
    Returns (response, counts): only a full GET counts as a download."""
    from django.utils.cache import get_conditional_response
    from django.utils.http import http_date, quote_etag

    etag = quote_etag(etag)
    modified = int(last_modified.timestamp())
    conditional = get_conditional_response(request, etag=etag, last_modified=modified)
    is_text = media_type.startswith("text/") or media_type in TEXT_MEDIA_TYPES
    if is_text and "charset" not in media_type:
        media_type = f"{media_type}; charset=utf-8"
    if conditional is not None:
        handle.close()
        response, counts = conditional, False
    else:
        wanted = None
        if_range = request.headers.get("If-Range")
        if request.method == "GET" and (if_range is None or if_range == etag):
            wanted = _byte_range(request.headers.get("Range", ""), size)
        if wanted == "unsatisfiable":
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            counts = False
        elif wanted is not None:
            start, end = wanted
            handle.seek(start)
            data = handle.read(end - start + 1)
            handle.close()
            response = HttpResponse(data, status=206, content_type=media_type)
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            counts = False
        else:
            response = FileResponse(
                handle, as_attachment=True, filename=filename, content_type=media_type
            )
            counts = request.method == "GET"
        if response.status_code != 416:
            response["Content-Disposition"] = (
                response.get("Content-Disposition")
                or f'attachment; filename="{filename}"'
            )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    return response, counts
