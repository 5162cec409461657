"""The action table and `call`, which runs one action by name."""

from .catalogue import (
    group_list,
    group_show,
    help_show,
    license_list,
    organization_list,
    organization_show,
    site_read,
    status_show,
    tag_list,
    tag_show,
)
from .errors import ActionError, NotAuthorized
from .packages import (
    current_package_list_with_resources,
    package_autocomplete,
    package_list,
    package_search,
    package_show,
    recently_changed_packages_activity_list,
    resource_show,
    resource_view_list,
)

# CKAN write actions a client may try: this portal's CKAN API is read-only (datasets
# are published from /gestion/), so they answer CKAN's 403, not "unknown action".
WRITE_ACTIONS = frozenset(
    f"{thing}_{verb}"
    for thing in (
        "package",
        "resource",
        "organization",
        "group",
        "tag",
        "user",
        "resource_view",
        "package_relationship",
        "member",
        "organization_member",
        "group_member",
        "datastore",
        "vocabulary",
    )
    for verb in ("create", "update", "patch", "delete", "purge")
) | {"package_revise", "package_owner_org_update", "dataset_purge", "datastore_upsert"}


ACTIONS = {
    f.__name__: f
    for f in (
        package_list,
        package_show,
        package_search,
        organization_list,
        organization_show,
        group_list,
        tag_list,
        status_show,
        help_show,
        group_show,
        resource_show,
        resource_view_list,
        current_package_list_with_resources,
        license_list,
        tag_show,
        package_autocomplete,
        site_read,
        recently_changed_packages_activity_list,
    )
}


def call(name: str, params: dict, base: str) -> tuple[int, dict]:
    """Run action `name`; return (HTTP status, CKAN envelope)."""
    help_url = f"{base}/api/3/action/help_show?name={name}"
    func = ACTIONS.get(name)
    if func is None and name in WRITE_ACTIONS:
        error = NotAuthorized(f"Access denied: Not authorized to call {name}")
        return 403, {"help": help_url, "success": False, "error": error.as_dict()}
    if func is None:
        return 400, {
            "help": help_url,
            "success": False,
            "error": {
                "__type": "Bad Request",
                "message": f"Bad request - Action name not known: {name}",
            },
        }
    try:
        result = func(params, base)
    except ActionError as exc:
        return exc.status, {"help": help_url, "success": False, "error": exc.as_dict()}
    return 200, {"help": help_url, "success": True, "result": result}
