"""Actions on organizations, groups, tags, licences and the site."""

from django.conf import settings
from django.db.models import Count, Q

from openlima import city
from openlima.models import OrgUnit

from ..models import (
    CKAN_LICENSES,
    LICENSE_URLS,
    Dataset,
    Tag,
    Topic,
)
from .errors import NotFound, ValidationError
from .params import CKAN_VERSION, _bool, _int, _list, _text
from .serialisers import group_dict, organization_dict, package_dicts


def _org_qs():
    return OrgUnit.objects.filter(is_active=True).annotate(
        package_count=Count(
            "datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED)
        )
    )


def organization_list(params, base):
    """Return a list of the names of the site's organizations.

    :param all_fields: return group dictionaries instead of just names (default False)
    :param sort: ``name asc`` (default), ``title asc`` or ``package_count desc``
    :param limit: the maximum number of organizations returned
    :param offset: when ``limit`` is given, the offset to start returning organizations
    :param organizations: a list of names of the organizations to return, if given
    """
    return _group_like_list(
        params,
        _org_qs(),
        organization_dict,
        name_field="slug",
        title_field="name",
        filter_key="organizations",
    )


def _group_like_list(params, qs, to_dict, *, name_field, title_field, filter_key):
    sort = _text(params, "sort").split() or ["name", "asc"]
    if len(sort) > 2 or (len(sort) == 2 and sort[1].lower() not in ("asc", "desc")):
        raise ValidationError(None, {"sort": ["Invalid sort"]})
    field = {
        "name": name_field,
        "title": title_field,
        "package_count": "package_count",
    }.get(sort[0], name_field)
    desc = len(sort) > 1 and sort[1].lower() == "desc"
    qs = qs.order_by(f"-{field}" if desc else field, "pk")
    names = _list(params, filter_key)
    if names:
        qs = qs.filter(**{f"{name_field}__in": names})
    offset = _int(params, "offset", 0)
    limit = min(_int(params, "limit", 1000), 1000)
    qs = qs[offset : offset + limit]
    if _bool(params, "all_fields"):
        return [to_dict(o, package_count=o.package_count) for o in qs]
    return [getattr(o, name_field) for o in qs]


def organization_show(params, base):
    """Return the details of an organization.

    :param id: the id or name of the organization
    :param include_datasets: include a truncated list of the organization's datasets
    """
    name = _text(params, "id")
    if not name:
        raise ValidationError(None, {"id": ["Missing value"]})
    org = _org_qs().filter(slug=name).first()
    if org is None:
        raise NotFound("Organization was not found.")
    data = organization_dict(org, package_count=org.package_count)
    data["users"] = []
    data["extras"] = []
    data["tags"] = []
    data["groups"] = []
    if _bool(params, "include_datasets"):
        data["packages"] = _packages_where(base, publisher=org)
    return data


def group_list(params, base):
    """Return a list of the names of the site's groups (the catalogue's topics).

    :param all_fields: return group dictionaries instead of just names (default False)
    :param sort: ``name asc`` (default), ``title asc`` or ``package_count desc``
    """
    qs = Topic.objects.annotate(
        package_count=Count(
            "datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED)
        )
    )
    return _group_like_list(
        params,
        qs,
        group_dict,
        name_field="slug",
        title_field="name",
        filter_key="groups",
    )


def tag_list(params, base):
    """Return a list of the site's tags.

    :param query: a tag name query to search for, if given only tags whose names contain
        this string will be returned
    :param all_fields: return full tag dictionaries instead of just names
    """
    qs = (
        Tag.objects.filter(datasets__state=Dataset.State.PUBLISHED)
        .distinct()
        .order_by("name")
    )
    query = _text(params, "query") or _text(params, "q")
    if query:
        qs = qs.filter(name__icontains=query)
    if _bool(params, "all_fields"):
        return [
            {
                "id": str(t.pk),
                "name": t.name,
                "display_name": t.name,
                "vocabulary_id": None,
            }
            for t in qs
        ]
    return list(qs.values_list("name", flat=True))


def status_show(params, base):
    """Return a dictionary with information about the site's configuration."""
    return {
        "site_title": city.text("portal_name", "es"),
        "site_description": "Portal de datos abiertos: "
        + settings.OPENLIMA["MUNICIPALITY_NAME"],
        "site_url": base,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": ["openlima"],
    }


def help_show(params, base):
    """Return the help string for a particular API action.

    :param name: action function name (eg `package_search`)
    """
    name = _text(params, "name")
    if not name:
        raise ValidationError(None, {"name": ["Missing value"]})
    from .dispatch import ACTIONS  # the table lists this module's actions

    func = ACTIONS.get(name)
    if func is None:
        raise NotFound(f"Action function not found: {name}")
    return func.__doc__


def _topic_qs():
    return Topic.objects.annotate(
        package_count=Count(
            "datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED)
        )
    )


def group_show(params, base):
    """Return the details of a group (a topic of the catalogue).

    :param id: the id or name of the group
    :param include_datasets: include a truncated list of the group's datasets
    """
    name = _text(params, "id")
    if not name:
        raise ValidationError(None, {"id": ["Missing value"]})
    topic = _topic_qs().filter(slug=name).first()
    if topic is None:
        raise NotFound("Group not found")
    data = group_dict(topic, package_count=topic.package_count)
    data.update(users=[], extras=[], tags=[], groups=[])
    if _bool(params, "include_datasets"):
        data["packages"] = _packages_where(base, topics=topic)
    return data


def _packages_where(base, **filters) -> list[dict]:
    """`include_datasets` of organization_show, group_show and tag_show: the newest
    1,000 published datasets matching `filters`, serialised as package_show does."""
    ids = (
        Dataset.objects.filter(state=Dataset.State.PUBLISHED, **filters)
        .order_by("-modified_at", "id")
        .values_list("id", flat=True)[:1000]
    )
    return package_dicts(ids, base)


def license_list(params, base):
    """Return the list of licenses available for datasets on the site."""
    return [
        {
            "id": ckan_id,
            "title": title,
            "url": LICENSE_URLS[value],
            "status": "active",
            "maintainer": "",
            "family": "",
            "od_conformance": "approved",
            "osd_conformance": "not reviewed",
            "domain_content": True,
            "domain_data": True,
            "domain_software": False,
            "is_generic": False,
            "is_okd_compliant": True,
            "is_osi_compliant": False,
        }
        for value, (ckan_id, title) in CKAN_LICENSES.items()
    ]


def tag_show(params, base):
    """Return the details of a tag and its datasets.

    :param id: the name of the tag
    :param include_datasets: include a list of the tag's datasets (up to 1000)
    """
    name = _text(params, "id")
    if not name:
        raise ValidationError(None, {"id": ["Missing value"]})
    tag = (
        Tag.objects.filter(name=name, datasets__state=Dataset.State.PUBLISHED)
        .distinct()
        .first()
    )
    if tag is None:
        raise NotFound("Could not find tag")
    data = {
        "id": str(tag.pk),
        "name": tag.name,
        "display_name": tag.name,
        "vocabulary_id": None,
    }
    if _bool(params, "include_datasets"):
        data["packages"] = _packages_where(base, tags=tag)
    return data


def site_read(params, base):
    """Return ``True``: the site is readable."""
    return True
