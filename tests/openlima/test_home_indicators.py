"""The home page's indicators (openlima.selectors.home_indicators and the
`home_indicators:` blocks): every app's figures, cached, refreshed by the job, degrading
without a provider (moved from tests/opendata/test_pages.py)."""

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string

from openlima import selectors as core_selectors
from tests.catalogue import seed_catalogue
from tests.opendata.factories import DatasetFactory

pytestmark = pytest.mark.django_db


COMMITMENTS = {
    "plans": 2,
    "commitments": 10,
    "milestones": 40,
    "milestones_completed": 25,
    "milestones_overdue": 1,
    "completion_summary": [
        {"level": "complete", "label": "Completo", "count": 4},
        {"level": "substantial", "label": "Sustancial", "count": 3},
        {"level": "limited", "label": "Limitado", "count": 3},
    ],
    "overdue": [
        {
            "title": "Hito atrasado",
            "commitment": "Lima transparente",
            "due_on": "2024-01-01",
            "url": "/compromisos/3/",
        }
    ],
}
COMPLAINTS = {
    "received": 120,
    "attended": 90,
    "attended_ratio": 0.75,
    "by_channel": [
        {"channel": "web", "label": "Web", "count": 100},
        {"channel": "phone", "label": "Teléfono", "count": None},
    ],
    "by_stage": [],
    "median_days_to_acknowledge": 2,
    "average_rating": 4.2,
    "ratings": 30,
    "suppressed_below": 5,
}
PARTICIPATION = {
    "proposals": 55,
    "supports": 900,
    "comments": 120,
    "participants": 310,
    "consultations": 2,
    "by_district": [
        {
            "district": "Comas",
            "ubigeo": "150110",
            "proposals": 10,
            "supports": 200,
            "comments": 5,
            "attendance": 30,
        },
        {
            "district": "Miraflores",
            "ubigeo": "150122",
            "proposals": 4,
            "supports": 50,
            "comments": 1,
            "attendance": 0,
        },
    ],
}


def render_tag():
    """The home page's indicators block, as the core's home view renders it."""
    return render_to_string(
        "openlima/home_indicators.html",
        {
            "data": core_selectors.home_indicators(),
            "blocks": core_selectors.home_indicator_blocks(),
        },
    )


def test_home_indicators_with_every_provider(fake_providers, dataset_with_file, client):
    fake_providers("indicators:commitments", lambda: COMMITMENTS)
    fake_providers("indicators:complaints", lambda: COMPLAINTS)
    fake_providers("indicators:participation", lambda: PARTICIPATION)
    # "valoración de la plataforma" comes from the "¿Le fue útil?" ratings (issue 12).
    fake_providers(
        "indicators:feedback",
        lambda: {
            "ratings": 12,
            "average": 4.2,
            "by_part": [
                {"part": "home", "label": "Inicio", "ratings": 12, "average": 4.2}
            ],
        },
    )
    client.get(
        f"/datos/poblacion-distrital/recursos/{dataset_with_file.resources.get().uuid}/descargar/"
    )
    html = render_tag()
    assert "datos publicados" in html and "datos consultados" in html
    assert "90 / 120" in html and ("4,2 / 5" in html or "4.2 / 5" in html)
    assert (
        "<svg" in html
        and "<table>" in html
        and "Teléfono" in html
        and "suprimido" in html
    )
    assert "Comas" in html and ">245<" in html  # 10 + 200 + 5 + 30
    assert "Hito atrasado" in html and "Sustancial" in html
    data = core_selectors.home_indicators()["opendata"]
    assert data["datasets_published"] == 1 and data["datasets_downloads"] == 1


def test_home_indicators_degrade_without_providers(dataset_with_file):
    from openlima import registry

    opendata = registry.provider("indicators:opendata")
    with registry.only("indicators:", {"opendata": opendata}):
        html = render_tag()
    assert "datos publicados" in html
    assert "denuncias" not in html.lower() and "<svg" not in html


def test_home_indicators_survive_a_failing_provider(fake_providers):
    fake_providers("indicators:complaints", lambda: 1 / 0)
    assert "datos publicados" in render_tag()


def test_home_indicators_are_cached_and_refreshed_by_the_job(
    fake_providers, dataset_with_file
):
    from openlima.tasks import indicators_refresh

    def published():
        return core_selectors.home_indicators()["opendata"]["datasets_published"]

    assert published() == 1
    DatasetFactory(slug="otro")
    assert published() == 1  # cached snapshot
    indicators_refresh.apply().get()
    assert published() == 2
    cache.clear()
    assert published() == 2  # computed on a miss


def test_home_page_with_indicators_query_count(
    client, fake_providers, django_assert_max_num_queries
):
    fake_providers("indicators:commitments", lambda: COMMITMENTS)
    seed_catalogue(30)
    with django_assert_max_num_queries(6):
        r = client.get("/")
    assert r.status_code == 200 and "Indicadores del plan" in r.content.decode()
    with django_assert_max_num_queries(2):  # cached: no catalogue queries at all
        client.get("/")


