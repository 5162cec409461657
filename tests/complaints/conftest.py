"""Fixtures of Lima Honesta tests."""

import io

import pytest
from django.test import Client
from PIL import Image

from complaints import services, unlock
from openlima import roles
from openlima.models import OrgUnit
from tests.conftest import login_with_2fa
from tests.factories import StaffFactory

MEMBER_PASSWORD = "clave-integridad-segura-1"


@pytest.fixture(autouse=True)
def _fast_argon2(settings):
    """Cheap argon2id in tests (the real parameters are measured in the bench)."""
    settings.COMPLAINT_ARGON2 = {"t": 1, "m": 1024, "p": 1}


def make_member(password=MEMBER_PASSWORD, **kwargs):
    from openlima.demo import totp_activate

    user = StaffFactory(
        roles=[roles.INTEGRITY_MEMBER],
        org_unit=OrgUnit.objects.get(slug="integridad"),
        password=password,
        **kwargs,
    )
    totp_activate(user=user, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    private = services.member_key_create(user=user, password=password)
    return user, private


def unlocked_client(user, private) -> Client:
    """A test client logged in with 2FA whose session holds the wrapped key and whose
    cookie jar holds the wrap key, as after a real login."""
    client = Client()
    login_with_2fa(client, user)
    session = client.session
    from complaints import crypto

    wrap_key = crypto.random_key()
    session[unlock.SESSION_KEY] = crypto.b64(crypto.encrypt(wrap_key, private))
    session.save()
    client.cookies[unlock.COOKIE_NAME] = crypto.b64(wrap_key)
    return client


@pytest.fixture
def member(db):
    return make_member()


@pytest.fixture
def member_client(member):
    user, private = member
    return unlocked_client(user, private)


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CamaraDelDenunciante"  # Make
    exif[0x0131] = "SoftwareSecreto"
    gps = {1: "S", 2: (12.0, 2.0, 46.0), 3: "W", 4: (77.0, 1.0, 42.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def pdf_bytes(text="documento") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% " + text.encode() + b"\n%%EOF\n"
    )


@pytest.fixture(autouse=True)
def _easy_altcha(settings):
    settings.COMPLAINT_ALTCHA_MAX_NUMBER = 2000


def altcha_payload(client) -> str:
    """Solve the proof of work as the widget would (ALTCHA protocol v2)."""
    import altcha

    challenge = altcha.Challenge.from_dict(
        client.get("/denuncias/verificacion/").json()
    )
    solution = altcha.solve_challenge(challenge)
    return altcha.Payload(challenge, solution).to_base64()


def text_challenge(client):
    """(token, answer) for the no-JavaScript question, read from the form page."""
    import re

    from complaints import antiabuse

    html = client.get("/denuncias/nueva/").content.decode()
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    # The token is encrypted: only the server (here, the test) can read the answer.
    answer = antiabuse.text_token_read(token)["a"]
    return token, str(answer)


def submit(client, *, files=(), proof="pow", **fields):
    data = {"what": "Hechos denunciados", **fields}
    if proof == "pow":
        data["altcha"] = altcha_payload(client)
    elif proof == "text":
        data["challenge_token"], data["challenge_answer"] = text_challenge(client)
    if files:
        data["attachments"] = list(files)
    # A filed complaint redirects to its receipt page (post/redirect/get): follow it.
    return client.post("/denuncias/nueva/", data, follow=True)


def code_from(response) -> str:
    import re

    # The page shows each group in its own no-wrap span (issue 12): read the text, not tags.
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    match = re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", text)
    assert match, response.content.decode()[:2000]
    return match.group(0)
