"""What every worker would otherwise do on its first requests, done once before the
workers start (docs/performance.md, "A worker's life").

gunicorn preloads the portal in its master and forks the workers from it, and recycles a
worker after `max_requests`. A new worker still imported every URLconf and view module
(the URL resolver is built on the first request), loaded each language's translation
catalogues and compiled each template the first time it was rendered: about 0.6 s of CPU
on its first request, paid again by every recycled worker, and a slow answer for the
visitor who got that request. `warm_up()` does that work in the master, so each fork
inherits it.

Nothing here opens a database or cache connection (the master closes its connections
before each fork anyway: openlima.gunicorn_hooks.pre_fork).
"""

import logging
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")


def warm_up() -> dict[str, float | int]:
    """Build the URL resolver for every language, load every translation catalogue and
    compile the portal's own templates. Returns what it did, for the log."""
    started = time.process_time()
    languages = templates = broken = 0
    try:
        languages = _urls_and_translations()
        templates, broken = _templates()
    except Exception:  # the server starts anyway: each worker then warms on first use
        log.warning("warm-up stopped half way", exc_info=True)
    took = time.process_time() - started
    log.info(
        "warm-up: %d languages, %d templates (%d not compiled) in %.2f s of CPU",
        languages,
        templates,
        broken,
        took,
    )
    return {
        "languages": languages,
        "templates": templates,
        "broken": broken,
        "cpu_s": took,
    }


def _urls_and_translations() -> int:
    from django.conf import global_settings, settings
    from django.urls import get_resolver
    from django.utils import translation

    # The project's languages (Django's default list of a hundred only when the
    # project names none: then its LANGUAGE_CODE alone).
    codes = [settings.LANGUAGE_CODE]
    if settings.LANGUAGES != global_settings.LANGUAGES:
        codes = [code for code, _name in settings.LANGUAGES]
    resolver = get_resolver()
    for code in codes:
        # Activating a language loads its catalogues; the resolver keeps one reverse
        # table per language (i18n_patterns), built on first use.
        with translation.override(code):
            resolver._populate()
    return len(codes)


def _template_names(folder: Path) -> list[str]:
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
    )


def _portal_template_folders() -> list[Path]:
    """The project's `templates/` and the templates of the portal's own apps (not those
    of Django's or third parties' apps: the admin's many templates are compiled on use)."""
    from django.apps import apps
    from django.conf import settings

    from openlima.pagecache import project_apps

    engines: list[dict[str, Any]] = settings.TEMPLATES
    folders = [Path(d) for engine in engines for d in engine.get("DIRS", [])]
    folders += [
        Path(apps.get_app_config(label).path) / "templates" for label in project_apps()
    ]
    return [f for f in folders if f.is_dir()]


def _templates() -> tuple[int, int]:
    """Compile each template through the engine's loaders, so the cached loader keeps
    it. A template that does not compile is left for its first use to report, as
    before; it never stops the server from starting."""
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines

    compiled = broken = 0
    names = [
        n for folder in _portal_template_folders() for n in _template_names(folder)
    ]
    for engine in engines.all():
        for name in names:
            try:
                engine.get_template(name)
                compiled += 1
            except (TemplateDoesNotExist, TemplateSyntaxError):
                broken += 1
                log.warning("warm-up: template %s did not compile", name, exc_info=True)
    return compiled, broken
