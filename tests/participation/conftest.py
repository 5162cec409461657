import pytest

from openlima import registry

FAKE_COMMITMENTS = {
    7: {
        "id": 7,
        "title": "Lima Activa: plataforma de participación",
        "url": "/compromisos/lima-2022/lima-activa/",
        "plan_title": "Plan de Gobierno Abierto Lima 2022",
        "progress": 40,
        "status": "in_progress",
        "status_label": "En curso",
    }
}


@pytest.fixture
def fake_commitments():
    """Stand-in for the commitments app's providers, restored afterwards."""
    with (
        registry.override(
            "commitments.summary",
            lambda *, commitment_id: FAKE_COMMITMENTS.get(commitment_id),
        ),
        registry.override(
            "commitments.choices",
            lambda: [(k, v["title"]) for k, v in FAKE_COMMITMENTS.items()],
        ),
    ):
        yield FAKE_COMMITMENTS


@pytest.fixture
def threshold(settings):
    settings.PROPOSAL_SUPPORT_THRESHOLD = 3
    return 3


@pytest.fixture(autouse=True)
def _spanish_by_default():
    """A request to /en/ leaves English active in this thread; reverse() in the next test
    would then build /en/ URLs. Start every test in the default language."""
    from django.utils import translation

    translation.activate("es")
    yield
    translation.deactivate()
