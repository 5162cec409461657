"""Three views, each the floor under one kind of portal request (docs/performance.md)."""

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from .models import Item, Vote


def bare(request):
    """The floor under /healthz: Django's request/response cycle and nothing else."""
    return HttpResponse(b"ok", content_type="text/plain")


def item_list(request):
    """The floor under a list page: the 20 newest of 100,000 rows through a template."""
    items = Item.objects.order_by("-published_at", "-id")[:20]
    return render(request, "calibration/list.html", {"items": items})


def vote(request, pk):
    """The floor under a new support: one insert guarded by a unique constraint and a
    counter incremented in the same transaction, the new count returned."""
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        voter = int(request.GET["voter"])
    except (KeyError, ValueError):
        return HttpResponse(status=400)
    try:
        with transaction.atomic():
            Vote.objects.create(item_id=pk, voter=voter)
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE calib_item SET votes = votes + 1 WHERE id = %s RETURNING votes",
                    [pk],
                )
                votes = cursor.fetchone()[0]
    except IntegrityError:
        return JsonResponse({"voted": True, "created": False}, status=200)
    return JsonResponse({"voted": True, "votes": votes}, status=201)
