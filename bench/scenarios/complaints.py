"""Lima Honesta benchmark: filing a complaint with a small attachment, and opening a case
with its tracking code (one argon2id verification per request).

Proof of work: set the environment variable COMPLAINT_BENCH_TOKEN (24+ characters) for
BOTH the server and this scenario; the submission then carries the header
`X-Complaints-Bench-Token` and skips the ALTCHA check and window limits. The server reads
the token only in the bench settings module (config/settings/bench.py, which bench/run.py
uses); the base and production settings have no such setting. Without the
token, one ALTCHA challenge is solved here, which is valid for a single request only.
"""

import os
import re
import secrets
import uuid

NAME = "complaints"
BENCH_CODE = "4821093755162048"


def seed(*, scale: int) -> None:
    from django.core.cache import cache
    from django.utils import timezone

    from complaints import crypto, selectors, services
    from complaints.deadlines import due_dates
    from complaints.models import Complaint

    now = timezone.now()
    ack, response = due_dates(now)
    fake_key = crypto.random_key()
    rows = [
        Complaint(
            channel=("web", "email", "phone")[i % 3],
            received_at=now,
            stage_changed_at=now,
            ack_due_at=ack,
            response_due_at=response,
            code_index=secrets.token_hex(2),
            code_salt=crypto.random_salt(),
            code_verifier=secrets.token_bytes(32),
            code_params=crypto.argon2_params(),
            reporter_grant=crypto.encrypt(fake_key, fake_key),
            sealed_body=crypto.encrypt(fake_key, b'{"what": "bench"}'),
        )
        for i in range(max(0, scale))
    ]
    Complaint.objects.bulk_create(rows, batch_size=1000)
    if services.complaint_access_by_code(code=BENCH_CODE) is None:
        services.complaint_submit(
            body={"what": "Denuncia de referencia para el benchmark"}, code=BENCH_CODE
        )
    cache.delete(selectors.FAIL_KEY)


def _csrf(client, base_url: str) -> str:
    html = client.get(f"{base_url}/denuncias/nueva/").text
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


def _altcha(client, base_url: str) -> str:
    """Solve the proof of work as the widget does (ALTCHA protocol v2)."""
    import altcha

    challenge = altcha.Challenge.from_dict(
        client.get(f"{base_url}/denuncias/verificacion/").json()
    )
    solution = altcha.solve_challenge(challenge)
    return altcha.Payload(challenge, solution).to_base64() if solution else ""


def _multipart(fields: dict, files: list[tuple[str, str, str, bytes]]):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for field, filename, mime, data in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def endpoints(*, base_url: str) -> list[dict]:
    import httpx

    base_url = base_url.rstrip("/")
    with httpx.Client(timeout=30) as client:
        token = _csrf(client, base_url)
        cookie = f"csrftoken={client.cookies.get('csrftoken', '')}"
        bench_token = os.environ.get("COMPLAINT_BENCH_TOKEN", "")
        fields = {
            "csrfmiddlewaretoken": token,
            "what": "Cobro indebido en ventanilla (benchmark)",
            "who": "Ventanilla 3",
        }
        headers = {"Cookie": cookie}
        if bench_token:
            headers["X-Complaints-Bench-Token"] = bench_token
        else:
            fields["altcha"] = _altcha(client, base_url)
        pdf = (
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + b"0" * 20_000 + b"\n%%EOF\n"
        )
        body, content_type = _multipart(
            fields, [("attachments", "prueba.pdf", "application/pdf", pdf)]
        )
        headers["Content-Type"] = content_type
        track_body = f"csrfmiddlewaretoken={token}&code={BENCH_CODE}".encode()
    return [
        {
            "name": "complaints_index",
            "method": "GET",
            "path": "/denuncias/",
            "headers": {},
            "body": None,
        },
        {
            "name": "complaints_form",
            "method": "GET",
            "path": "/denuncias/nueva/",
            "headers": {},
            "body": None,
        },
        {
            "name": "complaints_submit_with_attachment",
            "method": "POST",
            "path": "/denuncias/nueva/",
            "headers": headers,
            "body": body,
            "expect": 302,  # to the receipt page (post/redirect/get)
        },
        {
            "name": "complaints_open_case_with_code",
            "method": "POST",
            "path": "/denuncias/seguimiento/",
            "headers": {
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "body": track_body,
        },
    ]
