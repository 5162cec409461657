from django.urls import path

from . import apis

urlpatterns = [
    path(
        "proposals/", apis.ProposalListApi.as_view(), name="participation-proposal-list"
    ),
    path(
        "proposals/<int:pk>/",
        apis.ProposalDetailApi.as_view(),
        name="participation-proposal-detail",
    ),
    path(
        "proposals/<int:pk>/support/",
        apis.ProposalSupportApi.as_view(),
        name="participation-proposal-support",
    ),
    path(
        "comments/",
        apis.CommentCreateApi.as_view(),
        name="participation-comment-create",
    ),
    path(
        "comments/<int:pk>/flag/",
        apis.CommentFlagApi.as_view(),
        name="participation-comment-flag",
    ),
    path(
        "comments/<int:pk>/vote/",
        apis.CommentVoteApi.as_view(),
        name="participation-comment-vote",
    ),
    path(
        "consultations/",
        apis.ConsultationListApi.as_view(),
        name="participation-consultation-list",
    ),
    path(
        "consultations/<int:pk>/",
        apis.ConsultationDetailApi.as_view(),
        name="participation-consultation-detail",
    ),
    path(
        "consultations/<int:pk>/ratings/",
        apis.ConsultationRateApi.as_view(),
        name="participation-consultation-rate",
    ),
    path("sessions/", apis.SessionListApi.as_view(), name="participation-session-list"),
]
