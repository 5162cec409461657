"""Machine endpoints outside the language prefix: CKAN Action API and DCAT catalogue.

No trailing slash is needed (and none is added): clients POST to these exact paths."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    re_path(r"^api(?:/(?P<version>3))?/?$", views.ckan_version, name="ckan_version"),
    re_path(
        r"^api/(?:3/)?action/(?P<name>[A-Za-z_]+)/?$",
        views.ckan_action,
        name="ckan_action",
    ),
    re_path(
        r"^catalog\.(?P<fmt>jsonld|ttl|rdf)$", views.catalog_rdf, name="catalog_rdf"
    ),
    re_path(r"^catalog/?$", views.catalog_negotiate, name="catalog"),
    path(
        "datos/<slug:slug>/datapackage.json",
        views.dataset_datapackage,
        name="dataset_datapackage",
    ),
    path(
        "datos/<slug:slug>.jsonld",
        views.dataset_rdf,
        {"fmt": "jsonld"},
        name="dataset_jsonld",
    ),
    path(
        "datos/<slug:slug>.ttl", views.dataset_rdf, {"fmt": "ttl"}, name="dataset_ttl"
    ),
    path(
        "datos/<slug:slug>.rdf",
        views.dataset_rdf,
        {"fmt": "rdf"},
        name="dataset_rdfxml",
    ),
]
