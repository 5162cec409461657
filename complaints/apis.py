"""Complaint APIs: public aggregates, and the partner institutions' tracker (stage events
on referrals known by an opaque reference). Never a case's content."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, tracker
from .models import PartnerInstitution, ReferralStage


class StatisticsApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Lima Honesta: aggregate figures (counts under 5 suppressed)",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response(selectors.public_statistics())


# --- Inter-institutional tracker (docs/complaints-tracker.md) ------------------------------


class PartnerSignatureAuthentication(BaseAuthentication):
    """Headers X-OL-Key-Id, X-OL-Timestamp (Unix seconds) and X-OL-Signature:
    hex HMAC-SHA256(secret, "METHOD\\nPATH\\nTIMESTAMP\\nSHA256_HEX(BODY)")."""

    def authenticate(self, request):
        key_id = request.headers.get("X-OL-Key-Id", "")
        if not key_id:
            return None
        institution = tracker.partner_authenticate(
            key_id=key_id,
            timestamp=request.headers.get("X-OL-Timestamp", ""),
            sent=request.headers.get("X-OL-Signature", ""),
            method=request.method,
            path=request._request.path,
            body=request._request.body,
        )
        if institution is None:
            raise exceptions.AuthenticationFailed("invalid signature")
        return AnonymousUser(), institution

    def authenticate_header(self, request):
        return 'OL-HMAC realm="api"'


class PartnerSignatureScheme(OpenApiAuthenticationExtension):
    target_class = "complaints.apis.PartnerSignatureAuthentication"
    name = "partnerHmac"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-OL-Signature",
            "description": (
                "Partner institutions only. Send X-OL-Key-Id (the key id shown when the "
                "integrity unit registered the institution), X-OL-Timestamp (Unix "
                "seconds, within 5 minutes) and X-OL-Signature = hex HMAC-SHA256 of "
                '"METHOD\\nPATH\\nTIMESTAMP\\nSHA256_HEX(BODY)" with the secret. '
                "See docs/complaints-tracker.md."
            ),
        }


class IsPartner(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, PartnerInstitution)


class ReferralEventIn(serializers.Serializer):
    event_id = serializers.CharField(max_length=64)
    stage = serializers.ChoiceField(choices=ReferralStage.choices)
    date = serializers.DateField()
    public_note = serializers.CharField(
        max_length=tracker.MAX_NOTE, required=False, allow_blank=True
    )


class ReferralEventOut(serializers.Serializer):
    event_id = serializers.CharField()
    stage = serializers.ChoiceField(choices=ReferralStage.choices)
    date = serializers.DateField()
    received_at = serializers.DateTimeField()


def _event_out(event) -> dict:
    return {
        "event_id": event.institution_event_id,
        "stage": event.stage,
        "date": event.occurred_on.isoformat(),
        "received_at": event.received_at.isoformat(),
    }


class ReferralEventsApi(APIView):
    """A partner institution reports the progress of a case referred to it, known only
    by its opaque reference; it sees only its own referrals' events."""

    authentication_classes = [PartnerSignatureAuthentication]
    permission_classes = [IsPartner]
    pagination_class = None

    @extend_schema(
        summary="Events a partner institution reported on one of its referrals",
        responses={200: ReferralEventOut(many=True)},
    )
    def get(self, request, reference):
        referral = selectors.referral_for_institution(
            institution=request.auth, reference=reference
        )
        if referral is None:
            return Response({"detail": "not found"}, status=status.HTTP_404_NOT_FOUND)
        return Response([_event_out(e) for e in referral.events.all()])

    @extend_schema(
        summary="Report a stage event (idempotent by event_id)",
        request=ReferralEventIn,
        responses={200: ReferralEventOut, 201: ReferralEventOut},
        examples=[
            OpenApiExample(
                "Investigación abierta",
                value={
                    "event_id": "MP-2026-000123-1",
                    "stage": "investigacion_fiscal",
                    "date": "2026-11-30",
                    "public_note": "Se abrió investigación preliminar.",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, reference):
        data = ReferralEventIn(data=request.data)
        data.is_valid(raise_exception=True)
        event, created = tracker.referral_event_add(
            institution=request.auth,
            reference=reference,
            event_id=data.validated_data["event_id"],
            stage=data.validated_data["stage"],
            occurred_on=data.validated_data["date"].isoformat(),
            public_note=data.validated_data.get("public_note", ""),
        )
        return Response(
            _event_out(event),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
