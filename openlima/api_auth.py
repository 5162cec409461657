"""API tokens for apps (docs/api-tokens.md): a resident signed in on the site asks for
a token once (session + CSRF), then the app sends `Authorization: Token <key>` and can
support proposals or comment without a browser session. Staff accounts get no token:
their access needs two-factor sign-in and the idle timeout, which a token would skip."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class ApiTokenApi(APIView):
    """POST: your API token (created on first call). DELETE: revoke it.

    Only with the site's session (and its X-CSRFToken header): a token cannot mint
    tokens. Staff accounts are refused (403)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def _check(self, request):
        if request.user.is_staff or request.user.is_superuser:
            raise exceptions.PermissionDenied(
                _("Las cuentas del personal no pueden usar tokens de API.")
            )

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("ApiToken", {"token": serializers.CharField()})
        },
    )
    def post(self, request):
        from rest_framework.authtoken.models import Token

        self._check(request)
        token, _created = Token.objects.get_or_create(user=request.user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        from rest_framework.authtoken.models import Token

        self._check(request)
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
