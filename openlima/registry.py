"""Hooks through which the domain apps plug into shared jobs without the core importing them.

Each app registers its functions in its `AppConfig.ready()`:

    from openlima.registry import register_publisher, register_demo_loader
    register_publisher("commitments", services.progress_update_publish_due)
    register_demo_loader("commitments", services.demo_load, order=10)
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


def register_publisher(name: str, func: Callable, *, order: int = 50) -> None:
    """`func(*, now)` makes whatever is due at `now` public and returns a count or summary."""
    _publishers[name] = _Hook(name, func, order)


def register_demo_loader(name: str, func: Callable, *, order: int = 50) -> None:
    """`func(*, stdout)` loads demo data idempotently (run by `manage.py load_demo`)."""
    _demo_loaders[name] = _Hook(name, func, order)


def publishers() -> list[_Hook]:
    return sorted(_publishers.values(), key=lambda h: (h.order, h.name))


def demo_loaders() -> list[_Hook]:
    return sorted(_demo_loaders.values(), key=lambda h: (h.order, h.name))
