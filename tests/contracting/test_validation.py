"""Every OCDS/OC4IDS output validates against the bundled schemas with 0 errors."""

import json
from decimal import Decimal

import pytest

from contracting import ocds
from contracting.models import Bid, Category, InfrastructureProject, Method

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_data(make_process, comas, logistics):
    project = InfrastructureProject.objects.create(
        slug="obra-de-prueba",
        title="Obra de prueba",
        description="Descripción",
        district=comas,
        unit=logistics,
        status="implementation",
        budget_amount=Decimal("150000"),
        cost_amount=Decimal("50000.50"),
        progress=40,
        is_published=True,
    )
    make_process("Solo planificación", estimate="5000", method="")
    make_process("En convocatoria", starts_ago=1)
    p = make_process(
        "Con contrato",
        bids=[(1, "95000", Bid.Status.VALID), (2, "97000.10", Bid.Status.VALID)],
        award=(1, "95000"),
        contract="95000",
    )
    p.project = project
    p.save(update_fields=["project"])
    return project


def _stream(response) -> bytes:
    return b"".join(response.streaming_content)


def test_release_endpoint_validates(client, full_data):
    response = client.get("/api/ocds/releases/")
    assert response.status_code == 200
    package = response.json()
    assert len(package["releases"]) >= 6
    assert ocds.validation_errors(package, schema="release-package-schema") == []


def test_record_endpoints_validate(client, full_data):
    package = client.get("/api/ocds/records/").json()
    assert len(package["records"]) == 3
    assert ocds.validation_errors(package, schema="record-package-schema") == []
    ocid = package["records"][2]["ocid"]
    one = client.get(f"/api/ocds/records/{ocid}").json()
    assert one["records"][0]["compiledRelease"]["tag"] == ["compiled"]
    assert one["records"][0]["compiledRelease"]["awards"][0]["suppliers"][0]["id"] == (
        "PE-RUC-20600000001"
    )
    assert ocds.validation_errors(one, schema="record-package-schema") == []


def test_project_endpoint_validates(client, full_data):
    package = client.get("/api/oc4ids/projects/").json()
    assert [p["title"] for p in package["projects"]] == ["Obra de prueba"]
    project = package["projects"][0]
    assert project["locations"][0]["description"] == "Comas"
    assert project["contractingProcesses"][0]["summary"]["status"] == "active"
    assert ocds.validation_errors(package, schema="project-package-schema") == []


def test_bulk_files_validate(client, full_data):
    package = json.loads(_stream(client.get("/api/ocds/bulk/releases.json")))
    assert len(package["releases"]) >= 6
    assert ocds.validation_errors(package, schema="release-package-schema") == []
    lines = _stream(client.get("/api/ocds/bulk/releases.jsonl")).decode().splitlines()
    assert len(lines) == len(package["releases"])
    for line in lines:
        assert ocds.validation_errors(json.loads(line), schema="release-schema") == []
    csv_text = _stream(client.get("/api/ocds/bulk/processes.csv")).decode()
    assert csv_text.splitlines()[0].startswith("ocid,title,stage")
    assert len(csv_text.splitlines()) == 4


def test_breaking_a_required_field_fails_validation(client, full_data):
    package = client.get("/api/ocds/releases/").json()
    del package["releases"][0]["tag"]
    errors = ocds.validation_errors(package, schema="release-package-schema")
    assert errors and errors[0]["path"] == "$.releases[0]"
    assert "'tag' is a required property" in errors[0]["message"]

    projects = client.get("/api/oc4ids/projects/").json()
    projects["projects"][0]["status"] = "not-a-status"
    errors = ocds.validation_errors(projects, schema="project-package-schema")
    assert [e["path"] for e in errors] == ["$.projects[0].status"]


def test_choices_come_from_the_bundled_codelists():
    assert set(Method.values) <= set(ocds.codelist("method"))
    assert set(Category.values) <= set(ocds.codelist("procurementCategory"))
    assert set(Bid.Status.values) <= {"valid", "disqualified"}
    assert set(InfrastructureProject.Status.values) <= set(
        ocds.codelist("projectStatus", standard="oc4ids")
    )
    from contracting.models import Award, Contract, Document, ImplementationMilestone

    assert set(Award.Status.values) <= set(ocds.codelist("awardStatus"))
    assert set(Contract.Status.values) <= set(ocds.codelist("contractStatus"))
    assert set(Document.Type.values) <= set(ocds.codelist("documentType"))
    assert set(ImplementationMilestone.Status.values) <= set(
        ocds.codelist("milestoneStatus")
    )
