import pytest
from django.core.management import call_command

from opendata import demo
from opendata.models import Dataset, ResourceVersion, TransparencyDocument
from openlima import registry

pytestmark = pytest.mark.django_db


def test_demo_loader_is_registered_and_idempotent(client):
    assert any(h.name == "opendata" and h.order == 40 for h in registry.demo_loaders())
    demo.load()
    counts = (
        Dataset.objects.count(),
        ResourceVersion.objects.count(),
        TransparencyDocument.objects.count(),
    )
    assert counts[0] >= 5 and counts[2] >= 5
    demo.load()
    assert (
        Dataset.objects.count(),
        ResourceVersion.objects.count(),
        TransparencyDocument.objects.count(),
    ) == counts
    assert Dataset.objects.filter(state="published").count() == counts[0]
    html = client.get("/datos/areas-verdes-por-distrito/").content.decode()
    assert "Vista previa" in html and "m2_por_habitante" in html
    r = client.get("/api/3/action/package_search", {"fq": "res_format:GeoJSON"})
    assert [p["name"] for p in r.json()["result"]["results"]] == ["red-de-ciclovias"]


def test_load_demo_command_runs_our_loader(capsys):
    call_command("load_demo")
    assert Dataset.objects.filter(slug="presupuesto-institucional-2024").exists()
