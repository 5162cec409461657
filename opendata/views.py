import hashlib
import json
import re

from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from openlima import jsonfast, viewcounts
from openlima.downloads import file_response

from . import ckan, dcat, selectors, services
from .models import Dataset, License

PAGE_SIZE = 20
FACETS = [
    ("topic", "tema", _("Tema")),
    ("publisher", "publicador", _("Publicador")),
    ("format", "formato", _("Formato")),
    ("license", "licencia", _("Licencia")),
]


def catalogue(request):
    params = {
        "q": request.GET.get("q", "")[:200],
        "topic": request.GET.get("tema", "")[:140],
        "publisher": request.GET.get("publicador", "")[:200],
        "format": request.GET.get("formato", "")[:20],
        "license": request.GET.get("licencia", "")[:20],
        "sort": request.GET.get("orden", ""),
        "district": request.GET.get("distrito", "")[:140],
    }
    qs, facets = selectors.catalogue_search(**params)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    facet_groups = []
    for key, param, label in FACETS:
        items = []
        for value, name, count in facets[key]:
            link = query.copy()
            active = params[key] == value
            if active:
                link.pop(param, None)
            else:
                link[param] = value
            items.append(
                {
                    "name": name,
                    "count": count,
                    "active": active,
                    "url": "?" + link.urlencode(),
                }
            )
        facet_groups.append({"param": param, "label": label, "items": items})
    response = render(
        request,
        "opendata/catalogue.html",
        {
            "page": page,
            "facet_groups": facet_groups,
            "params": params,
            "querystring": query.urlencode(),
            "licenses": License.choices,
            "district": selectors.district_by_code(code=params["district"]),
            "sorts": [
                ("recientes", _("Actualizados recientemente")),
                ("titulo", _("Título (A-Z)")),
                ("antiguos", _("Actualizados hace más tiempo")),
            ],
        },
    )
    return _alternates(response, "/catalog")


RDF_TYPES = {
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
}
NEGOTIATED = ["text/html", *RDF_TYPES]


def _rdf_wanted(request) -> str | None:
    """The RDF serialisation the client prefers over HTML (Accept), or None."""
    preferred = request.get_preferred_type(NEGOTIATED)
    return RDF_TYPES.get(preferred)


def _alternates(response, path_stem: str, *, html: str | None = None):
    """`Link: rel="alternate"` to each representation of the same resource."""
    base = ckan.base_url(request=None)
    links = [
        f'<{base}{path_stem}.{fmt}>; rel="alternate"; type="{media}"'
        for media, fmt in RDF_TYPES.items()
    ]
    if html:
        links.append(f'<{base}{html}>; rel="alternate"; type="text/html"')
    response["Link"] = ", ".join(links)
    response["Vary"] = (
        "Accept" if "Vary" not in response else response["Vary"] + ", Accept"
    )
    return response


def catalog_negotiate(request):
    """`/catalog`: the DCAT catalogue in the serialisation asked for, the HTML
    catalogue (303 See Other) for a browser."""
    fmt = _rdf_wanted(request)
    if fmt is None:
        response = HttpResponse(status=303)
        response["Location"] = reverse("opendata:catalogue")
    else:
        response = catalog_rdf(request, fmt)
    return _alternates(response, "/catalog", html=reverse("opendata:catalogue"))


def dataset(request, slug):
    fmt = _rdf_wanted(request)
    if fmt is not None:
        response = dataset_rdf(request, slug, fmt)
        return _alternates(response, f"/datos/{slug}")
    ds = selectors.access_dataset_by_slug(slug=slug)
    counted = ds.state == Dataset.State.PUBLISHED
    if counted:
        services.dataset_view_count(dataset_id=ds.pk)
    previews = selectors.resource_previews(dataset=ds)
    downloads = selectors.resource_download_totals(dataset=ds)
    for resource in ds.resources.all():
        resource.preview = previews.get(resource.pk) or {}
        resource.download_total = downloads.get(resource.pk, 0)
    response = render(
        request,
        "opendata/dataset.html",
        {"dataset": ds, "counts": selectors.dataset_counts(dataset=ds)},
    )
    if counted:
        # The page cache counts every hit of this page too (openlima/viewcounts.py).
        viewcounts.mark(response, "opendata", ds.pk)
    if ds.state == Dataset.State.PUBLISHED:
        _alternates(response, f"/datos/{slug}")
    return response


