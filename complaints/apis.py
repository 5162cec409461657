"""The only complaint API: public aggregates (never a case)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors


class StatisticsApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Lima Honesta: aggregate figures (counts under 5 suppressed)",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response(selectors.public_statistics())
