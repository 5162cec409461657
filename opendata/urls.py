from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("datos/", views.catalogue, name="catalogue"),
    path("transparencia/", views.transparency, name="transparency"),
    path("buscar/", views.search, name="search"),
]
