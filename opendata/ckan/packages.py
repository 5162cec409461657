"""Actions on packages and resources: list, show, search, autocomplete, activity."""

import hashlib

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Window

from ..models import (
    Dataset,
    Resource,
)
from ..selectors import cached_facets, package_qs
from .errors import NotFound, ValidationError
from .params import FACET_FIELDS, ROWS_MAX, _int, _list, _order, _query, _text
from .serialisers import (
    cached_package_dicts,
    ckan_license_id,
    package_dict,
    package_dicts,
)


def package_list(params, base):
    """Return a list of the names of the site's datasets (packages).

    :param limit: if given, the list of datasets will be broken into pages of at most
        ``limit`` datasets per page (optional)
    :param offset: when ``limit`` is given, the offset to start returning packages from
    """
    qs = Dataset.objects.filter(state=Dataset.State.PUBLISHED).order_by("slug")
    offset = _int(params, "offset", 0)
    limit = _int(params, "limit", None)
    qs = qs[offset : offset + limit] if limit is not None else qs[offset:]
    return list(qs.values_list("slug", flat=True))


def _get_package(params):
    name_or_id = _text(params, "id") or _text(params, "name_or_id")
    if not name_or_id:
        raise ValidationError(None, {"name_or_id": ["Missing value"]})
    qs = package_qs()
    condition = Q(slug=str(name_or_id))
    try:
        import uuid

        condition |= Q(uuid=uuid.UUID(str(name_or_id)))
    except ValueError:
        pass
    dataset = qs.filter(condition).first()
    if dataset is None:
        raise NotFound("Not found")
    return dataset


def package_show(params, base):
    """Return the metadata of a dataset (package) and its resources.

    :param id: the id or name of the dataset
    """
    return package_dict(_get_package(params), base)


def package_search(params, base):
    """Searches for packages satisfying a given search criteria.

    :param q: the search query (default ``*:*``)
    :param fq: filter query, e.g. ``organization:sgdi tags:transporte res_format:CSV
        metadata_modified:[2024-01-01T00:00:00Z TO *]``
    :param facet.field: the fields to facet upon (a JSON list)
    :param facet.limit: the maximum number of values per facet (default 50)
    :param rows: the maximum number of matching rows to return (max 1000)
    :param start: the offset in the complete result for where the set of returned
        datasets should begin
    :param sort: e.g. ``metadata_modified desc`` or ``id asc`` (default
        ``score desc, metadata_modified desc``)
    """
    rows = min(_int(params, "rows", 10), ROWS_MAX)
    start = _int(params, "start", 0)
    q = _text(params, "q").strip()
    fq = _text(params, "fq")
    fq_list = _list(params, "fq_list")
    sort = _text(params, "sort").strip() or "score desc, metadata_modified desc"
    qs, terms = _search_matches(q, [fq, *fq_list])
    ordered_ids, count = _search_page(
        qs, _order(sort, bool(terms)), start=start, rows=rows
    )
    ids = qs.order_by().values("id")
    results = cached_package_dicts(ordered_ids, base)

    # q, fq and fq_list determine the matching set.
    facets, search_facets = _search_facets(
        params, ids, facet_key=["package_search", q, fq, fq_list]
    )
    return {
        "count": count,
        "sort": sort,
        "facets": facets,
        "search_facets": search_facets,
        "results": results,
    }


def _search_matches(
    q: str, filter_queries: list[str]
) -> tuple[QuerySet[Dataset], list[str]]:
    """The published datasets matching `q` and every filter query, and `q`'s terms;
    ranked against the terms on PostgreSQL."""
    qs = Dataset.objects.filter(state=Dataset.State.PUBLISHED)
    q_condition, terms = _query(q)
    for text in (q_condition, *(_query(f)[0] for f in filter_queries)):
        if text is not None:
            qs = qs.filter(text)
    if terms and settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchRank

        from openlima.search import spanish_query

        qs = qs.annotate(
            rank=SearchRank(F("search_vector"), spanish_query(" ".join(terms)[:200]))
        )
    return qs, terms


def _search_page(
    qs: QuerySet[Dataset], order: list[str], *, start: int, rows: int
) -> tuple[list[int], int]:
    """The ids of the page's datasets, in order, and the number of matches."""
    # The page's ids and the total in one query (a window count over the matches);
    # a separate COUNT only when the page is empty (rows=0 or past the end).
    page = (
        list(
            qs.order_by(*order)
            .annotate(total=Window(Count("id")))
            .values_list("id", "total")[start : start + rows]
        )
        if rows
        else []
    )
    ordered_ids = [pk for pk, _total in page]
    count = page[0][1] if page else qs.count()
    return ordered_ids, count