def test_expired_home_indicators_are_recomputed_by_one_request_only(
    dataset_with_file, django_assert_max_num_queries
):
    """Stampede on the home's data: when the fresh snapshot has expired, a request that
    finds another one recomputing gets the last snapshot (no query); with no recent
    snapshot it computes."""
    from django.core.cache import cache

    key = core_selectors._indicators_key()
    cache.delete_many([key, f"{key}:last", f"{key}:lock"])
    first = core_selectors.home_indicators()
    assert cache.get(f"{key}:last") == first
    cache.delete(key)  # the fresh copy expired
    cache.add(f"{key}:lock", 1, 60)  # someone else is recomputing
    with django_assert_max_num_queries(0):
        assert core_selectors.home_indicators() == first
    cache.delete(f"{key}:lock")
    # Nobody recomputing: this request does, and stores both copies.
    again = core_selectors.home_indicators()
    assert again["opendata"] == first["opendata"]
    assert cache.get(key) == again and cache.get(f"{key}:lock") is None
    # A last snapshot older than an hour is not served: recomputed even under a lock.
    old = {**again, "computed_at": "2000-01-01T00:00:00+00:00"}
    cache.delete(key)
    cache.set(f"{key}:last", old, None)
    cache.add(f"{key}:lock", 1, 60)
    assert core_selectors.home_indicators()["computed_at"] != old["computed_at"]
    cache.delete(f"{key}:lock")


def test_each_app_draws_its_charts_from_its_own_figures(fake_providers):
    """The core stores each app's `home_charts:` under that app's figures; the charts
    drawn from the fixed figures are the ones the home page always drew."""
    fake_providers("indicators:commitments", lambda: COMMITMENTS)
    fake_providers("indicators:complaints", lambda: COMPLAINTS)
    fake_providers("indicators:participation", lambda: PARTICIPATION)
    data = core_selectors.indicators_compute()

    def drawn(app, name):
        return [(r["label"], r["value"], r["width"]) for r in data[app][name]["rows"]]

    assert drawn("complaints", "channel_bars") == [
        ("Web", 100, 260),
        ("Teléfono", None, 0),
    ]
    assert drawn("participation", "district_bars") == [
        ("Comas", 245, 260),
        ("Miraflores", 55, 58),
    ]
    assert drawn("commitments", "completion_bars") == [
        ("Completo", 4, 260),
        ("Sustancial", 3, 195),
        ("Limitado", 3, 195),
    ]
    assert data["complaints"]["by_channel"] == COMPLAINTS["by_channel"]  # untouched
    assert "channel_bars" not in COMPLAINTS  # the provider's dict is not changed


def test_a_failing_or_clashing_home_charts_provider_leaves_the_figures(
    fake_providers, caplog
):
    """An app's charts that fail are left out (its figures stay, the page says there
    is nothing to draw); a chart named as one of the figures does not replace it."""
    from openlima import registry
    from openlima.charts import bars

    fake_providers("indicators:complaints", lambda: COMPLAINTS)

    def failing(*, figures):
        raise ZeroDivisionError

    with registry.override("home_charts:complaints", failing):
        data = core_selectors.indicators_compute()
        cache.clear()
        html = render_tag()
    assert data["complaints"] == COMPLAINTS
    assert "denuncias atendidas" in html and "Aún no hay cifras publicables" in html
    assert "home charts provider complaints failed" in caplog.text

    def clashing(*, figures):
        return {"by_stage": bars([]), "channel_bars": bars(figures["by_channel"])}

    with registry.override("home_charts:complaints", clashing):
        data = core_selectors.indicators_compute()
    assert data["complaints"]["by_stage"] == [] and data["complaints"]["channel_bars"]
    assert "home charts of complaints named as figures: ['by_stage']" in caplog.text


def test_a_snapshot_of_another_shape_is_recomputed_not_shown(fake_providers, client):
    """After a deploy that changed the snapshot's keys, what the older release left (its
    row in the database, its cached copies) counts as absent: the figures are computed
    again, so the charts are not lost until the job's next run."""
    from openlima.models import IndicatorSnapshot
    from openlima.tasks import indicators_refresh

    fake_providers("indicators:complaints", lambda: COMPLAINTS)
    indicators_refresh.apply().get()
    current = IndicatorSnapshot.objects.get(language="es").data
    assert current["shape"] == core_selectors.INDICATORS_SHAPE
    # The older release's snapshot: no shape, the charts beside the figures.
    old = {key: value for key, value in current.items() if key != "shape"} | {
        "complaints": COMPLAINTS,
        "complaints_channel_bars": {"rows": [], "height": 0},
    }
    IndicatorSnapshot.objects.filter(language="es").update(data=old)
    cache.clear()
    cache.set("openlima:home_indicators:es", old, None)  # the older release's keys
    cache.set("openlima:home_indicators:es:last", old, None)
    data = core_selectors.home_indicators()
    assert data["shape"] == core_selectors.INDICATORS_SHAPE
    assert data["complaints"]["channel_bars"]["rows"]
    assert 'id="chart-channels-title"' in client.get("/").content.decode()
    # A copy of another shape under the current keys is not served either.
    key = core_selectors._indicators_key()
    cache.set(key, old, 60)
    cache.set(f"{key}:last", old, None)
    assert core_selectors.home_indicators()["shape"] == core_selectors.INDICATORS_SHAPE
    assert cache.get(key)["shape"] == core_selectors.INDICATORS_SHAPE
