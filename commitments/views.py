from django.shortcuts import render


def plan_list(request):
    return render(request, "openlima/section_pending.html", {"section": "commitments"})
