import json
import logging

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .errors import ApplicationError
from .forms import DeleteAccountForm, ProfileForm

logger = logging.getLogger(__name__)


def home(request):
    return render(
        request,
        "openlima/home.html",
        {
            "cards": selectors.home_cards(),
            "indicators": selectors.home_indicators(),
            "indicator_blocks": selectors.home_indicator_blocks(),
        },
    )


def search(request):
    """Site search: every app's `search:` provider, merged and ranked."""
    query = request.GET.get("q", "").strip()[:200]
    results = selectors.search_everything(query=query) if query else []
    return render(request, "openlima/search.html", {"query": query, "results": results})


def privacy(request):
    return render(request, "openlima/privacy.html")


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    from celery import current_app as app  # the project's app (config/celery.py)

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _check_cache() -> None:
    from django.core.cache import cache

    cache.set("readyz", "1", timeout=5)
    if cache.get("readyz") != "1":
        raise RuntimeError("value not stored")


def _probe(name: str, check) -> str | None:
    """`None` when `check` passes, else the fixed phrase "<name> unreachable". The
    exception goes to the server log only: its text can name hosts, users or paths."""
    try:
        check()
    except Exception as exc:
        logger.warning("readyz: %s unreachable: %s", name, exc.__class__.__name__)
        logger.debug("readyz: %s", name, exc_info=True)
        return f"{name} unreachable"
    return None


@never_cache
def readyz(request):
    """503 naming the dependencies that failed (database, cache, broker), never their
    error text. Also says when beat last ran `publish_scheduled` (database up only)."""
    database = _probe("database", _check_database)
    problems = [
        p
        for p in (
            database,
            _probe("cache", _check_cache),
            _probe("broker", _check_broker),
        )
        if p
    ]
    body = {"status": "unavailable" if problems else "ok", "problems": problems}
    if database is None:
        last_run = selectors.heartbeat_last_run(name="publish_scheduled")
        body["scheduler_last_run"] = last_run.isoformat() if last_run else None
    response = JsonResponse(body, status=503 if problems else 200)
    if problems:
        response["Retry-After"] = "10"
    return response


@login_required
def account(request):
    """ARCO rights (Ley 29733): see, download, correct and delete one's own data."""
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "display_name": user.display_name,
            "district": user.district,
            "public_profile": user.public_profile,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Sus datos se actualizaron."))
        return redirect("account_profile")
    data = selectors.user_personal_data(user=user)
    return render(
        request,
        "openlima/account.html",
        {
            "form": form,
            "data": data,
            "app_sections": selectors.user_personal_data_sections(data=data),
            "delete_form": DeleteAccountForm(),
        },
    )


@never_cache
@login_required
def account_export(request):
    data = selectors.user_personal_data(user=request.user)
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="mis-datos-openlima.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            services.user_delete_account(user=user)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return render(request, "openlima/account_delete.html", {"form": form})
        logout(request)
        messages.success(
            request,
            _(
                "Su cuenta fue eliminada. Sus aportes se muestran como «cuenta eliminada»."
            ),
        )
        return redirect("home")
    return render(request, "openlima/account_delete.html", {"form": form})


# --- "¿Le fue útil?" (docs/feedback.md) -----------------------------------------------------


@csrf_exempt  # no cookie may be set or needed; cross-site posts are refused below
@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request):
    """One endpoint for every rating form (footer and journey ends). Without JavaScript it
    answers a short page; with htmx, the fragment that replaces the form. Stores no
    address, user, page or time of day (openlima.feedback)."""
    from . import feedback as fb
    from .models import PlatformRating

    source = request.POST if request.method == "POST" else request.GET
    part = source.get("part", "other" if request.method == "GET" else "")
    moment = source.get("moment", "")
    context = {
        "part": part if part in PlatformRating.Part.values else "other",
        "moment": moment if moment in PlatformRating.Moment.values else "page",
        "scores": range(1, 6),
    }
    template = (
        "openlima/includes/feedback_result.html"
        if request.headers.get("HX-Request")
        else "openlima/feedback.html"
    )
    if request.method == "GET":
        return render(request, "openlima/feedback.html", context)
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in (
        "same-origin",
        "none",
    ):
        context["error"] = _("Solo se aceptan valoraciones enviadas desde este portal.")
        return render(request, template, context, status=403)
    try:
        fb.rating_record(
            score=request.POST.get("score"),
            part=part,
            moment=moment,
            comment=request.POST.get("comment", ""),
            address=request.META.get("REMOTE_ADDR", ""),
        )
    except fb.RatingRefused as exc:
        context["error"] = str(exc)
        context["comment"] = request.POST.get("comment", "").replace("\x00", "")[:1000]
        return render(request, template, context, status=exc.status)
    context["thanks"] = True
    return render(request, template, context)


@require_GET
def city_theme_css(request):
    """The city profile's colours as CSS custom properties: a stylesheet, never an inline
    style (the CSP has no 'unsafe-inline'); docs/city-profile.md."""
    from . import city

    response = HttpResponse(city.theme_css(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def city_logo(request):
    """The city profile's logo (SVG or PNG from the profile's folder)."""
    from . import city

    found = city.logo_file()
    if found is None:
        raise Http404
    path, media_type = found
    response = HttpResponse(path.read_bytes(), content_type=media_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    if media_type == "image/svg+xml":
        # an SVG opened on its own must not run anything
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
    return response
