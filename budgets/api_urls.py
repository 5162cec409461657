from django.urls import path

from . import apis

urlpatterns = [
    path("budgets/", apis.ProcessListApi.as_view(), name="budgets-process-list"),
    path(
        "budgets/<slug:slug>/",
        apis.ProcessDetailApi.as_view(),
        name="budgets-process-detail",
    ),
    path(
        "budgets/<slug:slug>/results/",
        apis.ResultsApi.as_view(),
        name="budgets-results",
    ),
    path(
        "budgets/<slug:slug>/headings/<slug:heading_slug>/projects/",
        apis.HeadingProjectsApi.as_view(),
        name="budgets-heading-projects",
    ),
    path(
        "budgets/<slug:slug>/headings/<slug:heading_slug>/ballot/",
        apis.BallotApi.as_view(),
        name="budgets-ballot",
    ),
]