@require_http_methods(["GET", "HEAD"])
def resource_download(request, slug, resource, number=None):
    """A resource's file (latest or one version). HEAD, Range and conditional requests
    are answered but not counted: one download per full GET (docs/opendata-downloads.md)."""
    res, version = selectors.access_resource_download(
        slug=slug, resource_uuid=resource, number=number
    )
    if version is None:
        if res.external_url and number is None:
            if request.method == "GET":
                services.resource_download_count(resource=res)
            return HttpResponseRedirect(res.external_url)
        raise Http404
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response, counts = file_response(
        request,
        handle=handle,
        size=version.size,
        etag=f"sha256-{version.sha256}",
        last_modified=version.created_at,
        filename=version.filename,
        media_type=version.media_type or "application/octet-stream",
    )
    if counts:
        services.resource_download_count(resource=res)
    return response


def transparency(request):
    return render(
        request,
        "opendata/transparency.html",
        {"sections": selectors.transparency_sections()},
    )


def transparency_section(request, slug):
    section = selectors.transparency_section(slug=slug)
    page = Paginator(section["documents"], PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opendata/transparency_section.html",
        {"section": section, "page": page},
    )


@require_http_methods(["GET", "HEAD"])
def transparency_document(request, pk):
    """A transparency document with validators and byte ranges (openlima/downloads.py):
    the ETag changes when the file is replaced (a new stored name or size)."""
    doc = selectors.access_transparency_document(pk=pk)
    try:
        handle = doc.file.open("rb")
        size = doc.file.size
    except FileNotFoundError:
        raise Http404 from None
    try:
        modified = doc.file.storage.get_modified_time(doc.file.name)
    except (NotImplementedError, OSError):
        modified = doc.created_at
    tag = hashlib.sha256(f"{doc.pk}:{doc.file.name}:{size}".encode()).hexdigest()
    response, _counts = file_response(
        request,
        handle=handle,
        size=size,
        etag=f"doc-{tag[:32]}",
        last_modified=max(modified, doc.created_at),
        filename=doc.file.name.rsplit("/", 1)[-1],
        media_type=doc.media_type or "application/octet-stream",
    )
    return response


# --- Machine endpoints (outside the language prefix) ------------------------------------


