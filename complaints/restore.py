"""`restore_check:complaints` (docs/operations.md, "Restore drill"): after a backup is
restored, every complaint sealed to the recovery key opens with the offline private key —
its body and every attachment blob in the restored private storage decrypt. Nothing is
written and nothing decrypted leaves this function (only counts)."""

import json

from . import crypto
from .models import Attachment, Complaint, KeyGrant


def restore_check(*, using, storages, keys):
    total = Complaint.objects.using(using).count()
    if total == 0:
        return [{"check": "complaints", "ok": True, "detail": "no complaints"}]
    private = keys.get("complaints_recovery")
    if not private:
        return [
            {
                "check": "complaints",
                "ok": False,
                "detail": f"{total} complaints; the recovery private key was not given",
            }
        ]
    fingerprint = crypto.fingerprint(crypto.public_from_private(private))
    grants = KeyGrant.objects.using(using).filter(
        member__isnull=True, key_fingerprint__in=[fingerprint, ""]
    )
    opened, failed, blobs = set(), 0, 0
    for grant in grants.select_related("complaint"):
        try:
            key = crypto.unseal(private, bytes(grant.sealed_key))
            complaint = grant.complaint
            if complaint.sealed_body is not None:
                json.loads(crypto.decrypt(key, bytes(complaint.sealed_body)))
            for attachment in Attachment.objects.using(using).filter(
                complaint=complaint
            ):
                crypto.decrypt(key, bytes(attachment.sealed_meta))
                name = f"complaints/{attachment.blob}.bin"
                with storages["private"].open(name, "rb") as handle:
                    crypto.decrypt(key, handle.read())
                blobs += 1
        except Exception:  # a wrong key, a missing or damaged blob: counted, not shown
            failed += 1
            continue
        opened.add(grant.complaint_id)
    return [
        {
            "check": "complaints open with the recovery key",
            "ok": bool(opened) and failed == 0,
            "detail": (
                f"{len(opened)} of {total} complaints opened, {blobs} attachments "
                f"decrypted, {failed} failed"
            ),
        }
    ]


def stored_files(*, using):
    """`stored_files:complaints`: every attachment's encrypted blob in the private
    storage (services/storage.py names them)."""
    return [
        ("private", f"complaints/{blob}.bin")
        for blob in Attachment.objects.using(using).values_list("blob", flat=True)
    ]
