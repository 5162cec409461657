"""Every read and permission check of the core, and the portal-wide reads that gather
every app's providers (site search, home page indicators)."""

import datetime as dt
import logging

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from . import city, registry, roles
from .models import District, IndicatorSnapshot, JobHeartbeat, OrgUnit

logger = logging.getLogger(__name__)


def user_has_role(*, user, role: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(name=role).exists()


def user_has_totp(*, user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


def session_passed_mfa(*, request) -> bool:
    """Whether this session's login included a second factor (allauth records it).

    allauth binds its record of authentication steps to the user they were taken for and
    returns nothing unless asked for that same user."""
    from allauth.account.authentication import get_authentication_records

    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def staff_with_2fa(*, request) -> bool:
    """Staff areas need: an active staff account, TOTP set up, and this session's login
    completed with it."""
    user = request.user
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user_has_totp(user=user)
        and session_passed_mfa(request=request)
    )


def access_staff_area(*, request) -> None:
    """Raise PermissionDenied unless the request may enter a staff area."""
    if not staff_with_2fa(request=request):
        raise PermissionDenied


def absolute_url(path: str = "") -> str:
    """`path` on the portal's public address (SITE_URL), for links in e-mails and feeds."""
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path


def district_list():
    return District.objects.order_by("name")


def org_unit_list(*, active_only: bool = True):
    qs = OrgUnit.objects.order_by("name")
    return qs.filter(is_active=True) if active_only else qs


def org_unit_get_integrity():
    return OrgUnit.objects.filter(
        slug=roles.role_unit_slug(roles.INTEGRITY_MEMBER)
    ).first()


def user_public_label(*, user) -> str:
    """How a citizen appears next to a contribution (public profiles are opt-in, docs/architecture.md)."""
    from django.utils.translation import gettext as _

    if user is None or user.deleted_at:
        return _("cuenta eliminada")
    if user.public_profile and user.display_name:
        return user.display_name
    if user.district_id:
        return _("Vecino/a de %(district)s") % {"district": user.district.name}
    return city.text("citizen_label")  # "Vecino/a de Lima" (docs/city-profile.md)


def user_personal_data(*, user) -> dict:
    """ARCO access right: everything the core keeps about one person, as a dict."""
    from allauth.account.models import EmailAddress

    return {
        "email": user.email,
        "display_name": user.display_name,
        "district": user.district.name if user.district_id else None,
        "public_profile": user.public_profile,
        "is_verified_resident": user.is_verified_resident,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "privacy_accepted_at": user.privacy_accepted_at.isoformat()
        if user.privacy_accepted_at
        else None,
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values(
                "email", "verified", "primary"
            )
        ),
        "two_factor": user_has_totp(user=user),
        "apps": user_personal_data_by_app(user=user),
    }


def user_personal_data_by_app(*, user) -> dict:
    """Every installed app's `personal_data:<app>` section, keyed by app label."""
    from . import registry

    return {
        label: func(user=user)
        for label, func in registry.providers("personal_data:").items()
    }


def user_personal_data_sections(*, data: dict) -> list[dict]:
    """The account page's readable summary: one section per app (title, summary rows)."""
    from django.apps import apps

    sections = []
    for label, section in data.get("apps", {}).items():
        config = apps.get_app_config(label) if apps.is_installed(label) else None
        sections.append(
            {
                "label": label,
                "title": str(config.verbose_name) if config else label,
                "rows": [(str(k), v) for k, v in section.get("summary", [])],
            }
        )
    return sections


def heartbeat_last_run(*, name: str):
    """When the job `name` last recorded a heartbeat (None if never)."""
    return (
        JobHeartbeat.objects.filter(name=name)
        .values_list("last_run_at", flat=True)
        .first()
    )


# --- Staff: where each role's work is (issue 12, docs/journeys.md) ----------------------
def staff_landing_url(*, user) -> str:
    """Where a staff member lands after login: the list their work is in (the first role
    that applies, in this order); the /gestion/ dashboard otherwise."""
    from django.urls import NoReverseMatch, reverse
    from django.utils.http import urlencode

    def admin_list(name: str, **params) -> str:
        url = reverse(f"admin:{name}_changelist")
        return f"{url}?{urlencode(params)}" if params else url

    unit_id = getattr(user, "org_unit_id", None)
    landings = [
        (roles.OGP_COORDINATOR, lambda: reverse("admin:index")),
        (roles.INTEGRITY_MEMBER, lambda: reverse("complaints:workspace")),
        (
            roles.UNIT_EDITOR,
            lambda: admin_list(
                "commitments_commitment",
                **({"responsible_units__id__exact": unit_id} if unit_id else {}),
            ),
        ),
        (
            roles.DATA_PUBLISHER,
            lambda: admin_list(
                "opendata_dataset",
                **({"publisher__id__exact": unit_id} if unit_id else {}),
            ),
        ),
        (
            roles.RESIDENT_REGISTRAR,
            lambda: admin_list("budgets_residentverification", status__exact="pending"),
        ),
        (
            roles.MODERATOR,
            lambda: admin_list("participation_comment", senalados="1"),
        ),
    ]
    names = set(user.groups.values_list("name", flat=True))
    for role, url in landings:
        if role in names:
            try:
                return url()
            except NoReverseMatch:  # that app is not installed
                continue
    return reverse("admin:index")


def staff_tasks(*, user) -> list[dict]:
    """What is due for `user`, from every app's `staff_tasks:<app>` provider: rows with
    ``label``, ``count`` and ``url`` (only the rows the user may act on)."""
    import logging

    from . import registry

    rows = []
    for name, func in registry.providers("staff_tasks:").items():
        try:
            rows.extend(func(user=user))
        except Exception:  # one app's failure must not break the dashboard
            logging.getLogger(__name__).exception(
                "staff_tasks provider %s failed", name
            )
    return rows


