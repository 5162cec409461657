"""OCDS and OC4IDS endpoints (docs/contracting.md, "Data out"), following the standard's
guidance for APIs: packages, `links.next` for paging (keyset, no OFFSET), `since` for
incremental harvest. Plain JSON views: the package formats are the standard's, not DRF's."""

import csv
import io
import json
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from openlima.selectors import absolute_url

from . import ocds, selectors


class BadRequest(ValueError):
    pass


def _error(message: str, *, field: str | None = None, status=400) -> JsonResponse:
    body = {"error": message}
    if field:
        body["field"] = field
    return JsonResponse(body, status=status)


def _datetime_param(request, name):
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    if len(raw) > 40 or "\x00" in raw:
        raise BadRequest(name)
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(name) from exc
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _limit(request) -> int:
    raw = request.GET.get("limit") or str(selectors.PAGE_SIZE)
    if not raw.isdigit() or len(raw) > 5:
        raise BadRequest("limit")
    value = int(raw)
    if not 1 <= value <= selectors.MAX_PAGE_SIZE:
        raise BadRequest("limit")
    return value


def _json(data) -> JsonResponse:
    return JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def releases(request):
    """Release package, oldest first; `since`/`until` (ISO 8601) filter on release date,
    `ocid` on one process, `cursor` continues from `links.next`."""
    try:
        since = _datetime_param(request, "since")
        until = _datetime_param(request, "until")
        limit = _limit(request)
        after = None
        if request.GET.get("cursor"):
            cursor = request.GET["cursor"]
            if len(cursor) > 200:
                raise BadRequest("cursor")
            try:
                after = selectors.decode_cursor(cursor)
            except ValueError as exc:
                raise BadRequest("cursor") from exc
        ocid = request.GET.get("ocid") or None
        if ocid is not None and (len(ocid) > 128 or "\x00" in ocid):
            raise BadRequest("ocid")
    except BadRequest as exc:
        return _error(f"Parámetro no válido: {exc}", field=str(exc))
    rows, cursor = selectors.release_page(
        since=since, until=until, after=after, ocid=ocid, limit=limit
    )
    package = selectors.release_package(
        releases=rows, uri=absolute_url(request.get_full_path())
    )
    if cursor:
        params = {k: v for k, v in request.GET.items() if k != "cursor"}
        params["cursor"] = cursor
        package["links"] = {"next": absolute_url(f"{request.path}?{urlencode(params)}")}
    return _json(package)


@require_GET
def records(request):
    """Record package (every release embedded, plus the compiled release)."""
    try:
        limit = _limit(request)
        after = request.GET.get("cursor")
        if after is not None and (not after.isdigit() or len(after) > 12):
            raise BadRequest("cursor")
    except BadRequest as exc:
        return _error(f"Parámetro no válido: {exc}", field=str(exc))
    rows, next_id = selectors.record_page(
        after=int(after) if after else None, limit=limit
    )
    package = selectors.record_package(
        records=rows, uri=absolute_url(request.get_full_path())
    )
    if next_id:
        package["links"] = {
            "next": absolute_url(
                f"{request.path}?{urlencode({'cursor': next_id, 'limit': limit})}"
            )
        }
    return _json(package)


@require_GET
def record(request, ocid):
    if len(ocid) > 128 or "\x00" in ocid:
        return _error("ocid no válido", field="ocid")
    try:
        rec = selectors.record_get(ocid=ocid)
    except Exception as exc:  # Http404
        from django.http import Http404

        if isinstance(exc, Http404):
            return _error("No existe un proceso publicado con ese ocid.", status=404)
        raise
    return _json(
        selectors.record_package(records=[rec], uri=absolute_url(request.path))
    )


@require_GET
def projects(request):
    return _json(selectors.project_package(uri=absolute_url(request.path)))


def _stream_package():
    meta = ocds.package_metadata(
        uri=absolute_url("/api/ocds/bulk/releases.json"),
        published_date=timezone.now().isoformat(),
    )
    head = json.dumps(meta, ensure_ascii=False)[:-1]
    yield head + ', "releases": ['
    first = True
    for release in selectors.release_iterator():
        yield ("" if first else ",") + json.dumps(release, ensure_ascii=False)
        first = False
    yield "]}"


@require_GET
def bulk_json(request):
    """Every published release in one release package, streamed (bounded memory)."""
    response = StreamingHttpResponse(
        _stream_package(), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="releases.json"'
    return response


@require_GET
def bulk_jsonl(request):
    """One release per line (JSON lines), streamed."""
    lines = (
        json.dumps(r, ensure_ascii=False) + "\n" for r in selectors.release_iterator()
    )
    response = StreamingHttpResponse(
        lines, content_type="application/x-ndjson; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="releases.jsonl"'
    return response


def _csv_lines():
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=selectors.FLAT_COLUMNS)
    writer.writeheader()
    for row in selectors.flat_rows_streamed():
        writer.writerow(row)
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@require_GET
def bulk_csv(request):
    """The flattened main sheet (one row per process), streamed."""
    response = StreamingHttpResponse(
        _csv_lines(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="processes.csv"'
    return response


def document_file(request, pk, name):
    """An uploaded document of a published process, streamed from the storage (disk or
    S3) like a proposal image (openlima/storage.py)."""
    from openlima.storage import public_file_response

    document = selectors.document_file_get_public(document_id=pk, name=name)
    return public_file_response(document.file, content_type=document.media_type or None)


def report_photo(request, pk, name):
    """An uploaded progress photo of a published work."""
    from openlima.storage import public_file_response

    report = selectors.report_photo_get_public(report_id=pk, name=name)
    return public_file_response(report.photo)
