"""The complaint views' CSRF decorator. Under `Referrer-Policy: no-referrer` browsers post
with `Origin: null`; `openlima.middleware.NullOriginMiddleware` vouches for same-origin
browser requests, so Django's own CSRF protection (token and origin) applies unchanged."""

from django.views.decorators.csrf import csrf_protect

csrf_protect_no_referrer = csrf_protect

__all__ = ["csrf_protect_no_referrer"]
