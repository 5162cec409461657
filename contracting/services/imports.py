"""Importing OCDS releases (manage.py import_ocds): all or nothing, idempotent by ocid
and release id."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openlima.errors import Invalid

from ..models import (
    ContractingProcess,
    Release,
)
from .releases import process_compile

# --- import ------------------------------------------------------------------------------


@transaction.atomic
def releases_import(*, releases: list[dict]) -> dict:
    """Store releases not yet known (by ocid + release id) and recompile the processes
    they belong to. Validation happens before (importer.py); all or nothing."""
    created = skipped = 0
    touched: dict[str, ContractingProcess] = {}
    for data in releases:
        ocid, release_id = data["ocid"], data["id"]
        if Release.objects.filter(ocid=ocid, release_id=release_id).exists():
            skipped += 1
            continue
        process = touched.get(ocid)
        if process is None:
            process, _created = ContractingProcess.objects.get_or_create(
                ocid=ocid,
                defaults={
                    "source": ContractingProcess.Source.IMPORT,
                    "title": ocid,
                    "is_published": True,
                },
            )
            if process.source != ContractingProcess.Source.IMPORT:
                raise Invalid(
                    _("El ocid %(ocid)s ya es de un proceso del portal.")
                    % {"ocid": ocid}
                )
            touched[ocid] = process
        date = datetime.fromisoformat(data["date"].replace("Z", "+00:00"))
        try:
            with transaction.atomic():
                Release.objects.create(
                    process=process,
                    ocid=ocid,
                    release_id=release_id,
                    date=date,
                    tag=data.get("tag") or [],
                    data=data,
                )
        except IntegrityError:
            skipped += 1
            continue
        created += 1
    for process in touched.values():
        process_compile(process=process)
    return {"created": created, "skipped": skipped, "processes": len(touched)}
