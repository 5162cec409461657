"""Access-to-information pages: thin views over selectors and services. No JavaScript
needed. Modules: public (public and requester pages), workspace (officer and units)."""

from .public import *  # noqa: F403
from .workspace import *  # noqa: F403
