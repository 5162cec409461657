"""Public pages of commitment tracking (thin: selectors and services do the work)."""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlima import exports
from openlima.errors import ApplicationError
from openlima.sameorigin import token_free_form

from . import charts, selectors, services
from .forms import EmailFollowForm, PlanFilterForm
from .models import CompletionLevel


def plan_list(request):
    plans = list(selectors.plan_list_public())
    return render(request, "commitments/plan_list.html", {"plans": plans})


TIMELINE_MAX_MILESTONE_ROWS = 60
OVERDUE_LIST_MAX = 30


def _timeline_rows(commitments, today):
    """One row per milestone; for large plans one row per commitment (its milestones'
    span), so the page stays light — each commitment page has the full detail."""
    total = sum(len(c.milestones.all()) for c in commitments)
    rows = []
    for c in commitments:
        milestones = list(c.milestones.all())
        if total <= TIMELINE_MAX_MILESTONE_ROWS:
            for m in milestones:
                rows.append(
                    {
                        "label": f"{c.number}.{m.code} {m.title}",
                        "url": f"{c.public_url}#hito-{m.pk}",
                        "start_on": m.start_on,
                        "due_on": m.due_on,
                        "status": m.status,
                        "status_label": m.get_status_display(),
                        "progress": m.progress,
                        "overdue": m.is_overdue(today),
                    }
                )
        elif milestones:
            rows.append(
                {
                    "label": f"{c.number}. {c.title}",
                    "url": c.public_url,
                    "start_on": min(m.start_on for m in milestones),
                    "due_on": max(m.due_on for m in milestones),
                    "status": c.status,
                    "status_label": c.get_status_display(),
                    "progress": c.progress,
                    "overdue": any(m.is_overdue(today) for m in milestones),
                }
            )
    return rows, total > TIMELINE_MAX_MILESTONE_ROWS


def _overdue(commitments, today):
    return [
        {
            "label": f"{c.number}.{m.code} {m.title}",
            "url": f"{c.public_url}#hito-{m.pk}",
            "due_on": m.due_on,
        }
        for c in commitments
        for m in c.milestones.all()
        if m.is_overdue(today)
    ]


PLAN_PAGE_CACHE_SECONDS = 300


