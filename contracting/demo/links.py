"""The records of other apps Lima's demo links to (the plan's commitment and milestone, a
Lima Activa proposal), found through openlima.registry: apps never import each other."""

import re

from openlima import registry


def _commitment_id():
    choices = registry.provider("commitments.choices")
    if not choices:
        return None
    options = choices()
    for cid, title in options:
        if "open lima" in str(title).lower():
            return cid
    return options[0][0] if options else None


def _milestone_id():
    """A milestone of the plan's "Open Lima" commitment (the platform's development),
    found through the `commitments.milestone_choices` contract."""
    choices = registry.provider("commitments.milestone_choices")
    if not choices:
        return None
    options = [(mid, str(label)) for mid, label in choices()]
    for mid, label in options:
        if "open lima" in label.lower() and "desarrollo" in label.lower():
            return mid
    for mid, label in options:
        if "open lima" in label.lower():
            return mid
    return None


def _proposal_id():
    """The Lima Activa demo proposal asking to publish tenders at their first stage,
    found through the site-search contract (apps never import each other)."""
    search = registry.provider("search:participation")
    if not search:
        return None
    for hit in search(query="Publicar las licitaciones en su primera etapa", limit=5):
        match = re.search(r"/propuestas/(\d+)/", hit.get("url") or "")
        if match:
            return int(match.group(1))
    return None
