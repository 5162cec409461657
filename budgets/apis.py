"""REST API: read processes, headings, projects and results; submit one's ballot."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import BudgetProcess, Heading, Project


class HeadingSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.ubigeo", default=None)
    district_name = serializers.CharField(source="district.name", default=None)

    class Meta:
        model = Heading
        fields = ["id", "name", "slug", "district", "district_name", "amount"]


class ProcessSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = BudgetProcess
        fields = [
            "id",
            "title",
            "slug",
            "description",
            "phase",
            "voting_style",
            "approval_max_projects",
            "accepting_starts_at",
            "review_starts_at",
            "selecting_starts_at",
            "balloting_starts_at",
            "balloting_ends_at",
            "execution_starts_at",
            "results_published_at",
            "url",
        ]


class ProcessDetailSerializer(ProcessSerializer):
    headings = serializers.SerializerMethodField()

    class Meta(ProcessSerializer.Meta):
        fields = ProcessSerializer.Meta.fields + ["headings"]

    def get_headings(self, obj) -> list[dict]:
        return HeadingSerializer(selectors.heading_list(process=obj), many=True).data


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "description",
            "location",
            "estimated_cost",
            "feasibility",
            "unfeasibility_reason",
            "is_selected",
            "support_count",
        ]


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "estimated_cost",
            "ballot_count",
            "result_position",
            "is_winner",
        ]


class ProcessListApi(ListAPIView):
    serializer_class = ProcessSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return selectors.process_list_public()


class ProcessDetailApi(RetrieveAPIView):
    serializer_class = ProcessDetailSerializer
    permission_classes = [permissions.AllowAny]

    def get_object(self):
        return selectors.process_get_public(slug=self.kwargs["slug"])


class HeadingProjectsApi(ListAPIView):
    serializer_class = ProjectSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Project.objects.none()
        heading = selectors.heading_get_public(
            process_slug=self.kwargs["slug"], heading_slug=self.kwargs["heading_slug"]
        )
        return selectors.project_list(heading=heading)


class ResultsApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request, slug):
        process = selectors.process_get_public(slug=slug)
        headings = selectors.results_for_process(process=process)
        return Response(
            {
                "process": process.slug,
                "published_at": process.results_published_at,
                "headings": [
                    {
                        **HeadingSerializer(h).data,
                        "projects": ResultSerializer(h.ranked, many=True).data,
                    }
                    for h in headings
                ],
            }
        )


class BallotInputSerializer(serializers.Serializer):
    projects = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=500
    )


class BallotApi(APIView):
    """GET: my ballot in this heading; PUT/POST: fill or change it."""

    permission_classes = [permissions.IsAuthenticated]

    def _heading(self):
        return selectors.heading_get_public(
            process_slug=self.kwargs["slug"], heading_slug=self.kwargs["heading_slug"]
        )

    @extend_schema(responses={200: dict})
    def get(self, request, slug, heading_slug):
        ballot = selectors.ballot_get(user=request.user, heading=self._heading())
        if ballot is None:
            return Response({"detail": "no ballot"}, status=404)
        return Response(self._out(ballot))

    @extend_schema(request=BallotInputSerializer, responses={200: dict})
    def post(self, request, slug, heading_slug):
        serializer = BallotInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ballot = services.ballot_submit(
            user=request.user,
            heading_id=self._heading().pk,
            project_ids=serializer.validated_data["projects"],
        )
        return Response(self._out(ballot))

    put = post

    @staticmethod
    def _out(ballot) -> dict:
        return {
            "heading": ballot.heading_id,
            "channel": ballot.channel,
            "projects": sorted(p.pk for p in ballot.projects.all()),
            "updated_at": ballot.updated_at,
        }