def plan_detail(request, plan_slug):
    """The body is the same for every visitor: cached per plan version (any change to a
    commitment or milestone changes the key), language, day and filter query."""
    plan = selectors.plan_get_public(slug=plan_slug)
    today = timezone.localdate()
    version = selectors.plan_version(plan=plan)
    query = request.GET.urlencode()[:500]
    key = (
        "commitments:plan:"
        + hashlib.sha256(
            f"{plan.pk}|{version}|{get_language()}|{today}|{query}".encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        body = render_to_string(
            "commitments/_plan_body.html", _plan_context(request, plan, today)
        )
        cache.set(key, body, PLAN_PAGE_CACHE_SECONDS)
    return render(
        request, "commitments/plan_detail.html", {"plan": plan, "body": mark_safe(body)}
    )


def _plan_context(request, plan, today):
    all_commitments = list(selectors.plan_commitments(plan=plan))
    units = sorted(
        {u.pk: u for c in all_commitments for u in c.responsible_units.all()}.values(),
        key=lambda u: u.name,
    )
    form = PlanFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    if any(filters.values()):
        commitments = list(selectors.plan_commitments(plan=plan, filters=filters))
    else:
        commitments = all_commitments
    for c in all_commitments + commitments:
        c.public_url = c.get_absolute_url()
    summary = selectors.completion_summary(plan=plan)
    rows, grouped = _timeline_rows(commitments, today)
    overdue = _overdue(commitments, today)
    return {
        "plan": plan,
        "commitments": commitments,
        "form": form,
        "filtered": any(filters.values()),
        "summary": summary,
        "summary_total": sum(r["count"] for r in summary),
        "summary_chart": charts.completion_bars(summary),
        "timeline": charts.gantt(rows, today=today),
        "timeline_rows": rows,
        "timeline_grouped": grouped,
        "overdue": overdue[:OVERDUE_LIST_MAX],
        "overdue_more": max(len(overdue) - OVERDUE_LIST_MAX, 0),
        "today": today,
    }


def plan_report(request, plan_slug):
    plan = selectors.plan_get_public(slug=plan_slug)
    commitments = list(selectors.plan_report_commitments(plan=plan))
    summary = selectors.completion_summary(plan=plan)
    return render(
        request,
        "commitments/plan_report.html",
        {
            "plan": plan,
            "commitments": commitments,
            "summary": summary,
            "summary_total": sum(r["count"] for r in summary),
            "today": timezone.localdate(),
            "levels": CompletionLevel.choices,
        },
    )


def plan_export(request, plan_slug, kind, fmt):
    plan = selectors.plan_get_public(slug=plan_slug)
    if kind == "compromisos":
        rows, columns = (
            selectors.commitment_rows(plan=plan),
            selectors.COMMITMENT_COLUMNS,
        )
    else:
        rows, columns = selectors.milestone_rows(plan=plan), selectors.MILESTONE_COLUMNS
    filename = f"{plan.slug}-{kind}.{fmt}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    else:
        # The portal's one CSV convention, formula cells neutralised.
        response = StreamingHttpResponse(
            exports.csv_stream(columns, rows), content_type=exports.CSV_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def commitment_detail(request, plan_slug, commitment_slug):
    commitment = selectors.commitment_get_public(
        plan_slug=plan_slug, commitment_slug=commitment_slug
    )
    today = timezone.localdate()
    milestones = list(commitment.milestones.all())
    indicators = []
    for indicator in commitment.indicators.all():
        points = [(m.measured_on, m.value) for m in indicator.measurements.all()]
        indicators.append(
            {
                "indicator": indicator,
                "measurements": list(indicator.measurements.all()),
                "chart": charts.sparkline(points),
            }
        )
    return render(
        request,
        "commitments/commitment_detail.html",
        {
            "plan": commitment.plan,
            "commitment": commitment,
            "milestones": [
                {"m": m, "overdue": m.is_overdue(today)} for m in milestones
            ],
            "history": list(selectors.commitment_public_history(commitment=commitment)),
            "indicators": indicators,
            "subscription": selectors.subscription_for(
                user=request.user, commitment=commitment
            ),
            "email_form": EmailFollowForm(),
            "today": today,
        },
    )


@require_POST
def follow(request, plan_slug, commitment_slug):
    commitment = selectors.commitment_get_public(
        plan_slug=plan_slug, commitment_slug=commitment_slug
    )
    if request.user.is_authenticated:
        services.subscription_follow(user=request.user, commitment=commitment)
        messages.success(request, _("Ahora sigue este compromiso."))
        return redirect(commitment.get_absolute_url())
    return _follow_by_email(request, commitment)


@require_POST
@token_free_form
def follow_email(request, plan_slug, commitment_slug):
    """The anonymous form of the commitment page: no CSRF token, so the page can be shared
    by the anonymous page cache (openlima/sameorigin.py). It never reads the session: the
    address gets a confirmation link (double opt-in), whoever is signed in."""
    commitment = selectors.commitment_get_public(
        plan_slug=plan_slug, commitment_slug=commitment_slug
    )
    return _follow_by_email(request, commitment)


def _follow_by_email(request, commitment):
    form = EmailFollowForm(request.POST)
    if form.is_valid():
        try:
            services.subscription_request_email(
                email=form.cleaned_data["email"], commitment=commitment
            )
        except ApplicationError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(
                request,
                _(
                    "Si la dirección es válida, recibirá un correo para confirmar la "
                    "suscripción."
                ),
            )
            return redirect(commitment.get_absolute_url())
    return render(
        request,
        "commitments/follow_form.html",
        {"commitment": commitment, "email_form": form},
        status=400,
    )


@require_POST
@login_required
def unfollow(request, plan_slug, commitment_slug):
    commitment = selectors.commitment_get_public(
        plan_slug=plan_slug, commitment_slug=commitment_slug
    )
    services.subscription_unfollow(user=request.user, commitment=commitment)
    messages.success(request, _("Ya no sigue este compromiso."))
    return redirect(commitment.get_absolute_url())


@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    return _token_action(
        request,
        token,
        action=services.subscription_confirm,
        title=_("Confirmar suscripción"),
        button=_("Confirmar"),
        done=_("Suscripción confirmada. Recibirá un resumen cuando haya novedades."),
    )


@require_http_methods(["GET", "POST"])
def subscription_unsubscribe(request, token):
    return _token_action(
        request,
        token,
        action=services.subscription_unsubscribe,
        title=_("Darse de baja"),
        button=_("Darme de baja"),
        done=_("Se dio de baja. No recibirá más correos de este compromiso."),
    )


def _token_action(request, token, *, action, title, button, done):
    subscription = selectors.subscription_by_token(token=token)
    if subscription is None:
        return render(
            request,
            "commitments/token_action.html",
            {"title": title, "error": _("El enlace no es válido o ya caducó.")},
            status=404,
        )
    if request.method == "POST":
        action(token=subscription.token)
        messages.success(request, done)
        return redirect(subscription.commitment.get_absolute_url())
    return render(
        request,
        "commitments/token_action.html",
        {"title": title, "button": button, "commitment": subscription.commitment},
    )


def _evidence_response(evidence, *, private: bool = False) -> FileResponse:
    """The file under the name it was uploaded with; PDFs and images open in the browser,
    anything else downloads; sandboxed so a file can never run as the portal's page."""
    inline = evidence.content_type.startswith("image/") or (
        evidence.content_type == "application/pdf"
    )
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=not inline,
        filename=evidence.original_name or evidence.stored_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def evidence_file(request, evidence_id):
    evidence = selectors.evidence_get_public(evidence_id=evidence_id)
    return _evidence_response(evidence)


def evidence_file_staff(request, evidence_id):
    """The admin's link to an evidence file (issue 12), published or scheduled: wrapped by
    the admin site (staff login, second factor) and checked by the selector."""
    evidence = selectors.access_evidence_file_for_staff(
        user=request.user, evidence_id=evidence_id
    )
    return _evidence_response(evidence, private=True)
