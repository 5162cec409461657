"""Hooks through which the domain apps plug into shared features without importing each other.

DESIGN.md: the domain apps import `openlima`, never each other. Each app registers its
functions in its `AppConfig.ready()`; whoever needs them asks the registry by name:

    from openlima import registry
    registry.register_publisher("commitments", services.progress_update_publish_due)
    registry.register_demo_loader("commitments", demo.load, order=10)
    registry.register_provider("search:commitments", selectors.site_search)

Named providers (the contract between the apps; `registry.provider(name)` returns None when
the app providing it is not installed, and callers degrade gracefully):

- ``search:<app>`` -> ``func(*, query: str, limit: int) -> list[dict]`` with keys
  ``kind`` (str code), ``kind_label`` (translated), ``title``, ``summary``, ``url``, ``rank`` (float).
- ``dataset:<slug>`` -> ``func() -> dict`` with keys ``title``, ``description``,
  ``publisher_slug`` (OrgUnit slug), ``tags`` (list), ``columns`` (list of column names) and
  ``rows`` (list of dicts, JSON-serialisable): a platform dataset regenerated nightly.
- ``indicators:<app>`` -> ``func() -> dict`` of aggregate figures for the home page
  (see each app's selectors for the keys).
- ``commitments.summary`` -> ``func(*, commitment_id: int) -> dict | None`` with keys ``id``,
  ``title``, ``url``, ``plan_title``, ``progress`` (0-100), ``status``, ``status_label``.
- ``commitments.choices`` -> ``func() -> list[tuple[int, str]]`` commitments to link to.
- ``commitments.track_project`` -> ``func(*, plan_title, plan_slug, commitment_title,
  unit_id, milestone_title, description, due_on) -> dict`` creates (idempotently) a
  commitment and a milestone to follow a winning budget project; returns ``commitment_id``,
  ``milestone_id``, ``url``.
- ``staff_tasks:<app>`` -> ``func(*, user) -> list[dict]`` with keys ``label`` (translated),
  ``count`` (int) and ``url``: what is due for this staff member in that app (only what
  they may act on; [] otherwise), shown on the /gestion/ dashboard. A fixed number of queries.
- ``personal_data:<app>`` -> ``func(*, user) -> dict`` (ARCO access, Ley 29733): everything
  that app keeps about the person, JSON-serialisable (no secrets: never a DNI, a hash of it,
  a key or a token). It must hold ``summary``: a list of ``[label, value]`` pairs (label
  translated, value a number or short text) shown on the account page; every other key is
  the full data, included in the JSON download. A fixed number of queries, however many
  rows. Only the person's own data, never another person's.
- ``erase_personal_data:<app>`` -> ``func(*, user) -> None`` (ARCO cancellation), called by
  ``openlima.services.user_delete_account`` inside its transaction, before the account is
  anonymised (``user.email`` and its ``EmailAddress`` rows are still there): remove what is
  personal and not a public contribution (follows, subscriptions, notification settings,
  registrations, pending verifications...) and keep public contributions (proposals,
  comments, supports, ballots) attached to the user, whose label becomes "cuenta
  eliminada", so counts and results stay right. May raise ``ApplicationError`` to refuse
  the deletion (everything is rolled back and the person sees the message).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Hook:
    name: str
    func: Callable
    order: int


_publishers: dict[str, _Hook] = {}
_demo_loaders: dict[str, _Hook] = {}
_providers: dict[str, Callable] = {}


def register_publisher(name: str, func: Callable, *, order: int = 50) -> None:
    """`func(*, now)` makes whatever is due at `now` public and returns a count or summary."""
    _publishers[name] = _Hook(name, func, order)


def register_demo_loader(name: str, func: Callable, *, order: int = 50) -> None:
    """`func(*, stdout)` loads demo data idempotently (run by `manage.py load_demo`)."""
    _demo_loaders[name] = _Hook(name, func, order)


def register_provider(name: str, func: Callable) -> None:
    _providers[name] = func


def provider(name: str) -> Callable | None:
    return _providers.get(name)


def providers(prefix: str) -> dict[str, Callable]:
    """All providers whose name starts with `prefix` (e.g. "search:"), keyed by the rest."""
    return {
        k[len(prefix) :]: v
        for k, v in sorted(_providers.items())
        if k.startswith(prefix)
    }


def publishers() -> list[_Hook]:
    return sorted(_publishers.values(), key=lambda h: (h.order, h.name))


def demo_loaders() -> list[_Hook]:
    return sorted(_demo_loaders.values(), key=lambda h: (h.order, h.name))