# --- Site search (every app's "search:" providers) -------------------------------------


def search_everything(*, query: str, limit: int = 50) -> list[dict]:
    """Results of every `search:` provider merged and ranked, best first."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    results: list[dict] = []
    for name, func in registry.providers("search:").items():
        try:
            results.extend(func(query=query, limit=limit))
        except Exception:  # an app's failure must not break site search
            logger.exception("search provider %s failed", name)
    results.sort(key=lambda r: -float(r.get("rank") or 0))
    return results[:limit]


# --- Home page (every app's "home_card:", "indicators:", "home_charts:") --------------


def home_cards() -> list[dict]:
    """The parts of the portal on the home page: each installed app's card, in order."""
    cards = [func() for func in registry.providers("home_card:").values()]
    return sorted(cards, key=lambda card: (card["order"], card["title"]))


INDICATORS_TIMEOUT = 15 * 60


def home_indicator_blocks() -> dict[str, list[dict]]:
    """Every app's `home_indicators:` blocks by place ("figures", "charts"), each place
    in order: the home page only places them (templates/openlima/home_indicators.html)."""
    blocks: dict[str, list[dict]] = {"figures": [], "charts": []}
    for app, func in registry.providers("home_indicators:").items():
        for block in func():
            blocks[block["place"]].append({**block, "app": app})
    for place in blocks.values():
        place.sort(key=lambda block: (block["order"], block["app"]))
    return blocks


def indicator_apps() -> tuple[str, ...]:
    """The apps whose figures the home page shows: those with a `home_indicators:` block
    (the feedback rating is the core's own, docs/feedback.md)."""
    return tuple(registry.providers("home_indicators:"))


# The snapshot's shape: raise it whenever the keys the templates read change, so that a
# snapshot made by an older release (a stored row, a cached copy) counts as absent and is
# computed again instead of being shown without its charts after a deploy.
INDICATORS_SHAPE = 2  # 2: each app's charts under its own figures (home_charts:)


def _indicators_key() -> str:
    language = translation.get_language() or "es"
    return f"openlima:home_indicators:{INDICATORS_SHAPE}:{language}"


def _current(data) -> dict | None:
    """`data` if it is a snapshot of the current shape, None otherwise."""
    if isinstance(data, dict) and data.get("shape") == INDICATORS_SHAPE:
        return data
    return None


def _app_charts(app: str, func, figures: dict) -> dict:
    """The app's `home_charts:` drawn from its figures ({} when the provider fails);
    a chart named as one of the figures is left out, the figures stay as they are."""
    try:
        charts = func(figures=figures)
    except Exception:  # one app's charts must not break the home page
        logger.exception("home charts provider %s failed", app)
        return {}
    clashes = sorted(set(charts) & set(figures))
    if clashes:
        logger.error("home charts of %s named as figures: %s", app, clashes)
    return {name: chart for name, chart in charts.items() if name not in figures}


def indicators_compute() -> dict:
    """Fresh figures for the home page (providers that are absent or fail are None),
    each app's charts added to its own figures."""
    data: dict = {"shape": INDICATORS_SHAPE, "computed_at": timezone.now().isoformat()}
    data.update(dict.fromkeys(indicator_apps()))
    for key, func in registry.providers("indicators:").items():
        if key not in data:
            continue
        try:
            data[key] = func()
        except Exception:
            logger.exception("indicator provider %s failed", key)
    for app, func in registry.providers("home_charts:").items():
        if data.get(app):
            data[app] = {**data[app], **_app_charts(app, func, data[app])}
    return data


# The last snapshot is also kept without expiry: when the fresh one has expired (beat
# late or stopped), a visitor gets the last one while a single request recomputes it.
INDICATORS_LAST_MAX_AGE = 60 * 60  # older than this: recompute before answering
INDICATORS_LOCK_SECONDS = 60


def indicators_refresh() -> dict:
    data = indicators_compute()
    key = _indicators_key()
    cache.set(key, data, INDICATORS_TIMEOUT)
    cache.set(f"{key}:last", data, None)
    return data


def _age_seconds(data) -> float:
    try:
        computed = dt.datetime.fromisoformat(data["computed_at"])
    except (KeyError, TypeError, ValueError):
        return float("inf")
    return (timezone.now() - computed).total_seconds()


def _indicators_stored() -> dict | None:
    language = (translation.get_language() or "es").split("-")[0]
    row = (
        IndicatorSnapshot.objects.filter(language=language)
        .values_list("data", flat=True)
        .first()
    )
    return _current(row)


def home_indicators() -> dict:
    """A cached snapshot (refreshed every 5 minutes by `indicators_refresh`). When it
    has expired, one request recomputes it (a cache lock) and the others meanwhile get
    the last snapshot, if it is less than an hour old (docs/performance.md)."""
    key = _indicators_key()
    found = cache.get_many([key, f"{key}:last"])
    data = _current(found.get(key))
    if data is not None:
        return data
    last = _current(found.get(f"{key}:last"))
    if last is None:  # an empty cache: the job's snapshot in the database, one query
        last = _indicators_stored()
        if last is not None and _age_seconds(last) < INDICATORS_TIMEOUT:
            cache.set(key, last, INDICATORS_TIMEOUT - int(_age_seconds(last)))
            cache.set(f"{key}:last", last, None)
            return last
    recent = last is not None and _age_seconds(last) < INDICATORS_LAST_MAX_AGE
    if cache.add(f"{key}:lock", 1, INDICATORS_LOCK_SECONDS):
        try:
            return indicators_refresh()
        finally:
            cache.delete(f"{key}:lock")
    if recent and last is not None:
        return last
    return indicators_refresh()
