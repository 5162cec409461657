"""The read side of CKAN's Action API v3, answering as CKAN does (envelope, keys, error
types and status codes) so that CKAN clients and harvesters need no adapter.
"""

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
from .dispatch import (
    ACTIONS,
    WRITE_ACTIONS,
    call,
)
from .errors import (
    ActionError,
    NotAuthorized,
    NotFound,
    SearchQueryError,
    ValidationError,
)
from .links import (
    base_url,
    dataset_url,
    resource_url,
)
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
from .params import (
    CKAN_VERSION,
    FACET_FIELDS,
    INT_MAX,
    ROWS_MAX,
    SORT_COLUMNS,
    SORT_FIELDS,
)
from .serialisers import (
    DATASET_VALUES,
    PUBLISHER_VALUES,
    RESOURCE_VALUES,
    cached_package_dicts,
    ckan_license_id,
    group_dict,
    organization_dict,
    package_dict,
    package_dicts,
)

__all__ = [
    "ActionError",
    "NotFound",
    "ValidationError",
    "SearchQueryError",
    "NotAuthorized",
    "base_url",
    "dataset_url",
    "resource_url",
    "ROWS_MAX",
    "CKAN_VERSION",
    "INT_MAX",
    "SORT_COLUMNS",
    "SORT_FIELDS",
    "organization_dict",
    "group_dict",
    "package_dict",
    "DATASET_VALUES",
    "PUBLISHER_VALUES",
    "RESOURCE_VALUES",
    "package_dicts",
    "cached_package_dicts",
    "ckan_license_id",
    "FACET_FIELDS",
    "package_list",
    "package_show",
    "package_search",
    "resource_show",
    "resource_view_list",
    "current_package_list_with_resources",
    "package_autocomplete",
    "recently_changed_packages_activity_list",
    "organization_list",
    "organization_show",
    "group_list",
    "tag_list",
    "status_show",
    "help_show",
    "group_show",
    "license_list",
    "tag_show",
    "site_read",
    "WRITE_ACTIONS",
    "ACTIONS",
    "call",
]
