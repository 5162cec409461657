"""Kept for the complaint views' imports: the logic is the project's CSRF middleware."""

from openlima.csrf import csrf_protect_no_referrer

__all__ = ["csrf_protect_no_referrer"]
