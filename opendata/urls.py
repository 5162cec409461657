from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("datos/", views.catalogue, name="catalogue"),
    path("datos/<slug:slug>/", views.dataset, name="dataset"),
    path(
        "datos/<slug:slug>/recursos/<uuid:resource>/descargar/",
        views.resource_download,
        name="resource_download",
    ),
    path(
        "datos/<slug:slug>/recursos/<uuid:resource>/v<int:number>/descargar/",
        views.resource_download,
        name="resource_version_download",
    ),
    path("transparencia/", views.transparency, name="transparency"),
    path(
        "transparencia/documentos/<int:pk>/descargar/",
        views.transparency_document,
        name="transparency_document",
    ),
    path(
        "transparencia/<slug:slug>/",
        views.transparency_section,
        name="transparency_section",
    ),
]