def _search_facets(params, ids, *, facet_key: list) -> tuple[dict, dict]:
    """package_search's `facets` and `search_facets` for the requested `facet.field`s
    over the matching `ids`: every facet in one grouped query
    (opendata.selectors.facet_counts), cached under `facet_key`."""
    facet_fields = [f for f in _list(params, "facet.field") if f in FACET_FIELDS]
    facet_limit = _int(params, "facet.limit", 50, minimum=-1)
    facet_mincount = _int(params, "facet.mincount", 1)
    facets, search_facets = {}, {}
    all_facets = cached_facets(facet_fields, ids, key=facet_key, limit=facet_limit)
    for field in facet_fields:
        rename = ckan_license_id if field == "license_id" else str
        items = [
            {
                "name": rename(r["facet_name"]),
                "display_name": rename(r["facet_label"]),
                "count": r["count"],
            }
            for r in all_facets[field]
            if r["count"] >= facet_mincount and r["facet_name"] not in ("", None)
        ]
        facets[field] = {i["name"]: i["count"] for i in items}
        search_facets[field] = {"title": field, "items": items}
    return facets, search_facets


def resource_show(params, base):
    """Return the metadata of a resource.

    :param id: the id of the resource
    """
    import uuid as uuidlib

    rid = _text(params, "id")
    if not rid:
        raise ValidationError(None, {"id": ["Missing value"]})
    try:
        rid = uuidlib.UUID(rid)
    except ValueError:
        raise NotFound("Resource was not found.") from None
    resource = (
        Resource.objects.filter(uuid=rid, dataset__state=Dataset.State.PUBLISHED)
        .only("dataset_id")
        .first()
    )
    if resource is None:
        raise NotFound("Resource was not found.")
    (package,) = package_dicts([resource.dataset_id], base)
    for item in package["resources"]:
        if item["id"] == str(rid):
            return item
    raise NotFound("Resource was not found.")  # pragma: no cover


def resource_view_list(params, base):
    """Return the list of resource views for a particular resource (none here: the
    portal shows its own preview).

    :param id: the id of the resource
    """
    resource_show(params, base)
    return []


def current_package_list_with_resources(params, base):
    """Return a list of the site's datasets and their resources, most recently
    modified first.

    :param limit: if given, the list of datasets will be broken into pages of at most
        ``limit`` datasets per page
    :param offset: when ``limit`` is given, the offset to start returning packages from
    """
    limit = min(_int(params, "limit", ROWS_MAX), ROWS_MAX)
    offset = _int(params, "offset", 0)
    ids = (
        Dataset.objects.filter(state=Dataset.State.PUBLISHED)
        .order_by("-modified_at", "id")
        .values_list("id", flat=True)[offset : offset + limit]
    )
    return package_dicts(list(ids), base)


def package_autocomplete(params, base):
    """Return a list of datasets that match a string (name or title).

    :param q: the string to search for
    :param limit: the maximum number of datasets to return (default 10)
    """
    q = _text(params, "q").strip()
    limit = min(_int(params, "limit", 10), 100)
    if not q:
        return []
    rows = (
        Dataset.objects.filter(state=Dataset.State.PUBLISHED)
        .filter(Q(slug__icontains=q) | Q(title__icontains=q))
        .order_by("slug")
        .values("slug", "title")[:limit]
    )
    results = []
    for row in rows:
        match_field = "name" if q.lower() in row["slug"].lower() else "title"
        results.append(
            {
                "name": row["slug"],
                "title": row["title"],
                "match_field": match_field,
                "match_displayed": row[
                    match_field if match_field == "title" else "slug"
                ],
            }
        )
    return results


def recently_changed_packages_activity_list(params, base):
    """Return the activity stream of recently changed datasets (creation or update,
    newest first; CKAN 2.10's activity shape with the package in ``data``).

    :param limit: the maximum number of activities to return (default 31, max 100)
    :param offset: where to start
    """
    limit = min(_int(params, "limit", 31), 100)
    offset = _int(params, "offset", 0)
    ids = list(
        Dataset.objects.filter(state=Dataset.State.PUBLISHED)
        .order_by("-modified_at", "id")
        .values_list("id", flat=True)[offset : offset + limit]
    )
    activities = []
    for package in package_dicts(ids, base):
        new = package["metadata_created"] == package["metadata_modified"]
        activities.append(
            {
                "id": hashlib.sha1(  # noqa: S324 (an identifier, not security)
                    f"{package['id']}{package['metadata_modified']}".encode()
                ).hexdigest(),
                "timestamp": package["metadata_modified"],
                "user_id": None,
                "object_id": package["id"],
                "activity_type": "new package" if new else "changed package",
                "data": {"package": package},
            }
        )
    return activities
