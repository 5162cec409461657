"""URLs for tests/openlima/test_faults_postgres.py: views and a middleware that meet a
database outage."""

from django.db import OperationalError
from django.urls import path


def down(request):
    raise OperationalError("connection to server at 10.0.0.5 failed: secret-host")


def bug(request):
    raise ValueError("a bug")


urlpatterns = [
    path("bug/", bug),
    path("pagina/", down),
    path("api/v1/algo/", down),
    path("api/3/action/package_search", down),
]

handler500 = "openlima.api_errors.server_error"


class DownMiddleware:
    """A middleware whose lookup hits the database before any view (like a session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/mw/":
            raise OperationalError("server closed the connection unexpectedly")
        return self.get_response(request)
