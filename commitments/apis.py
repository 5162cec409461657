"""Read-only REST API (DRF): plans, commitments, milestones and the public history."""

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from . import selectors
from .models import (
    ActionPlan,
    Commitment,
    CompletionLevel,
    Milestone,
    MilestoneStatus,
    OgpValue,
    PlanLevel,
    PlanStatus,
    ProgressUpdate,
)


class UnitSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CompletionRowSerializer(serializers.Serializer):
    level = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class ActionPlanSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True,
        help_text="co_creation, public_consultation, implementation or closed",
    )
    url = serializers.SerializerMethodField()
    coordinating_unit = serializers.SerializerMethodField()

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "slug",
            "title",
            "government",
            "level",
            "programme",
            "status",
            "period_start",
            "period_end",
            "coordinating_unit",
            "civil_society_partner",
            "published_on",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_coordinating_unit(self, obj) -> str:
        return (
            obj.coordinating_unit.name
            if obj.coordinating_unit_id
            else obj.coordinating_unit_name
        )


class ActionPlanDetailSerializer(ActionPlanSerializer):
    completion_summary = serializers.SerializerMethodField()
    commitment_count = serializers.SerializerMethodField()

    class Meta(ActionPlanSerializer.Meta):
        fields = [
            *ActionPlanSerializer.Meta.fields,
            "commitment_count",
            "completion_summary",
        ]

    @extend_schema_field(CompletionRowSerializer(many=True))
    def get_completion_summary(self, obj):
        return selectors.completion_summary(plan=obj)

    def get_commitment_count(self, obj) -> int:
        return obj.commitments.count()


class CommitmentSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    responsible_units = UnitSerializer(many=True, read_only=True)
    ogp_values = serializers.ListField(
        source="ogp_value_list", child=serializers.CharField(), read_only=True
    )
    sdg_targets = serializers.ListField(
        source="sdg_target_list", child=serializers.CharField(), read_only=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id",
            "plan",
            "number",
            "slug",
            "title",
            "component",
            "responsible_units",
            "responsible_text",
            "ogp_values",
            "sdg_targets",
            "problem",
            "objective",
            "implementation_start",
            "implementation_end",
            "commitment_start",
            "commitment_end",
            "status",
            "progress",
            "completion_level",
            "open_government_effect",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class MilestoneSerializer(serializers.ModelSerializer):
    commitment = serializers.PrimaryKeyRelatedField(read_only=True)
    plan = serializers.CharField(source="commitment.plan.slug", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "plan",
            "commitment",
            "code",
            "title",
            "description",
            "start_on",
            "due_on",
            "status",
            "progress",
            "weight",
            "completed_on",
            "overdue",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class ProgressUpdateSerializer(serializers.ModelSerializer):
    commitment = serializers.PrimaryKeyRelatedField(read_only=True)
    milestone = serializers.PrimaryKeyRelatedField(read_only=True)
    milestone_code = serializers.CharField(source="milestone.code", default=None)
    unit = serializers.CharField(source="unit.name", default=None)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "commitment",
            "milestone",
            "milestone_code",
            "unit",
            "changes",
            "note",
            "publish_at",
        ]


class ActionPlanFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=PlanLevel.choices)
    status = django_filters.CharFilter(help_text=", ".join(PlanStatus.values))

    class Meta:
        model = ActionPlan
        fields = ["level", "status"]


class CommitmentFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="plan__slug")
    ogp_value = django_filters.ChoiceFilter(
        choices=OgpValue.choices, field_name="ogp_values", lookup_expr="contains"
    )
    unit = django_filters.CharFilter(method="filter_unit")
    completion_level = django_filters.ChoiceFilter(choices=CompletionLevel.choices)
    status = django_filters.ChoiceFilter(choices=MilestoneStatus.choices)

    class Meta:
        model = Commitment
        fields = ["plan", "ogp_value", "unit", "completion_level", "status"]

    def filter_unit(self, queryset, name, value):
        return selectors.commitments_of_unit(queryset, unit_slug=value)


class MilestoneFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="commitment__plan__slug")
    commitment = django_filters.NumberFilter(field_name="commitment_id")
    status = django_filters.ChoiceFilter(choices=MilestoneStatus.choices)
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Milestone
        fields = ["plan", "commitment", "status", "due_before", "due_after", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return selectors.milestones_overdue(queryset, overdue=value)


class ProgressUpdateFilter(django_filters.FilterSet):
    commitment = django_filters.NumberFilter(field_name="commitment_id")
    plan = django_filters.CharFilter(field_name="commitment__plan__slug")
    since = django_filters.IsoDateTimeFilter(field_name="publish_at", lookup_expr="gte")

    class Meta:
        model = ProgressUpdate
        fields = ["commitment", "plan", "since"]


class ActionPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Published action plans; the detail includes `completion_summary`."""

    filterset_class = ActionPlanFilter
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.api_plans()

    def get_serializer_class(self):
        return (
            ActionPlanDetailSerializer
            if self.action == "retrieve"
            else ActionPlanSerializer
        )


class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter

    def get_queryset(self):
        return selectors.api_commitments()


class MilestoneViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter

    def get_queryset(self):
        return selectors.api_milestones()


class ProgressUpdateViewSet(viewsets.ReadOnlyModelViewSet):
    """Published history only (scheduled updates appear once `publish_at` passes)."""

    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilter

    def get_queryset(self):
        return selectors.api_progress_updates()
