import io
from decimal import Decimal

import pytest

from budgets.models import Ballot, ProjectImage, ResidentVerification
from openlima.models import AuditLog
from tests.factories import StaffFactory, UserFactory

from .factories import HeadingFactory, ProcessFactory, ProjectFactory

BASE = "/participa/presupuestos"


@pytest.fixture
def many(db, districts):
    """Many processes, headings and projects (with images) to show bounded queries."""
    from budgets import services

    for i in range(6):
        process = ProcessFactory()
        city = HeadingFactory(process=process, slug="ciudad")
        district = HeadingFactory(
            process=process, slug="distrito", district=districts[i % 2]
        )
        for heading in (city, district):
            for _ in range(8):
                ProjectFactory(heading=heading, estimated_cost=Decimal("10"))
    project = ProjectFactory(heading=city)
    services.project_image_add(project=project, data=_png(), alt_text="foto")
    return process, city, district


def _png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, format="PNG")
    return out.getvalue()


def test_public_pages_have_bounded_queries(
    client, many, resident_factory, django_assert_max_num_queries
):
    process, city, district = many
    resident = resident_factory(district=district.district)
    Ballot.objects.create(user=resident, heading=city).projects.set(
        city.projects.all()[:3]
    )
    urls = [
        f"{BASE}/",
        f"{BASE}/{process.slug}/",
        f"{BASE}/{process.slug}/ciudad/",
        f"{BASE}/{process.slug}/resultados/",
        f"{BASE}/{process.slug}/ciudad/proyectos/{city.projects.first().pk}/",
        "/api/v1/budgets/",
        f"/api/v1/budgets/{process.slug}/",
        f"/api/v1/budgets/{process.slug}/headings/ciudad/projects/",
    ]
    for url in urls:
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200, url
    client.force_login(resident)
    for url in (f"{BASE}/{process.slug}/", f"{BASE}/{process.slug}/ciudad/votar/"):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200, url


def test_draft_process_is_not_public(client, db):
    process = ProcessFactory(phase="draft")
    HeadingFactory(process=process, slug="ciudad")
    assert client.get(f"{BASE}/{process.slug}/").status_code == 404
    assert client.get(f"{BASE}/{process.slug}/ciudad/").status_code == 404
    assert process.title not in client.get(f"{BASE}/").content.decode()


def test_ballot_page_without_javascript(client, resident, district_heading):
    a = ProjectFactory(heading=district_heading, estimated_cost=Decimal("700"))
    b = ProjectFactory(heading=district_heading, estimated_cost=Decimal("400"))
    url = f"{BASE}/{district_heading.process.slug}/{district_heading.slug}/votar/"
    client.force_login(resident)
    page = client.get(url).content.decode()
    assert "S/ 1,000.00" in page and 'name="projects"' in page
    over = client.post(url, {"projects": [a.pk, b.pk]})
    assert over.status_code == 400 and "superan el monto" in over.content.decode()
    assert not Ballot.objects.exists()
    ok = client.post(url, {"projects": [a.pk], "confirm": "1"}, follow=True)
    assert ok.status_code == 200
    html = ok.content.decode()
    assert "Su voto quedó registrado" in html and "S/ 300.00" in html
    assert "Cambiar mi voto" in html


@pytest.mark.parametrize("who", ["anonymous", "citizen", "pending", "other_district"])
def test_ballot_page_refuses_who_may_not_vote(
    client, who, district_heading, districts, resident_factory
):
    project = ProjectFactory(heading=district_heading)
    if who == "citizen":
        client.force_login(UserFactory())
    elif who == "pending":
        user = UserFactory()
        from budgets import services

        services.resident_verification_request(
            user=user,
            dni="10117410-2",
            birth_date=__import__("datetime").date(1990, 1, 1),
            district=districts[0],
        )
        client.force_login(user)
    elif who == "other_district":
        client.force_login(resident_factory(district=districts[1]))
    url = f"{BASE}/{district_heading.process.slug}/{district_heading.slug}/votar/"
    assert 'name="projects"' not in client.get(url).content.decode()
    response = client.post(url, {"projects": [project.pk]})
    assert response.status_code == 403
    assert not Ballot.objects.exists()


