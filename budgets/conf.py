"""Settings of participatory budgeting, with their types and defaults (read when called)."""

from openlima.conf import secret_or_secret_key, setting_int, setting_str

MB = 1024 * 1024


def verification_max_attempts() -> int:
    """RESIDENT_VERIFICATION_MAX_ATTEMPTS: verification requests a person may make."""
    return setting_int("RESIDENT_VERIFICATION_MAX_ATTEMPTS", 5)


def resident_min_age() -> int:
    """RESIDENT_MIN_AGE: the youngest age that may vote."""
    return setting_int("RESIDENT_MIN_AGE", 16)


def max_image_bytes() -> int:
    return setting_int("BUDGETS_MAX_IMAGE_BYTES", 5 * MB)


def resident_id_hmac_key() -> str:
    """RESIDENT_ID_HMAC_KEY, else SECRET_KEY: the key DNI numbers are hashed under."""
    return secret_or_secret_key("RESIDENT_ID_HMAC_KEY")


def census_csv() -> str:
    """RESIDENT_CENSUS_CSV: path of the census file (empty: none)."""
    return setting_str("RESIDENT_CENSUS_CSV", "")


def verification_backend_path(default: str) -> str:
    """RESIDENT_VERIFICATION_BACKEND: dotted path of the verification backend."""
    return setting_str("RESIDENT_VERIFICATION_BACKEND", "") or default
