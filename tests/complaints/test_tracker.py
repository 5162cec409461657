"""Inter-institutional tracker: partner credentials, referrals, the events API."""

import datetime
import json
import re
import time

import pytest
from django.test import Client
from django.utils import timezone

from complaints import crypto, services, tracker
from complaints.models import PartnerInstitution, Referral, ReferralEvent
from openlima.models import AuditLog

from .conftest import code_from, submit

pytestmark = pytest.mark.django_db

NOTE = "NOTA-PUBLICA-DE-LA-FISCALIA-5521"


def signed(client, method, path, secret, key_id, body=b"", ts=None):
    ts = str(int(time.time()) if ts is None else ts)
    headers = {
        "HTTP_X_OL_KEY_ID": key_id,
        "HTTP_X_OL_TIMESTAMP": ts,
        "HTTP_X_OL_SIGNATURE": tracker.signature(
            secret.encode(), method, path, ts, body
        ),
    }
    if method == "GET":
        return client.get(path, **headers)
    return client.post(path, body, content_type="application/json", **headers)


def _key(member, complaint):
    from complaints.models import KeyGrant

    user, private = member
    grant = KeyGrant.objects.get(member=user, complaint=complaint)
    return crypto.unseal(private, bytes(grant.sealed_key))


@pytest.fixture
def referred(member):
    user, _ = member
    complaint, code = services.complaint_submit(body={"what": "hechos"})
    institution, secret = tracker.partner_create(
        actor=user, kind="fiscalia", name="Fiscalía Anticorrupción de Lima"
    )
    referral = tracker.referral_create(
        complaint=complaint,
        key=_key(member, complaint),
        institution=institution,
        actor=user,
    )
    return complaint, code, institution, secret, referral


def events_path(reference):
    return f"/api/v1/complaints/referrals/{reference}/events/"


def event(event_id="MP-1", stage="investigacion_fiscal", **extra):
    data = {
        "event_id": event_id,
        "stage": stage,
        "date": timezone.localdate().isoformat(),
        "public_note": NOTE,
    }
    data.update(extra)
    return json.dumps(data).encode()


