"""System checks: the contracts between apps (docs/architecture.md) and, for deployments
(docs/operations.md, "Configure"), the refusal of the embedded default's backends, which
are for one machine only, when DEBUG is off."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.checks import Error, register

from . import registry


@checks.register()
def registry_contracts(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every app registers what its `AppConfig.provides` promises, and every registered
    provider, publisher and demo loader has the signature of its contract."""
    errors: list[checks.CheckMessage] = []
    registered = registry.registered_providers()
    for config in apps.get_app_configs():
        for name in getattr(config, "provides", ()):
            try:
                registry.contract_for(name)
            except registry.UnknownContract:
                errors.append(
                    checks.Error(
                        f"{config.label} promises {name!r}, which no contract covers",
                        hint="Declare the contract in openlima/registry.py CONTRACTS.",
                        id="openlima.E020",
                    )
                )
                continue
            if name not in registered:
                errors.append(
                    checks.Error(
                        f"{config.label} promises the provider {name!r} but does not "
                        "register it",
                        hint="Call registry.register_provider() in its ready().",
                        id="openlima.E021",
                    )
                )
    for name, func in registered.items():
        problems = registry.signature_problems(
            func, registry.contract_for(name).signature()
        )
        if problems:
            errors.append(
                checks.Error(
                    f"provider {name!r} does not match its contract: "
                    + "; ".join(problems),
                    obj=func,
                    id="openlima.E022",
                )
            )
    hooks = [
        (h, registry.PUBLISHER_SIGNATURE, "publisher") for h in registry.publishers()
    ]
    hooks += [
        (h, registry.DEMO_LOADER_SIGNATURE, "demo loader")
        for h in registry.demo_loaders()
    ]
    for hook, signature, kind in hooks:
        problems = registry.signature_problems(hook.func, signature)
        if problems:
            errors.append(
                checks.Error(
                    f"{kind} {hook.name!r} does not match its contract: "
                    + "; ".join(problems),
                    obj=hook.func,
                    id="openlima.E023",
                )
            )
    return errors


@register("backends", deploy=True)
def production_backends_check(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        errors.append(
            Error(
                "SQLite is the embedded default, not a production database.",
                hint="Set DATABASE_URL=postgres://...",
                id="openlima.E001",
            )
        )
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        errors.append(
            Error(
                "The local-memory cache is per process: limits and job locks would not "
                "hold across web and worker processes.",
                hint="Set REDIS_URL=redis://...",
                id="openlima.E002",
            )
        )
    if str(settings.CELERY_BROKER_URL).startswith(("filesystem://", "memory://")):
        errors.append(
            Error(
                "The filesystem Celery broker is the embedded default, for one machine only.",
                hint="Set REDIS_URL=redis://...",
                id="openlima.E003",
            )
        )
    return errors
