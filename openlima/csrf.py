"""CSRF protection that works under `Referrer-Policy: no-referrer` (the project's CSRF
middleware, in place of Django's).

On /denuncias/ the core sends `no-referrer` (and strips any Referer it receives), so
browsers post forms with `Origin: null` and no Referer, which Django's Origin/Referer
checks reject. The CSRF *token* check is unchanged; the Origin/Referer check accepts a
missing origin only when the browser itself vouches that the request comes from this
site: `Sec-Fetch-Site: same-origin` is a forbidden header that no page can forge.
"""

from django.middleware.csrf import CsrfViewMiddleware, RejectRequest
from django.utils.decorators import decorator_from_middleware


def _same_origin_fetch(request) -> bool:
    return request.headers.get("Sec-Fetch-Site", "") == "same-origin"


class NoReferrerCsrfViewMiddleware(CsrfViewMiddleware):
    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null":
            return _same_origin_fetch(request)
        return super()._origin_verified(request)

    def _check_referer(self, request):
        if not request.META.get("HTTP_REFERER") and _same_origin_fetch(request):
            return
        if not request.META.get("HTTP_REFERER"):
            raise RejectRequest("Referer checking failed - no Referer.")
        return super()._check_referer(request)


csrf_protect_no_referrer = decorator_from_middleware(NoReferrerCsrfViewMiddleware)
