"""Forms that anonymous visitors post without a CSRF token (docs/threat-model.md, "Forms
without a CSRF token"; docs/performance.md, "Anonymous page cache").

A page that prints a CSRF token sets the visitor's CSRF cookie, so the anonymous page cache
can never share it: a public page with an anonymous form (following a commitment by
e-mail) was rendered for every visit. CSRF protects what a request does *as the visitor*
(their session); a form whose view never reads the session, and whose effect an attacker
could cause just as well by posting from their own machine (a double opt-in e-mail), gains
nothing from the token. Such a view is exempted from the token and still refuses requests
a browser marks as coming from another site:

- `Sec-Fetch-Site` (set by the browser, no page can forge it): only `same-origin` or
  `none` (typed, bookmarked) are let through;
- else `Origin`, when sent and not `null`: only this site's own origin (or one listed in
  CSRF_TRUSTED_ORIGINS);
- a request with neither header (an old browser, a script) is let through: the view's own
  rules (double opt-in) are the protection, as for any client.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.views.decorators.csrf import csrf_exempt

ALLOWED_FETCH_SITES = ("same-origin", "none")


def cross_site(request) -> bool:
    """True when the browser says this request was made by another site's page."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site not in ALLOWED_FETCH_SITES
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in getattr(settings, "CSRF_TRUSTED_ORIGINS", ())


def token_free_form(view):
    """Exempts `view` from the CSRF token and answers 403 to a cross-site request. Only for
    views that never act on the visitor's session or account (see the module docstring)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if cross_site(request):
            raise PermissionDenied("cross-site form post")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
