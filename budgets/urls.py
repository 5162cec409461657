from django.urls import path

from . import views

app_name = "budgets"
urlpatterns = [
    path("", views.index, name="index"),
    path("verificacion/", views.verification, name="verification"),
    path("imagen/<int:pk>/", views.project_image, name="image"),
    path("<slug:slug>/", views.process_detail, name="process"),
    path("<slug:slug>/resultados/", views.results, name="results"),
    path("<slug:slug>/<slug:heading_slug>/", views.heading_detail, name="heading"),
    path("<slug:slug>/<slug:heading_slug>/votar/", views.ballot, name="ballot"),
    path(
        "<slug:slug>/<slug:heading_slug>/proponer/",
        views.project_propose,
        name="propose",
    ),
    path(
        "<slug:slug>/<slug:heading_slug>/proyectos/<int:pk>/",
        views.project_detail,
        name="project",
    ),
    path(
        "<slug:slug>/<slug:heading_slug>/proyectos/<int:pk>/apoyar/",
        views.project_support,
        name="support",
    ),
]
