"""Attack 4 (docs/threat-model.md): replay and lockouts.

- One solved ALTCHA payload re-encoded five ways must file one complaint, not five.
- The no-JavaScript question must not carry its answer readably.
- A flood on the no-JavaScript channel must not close it for everyone.
- Wrong codes must not lock every reporter out, and a right code must not reset the
  counter an attacker is filling.
- The workspace unlock form must limit password attempts."""

import base64
import json
import re
import time

import pytest
from django.core import signing
from django.test import Client

from complaints import antiabuse, selectors, services
from complaints.models import Complaint
from openlima.models import AuditLog

from .conftest import altcha_payload, submit, text_challenge

pytestmark = pytest.mark.django_db


def _reencodings(payload: str) -> list[str]:
    data = json.loads(base64.b64decode(payload))
    variants = [
        json.dumps(data),
        json.dumps(data, separators=(",", ":")),
        json.dumps(dict(reversed(list(data.items())))),
        json.dumps(data, indent=2),
        json.dumps({**data, "took": 123}),
    ]
    out = [base64.b64encode(v.encode()).decode() for v in variants]
    out.append(base64.b64encode(variants[0].encode()).decode().rstrip("="))
    return out


def test_one_proof_of_work_reencoded_files_one_complaint(client):
    payload = altcha_payload(client)
    statuses = [
        client.post("/denuncias/nueva/", {"what": "x", "altcha": p}).status_code
        for p in _reencodings(payload)
    ]
    assert Complaint.objects.count() == 1, statuses
    assert statuses.count(302) == 1  # the one accepted goes to its receipt


def test_text_challenge_answer_is_not_readable_from_the_page(client):
    html = client.get("/denuncias/nueva/").content.decode()
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="complaints.text-challenge")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b'"a"' not in raw and b"answer" not in raw
    # A tampered token is refused.
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert antiabuse.text_challenge_check(tampered, "3") == antiabuse.TEXT_BAD


