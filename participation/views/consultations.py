"""Pages of consultations: list, detail, rating."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openlima.errors import ApplicationError, http_status

from .. import selectors, services
from ..models import Follow, Level
from .common import _require_login


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


def _detail_extras(request, consultation) -> dict:
    return {
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


def consultation_detail(request, slug):
    consultation = selectors.access_consultation_by_slug(slug=slug)
    context = _consultation_context(request, consultation)
    _fill_rows(context["rows"])
    context.update(_detail_extras(request, consultation))
    return render(request, "participation/consultation_detail.html", context)


def _fill_rows(rows, *, posted=None, error: ApplicationError | None = None) -> None:
    """Each option's level, contribution and errors as the form shows them: what was
    sent when the submission was refused (nothing is lost), else what is stored."""
    field_errors = error.field_errors if error else {}
    for row in rows:
        pk, mine = row["option"].pk, row["mine"]
        if posted is not None:
            row["level"] = posted.get(f"level-{pk}", "")
            row["contribution"] = posted.get(f"contribution-{pk}", "")
        else:
            row["level"] = mine.level if mine else ""
            row["contribution"] = mine.contribution if mine else ""
        row["errors"] = [
            *field_errors.get(f"level-{pk}", []),
            *field_errors.get(f"contribution-{pk}", []),
        ]


def _ratings_from_post(post) -> list[dict]:
    """The one form's items: every option listed in `option`, with its `level-<id>` and
    `contribution-<id>`; options left without a level and a contribution are skipped."""
    items = []
    for raw in post.getlist("option"):
        level = post.get(f"level-{raw}", "")
        contribution = post.get(f"contribution-{raw}", "")
        if level or contribution.strip():
            items.append({"option": raw, "level": level, "contribution": contribution})
    return items


@require_POST
def consultation_rate(request, slug):
    """Rate several options in one submission (issue 12): one form, one submit; with htmx
    the options, the participant count and the results are swapped in place."""
    if (resp := _require_login(request)) is not None:
        return resp
    consultation = selectors.access_consultation_by_slug(slug=slug)
    error: ApplicationError | None = None
    saved = 0
    try:
        saved = len(
            services.consultation_rate_many(
                user=request.user,
                consultation_id=consultation.pk,
                ratings=_ratings_from_post(request.POST),
            )
        )
    except ApplicationError as exc:
        error = exc
    if not request.htmx and error is None:
        messages.success(request, _("Calificaciones guardadas."))
        return redirect(
            reverse("participation:consultation_detail", args=[slug]) + "#h-options"
        )
    context = _consultation_context(request, consultation)
    status = http_status(error) if error else 200
    context.update(
        {
            "rate_error": error,
            "rate_saved": saved,
        }
    )
    _fill_rows(context["rows"], posted=request.POST if error else None, error=error)
    if request.htmx:
        context["contributions"] = selectors.consultation_contributions(
            consultation=consultation
        )
        return render(
            request,
            "participation/includes/consultation_rate_response.html",
            context,
            status=status,
        )
    context.update(_detail_extras(request, consultation))
    # The page's <title> starts with "Error:" when `form.errors` is set (base.html).
    context["form"] = {"errors": [error.message]}
    return render(
        request, "participation/consultation_detail.html", context, status=status
    )
