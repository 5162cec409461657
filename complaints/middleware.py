"""Sets the workspace wrap-key cookie on the response of the request that unlocked the
member's key (complaints/unlock.py): the wrap key goes from that request's memory to the
browser and is never stored on the server."""

from . import unlock


class WrapKeyCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wrap_key = getattr(request, unlock.REQUEST_ATTR, None)
        if wrap_key is not None:
            unlock.set_cookie(request=request, response=response, wrap_key=wrap_key)
        return response
