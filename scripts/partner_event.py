#!/usr/bin/env python3
"""Post or list stage events of a referred case, as a partner institution would.

Standard library only, so an institution can run it anywhere (docs/complaints-tracker.md):

    export OL_KEY_ID=olpk_...   OL_SECRET=olps_...
    python3 scripts/partner_event.py https://portal.example REF-0123ABCD list
    python3 scripts/partner_event.py https://portal.example REF-0123ABCD post \\
        --event-id MP-2026-1 --stage investigacion_fiscal --date 2026-11-30 \\
        --note "Se abrió investigación preliminar."
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit


def sign(secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    message = "\n".join(
        [method, path, timestamp, hashlib.sha256(body).hexdigest()]
    ).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def call(base: str, reference: str, method: str, payload=None) -> tuple[int, str]:
    if urlsplit(base).scheme not in ("http", "https"):
        raise SystemExit("base_url must start with http:// or https://")
    url = f"{base.rstrip('/')}/api/v1/complaints/referrals/{reference}/events/"
    body = json.dumps(payload).encode() if payload is not None else b""
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body or None, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    request.add_header("X-OL-Key-Id", os.environ["OL_KEY_ID"])
    request.add_header("X-OL-Timestamp", timestamp)
    request.add_header(
        "X-OL-Signature",
        sign(os.environ["OL_SECRET"], method, urlsplit(url).path, timestamp, body),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("reference")
    parser.add_argument("command", choices=["list", "post"])
    parser.add_argument("--event-id")
    parser.add_argument("--stage")
    parser.add_argument("--date")
    parser.add_argument("--note", default="")
    args = parser.parse_args(argv)
    if args.command == "list":
        status, text = call(args.base_url, args.reference, "GET")
    else:
        payload = {
            "event_id": args.event_id,
            "stage": args.stage,
            "date": args.date,
            "public_note": args.note,
        }
        status, text = call(args.base_url, args.reference, "POST", payload)
    print(status, text)
    return 0 if status < 400 else 1


if __name__ == "__main__":
    sys.exit(main())