def test_unit_registers_an_institution_and_sees_the_secret_once(member_client):
    page = member_client.post(
        "/denuncias/unidad/instituciones/",
        {"action": "create", "kind": "fiscalia", "name": "Fiscalía de Lima"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    secret = re.search(r'data-testid="secret">(olps_[^<]+)<', html).group(1)
    institution = PartnerInstitution.objects.get()
    assert secret.encode() not in bytes(institution.encrypted_secret)
    assert tracker.partner_secret(institution) == secret.encode()
    again = member_client.get("/denuncias/unidad/instituciones/").content.decode()
    assert secret not in again and institution.key_id in again
    assert AuditLog.objects.filter(action="complaints.partner.create").exists()
    # bad input: a clear 400
    bad = member_client.post(
        "/denuncias/unidad/instituciones/",
        {"action": "create", "kind": "nada", "name": "x" * 500},
    )
    assert bad.status_code == 400
    assert PartnerInstitution.objects.count() == 1


def test_unit_refers_a_case_with_an_opaque_reference(member_client, member):
    user, _ = member
    complaint, _code = services.complaint_submit(body={"what": "hechos"})
    institution, _secret = tracker.partner_create(
        actor=user, kind="fiscalia", name="Fiscalía"
    )
    response = member_client.post(
        f"/denuncias/unidad/casos/{complaint.pk}/refer/",
        {"institution": str(institution.pk)},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    # 64 random bits, nothing derived from the case id or code
    assert re.fullmatch(r"REF-[0-9A-F]{16}", referral.reference)
    page = member_client.get(f"/denuncias/unidad/casos/{complaint.pk}/")
    assert referral.reference in page.content.decode()
    # refusing the same referral twice, and an unknown institution
    again = member_client.post(
        f"/denuncias/unidad/casos/{complaint.pk}/refer/",
        {"institution": str(institution.pk)},
    )
    assert again.status_code == 400
    unknown = member_client.post(
        f"/denuncias/unidad/casos/{complaint.pk}/refer/", {"institution": "999"}
    )
    assert unknown.status_code == 400 and Referral.objects.count() == 1


def test_institution_posts_events_idempotently_and_reporter_sees_them(referred):
    complaint, code, institution, secret, referral = referred
    api = Client()
    path = events_path(referral.reference)
    first = signed(api, "POST", path, secret, institution.key_id, event())
    assert first.status_code == 201, first.content
    again = signed(api, "POST", path, secret, institution.key_id, event())
    assert again.status_code == 200 and again.json() == first.json()
    second = signed(
        api,
        "POST",
        path,
        secret,
        institution.key_id,
        event("MP-2", "decision_fiscal", public_note="Acusación formulada."),
    )
    assert second.status_code == 201
    assert ReferralEvent.objects.count() == 2
    assert AuditLog.objects.filter(action="complaints.referral.event").count() == 2
    listing = signed(api, "GET", path, secret, institution.key_id)
    assert [e["event_id"] for e in listing.json()] == ["MP-1", "MP-2"]
    # The reporter sees both on the case page, notes decrypted.
    page = Client().post("/denuncias/seguimiento/", {"code": code})
    html = page.content.decode()
    assert "Investigación fiscal abierta" in html and NOTE in html
    assert "Acusación formulada." in html
    # The note is not in the database in clear.
    stored = bytes(ReferralEvent.objects.get(institution_event_id="MP-1").sealed_note)
    assert NOTE.encode() not in stored


def test_stage_machine_and_bad_input(referred):
    _complaint, _code, institution, secret, referral = referred
    api = Client()
    path = events_path(referral.reference)

    def post(body):
        return signed(api, "POST", path, secret, institution.key_id, body)

    assert post(event("X1", "juicio")).status_code == 409  # not before an opening
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    for body in [
        b"",
        b"not json",
        event("", "investigacion_fiscal"),
        event("X2", "cualquiera"),
        event("X3", date="ayer"),
        event("X4", date=future),
        event("X5", public_note="x" * 5000),
        event("X6", public_note="nul\x00byte"),
        event("X7\x00", "investigacion_fiscal"),
        event("X" * 200),
        json.dumps({"event_id": 12345678901234567890, "stage": 3}).encode(),
        event("X8", public_note="<script>alert(1)</script>"),
    ]:
        response = post(body)
        assert response.status_code in (400, 201), (body[:60], response.content)
        assert response.status_code < 500
    # only the last one (HTML note) was valid; it is shown escaped to the reporter
    assert ReferralEvent.objects.count() == 1
    archived = post(event("X9", "archivo"))
    assert archived.status_code == 201
    assert post(event("X10", "decision_fiscal")).status_code == 409


def test_signature_checks(referred):
    _complaint, _code, institution, secret, referral = referred
    api = Client()
    path = events_path(referral.reference)
    assert api.get(path).status_code in (401, 403)
    wrong = signed(api, "GET", path, "olps_otro", institution.key_id)
    assert wrong.status_code in (401, 403)
    stale = signed(api, "GET", path, secret, institution.key_id, ts=time.time() - 3600)
    assert stale.status_code in (401, 403)
    # the body is signed: a changed body is refused
    ts = str(int(time.time()))
    tampered = api.post(
        path,
        event("T1"),
        content_type="application/json",
        HTTP_X_OL_KEY_ID=institution.key_id,
        HTTP_X_OL_TIMESTAMP=ts,
        HTTP_X_OL_SIGNATURE=tracker.signature(
            secret.encode(), "POST", path, ts, event("T0")
        ),
    )
    assert tampered.status_code in (401, 403)
    assert not ReferralEvent.objects.exists()


def test_other_institution_sees_nothing_and_rotation_and_revocation(referred, member):
    user, _ = member
    _complaint, _code, institution, secret, referral = referred
    other, other_secret = tracker.partner_create(actor=user, kind="policia", name="PNP")
    api = Client()
    path = events_path(referral.reference)
    assert signed(api, "GET", path, other_secret, other.key_id).status_code == 404
    post = signed(api, "POST", path, other_secret, other.key_id, event())
    assert post.status_code == 404 and not ReferralEvent.objects.exists()
    new_secret = tracker.partner_rotate(actor=user, institution=institution)
    assert signed(api, "GET", path, secret, institution.key_id).status_code in (
        401,
        403,
    )
    assert signed(api, "GET", path, new_secret, institution.key_id).status_code == 200
    tracker.partner_revoke(actor=user, institution=institution)
    assert signed(api, "GET", path, new_secret, institution.key_id).status_code in (
        401,
        403,
    )


def test_openapi_documents_the_security_scheme(client):
    schema = client.get("/api/v1/schema/?format=json")
    data = json.loads(schema.content)
    assert "partnerHmac" in data["components"]["securitySchemes"]
    operation = data["paths"]["/api/v1/complaints/referrals/{reference}/events/"]
    assert {"partnerHmac": []} in operation["post"]["security"]


def test_events_listing_query_count(referred, django_assert_max_num_queries):
    _complaint, _code, institution, secret, referral = referred
    api = Client()
    path = events_path(referral.reference)
    for i in range(3):
        stage = ["investigacion_fiscal", "decision_fiscal", "juicio"][i]
        signed(api, "POST", path, secret, institution.key_id, event(f"E{i}", stage))
    with django_assert_max_num_queries(4):
        assert signed(api, "GET", path, secret, institution.key_id).status_code == 200


def test_reporter_outcome_after_referral_and_archive(member, client):
    user, _ = member
    response = submit(client)
    code = code_from(response)
    from complaints.models import Complaint

    complaint = Complaint.objects.get()
    key = _key(member, complaint)
    for stage in ("evaluation", "investigation"):
        services.complaint_transition(
            complaint=complaint, key=key, actor=user, to_stage=stage, note="n"
        )
    services.complaint_transition(
        complaint=complaint,
        key=key,
        actor=user,
        to_stage="referred",
        note="n",
        destination="fiscalia",
    )
    services.complaint_transition(
        complaint=complaint,
        key=key,
        actor=user,
        to_stage="archived",
        note="n",
        archive_reason="out_of_scope",
    )
    page = client.post("/denuncias/seguimiento/", {"code": code}).content.decode()
    assert "Derivada a Fiscalía (Ministerio Público), cerrada" in page
    assert "Fuera de competencia" not in page
