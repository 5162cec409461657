from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openlima.errors import ApplicationError

from . import ocds, selectors, services
from .flags import FLAGS
from .forms import ProcessFilterForm, ProjectFilterForm
from .map import map_svg_data
from .models import supplier_id_valid

PER_PAGE = 20


def _page_number(request) -> int:
    raw = request.GET.get("page") or "1"
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


@require_GET
def process_list(request):
    form = ProcessFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(
        selectors.process_list_open_first(filters=filters), PER_PAGE
    ).get_page(_page_number(request))
    processes = list(page.object_list)
    flag_map = selectors.flags_for(processes)
    for p in processes:
        p.flag_list = flag_map.get(p.pk, [])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "contracting/process_list.html",
        {
            "form": form,
            "page": page,
            "processes": processes,
            "query": query.urlencode(),
            "follow_query": urlencode({"query": query.urlencode()}),
            "flags": FLAGS.values(),
        },
    )


@require_GET
def process_detail(request, ocid):
    process = selectors.process_get_public(ocid=ocid)
    detail = selectors.process_detail(process=process)
    return render(
        request,
        "contracting/process_detail.html",
        {"process": process, "d": detail},
    )


@require_GET
def supplier_detail(request, ruc):
    if not supplier_id_valid(ruc):
        return render(request, "404.html", status=404)
    supplier = selectors.supplier_get_public(ruc=ruc)
    return render(
        request,
        "contracting/supplier_detail.html",
        {
            "supplier": supplier,
            "d": selectors.supplier_detail(
                supplier=supplier, page=_page_number(request)
            ),
        },
    )


@require_GET
def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    projects = list(selectors.project_list(filters=filters))
    counts = selectors.project_counts_by_district()
    svg = map_svg_data(counts=counts)
    table = sorted(
        (
            {
                "name": c["name"],
                "count": c["total"],
                "implementation": c["implementation"],
            }
            for c in counts.values()
        ),
        key=lambda s: (-s["count"], s["name"]),
    )
    return render(
        request,
        "contracting/project_list.html",
        {"form": form, "projects": projects, "map": svg, "map_table": table},
    )


@require_GET
def project_detail(request, slug):
    project = selectors.project_get_public(slug=slug)
    detail = selectors.project_detail(project=project)
    svg = map_svg_data(counts={}, highlight=project.district.ubigeo)
    return render(
        request,
        "contracting/project_detail.html",
        {"project": project, "d": detail, "map": svg},
    )


@require_GET
def publication_policy(request):
    return render(
        request,
        "contracting/policy.html",
        {
            "prefix": ocds.ocid_prefix(),
            "license": settings.OCDS_LICENSE_URL,
            "publisher": settings.OCDS_PUBLISHER_NAME,
            "flags": FLAGS.values(),
        },
    )


def form_query(form) -> str:
    """The cleaned filters as a query string (only known fields, canonical values)."""
    params = {}
    for key, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        params[key] = getattr(value, "slug", value)
    return urlencode(params)


def _follow_label(form) -> str:
    parts = [
        str(dict(form.fields[k].choices).get(v, v))
        if hasattr(form.fields[k], "choices") and not hasattr(v, "pk")
        else str(v)
        for k, v in form.cleaned_data.items()
        if v not in (None, "")
    ]
    return ", ".join(parts) or _("todos los procesos")


@require_http_methods(["GET", "POST"])
def follow(request):
    """Follow the search in `query` (the list's filters): e-mail on new matching processes.

    GET shows the search and the form (with its CSRF token); the list links here, so the
    list itself sets no cookie and stays in the anonymous page cache (docs/contracting.md,
    "Scale"). POST follows it."""
    raw = (request.POST if request.method == "POST" else request.GET).get("query", "")
    if len(raw) > 500 or "\x00" in raw:
        return HttpResponseBadRequest(_("Búsqueda no válida."))
    form = ProcessFilterForm(QueryDict(raw))
    if not form.is_valid():
        return HttpResponseBadRequest(_("Búsqueda no válida."))
    here = f"{reverse('contracting:follow')}?{urlencode({'query': form_query(form)})}"
    if request.method == "GET":
        return render(
            request,
            "contracting/follow.html",
            {
                "query": form_query(form),
                "label": _follow_label(form),
                "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
            },
        )
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
    try:
        services.follow_create(
            user=request.user, query=form_query(form), label=_follow_label(form)
        )
    except ApplicationError as exc:
        return HttpResponseBadRequest(exc.message)
    messages.success(
        request,
        _("Le enviaremos un correo cuando se publique un proceso nuevo que coincida."),
    )
    return redirect(f"{reverse('contracting:process_list')}?{form_query(form)}")


@login_required
def follows(request):
    if request.method == "POST":
        raw = request.POST.get("follow_id", "")
        if not raw.isdigit() or len(raw) > 12:
            return HttpResponseBadRequest(_("Solicitud no válida."))
        services.follow_delete(user=request.user, follow_id=int(raw))
        messages.success(request, _("Dejó de seguir la búsqueda."))
        return redirect("contracting:follows")
    return render(
        request,
        "contracting/follows.html",
        {"follows": list(selectors.follows_of(user=request.user))},
    )
