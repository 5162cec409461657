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
    errors.extend(_hook_errors())
    return errors


def _hook_errors() -> list[checks.CheckMessage]:
    """Publishers and demo loaders whose signature differs from their contract."""
    errors: list[checks.CheckMessage] = []
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


def _model_permissions(app_label: str) -> set[str]:
    """Codenames of the permissions Django creates for the app's models (the default
    add/change/delete/view ones and each model's `Meta.permissions`)."""
    codenames: set[str] = set()
    for model in apps.get_app_config(app_label).get_models():
        opts = model._meta
        codenames.update(
            f"{action}_{opts.model_name}" for action in opts.default_permissions
        )
        codenames.update(codename for codename, _name in opts.permissions)
    return codenames


def role_permission_problems(declared: dict[str, list[str]]) -> list[str]:
    """What is wrong with one app's `role_permissions:` declaration: a role that is not a
    role group of `openlima.roles`, or a permission no installed model defines."""
    from . import roles

    labels = {c.label for c in apps.get_app_configs()}
    problems = []
    for role, specs in declared.items():
        if role not in roles.ALL_ROLES:
            problems.append(f"{role!r} is not a role (openlima.roles.ALL_ROLES)")
        for spec in specs:
            app_label, _dot, codename = spec.partition(".")
            if app_label not in labels:
                problems.append(f"{spec!r}: no installed app {app_label!r}")
            elif codename != "*" and codename not in _model_permissions(app_label):
                problems.append(f"{spec!r}: no such permission")
    return problems


@checks.register()
def role_permissions_exist(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every role and permission an app declares for its roles exists (a renamed model
    would otherwise silently leave a role without its admin pages)."""
    errors: list[checks.CheckMessage] = []
    for app, func in registry.providers("role_permissions:").items():
        for problem in role_permission_problems(func()):
            errors.append(
                checks.Error(
                    f"role_permissions:{app}: {problem}",
                    obj=func,
                    id="openlima.E024",
                )
            )
    return errors


def home_indicator_problems(app: str, blocks: list[dict[str, Any]]) -> list[str]:
    """What is wrong with one app's `home_indicators:` blocks: a place the home page does
    not have, a template that cannot be loaded, or no `indicators:` figures to show."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    problems = []
    if registry.provider(f"indicators:{app}") is None:
        problems.append(f"no provider 'indicators:{app}' gives it figures")
    for block in blocks:
        if set(block) != set(registry.HomeIndicatorBlock.__annotations__):
            problems.append(f"{block!r} is not a HomeIndicatorBlock")
            continue
        if block["place"] not in ("figures", "charts"):
            problems.append(f"{block['place']!r} is not a place of the home page")
        try:
            get_template(block["template"])
        except TemplateDoesNotExist:
            problems.append(f"no template {block['template']!r}")
    return problems


@checks.register()
def home_indicator_blocks_exist(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every app's home indicator blocks can be shown (a renamed template would otherwise
    break the home page only when it is rendered)."""
    return [
        checks.Error(f"home_indicators:{app}: {problem}", obj=func, id="openlima.E025")
        for app, func in registry.providers("home_indicators:").items()
        for problem in home_indicator_problems(app, func())
    ]


def home_chart_problems(app: str) -> list[str]:
    """What is wrong with one app's `home_charts:` provider: no `indicators:` figures to
    draw them from, or no `home_indicators:` block to show them (the core asks for the
    charts only of an app whose figures the home page shows)."""
    problems = []
    if registry.provider(f"indicators:{app}") is None:
        problems.append(f"no provider 'indicators:{app}' gives it figures")
    if registry.provider(f"home_indicators:{app}") is None:
        problems.append(f"no provider 'home_indicators:{app}' shows them")
    return problems


@checks.register()
def home_charts_have_figures(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every app's home charts are drawn and shown (without its figures or its blocks
    the core would never ask for them)."""
    return [
        checks.Error(f"home_charts:{app}: {problem}", obj=func, id="openlima.E026")
        for app, func in registry.providers("home_charts:").items()
        for problem in home_chart_problems(app)
    ]


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