def catalog_rdf(request, fmt):
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    serializer, content_type = dcat.SERIALIZERS[fmt]
    graph = dcat.catalogue_graph(base=ckan.base_url(request), page=page, fmt=fmt)
    response = HttpResponse(
        graph.serialize(format=serializer), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def dataset_rdf(request, slug, fmt):
    ds = selectors.published_package_by_slug(slug=slug)
    if ds is None:
        raise Http404
    serializer, content_type = dcat.SERIALIZERS[fmt]
    graph = dcat.dataset_graph(dataset=ds, base=ckan.base_url(request))
    response = HttpResponse(
        graph.serialize(format=serializer), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


JSONP_CALLBACK = re.compile(r"[A-Za-z_$][\w$]{0,63}(?:\.[A-Za-z_$][\w$]{0,63}){0,3}")


def dataset_datapackage(request, slug):
    """The dataset's Frictionless Data Package (404 when it has no stored file)."""
    from . import datapackage

    ds = selectors.published_package_by_slug(slug=slug)
    if ds is None:
        raise Http404
    descriptor = datapackage.datapackage(ds, ckan.base_url(request))
    if not descriptor["resources"]:
        raise Http404
    response = JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _ckan_response(status, body, request=None):
    """CKAN's answer: JSON, or JSONP (`callback=`) on GET as CKAN does."""
    callback = request.GET.get("callback") if request is not None else None
    if callback and request.method == "GET" and JSONP_CALLBACK.fullmatch(callback):
        payload = jsonfast.dumps(body).decode()
        response = HttpResponse(
            f"/**/{callback}({payload});",
            status=status,
            content_type="application/javascript; charset=utf-8",
        )
    else:
        # orjson (openlima/jsonfast.py): the same JSON, a fifth of the time.
        response = HttpResponse(
            jsonfast.dumps(body), status=status, content_type="application/json"
        )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _bad_request(base, name, message):
    return _ckan_response(
        400,
        {
            "help": f"{base}/api/3/action/help_show?name={name}",
            "success": False,
            "error": {"__type": "Bad Request", "message": f"Bad request - {message}"},
        },
    )


def ckan_version(request, version=None):
    """`/api/3` (and `/api`): the API version, as CKAN answers."""
    return _ckan_response(200, {"version": 3}, request)


@csrf_exempt
def ckan_action(request, name):
    """CKAN Action API: GET with query parameters or POST with a JSON (or form) body."""
    base = ckan.base_url(request)
    if request.method == "GET":
        callback = request.GET.get("callback")
        if callback and not JSONP_CALLBACK.fullmatch(callback):
            return _bad_request(base, name, "Invalid callback name")
        params = {
            k: (v[0] if len(v) == 1 else v)
            for k, v in request.GET.lists()
            if k not in ("callback", "_")
        }
    elif request.method == "POST":
        if request.content_type == "application/json" or request.body[:1] in (
            b"{",
            b"[",
        ):
            try:
                params = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError) as exc:
                return _bad_request(base, name, f"JSON Error: {exc}")
            if not isinstance(params, dict):
                return _bad_request(
                    base,
                    name,
                    "Bad request data: Request data JSON decoded to "
                    f"{type(params).__name__} but it needs to be a dictionary.",
                )
        else:
            try:
                params = {
                    k: (v[0] if len(v) == 1 else v) for k, v in request.POST.lists()
                }
            except (ValueError, UnicodeDecodeError) as exc:
                return _bad_request(base, name, f"Bad request data: {exc}")
    else:
        response = _ckan_response(
            405,
            {
                "success": False,
                "error": {"__type": "Bad Request", "message": "Method not allowed"},
            },
        )
        response["Allow"] = "GET, POST"
        return response
    if request.method == "POST" and name in CACHED_POST_ACTIONS:
        return _cached_post_answer(name, params, base)
    status, body = ckan.call(name, params, base)
    return _ckan_response(status, body, request)


# A POSTed search is not kept by the anonymous page cache (GET only), so its answer is
# kept here, under the same content generations (docs/performance.md): a publication
# or an edit changes the key at once.
CACHED_POST_ACTIONS = frozenset({"package_search"})


def _cached_post_answer(name, params, base):
    from django.core.cache import cache

    from openlima.pagecache import fragment_stamp, page_cache_seconds

    seconds = page_cache_seconds()
    stamp = fragment_stamp(("openlima", "opendata"))
    key = None
    if seconds > 0 and stamp:
        canonical = json.dumps([name, base, params], sort_keys=True, default=str)
        digest = hashlib.sha256(f"{canonical}\n{stamp}".encode()).hexdigest()
        key = f"ckanpost:{digest}"
        stored = cache.get(key)
        if stored is not None:
            response = HttpResponse(stored, content_type="application/json")
            response["Access-Control-Allow-Origin"] = "*"
            return response
    status, body = ckan.call(name, params, base)
    response = _ckan_response(status, body)
    if key is not None and status == 200:
        cache.set(key, response.content, seconds)
    return response
