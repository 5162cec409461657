"""Pages of consultations: list, detail, rating."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openlima.errors import ApplicationError

from .. import selectors, services
from ..models import Follow, Level
from .common import _is_htmx, _require_login


def consultation_list(request):
    return render(
        request,
        "participation/consultation_list.html",
        {"consultations": selectors.consultation_list()},
    )


def _consultation_context(request, consultation):
    results = selectors.consultation_results(consultation=consultation)
    my = selectors.consultation_my_ratings(consultation=consultation, user=request.user)
    rows = [
        {"option": r.option, "result": r, "mine": my.get(r.option.pk)}
        for r in sorted(results, key=lambda r: (r.option.position, r.option.pk))
    ]
    return {
        "consultation": consultation,
        "results": results,
        "ranked": sorted(results, key=lambda r: (r.rank, r.option.position)),
        "rows": rows,
        "levels": Level.choices,
        "participants": selectors.consultation_participants(consultation=consultation),
        "can_participate": selectors.user_can_participate(user=request.user),
        "max_score": max([r.score for r in results] or [0]),
        **_chart(results),
    }


def _chart(results) -> dict:
    """Bars of the weighted score (SVG, no script or inline style), in rank order."""
    best = max([r.score for r in results] or [0]) or 1
    ranked = sorted(results, key=lambda r: (r.rank, r.option.position))
    bars = []
    for i, r in enumerate(ranked):
        width = round(200 * r.score / best)
        bars.append(
            {
                "y": i * 24,
                "label": r.option.title,
                "width": width,
                "score": r.score,
                "text_x": 150 + width + 6,
                "passes": r.passes,
            }
        )
    return {"chart": bars, "chart_height": max(24, len(bars) * 24)}


def consultation_detail(request, slug):
    consultation = selectors.access_consultation_by_slug(slug=slug)
    context = _consultation_context(request, consultation)
    context.update(
        {
            "contributions": selectors.consultation_contributions(
                consultation=consultation
            ),
            "thread": selectors.comment_thread(
                target_type="participation.consultation",
                target_id=consultation.pk,
                user=request.user,
            ),
            "following": selectors.user_follows(
                user=request.user,
                kind=Follow.Kind.CONSULTATION,
                target_id=consultation.pk,
            ),
        }
    )
    return render(request, "participation/consultation_detail.html", context)


@require_POST
def consultation_rate(request, slug, option_id):
    if (resp := _require_login(request)) is not None:
        return resp
    consultation = selectors.access_consultation_by_slug(slug=slug)
    error = None
    try:
        services.consultation_rate(
            user=request.user,
            option_id=option_id,
            level=request.POST.get("level", ""),
            contribution=request.POST.get("contribution", ""),
        )
    except ApplicationError as exc:
        error = exc.message
    if _is_htmx(request):
        context = _consultation_context(request, consultation)
        row = next(
            (r for r in context["rows"] if r["option"].pk == int(option_id)), None
        )
        if row is None:
            raise Http404
        context.update({"row": row, "error": error, "announce": True})
        return render(request, "participation/includes/rating_form.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Calificación guardada."))
    return redirect(
        reverse("participation:consultation_detail", args=[slug])
        + f"#opcion-{option_id}"
    )
