"""Read-only REST API of requests: public fields only (never the requester's identity)."""

import django_filters
from rest_framework import serializers, viewsets

from . import selectors
from .models import InformationRequest, State


class PublicDocumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()


class InformationRequestSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    unit = serializers.SerializerMethodField()
    requester = serializers.SerializerMethodField()
    effective_due_on = serializers.DateField(read_only=True)
    denial_exception_label = serializers.CharField(read_only=True)
    # the published version of the question, never the requester's original words
    title = serializers.CharField(source="public_title", read_only=True)
    text = serializers.CharField(source="public_text", read_only=True)
    documents = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = InformationRequest
        fields = [
            "number",
            "title",
            "text",
            "state",
            "state_label",
            "unit",
            "requester",
            "delivery_form",
            "received_at",
            "due_on",
            "extended_due_on",
            "effective_due_on",
            "extension_reason",
            "answered_at",
            "answer_text",
            "denial_exception",
            "denial_exception_label",
            "denial_reasoning",
            "delivered_at",
            "cost",
            "documents",
            "url",
        ]

    def get_unit(self, obj) -> str:
        return obj.unit.name if obj.unit_id else ""

    def get_requester(self, obj) -> str:
        """Always the public label ("Solicitante anónimo" or the account's public name)."""
        return selectors.requester_label(info_request=obj)

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_documents(self, obj) -> list[dict]:
        from django.urls import reverse

        return [
            {
                "title": d.title,
                "url": reverse("information:document", args=[obj.number, d.pk]),
            }
            for d in obj.documents.all()
            if d.is_public
        ]


class InformationRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    unit = django_filters.CharFilter(field_name="unit__slug")

    class Meta:
        model = InformationRequest
        fields = ["state", "unit"]


class InformationRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Access-to-information requests (the law named in the city profile): question, state, deadline, answer and
    published documents. The requester's identity is never included."""

    serializer_class = InformationRequestSerializer
    filterset_class = InformationRequestFilter
    lookup_field = "number"
    lookup_value_regex = "[0-9-]{1,20}"

    def get_queryset(self):
        return selectors.api_requests()
