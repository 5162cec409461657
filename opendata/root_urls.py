"""Machine endpoints outside the language prefix: CKAN Action API and DCAT catalogue."""

from django.urls import path  # noqa: F401

urlpatterns = []
