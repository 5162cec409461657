from django.urls import path

from . import apis

urlpatterns = [
    path(
        "complaints/statistics/",
        apis.StatisticsApi.as_view(),
        name="complaints-statistics",
    ),
    path(
        "complaints/referrals/<str:reference>/events/",
        apis.ReferralEventsApi.as_view(),
        name="complaints-referral-events",
    ),
]
