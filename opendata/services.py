"""Every write of the open data catalogue."""

import datetime
import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from openlima import exports, registry, roles, uploads, viewcounts
from openlima.errors import Invalid
from openlima.models import OrgUnit
from openlima.services import audit_log_record

from .files import (  # file_sniff stays reachable as services.file_sniff
    FORMATS,
    file_sniff,
    tabular_preview,
)
from .models import (
    Dataset,
    DatasetDailyStat,
    Resource,
    ResourceDailyStat,
    ResourceVersion,
    Tag,
    TransparencyDocument,
)
from .search import dataset_search_index, transparency_search_index

logger = logging.getLogger(__name__)

# --- Datasets -------------------------------------------------------------------------


def _publisher_or_default(slug: str) -> OrgUnit:
    """The unit `slug` names, else the city's data publishing unit, else the first unit
    (migration 0002 and the city profile always create some)."""
    unit = (
        OrgUnit.objects.filter(slug=slug).first()
        or OrgUnit.objects.filter(
            slug=roles.role_unit_slug(roles.DATA_PUBLISHER)
        ).first()
        or OrgUnit.objects.order_by("pk").first()
    )
    if unit is None:
        raise RuntimeError("no municipal unit to publish with: run manage.py migrate")
    return unit


def _tags_set(dataset: Dataset, tags) -> None:
    names = sorted({t.strip()[:100] for t in tags if t and t.strip()})
    objs = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(name=name)
        objs.append(tag)
    dataset.tags.set(objs)


@transaction.atomic
def dataset_create(
    *,
    title: str,
    description: str,
    publisher: OrgUnit,
    slug: str = "",
    tags=(),
    topics=(),
    districts=(),
    actor=None,
    **fields,
) -> Dataset:
    dataset = Dataset(
        title=title,
        slug=slug or slugify(title)[:100],
        description=description,
        publisher=publisher,
        **fields,
    )
    dataset.full_clean()
    dataset.save()
    _tags_set(dataset, tags)
    dataset.topics.set(topics)
    dataset.districts.set(districts)
    dataset_search_index(dataset_ids=[dataset.pk])
    if actor is not None:
        audit_log_record(actor=actor, action="dataset.create", obj=dataset)
    return dataset


def _touch(dataset: Dataset) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(modified_at=timezone.now())


@transaction.atomic
def dataset_publish(*, dataset: Dataset, actor=None, publish_at=None) -> Dataset:
    """Publish now, or schedule for `publish_at` (in the future)."""
    now = timezone.now()
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if publish_at and publish_at > now:
        dataset.state = Dataset.State.SCHEDULED
        dataset.publish_at = publish_at
    else:
        dataset.state = Dataset.State.PUBLISHED
        dataset.publish_at = dataset.publish_at or now
        dataset.published_at = dataset.published_at or now
    dataset.withdrawn_reason = ""
    dataset.modified_at = now
    dataset.full_clean()
    dataset.save(
        update_fields=[
            "state",
            "publish_at",
            "published_at",
            "withdrawn_reason",
            "modified_at",
        ]
    )
    audit_log_record(
        actor=actor,
        action="dataset.schedule"
        if dataset.state == "scheduled"
        else "dataset.publish",
        obj=dataset,
    )
    return dataset


@transaction.atomic
def dataset_withdraw(*, dataset: Dataset, reason: str, actor=None) -> Dataset:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("Indique el motivo del retiro."),
            field_errors={"withdrawn_reason": [_("Indique el motivo del retiro.")]},
        )
    dataset.state = Dataset.State.WITHDRAWN
    dataset.withdrawn_reason = reason[:2000]
    dataset.modified_at = timezone.now()
    dataset.full_clean()
    dataset.save(update_fields=["state", "withdrawn_reason", "modified_at"])
    audit_log_record(
        actor=actor,
        action="dataset.withdraw",
        obj=dataset,
        details={"reason": reason[:500]},
    )
    return dataset


