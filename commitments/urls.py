from django.urls import path, re_path

from . import views

app_name = "commitments"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path(
        "suscripcion/<str:token>/confirmar/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path(
        "suscripcion/<str:token>/baja/",
        views.subscription_unsubscribe,
        name="subscription_unsubscribe",
    ),
    path(
        "evidencias/<int:evidence_id>/archivo/",
        views.evidence_file,
        name="evidence_file",
    ),
    path("<slug:plan_slug>/", views.plan_detail, name="plan_detail"),
    path("<slug:plan_slug>/informe/", views.plan_report, name="plan_report"),
    re_path(
        r"^(?P<plan_slug>[-\w]+)/(?P<kind>compromisos|hitos)\.(?P<fmt>csv|json)$",
        views.plan_export,
        name="plan_export",
    ),
    path(
        "<slug:plan_slug>/<slug:commitment_slug>/",
        views.commitment_detail,
        name="commitment_detail",
    ),
    path(
        "<slug:plan_slug>/<slug:commitment_slug>/seguir/",
        views.follow,
        name="follow",
    ),
    path(
        "<slug:plan_slug>/<slug:commitment_slug>/seguir-por-correo/",
        views.follow_email,
        name="follow_email",
    ),
    path(
        "<slug:plan_slug>/<slug:commitment_slug>/dejar-de-seguir/",
        views.unfollow,
        name="unfollow",
    ),
]
