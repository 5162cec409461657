"""Inter-institutional tracker: partner institutions, their referrals and the events they
report back (complaints/tracker.py writes)."""

from django.db.models import Count

from .. import crypto


def partner_list():
    from ..models import PartnerInstitution

    return PartnerInstitution.objects.annotate(referral_count=Count("referrals"))


def referral_for_institution(*, institution, reference: str):
    from ..models import Referral

    return (
        Referral.objects.filter(
            reference=str(reference or "")[:32], institution=institution
        )
        .prefetch_related("events")
        .first()
    )


def complaint_referrals(complaint, key: bytes) -> list[dict]:
    """Referrals of a case with the institutions' events, notes decrypted (the referral's
    private key is encrypted with the complaint key)."""
    out = []
    for referral in complaint.referrals.select_related("institution").prefetch_related(
        "events"
    ):
        try:
            private = crypto.decrypt(key, bytes(referral.sealed_private_key))
        except crypto.DecryptionError:
            private = None
        events = []
        for event in referral.events.all():
            note = ""
            if event.sealed_note and private is not None:
                try:
                    note = crypto.unseal(private, bytes(event.sealed_note)).decode()
                except crypto.DecryptionError:
                    note = ""
            events.append(
                {
                    "stage": event.stage,
                    "stage_label": event.get_stage_display(),
                    "occurred_on": event.occurred_on,
                    "note": note,
                }
            )
        out.append(
            {
                "institution": referral.institution.name,
                "reference": referral.reference,
                "created_at": referral.created_at,
                "events": events,
            }
        )
    return out
