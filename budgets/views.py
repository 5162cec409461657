from django.shortcuts import render


def index(request):
    return render(request, "openlima/section_pending.html", {"section": "budgets"})