def datasets_publish_due(*, now) -> int:
    """Publisher for `publish_scheduled`: scheduled datasets whose date has come."""
    count = 0
    for pk in Dataset.objects.filter(
        state=Dataset.State.SCHEDULED, publish_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            updated = Dataset.objects.filter(
                pk=pk, state=Dataset.State.SCHEDULED
            ).update(state=Dataset.State.PUBLISHED, published_at=now, modified_at=now)
            if updated:
                count += 1
                audit_log_record(
                    actor=None,
                    action="dataset.publish",
                    object_type="opendata.dataset",
                    object_id=pk,
                )
    return count


# --- Resources ------------------------------------------------------------------------


@transaction.atomic
def resource_create(
    *,
    dataset: Dataset,
    name: str,
    description: str = "",
    external_url: str = "",
    format: str = "",
    media_type: str = "",
    source_key: str = "",
) -> Resource:
    resource = Resource(
        dataset=dataset,
        name=name,
        description=description,
        external_url=external_url,
        format=format,
        media_type=media_type,
        source_key=source_key,
        position=dataset.resources.count(),
    )
    resource.full_clean()
    resource.save()
    _touch(dataset)
    return resource


@transaction.atomic
def resource_version_add(
    *, resource: Resource, data: bytes, filename: str, only_if_changed: bool = False
) -> ResourceVersion | None:
    """Store a new file for `resource` (sniffed, size-limited, hashed, previewed).

    With `only_if_changed`, content identical to the latest version adds nothing."""
    fmt = file_sniff(data=data, filename=filename)
    digest = hashlib.sha256(data).hexdigest()
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    latest = resource.versions.order_by("-number").first()
    if only_if_changed and latest is not None and latest.sha256 == digest:
        return None
    safe_name = uploads.safe_filename(filename)
    now = timezone.now()
    version = ResourceVersion(
        resource=resource,
        number=(latest.number + 1) if latest else 1,
        filename=safe_name,
        format=fmt,
        media_type=FORMATS[fmt],
        size=len(data),
        sha256=digest,
        preview=tabular_preview(data=data, fmt=fmt) if fmt in ("CSV", "XLSX") else {},
        created_at=now,
    )
    version.file.save(safe_name, ContentFile(data), save=False)
    version.save()
    resource.format = fmt
    resource.media_type = FORMATS[fmt]
    resource.size = len(data)
    resource.sha256 = digest
    resource.modified_at = now
    resource.save(
        update_fields=["format", "media_type", "size", "sha256", "modified_at"]
    )
    _touch(resource.dataset)
    return version


# --- Counters (no IP, no user id: one row per item and day) ---------------------------


def _bump(
    model, lookup: dict, field: str, *, by: int = 1, day: datetime.date | None = None
) -> None:
    """Today's counter plus one in one statement (docs/performance.md): an upsert on the
    (item, day) unique constraint, so the first view of the day costs no failed UPDATE,
    savepoint and retry, and two first views at once both count. Nothing is written
    when the item no longer exists (views flushed after a dataset was deleted)."""
    ((column, value),) = lookup.items()
    parent = model._meta.get_field(column.removesuffix("_id")).related_model._meta
    counters = [
        f.column
        for f in model._meta.concrete_fields
        if f.column not in {"id", column, "day"}
    ]
    table = model._meta.db_table
    columns = ", ".join([column, "day", *counters])
    values = ", ".join(["%s"] * (2 + len(counters)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {values} "  # noqa: S608 (names from the model)
            f"WHERE EXISTS (SELECT 1 FROM {parent.db_table} WHERE {parent.pk.column} = %s) "
            f"ON CONFLICT ({column}, day) DO UPDATE SET {field} = {table}.{field} + %s",
            [
                value,
                connection.ops.adapt_datefield_value(day or timezone.localdate()),
                *(by if c == field else 0 for c in counters),
                value,
                by,
            ],
        )


def dataset_view_count(*, dataset_id: int) -> None:
    """One view of the dataset page: counted in Redis (openlima.viewcounts), saved by
    `dataset_views_add` at the next flush; at once without Redis."""
    viewcounts.count("opendata", dataset_id)


def dataset_views_add(*, day: datetime.date, counts: dict[int, int]) -> None:
    """``view_counts:opendata``: add views to each dataset's counter of `day`, one upsert
    per dataset (a dataset deleted meanwhile is skipped by the upsert itself)."""
    for dataset_id, views in sorted(counts.items()):
        if views > 0:
            _bump(
                DatasetDailyStat, {"dataset_id": dataset_id}, "views", by=views, day=day
            )


def resource_download_count(*, resource: Resource) -> None:
    _bump(ResourceDailyStat, {"resource_id": resource.pk}, "downloads")
    _bump(DatasetDailyStat, {"dataset_id": resource.dataset_id}, "downloads")


# --- Transparency ---------------------------------------------------------------------


@transaction.atomic
def transparency_document_create(
    *,
    category: str,
    title: str,
    description: str = "",
    data: bytes | None = None,
    filename: str = "",
    external_url: str = "",
    dataset=None,
    publish_at=None,
    actor=None,
) -> TransparencyDocument:
    doc = TransparencyDocument(
        category=category,
        title=title,
        description=description,
        external_url=external_url,
        dataset=dataset,
        publish_at=publish_at or timezone.now(),
    )
    if data is not None:
        fmt = file_sniff(data=data, filename=filename)
        doc.media_type = FORMATS[fmt]
        safe_name = uploads.safe_filename(filename, default="documento")
        doc.file.save(safe_name, ContentFile(data), save=False)
    doc.full_clean()
    doc.save()
    transparency_search_index(document_ids=[doc.pk])
    if actor is not None:
        audit_log_record(actor=actor, action="transparency.publish", obj=doc)
    return doc


# --- The platform's own datasets ------------------------------------------------------


def _render_csv(columns, rows) -> bytes:
    # The portal's one CSV convention, formula cells neutralised (openlima/exports.py).
    return exports.csv_bytes(columns, rows)


def _render_json(columns, rows) -> bytes:
    payload = [{c: row.get(c) for c in columns} for row in rows]
    return json.dumps(
        payload, ensure_ascii=False, indent=1, sort_keys=False, default=str
    ).encode("utf-8")


def _platform_columns(key: str, spec: dict) -> list[str]:
    """The spec's columns (the first row's keys when it names none), checked against
    the provider's Table Schema, which must describe exactly the CSV it gave."""
    columns = list(spec.get("columns") or [])
    rows = spec.get("rows") or []
    if not columns and rows:
        columns = list(rows[0].keys())
    schema = spec.get("schema")
    if schema is not None:
        names = [f.get("name") for f in (schema.get("fields") or [])]
        if names != columns:
            raise ValueError(
                f"{key}: schema fields {names} differ from the columns {columns}"
            )
    return columns


@transaction.atomic
def _platform_dataset_upsert(*, key: str, spec: dict) -> Dataset:
    """The platform dataset of `key`, created published, or its title, description and
    tags brought up to date."""
    slug = slugify(f"openlima-{key}")[:100]
    publisher = _publisher_or_default(spec.get("publisher_slug") or "")
    now = timezone.now()
    dataset = (
        Dataset.objects.filter(source=key).first()
        or Dataset.objects.filter(slug=slug).first()
    )
    if dataset is None:
        return dataset_create(
            title=str(spec.get("title") or key)[:200],
            description=str(spec.get("description") or spec.get("title") or key),
            publisher=publisher,
            slug=slug,
            tags=spec.get("tags") or [],
            source=key,
            frequency="DAILY",
            state=Dataset.State.PUBLISHED,
            publish_at=now,
            published_at=now,
        )
    changed = []
    for field, value in (
        ("title", str(spec.get("title") or dataset.title)[:200]),
        ("description", str(spec.get("description") or dataset.description)),
    ):
        if getattr(dataset, field) != value:
            setattr(dataset, field, value)
            changed.append(field)
    if changed:
        dataset.modified_at = now
        dataset.save(update_fields=[*changed, "modified_at"])
    _tags_set(dataset, spec.get("tags") or [])
    dataset_search_index(dataset_ids=[dataset.pk])
    return dataset


@transaction.atomic
def _platform_resource_refresh(
    *, dataset: Dataset, fmt: str, payload: bytes, ext: str, schema: Any
) -> bool:
    """The dataset's CSV or JSON resource: a new version when `payload` changed (True);
    the CSV keeps the provider's own Table Schema (opendata/datapackage.py)."""
    resource = dataset.resources.filter(source_key=fmt).first() or resource_create(
        dataset=dataset,
        name=f"{dataset.title} ({fmt})",
        format=fmt,
        media_type=FORMATS[fmt],
        source_key=fmt,
    )
    added = bool(
        resource_version_add(
            resource=resource,
            data=payload,
            filename=f"{dataset.slug}.{ext}",
            only_if_changed=True,
        )
    )
    if fmt == "CSV" and isinstance(schema, dict) and schema.get("fields"):
        latest = resource.versions.order_by("-number").first()
        if latest is not None and latest.preview.get("schema") != schema:
            latest.preview = {**latest.preview, "schema": schema}
            latest.save(update_fields=["preview"])
    return added


def platform_dataset_refresh(*, key: str, spec: dict) -> dict:
    """Create or update the platform dataset `key` from a provider's `spec`; a resource
    gets a new version only when its content changed (SHA-256)."""
    columns = _platform_columns(key, spec)
    rows = list(spec.get("rows") or [])
    dataset = _platform_dataset_upsert(key=key, spec=spec)
    result: dict[str, Any] = {"dataset": dataset.slug, "new_versions": 0}
    for fmt, payload, ext in (
        ("CSV", _render_csv(columns, rows), "csv"),
        ("JSON", _render_json(columns, rows), "json"),
    ):
        if _platform_resource_refresh(
            dataset=dataset,
            fmt=fmt,
            payload=payload,
            ext=ext,
            schema=spec.get("schema"),
        ):
            result["new_versions"] += 1
    for spec_file in spec.get("files") or []:
        if platform_file_resource_refresh(dataset=dataset, spec_file=spec_file):
            result["new_versions"] += 1
    return result


def platform_file_resource_refresh(*, dataset: Dataset, spec_file: dict) -> bool:
    """A file the providing app already wrote to the public storage (a bulk file too big
    to pass as bytes; registry `PlatformFile`) held as a resource of `dataset`: a new
    version that points to the stored file when its SHA-256 changed. The file is neither
    read nor copied; downloads get ETag and Range like any resource.

    Only the current version is listed: the providing app owns its stored files and
    deletes older ones on its own schedule (keeping at least the one listed here until
    this refresh), so an older version row would point at a deleted file
    (docs/contracting.md, "Bulk files"). The rows go; the files are not touched."""
    key = f"file:{spec_file['key']}"[:100]
    with transaction.atomic():
        resource = dataset.resources.filter(source_key=key).first() or resource_create(
            dataset=dataset,
            name=str(spec_file["title"])[:200],
            format=spec_file["format"],
            media_type=spec_file["media_type"],
            source_key=key,
        )
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        latest = resource.versions.order_by("-number").first()
        if latest is not None and latest.sha256 == spec_file["sha256"]:
            return False
        modified = spec_file.get("modified") or timezone.now()
        version = ResourceVersion(
            resource=resource,
            number=(latest.number + 1) if latest else 1,
            filename=uploads.safe_filename(spec_file["filename"]),
            format=spec_file["format"],
            media_type=spec_file["media_type"],
            size=spec_file["size"],
            sha256=spec_file["sha256"],
            preview={},
            created_at=modified,
        )
        version.file.name = spec_file["storage_name"]
        version.save()
        resource.versions.exclude(pk=version.pk).delete()
        resource.format = spec_file["format"]
        resource.media_type = spec_file["media_type"]
        resource.size = spec_file["size"]
        resource.sha256 = spec_file["sha256"]
        resource.modified_at = modified
        resource.save(
            update_fields=["format", "media_type", "size", "sha256", "modified_at"]
        )
        _touch(dataset)
    return True


def platform_datasets_refresh() -> dict:
    """Every `dataset:` provider's dataset, written in the portal's language whatever
    language the calling thread has active (providers' titles and columns are
    translatable; a refresh under another language would version every file again)."""
    results: dict[str, Any] = {}
    for key, func in registry.providers("dataset:").items():
        try:
            with translation.override(settings.LANGUAGE_CODE):
                results[key] = platform_dataset_refresh(key=key, spec=func())
        except Exception:  # one provider's failure must not stop the others
            logger.exception("opendata_refresh: %s failed", key)
            results[key] = "error"
    return results


# --- ARCO (Ley 29733): erasure ------------------------------------------------------------


def erase_personal_data(*, user) -> None:
    """`erase_personal_data:opendata`: a deleted account's address stops being shown as a
    dataset's contact (the publishing unit stays). Nothing else here is personal."""
    datasets = list(
        Dataset.objects.filter(contact_email__iexact=user.email).values_list(
            "pk", flat=True
        )
    )
    if datasets:
        Dataset.objects.filter(pk__in=datasets).update(contact_email="")
        audit_log_record(
            actor=None,
            action="dataset.contact_erase",
            object_type="opendata.dataset",
            object_id=",".join(str(pk) for pk in datasets)[:64],
            details={"reason": "account.delete", "datasets": datasets},
        )


# --- Provider for other apps: a document becomes a dataset in one step --------------------


def dataset_create_from_document(
    *,
    title: str,
    description: str,
    publisher_slug: str,
    data: bytes,
    filename: str,
    source_url: str = "",
    actor=None,
) -> dict:
    """`dataset_create_from_document` (openlima/registry.py): a published dataset with the
    file as its first resource (sniffed and size-checked as any upload). Returns ``slug``
    and ``url`` (the dataset page)."""
    publisher = _publisher_or_default(publisher_slug or "")
    base = slugify(title)[:90] or "documento"
    slug = base
    n = 2
    while Dataset.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"[:100]
        n += 1
    if source_url:
        description = f"{description}\n\n{_('Origen')}: {source_url}"
    with transaction.atomic():
        dataset = dataset_create(
            title=title[:200],
            description=description,
            publisher=publisher,
            slug=slug,
            actor=actor,
        )
        resource = resource_create(dataset=dataset, name=title[:200])
        resource_version_add(resource=resource, data=data, filename=filename)
        dataset_publish(dataset=dataset, actor=actor)
    return {"slug": dataset.slug, "url": dataset.get_absolute_url()}
