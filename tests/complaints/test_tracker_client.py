"""The documented command-line client posts and lists events against a live server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from complaints import crypto, services, tracker
from complaints.models import KeyGrant, ReferralEvent

from .conftest import make_member

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_partner_client_posts_and_lists(live_server):
    user, private = make_member()
    complaint, _code = services.complaint_submit(body={"what": "hechos"})
    key = crypto.unseal(
        private,
        bytes(KeyGrant.objects.get(member=user, complaint=complaint).sealed_key),
    )
    institution, secret = tracker.partner_create(
        actor=user, kind="fiscalia", name="Fiscalía"
    )
    referral = tracker.referral_create(
        complaint=complaint, key=key, institution=institution, actor=user
    )
    env = dict(os.environ, OL_KEY_ID=institution.key_id, OL_SECRET=secret)
    base = [sys.executable, str(ROOT / "scripts/partner_event.py"), live_server.url]
    posted = subprocess.run(
        [
            *base,
            referral.reference,
            "post",
            "--event-id",
            "MP-1",
            "--stage",
            "investigacion_fiscal",
            "--date",
            timezone.localdate().isoformat(),
            "--note",
            "Se abrió investigación preliminar.",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert posted.returncode == 0, posted.stdout + posted.stderr
    assert posted.stdout.startswith("201")
    listed = subprocess.run(
        [*base, referral.reference, "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0 and "MP-1" in listed.stdout
    assert ReferralEvent.objects.count() == 1
