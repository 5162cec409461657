from django.urls import path

from . import views

app_name = "contracting"

urlpatterns = [
    path("contrataciones/", views.process_list, name="process_list"),
    path(
        "contrataciones/politica-de-publicacion/",
        views.publication_policy,
        name="policy",
    ),
    path("contrataciones/seguir/", views.follow, name="follow"),
    path("contrataciones/siguiendo/", views.follows, name="follows"),
    path(
        "contrataciones/proveedores/<str:ruc>/", views.supplier_detail, name="supplier"
    ),
    path("contrataciones/<str:ocid>/", views.process_detail, name="process"),
    path("obras/", views.project_list, name="project_list"),
    path("obras/<slug:slug>/", views.project_detail, name="project"),
]
