"""System checks of the contracts between apps (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks

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
