"""A case's decrypted content for a key holder: body, timeline, attachments and
referrals (the reporter sees less than the unit)."""

import json

from django.core.exceptions import PermissionDenied

from .. import crypto
from ..models import STAGE_PATH, Attachment, Complaint, Entry, Stage
from .referrals import complaint_referrals


def _text(key: bytes, data) -> str:
    if data is None:
        return ""
    return crypto.decrypt(key, bytes(data)).decode()


def complaint_body(complaint: Complaint, key: bytes) -> dict:
    if complaint.sealed_body is None:
        return {}
    return json.loads(crypto.decrypt(key, bytes(complaint.sealed_body)))


def attachment_meta(attachment: Attachment, key: bytes) -> dict:
    meta = json.loads(crypto.decrypt(key, bytes(attachment.sealed_meta)))
    meta["id"] = attachment.pk
    meta["entry_id"] = attachment.entry_id
    meta["from_reporter"] = attachment.from_reporter
    return meta


def complaint_detail(complaint: Complaint, key: bytes, *, for_reporter: bool) -> dict:
    """Decrypted body, timeline and attachments; the reporter never sees internal notes
    nor the note of a stage change unless it was made public."""
    entries = []
    for entry in complaint.entries.select_related("author").all():
        if for_reporter and entry.kind == Entry.Kind.NOTE:
            continue
        text = _text(key, entry.sealed_text)
        if for_reporter and entry.kind == Entry.Kind.STAGE and not entry.is_public:
            text = ""
        entries.append(
            {
                "entry": entry,
                "kind": entry.kind,
                "text": text,
                "stage_to_label": dict(Stage.choices).get(entry.stage_to, ""),
                "author": (
                    None
                    if for_reporter
                    else (entry.author.display_name or entry.author.email)
                    if entry.author
                    else None
                ),
            }
        )
    attachments = [attachment_meta(a, key) for a in complaint.attachments.all()]
    return {
        "body": complaint_body(complaint, key),
        "entries": entries,
        "attachments": attachments,
        "timeline": stage_timeline(complaint),
        "referrals": complaint_referrals(complaint, key),
    }


def stage_timeline(complaint: Complaint) -> list[dict]:
    if complaint.stage == Stage.ARCHIVED:
        reached = {
            e.stage_from for e in complaint.entries.all() if e.kind == Entry.Kind.STAGE
        }
        steps = [s for s in STAGE_PATH if s in reached] + [Stage.ARCHIVED]
    else:
        steps = list(STAGE_PATH)
    current = steps.index(Stage(complaint.stage))
    return [
        {
            "label": Stage(s).label,
            "state": "done" if i < current else "current" if i == current else "todo",
        }
        for i, s in enumerate(steps)
    ]


def attachment_read(*, complaint: Complaint, key: bytes, attachment_id: int):
    from ..services import blob_read

    attachment = Attachment.objects.filter(
        complaint=complaint, pk=attachment_id
    ).first()
    if attachment is None:
        raise PermissionDenied
    meta = attachment_meta(attachment, key)
    data = crypto.decrypt(key, blob_read(attachment))
    return meta, data
