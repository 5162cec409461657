from django.urls import path

from . import views

urlpatterns = [
    path("bare/", views.bare),
    path("list/", views.item_list),
    path("vote/<int:pk>/", views.vote),
]
