"""OCDS release and record packages for the API, keyset-paged (docs/contracting.md,
"Data out")."""

import base64
import binascii
from datetime import datetime

from django.http import Http404
from django.utils import timezone

from .. import ocds
from ..models import (
    ContractingProcess,
    Release,
)
from .processes import process_public_qs

# --- OCDS / OC4IDS packages ----------------------------------------------------------------

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def encode_cursor(date, pk) -> str:
    raw = f"{date.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str):
    """(datetime, id) or raises ValueError."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        date_s, pk_s = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        date = datetime.fromisoformat(date_s)
        if timezone.is_naive(date):
            raise ValueError("naive")
        return date, int(pk_s)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(str(exc)) from exc


def release_page(*, since=None, until=None, after=None, ocid=None, limit=PAGE_SIZE):
    """One page of published releases in (date, id) order, keyset-paged: (rows, next)."""
    qs = Release.objects.filter(process__is_published=True)
    if since is not None:
        qs = qs.filter(date__gte=since)
    if until is not None:
        qs = qs.filter(date__lt=until)
    if ocid:
        qs = qs.filter(ocid=ocid)
    if after is not None:
        # (date, id) > (cursor date, cursor id), written so the (date, id) index gives
        # a range scan starting at the cursor (an OR of the two cases would not).
        date, pk = after
        qs = qs.filter(date__gte=date).exclude(date=date, pk__lte=pk)
    rows = list(
        qs.order_by("date", "id").values_list("pk", "date", "data")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1][1], rows[-1][0]) if more and rows else None
    return [data for _pk, _date, data in rows], cursor


def release_iterator(*, chunk=2000):
    """Every published release, streamed in keyset chunks (bounded memory)."""
    after = None
    while True:
        rows, cursor = release_page(after=after, limit=chunk)
        yield from rows
        if cursor is None:
            return
        after = decode_cursor(cursor)


def release_package(*, releases: list[dict], uri: str) -> dict:
    return {
        **ocds.package_metadata(uri=uri, published_date=timezone.now().isoformat()),
        "releases": releases,
    }


def _record(process: ContractingProcess, releases: list[dict]) -> dict:
    return {
        "ocid": process.ocid,
        "releases": releases,
        "compiledRelease": process.compiled,
    }


def record_page(*, after=None, limit=PAGE_SIZE):
    """Records of published processes, keyset-paged by process id: (records, next id)."""
    qs = (
        process_public_qs()
        .filter(compiled_release__isnull=False)
        .exclude(compiled_release__data={})
        .select_related("compiled_release")
    )
    if after is not None:
        qs = qs.filter(pk__gt=after)
    processes = list(qs.order_by("pk")[: limit + 1])
    more = len(processes) > limit
    processes = processes[:limit]
    by_process: dict[int, list] = {}
    for pid, data in (
        Release.objects.filter(process__in=processes)
        .order_by("date", "id")
        .values_list("process_id", "data")
    ):
        by_process.setdefault(pid, []).append(data)
    records = [_record(p, by_process.get(p.pk, [])) for p in processes]
    return records, (processes[-1].pk if more and processes else None)


def record_get(*, ocid: str) -> dict:
    process = (
        process_public_qs()
        .filter(ocid=ocid, compiled_release__isnull=False)
        .exclude(compiled_release__data={})
        .select_related("compiled_release")
        .first()
    )
    if process is None:
        raise Http404
    releases = list(
        process.releases.order_by("date", "id").values_list("data", flat=True)
    )
    return _record(process, releases)


def record_package(*, records: list[dict], uri: str) -> dict:
    meta = ocds.package_metadata(uri=uri, published_date=timezone.now().isoformat())
    return {**meta, "records": records}