def test_a_flood_on_the_no_js_channel_does_not_close_it_for_everyone(
    client, settings, monkeypatch
):
    """27 bot submissions in a few seconds: the bot is slowed down (its fresh answers
    must wait), the reporter who has been writing for a while still files."""
    settings.COMPLAINT_LOAD_STEP = 5
    genuine_client = Client()
    genuine_token, genuine_answer = text_challenge(genuine_client)
    accepted = 0
    for _ in range(27):
        response = submit(client, proof="text")
        accepted += response.status_code == 200
    assert accepted < 27  # the flood was slowed
    waited = client.post(
        "/denuncias/nueva/",
        dict(
            zip(
                ("challenge_token", "challenge_answer"),
                text_challenge(client),
                strict=True,
            ),
            what="bot",
        ),
    )
    assert waited.status_code == 400 and "espere un minuto" in waited.content.decode()
    # Ten minutes later (the reporter was writing), the genuine reporter files.
    real_time = time.time
    monkeypatch.setattr(antiabuse.time, "time", lambda: real_time() + 600)
    before = Complaint.objects.count()
    response = genuine_client.post(
        "/denuncias/nueva/",
        {
            "what": "Hechos reales",
            "challenge_token": genuine_token,
            "challenge_answer": genuine_answer,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Complaint.objects.count() == before + 1


def test_proof_of_work_gets_harder_under_load(client, settings, monkeypatch):
    """Protocol v2 does not show the bound: the server draws the counter the browser
    must find below it (each try one SHA-256), so the expected work is bound / 2."""
    bounds = []
    draw = antiabuse.secrets.randbelow
    monkeypatch.setattr(
        antiabuse.secrets, "randbelow", lambda n: bounds.append(n) or draw(n)
    )
    settings.COMPLAINT_LOAD_STEP = 3
    client.get("/denuncias/verificacion/")
    easy = bounds[-1]
    for _ in range(6):
        assert submit(client).status_code == 200
    client.get("/denuncias/verificacion/")
    hard = bounds[-1]
    assert hard >= easy * 4
    # and a proof of work is still accepted: nobody is refused for the load itself.
    assert submit(client).status_code == 200


def test_wrong_codes_do_not_lock_out_and_right_codes_do_not_reset(client, member):
    _complaint, good = services.complaint_submit(body={"what": "hechos"})
    for i in range(19):
        client.post("/denuncias/seguimiento/", {"code": f"{i:016d}"})
    # A right code in the middle does not reset the attacker's count...
    assert client.post("/denuncias/seguimiento/", {"code": good}).status_code == 200
    client.post("/denuncias/seguimiento/", {"code": "1" * 16})
    assert selectors.lookup_throttled()
    # ...and the genuine reporter is not locked out: a proof of work lets them in.
    reporter = Client()
    response = reporter.post(
        "/denuncias/seguimiento/",
        {"code": good, "altcha": altcha_payload(reporter)},
    )
    assert response.status_code == 200
    # The case page carries a pass for this code only: replying needs no new proof...
    lookup_pass = re.search(
        r'name="lookup_pass" value="([^"]+)"', response.content.decode()
    ).group(1)
    reply = reporter.post(
        "/denuncias/seguimiento/caso/",
        {"code": good, "lookup_pass": lookup_pass, "action": "rate", "rating": "5"},
    )
    assert reply.status_code == 200
    # ...but it is useless for trying another code.
    other = reporter.post(
        "/denuncias/seguimiento/",
        {"code": "2" * 16, "lookup_pass": lookup_pass},
    )
    assert other.status_code == 429


def test_unlock_form_limits_password_attempts(member_client, member):
    user, _ = member
    member_client.cookies.clear()  # a locked session
    from tests.conftest import login_with_2fa

    login_with_2fa(member_client, user)
    for _ in range(5):
        response = member_client.post(
            "/denuncias/unidad/desbloquear/", {"password": "no-es-la-clave"}
        )
        assert response.status_code == 403
    blocked = member_client.post(
        "/denuncias/unidad/desbloquear/", {"password": "clave-integridad-segura-1"}
    )
    assert blocked.status_code == 429
    assert AuditLog.objects.filter(action="complaints.unlock.failed").count() == 5
    # Another member is not affected.
    from .conftest import make_member, unlocked_client

    other, other_private = make_member(password="clave-de-otra-persona-2")
    other_client = unlocked_client(other, other_private)
    other_client.cookies.clear()
    login_with_2fa(other_client, other)
    response = other_client.post(
        "/denuncias/unidad/desbloquear/", {"password": "clave-de-otra-persona-2"}
    )
    assert response.status_code == 302


def test_only_a_solved_protocol_v2_challenge_of_this_server_is_accepted(client):
    """ALTCHA protocol v2 (widget 3.x): a tampered solution or challenge, a challenge
    signed with another key, or a protocol-v1 payload are refused."""
    import altcha

    def solved(challenge_dict):
        challenge = altcha.Challenge.from_dict(challenge_dict)
        return challenge, altcha.solve_challenge(challenge)

    challenge, solution = solved(client.get("/denuncias/verificacion/").json())
    wrong_key = altcha.Solution(solution.counter + 1, "00" * 32)
    assert not antiabuse.altcha_verify(altcha.Payload(challenge, wrong_key).to_base64())
    tampered = altcha.Challenge.from_dict(challenge.to_dict())
    tampered.parameters.expires_at = int(time.time()) + 10 * 24 * 3600
    assert not antiabuse.altcha_verify(altcha.Payload(tampered, solution).to_base64())
    foreign = altcha.create_challenge(
        "SHA-256", 1, counter=3, hmac_secret="x" * 64, hmac_key_secret="y" * 64
    )
    assert not antiabuse.altcha_verify(
        altcha.Payload(foreign, altcha.solve_challenge(foreign)).to_base64()
    )
    v1 = altcha.create_challenge_v1(hmac_key=antiabuse._hmac_key(), max_number=50)
    number = altcha.solve_challenge_v1(v1.challenge, v1.salt, v1.algorithm, 50).number
    v1_payload = {
        "algorithm": v1.algorithm,
        "challenge": v1.challenge,
        "number": number,
        "salt": v1.salt,
        "signature": v1.signature,
    }
    assert not antiabuse.altcha_verify(
        base64.b64encode(json.dumps(v1_payload).encode()).decode()
    )
    # The genuine one is accepted, once.
    assert antiabuse.altcha_verify(altcha.Payload(challenge, solution).to_base64())
    assert not antiabuse.altcha_verify(altcha.Payload(challenge, solution).to_base64())