def test_verification_page_flow(client, districts):
    user = UserFactory()
    client.force_login(user)
    url = f"{BASE}/verificacion/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {"dni": "10117410-3", "birth_date": "1990-01-01", "district": districts[0].pk},
    )
    assert bad.status_code == 400 and "carácter de verificación" in bad.content.decode()
    junk = client.post(
        url, {"dni": "<b>x</b>" * 5, "birth_date": "ayer", "district": "x"}
    )
    assert junk.status_code == 400
    ok = client.post(
        url,
        {"dni": "10117410-2", "birth_date": "1990-01-01", "district": districts[0].pk},
        follow=True,
    )
    assert "pendiente" in ok.content.decode().lower()
    assert ResidentVerification.objects.get(user=user).status == "pending"
    assert client.get(f"/en{url}").status_code == 200


def test_verification_page_needs_login(client, db):
    assert client.get(f"{BASE}/verificacion/").status_code == 302


def test_api_ballot_submission(client, resident, district_heading):
    a = ProjectFactory(heading=district_heading, estimated_cost=Decimal("700"))
    b = ProjectFactory(heading=district_heading, estimated_cost=Decimal("400"))
    url = f"/api/v1/budgets/{district_heading.process.slug}/headings/{district_heading.slug}/ballot/"
    assert (
        client.post(
            url, {"projects": [a.pk]}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(resident)
    over = client.post(url, {"projects": [a.pk, b.pk]}, content_type="application/json")
    assert over.status_code == 400 and "superan" in over.json()["detail"]
    bad = client.post(url, {"projects": "x"}, content_type="application/json")
    assert bad.status_code == 400
    ok = client.post(url, {"projects": [b.pk]}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["projects"] == [b.pk]
    assert client.get(url).json()["channel"] == "web"


def test_image_upload_strips_metadata(db):
    from PIL import Image

    from budgets import services

    project = ProjectFactory()
    img = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "S", 2: (12.0, 2.0, 0.0)}  # GPS IFD
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(buf.getvalue())).getexif()
    image = services.project_image_add(
        project=project, data=buf.getvalue(), alt_text="plaza"
    )
    with Image.open(image.image.path) as stored:
        assert not stored.getexif() and "exif" not in stored.info
        assert stored.size == (40, 30)
    from openlima.errors import ApplicationError

    with pytest.raises(ApplicationError, match="Formato de imagen no admitido"):
        services.project_image_add(
            project=project, data=b"GIF89a not really", alt_text="x"
        )
    assert ProjectImage.objects.count() == 1


def test_image_is_served_publicly(client, many):
    image = ProjectImage.objects.get()
    response = client.get(f"{BASE}/imagen/{image.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"  # JPEG


# --- /gestion/ ----------------------------------------------------------------------------
def test_admin_confirmation_by_staff_with_2fa(
    client, staff_client_factory, budget_staff, districts
):
    from budgets import services

    user = UserFactory()
    verification = services.resident_verification_request(
        user=user,
        dni="10117410-2",
        birth_date=__import__("datetime").date(1990, 1, 1),
        district=districts[1],
    )
    url = f"/gestion/budgets/residentverification/{verification.pk}/decidir/"
    client = staff_client_factory(budget_staff)
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"decision": "confirm", "dni_shown": "10123558-6"})
    assert wrong.status_code == 200 and "no coincide" in wrong.content.decode()
    ok = client.post(url, {"decision": "confirm", "dni_shown": "10117410-G"})
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.is_verified_resident and user.district == districts[1]


def test_admin_refuses_non_staff_and_staff_without_permission(
    client, staff_client_factory, districts
):
    from budgets import services

    verification = services.resident_verification_request(
        user=UserFactory(),
        dni="10117410-2",
        birth_date=__import__("datetime").date(1990, 1, 1),
        district=districts[0],
    )
    url = f"/gestion/budgets/residentverification/{verification.pk}/decidir/"
    citizen = UserFactory()
    client.force_login(citizen)
    assert client.post(
        url, {"decision": "confirm", "dni_shown": "10117410-2"}
    ).status_code in (302, 403)
    assert client.get("/gestion/budgets/paperballot/add/").status_code in (302, 403)
    staff = StaffFactory()
    client = staff_client_factory(staff)
    assert (
        client.post(url, {"decision": "confirm", "dni_shown": "10117410-2"}).status_code
        == 403
    )
    verification.refresh_from_db()
    assert verification.status == "pending"


