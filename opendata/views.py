from django.shortcuts import render


def catalogue(request):
    return render(request, "openlima/section_pending.html", {"section": "opendata"})


def transparency(request):
    return render(request, "openlima/section_pending.html", {"section": "transparency"})


def search(request):
    return render(request, "openlima/section_pending.html", {"section": "search"})
