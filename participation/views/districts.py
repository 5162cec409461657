"""Participation by district."""

from django.shortcuts import render

from .. import selectors
from ..models import Session


def district_list(request):
    rows = selectors.district_participation()
    return render(
        request,
        "participation/district_list.html",
        {
            "rows": rows,
            "max_proposals": max([r["proposals"] for r in rows] or [0]),
        },
    )


def district_detail(request, slug):
    district = selectors.access_district_by_slug(slug=slug)
    rows = {r["slug"]: r for r in selectors.district_participation()}
    page = selectors.proposal_list(
        filters=selectors.ProposalFilters(district=slug, order="supported"),
        page_size=10,
    )
    return render(
        request,
        "participation/district_detail.html",
        {
            "district": district,
            "row": rows.get(slug),
            "proposals": page.items,
            "contributors": selectors.district_contributors(district=district),
            "sessions": list(
                Session.objects.filter(district=district).order_by("-starts_at")[:10]
            ),
        },
    )
