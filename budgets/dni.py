"""Peruvian DNI numbers: the verification character printed after the hyphen, and the
keyed hash that is the only form in which a DNI is ever stored.

The check character is a modulus-11 scheme over the 8 digits with weights 3,2,7,6,5,4,3,2.
With ``k = 11 - (sum mod 11)`` (and ``k = 11`` taken as 0) the card shows either the digit
``"67890112345"[k]`` or the letter ``"KABCDEFGHIJ"[k]``. Note the numeric series has eleven
entries ("1" appears twice): it was checked against numbers published on real cards.
"""

import hashlib
import hmac
import re

from . import conf

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
NUMERIC_SERIES = "67890112345"
LETTER_SERIES = "KABCDEFGHIJ"
_DNI_RE = re.compile(r"^(\d{8})-?([0-9A-Ka-k])$")


def dni_check_characters(number: str) -> tuple[str, str]:
    """The (digit, letter) pair valid after the hyphen for an 8-digit DNI number."""
    if len(number) != 8 or not number.isdigit():
        raise ValueError("a DNI number has exactly 8 digits")
    total = sum(w * int(d) for w, d in zip(WEIGHTS, number, strict=True))
    k = 11 - total % 11
    index = 0 if k == 11 else k
    return NUMERIC_SERIES[index], LETTER_SERIES[index]


def dni_parse(value: str) -> str | None:
    """The 8-digit number if `value` ("12345678-9", "12345678 9" or "123456789") carries a
    valid check character, else None."""
    cleaned = re.sub(r"[\s.]", "", str(value or ""))
    match = _DNI_RE.match(cleaned)
    if not match:
        return None
    number, check = match.group(1), match.group(2).upper()
    return number if check in dni_check_characters(number) else None


def dni_hmac(number: str) -> str:
    """HMAC-SHA256 of the 8 digits under RESIDENT_ID_HMAC_KEY (hex)."""
    key = conf.resident_id_hmac_key()
    return hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()
