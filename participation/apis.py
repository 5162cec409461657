"""REST API of Lima Activa (thin: the same selectors and services as the pages)."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from openlima.api import CursorPagination, LeanPostMixin
from openlima.selectors import user_public_label

from . import selectors, services
from .models import Comment, CommentFlag, Consultation, Level, Proposal, Session


class ProposalSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    district = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "summary",
            "topic",
            "district",
            "status",
            "support_count",
            "comment_count",
            "published_at",
            "support_ends_at",
            "outcome",
            "author",
            "url",
        ]

    def get_author(self, obj) -> str:
        return user_public_label(user=obj.author)

    def get_district(self, obj) -> dict | None:
        if not obj.district_id:
            return None
        return {
            "ubigeo": obj.district.ubigeo,
            "name": obj.district.name,
            "slug": obj.district.slug,
        }

    def get_url(self, obj) -> str:
        return reverse("participation:proposal_detail", args=[obj.pk])


class ProposalDetailSerializer(ProposalSerializer):
    commitment = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = ProposalSerializer.Meta.fields + [
            "body_html",
            "answer",
            "answered_at",
            "commitment_id",
            "commitment",
            "withdrawn_reason",
        ]

    def get_commitment(self, obj) -> dict | None:
        return selectors.commitment_summary(commitment_id=obj.commitment_id)


class ProposalCursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


ORDERINGS = {
    "-id": ["-id"],
    "id": ["id"],
    "-support_count": ["-support_count", "-id"],
    "-published_at": ["-id"],
}


@extend_schema(
    parameters=[
        OpenApiParameter(
            "status",
            str,
            description="published, evaluation, answered, archived, withdrawn, all",
        ),
        OpenApiParameter("district", str, description="district slug, or 'ciudad'"),
        OpenApiParameter("topic", str),
        OpenApiParameter("search", str),
        OpenApiParameter("ordering", str, enum=list(ORDERINGS)),
    ]
)
class ProposalListApi(generics.ListAPIView):
    """Proposals, cursor-paginated (constant cost at any depth)."""

    serializer_class = ProposalSerializer
    pagination_class = ProposalCursor
    filter_backends = []
    permission_classes = [AllowAny]

    def get_queryset(self):
        g = self.request.query_params
        filters = selectors.ProposalFilters(
            status=g.get("status", "")[:20],
            district=g.get("district", "")[:140],
            topic=g.get("topic", "")[:30],
        )
        qs = selectors.proposal_queryset(filters=filters)
        search = g.get("search", "").strip()
        if search:
            qs = selectors.proposals_matching(qs, query=search, limit=500)
        return qs

    def paginate_queryset(self, queryset):
        ordering = self.request.query_params.get("ordering", "-id")
        self.paginator.ordering = ORDERINGS.get(ordering, ["-id"])
        return super().paginate_queryset(queryset)


class ProposalDetailApi(generics.RetrieveAPIView):
    serializer_class = ProposalDetailSerializer
    permission_classes = [AllowAny]

    def get_object(self):
        proposal = selectors.access_proposal_by_id(proposal_id=self.kwargs["pk"])
        if proposal.is_hidden:
            from django.http import Http404

            raise Http404
        return proposal


class SupportStateSerializer(serializers.Serializer):
    proposal = serializers.IntegerField()
    supported = serializers.BooleanField()
    support_count = serializers.IntegerField()
    status = serializers.CharField()


class ProposalSupportApi(LeanPostMixin, APIView):
    """POST supports, DELETE withdraws the support; both idempotent. A session user's
    POST takes the lean path (openlima.api.LeanPostMixin, docs/performance.md): the
    same service, checks and answer without DRF's request machinery."""

    permission_classes = [IsAuthenticated]

    def _state(self, request, proposal):
        return Response(
            SupportStateSerializer(
                {
                    "proposal": proposal.pk,
                    "supported": selectors.user_supports(
                        user=request.user, proposal=proposal
                    ),
                    "support_count": proposal.support_count,
                    "status": proposal.status,
                }
            ).data
        )

    def lean_post(self, request, *, pk) -> dict:
        state = services.proposal_support(user=request.user, proposal_id=pk)
        # Built from what the support's transaction returned: no re-read, and no
        # serializer pass over four plain values (the schema still names
        # SupportStateSerializer; a test compares the two: docs/performance.md).
        return {
            "proposal": state.proposal_id,
            "supported": state.supported,
            "support_count": state.support_count,
            "status": str(state.status),
        }

    @extend_schema(request=None, responses=SupportStateSerializer)
    def post(self, request, pk):
        return Response(self.lean_post(request, pk=pk))

    # DELETE answers 200 with the new state (not 204): documented as it answers.
    @extend_schema(request=None, responses={200: SupportStateSerializer})
    def delete(self, request, pk):
        proposal = services.proposal_unsupport(user=request.user, proposal_id=pk)
        return self._state(request, proposal)


class CommentInputSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=list(selectors.COMMENT_TARGETS))
    target_id = serializers.IntegerField(min_value=1)
    body = serializers.CharField(max_length=3000)
    parent = serializers.IntegerField(required=False, allow_null=True)


class CommentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    depth = serializers.IntegerField()
    body_html = serializers.CharField()
    created_at = serializers.DateTimeField()


class CommentCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CommentInputSerializer, responses={201: CommentOutputSerializer}
    )
    def post(self, request):
        s = CommentInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        from django.http import Http404
        from rest_framework.exceptions import NotFound

        try:
            comment = services.comment_create(
                author=request.user,
                target_type=s.validated_data["target_type"],
                target_id=s.validated_data["target_id"],
                body=s.validated_data["body"],
                parent_id=s.validated_data.get("parent"),
            )
        except Http404 as exc:
            raise NotFound() from exc
        return Response(
            CommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED
        )


class CommentFlagInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CommentFlag.Reason.choices)


class CommentVoteInputSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=[1, -1])


class CommentActionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    upvotes = serializers.IntegerField()
    downvotes = serializers.IntegerField()
    flagged = serializers.BooleanField()


def _comment_or_404(pk):
    from rest_framework.exceptions import NotFound

    if not Comment.objects.filter(pk=pk).exists():
        raise NotFound()


class CommentFlagApi(APIView):
    """Report a comment with a reason; never one's own (409)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CommentFlagInputSerializer,
        responses={200: CommentActionOutputSerializer},
    )
    def post(self, request, pk):
        s = CommentFlagInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        _comment_or_404(pk)
        comment = services.comment_flag(
            user=request.user, comment_id=pk, reason=s.validated_data["reason"]
        )
        return Response(
            {
                "id": comment.pk,
                "upvotes": comment.upvotes,
                "downvotes": comment.downvotes,
                "flagged": True,
            }
        )


class CommentVoteApi(APIView):
    """Vote +1/-1 on a comment (the same vote again withdraws it); never one's own (409)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CommentVoteInputSerializer,
        responses={200: CommentActionOutputSerializer},
    )
    def post(self, request, pk):
        s = CommentVoteInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        _comment_or_404(pk)
        comment = services.comment_vote(
            user=request.user, comment_id=pk, value=int(s.validated_data["value"])
        )
        return Response(
            {
                "id": comment.pk,
                "upvotes": comment.upvotes,
                "downvotes": comment.downvotes,
                "flagged": False,
            }
        )


class OptionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="option.pk")
    title = serializers.CharField(source="option.title")
    commitment_id = serializers.IntegerField(
        source="option.commitment_id", allow_null=True
    )
    counts = serializers.DictField(child=serializers.IntegerField())
    ratings = serializers.IntegerField()
    score = serializers.IntegerField()
    rank = serializers.IntegerField()
    passes = serializers.BooleanField()


class ConsultationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="scheduled | open | closed"
    )
    weights = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    results_hidden = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "slug",
            "title",
            "question",
            "status",
            "opens_at",
            "closes_at",
            "weights",
            "cut_kind",
            "cut_fraction",
            "results",
            "results_hidden",
            "url",
        ]

    def get_weights(self, obj) -> dict:
        return {str(k): v for k, v in obj.weights.items()}

    def get_results(self, obj) -> list[dict]:
        if obj.results_hidden:  # hidden until it closes, if it says so (issue 12)
            return []
        cache = self.context.setdefault("_results", {})
        if obj.pk not in cache:
            objs = self.parent.instance if self.parent is not None else [obj]
            cache.update(selectors.consultation_results_many(consultations=list(objs)))
        results = cache[obj.pk]
        return OptionResultSerializer(
            sorted(results, key=lambda r: (r.rank, r.option.position)), many=True
        ).data

    def get_url(self, obj) -> str:
        return reverse("participation:consultation_detail", args=[obj.slug])


class ConsultationListApi(generics.ListAPIView):
    serializer_class = ConsultationSerializer
    permission_classes = [AllowAny]
    filter_backends = []

    def get_queryset(self):
        return selectors.consultations_visible()


class ConsultationDetailApi(generics.RetrieveAPIView):
    serializer_class = ConsultationSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.consultations_visible()


class RatingInputSerializer(serializers.Serializer):
    option = serializers.IntegerField(min_value=1)
    level = serializers.ChoiceField(choices=Level.choices)
    contribution = serializers.CharField(
        max_length=2000, required=False, allow_blank=True
    )


class RatingOutputSerializer(serializers.Serializer):
    option = serializers.IntegerField(source="option_id")
    level = serializers.CharField()
    contribution = serializers.CharField()
    updated_at = serializers.DateTimeField()


class ConsultationRateApi(APIView):
    """Rate one option; sending again changes the rating (until the consultation closes)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RatingInputSerializer, responses=RatingOutputSerializer)
    def post(self, request, pk):
        s = RatingInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)

        from openlima.errors import NotFound

        if not selectors.consultation_has_option(
            consultation_id=pk, option_id=s.validated_data["option"]
        ):
            raise NotFound("option does not belong to this consultation")
        rating = services.consultation_rate(
            user=request.user,
            option_id=s.validated_data["option"],
            level=s.validated_data["level"],
            contribution=s.validated_data.get("contribution", ""),
        )
        return Response(RatingOutputSerializer(rating).data)


class SessionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="scheduled | cancelled | closed"
    )
    district = serializers.SerializerMethodField()
    proposals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "agenda",
            "mode",
            "district",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
            "registered_count",
            "status",
            "attendance_count",
            "minutes",
            "proposals",
            "url",
        ]

    def get_district(self, obj) -> str | None:
        return obj.district.ubigeo if obj.district_id else None

    def get_url(self, obj) -> str:
        return reverse("participation:session_detail", args=[obj.pk])


class SessionListApi(generics.ListAPIView):
    serializer_class = SessionSerializer
    permission_classes = [AllowAny]
    filter_backends = []

    def get_queryset(self):
        return selectors.sessions_with_proposals()
