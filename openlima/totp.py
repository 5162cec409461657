"""Current TOTP code for a known secret: used by demo tooling and tests to sign staff in."""

import time


def totp_code_now(secret: str) -> str:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(
        hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD)
    )