def test_admin_paper_ballot_entry_and_conflict(
    client, staff_client_factory, budget_staff, resident_factory, district_heading
):
    from budgets.dni import dni_hmac

    resident = resident_factory(district=district_heading.district)
    ResidentVerification.objects.filter(user=resident).update(
        dni_hmac=dni_hmac("10123558")
    )
    project = ProjectFactory(heading=district_heading)
    client = staff_client_factory(budget_staff)
    url = "/gestion/budgets/paperballot/add/"
    assert client.get(url).status_code == 200
    data = {
        "heading": district_heading.pk,
        "dni_shown": "10123558-6",
        "projects": [project.pk],
    }
    assert client.post(url, data).status_code == 302
    ballot = Ballot.objects.get(user=resident)
    assert ballot.channel == "paper" and ballot.entered_by == budget_staff
    again = client.post(url, data)
    assert again.status_code == 200 and "papel" in again.content.decode()
    assert Ballot.objects.count() == 1
    assert AuditLog.objects.filter(action="budgets.ballot.paper").count() == 1
    assert client.get("/gestion/budgets/paperballot/").status_code == 200


def test_admin_project_image_inline_strips_metadata(client, staff_client_factory, db):
    """Staff upload pictures in the admin too; they are stored without metadata."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    staff = StaffFactory(is_superuser=True)
    project = ProjectFactory()
    client = staff_client_factory(staff)
    url = f"/gestion/budgets/project/{project.pk}/change/"
    assert client.get(url).status_code == 200
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    buf = io.BytesIO()
    Image.new("RGB", (30, 30), "green").save(buf, format="JPEG", exif=exif.tobytes())
    data = {
        "heading": project.heading_id,
        "title": project.title,
        "description": project.description,
        "location": "",
        "estimated_cost": "100",
        "feasibility": "feasible",
        "unfeasibility_reason": "",
        "is_selected": "on",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "images-0-alt_text": "plaza",
        "images-0-image": SimpleUploadedFile("foto.jpg", buf.getvalue(), "image/jpeg"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, [
        (f, e) for f, e in (response.context["adminform"].form.errors.items())
    ] + [response.context["inline_admin_formsets"][0].formset.errors]
    image = ProjectImage.objects.get(project=project)
    with Image.open(image.image.path) as stored:
        assert not stored.getexif()
    assert image.width == 30
    assert AuditLog.objects.filter(action="budgets.project.assess").count() == 0


def test_pages_in_english(client, resident, district_heading):
    ProjectFactory(heading=district_heading)
    html = client.get("/en/participa/presupuestos/").content.decode()
    assert (
        "Participatory budget" in html and "Presupuesto participativo</h1>" not in html
    )
    client.force_login(resident)
    url = f"/en/participa/presupuestos/{district_heading.process.slug}/{district_heading.slug}/votar/"
    html = client.get(url).content.decode()
    assert "Remaining:" in html and "Remaining: __AMOUNT__" in html


def test_results_page_and_api_have_bounded_queries(
    client, districts, django_assert_max_num_queries
):
    from budgets import services
    from budgets.models import BudgetProcess

    process = ProcessFactory(phase="results")
    for i, district in enumerate([None, *districts]):
        heading = HeadingFactory(process=process, slug=f"h{i}", district=district)
        for _ in range(10):
            project = ProjectFactory(heading=heading, estimated_cost=Decimal("10"))
            Ballot.objects.create(user=UserFactory(), heading=heading).projects.add(
                project
            )
    services.results_publish(process=process)
    assert BudgetProcess.objects.get(pk=process.pk).results_published_at
    for url in (
        f"{BASE}/{process.slug}/resultados/",
        f"/api/v1/budgets/{process.slug}/results/",
    ):
        with django_assert_max_num_queries(6):
            response = client.get(url)
        assert response.status_code == 200
    assert (
        client.get(f"/api/v1/budgets/{process.slug}/results/").json()["headings"][0][
            "projects"
        ][0]["ballot_count"]
        == 1
    )


def test_openapi_schema_includes_budget_endpoints(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/v1/budgets/{slug}/headings/{heading_slug}/ballot/" in body


def test_approval_ballot_page(client, resident, districts):
    process = ProcessFactory(voting_style="approval", approval_max_projects=2)
    heading = HeadingFactory(process=process, slug="ciudad")
    projects = [ProjectFactory(heading=heading) for _ in range(3)]
    client.force_login(resident)
    url = f"{BASE}/{process.slug}/ciudad/votar/"
    html = client.get(url).content.decode()
    assert "Elija hasta 2 proyectos." in html and 'data-style="approval"' in html
    response = client.post(url, {"projects": [p.pk for p in projects]})
    assert response.status_code == 400 and "como máximo 2" in response.content.decode()
    assert (
        client.post(url, {"projects": [projects[0].pk], "confirm": "1"}).status_code
        == 302
    )
