"""Issue 12: a citizen rates several consultation options in one action — one form, one
submit — with and without JavaScript; counts and results update right after (in place with
htmx), unless the consultation hides partial results while open."""

import pytest
from django.urls import reverse

from participation.models import ConsultationRating
from tests.e2e.conftest import assert_no_axe_violations, login
from tests.factories import UserFactory
from tests.participation.factories import ConsultationFactory, OptionFactory

PASSWORD = "clave-segura-123"


def _consultation(**kwargs):
    c = ConsultationFactory(**kwargs)
    options = [
        OptionFactory(consultation=c, title=t, position=i)
        for i, t in enumerate(("Biblioteca", "Rampas", "Malecón"))
    ]
    return c, options


@pytest.mark.django_db(transaction=True)
def test_rating_several_options_in_place_updates_counts_and_results(page):
    c, (a, b, cc) = _consultation()
    citizen = UserFactory(password=PASSWORD)
    login(page, email=citizen.email, password=PASSWORD)
    page.goto(reverse("participation:consultation_detail", args=[c.slug]))
    assert page.locator("form.pa-rate-all").count() == 1
    assert page.locator("form.pa-rate-all button[type=submit]").count() == 1
    assert page.locator("#consultation-participants").inner_text() == "0"
    page.check(f"#lv-{a.pk}-high")
    page.check(f"#lv-{b.pk}-low")
    page.fill(f"#contrib-{a.pk}", "Con horario nocturno")
    url_before = page.url
    with page.expect_response(lambda r: r.request.method == "POST") as resp:
        page.click("form.pa-rate-all button[type=submit]")
    assert resp.value.status == 200
    page.wait_for_selector("#consultation-options [role=status]")
    assert page.url == url_before  # in place, no reload
    assert page.locator("#consultation-participants").inner_text() == "1"
    rows = page.locator("table.pa-results tbody tr")
    assert "Biblioteca" in rows.nth(0).inner_text() and "3" in rows.nth(0).inner_text()
    assert (
        "Con horario nocturno"
        in page.locator("#consultation-contributions").inner_text()
    )
    assert sorted(
        ConsultationRating.objects.filter(user=citizen).values_list(
            "option_id", "level"
        )
    ) == sorted([(a.pk, "high"), (b.pk, "low")])
    assert_no_axe_violations(page)

    # A refused submission (option list tampered with: A twice) is shown in place with
    # a 400, and nothing of it is saved (C stays unrated).
    page.evaluate(
        "document.querySelectorAll('form.pa-rate-all input[name=option]')[1].value"
        f" = '{a.pk}'"
    )
    page.check(f"#lv-{cc.pk}-medium")
    with page.expect_response(lambda r: r.request.method == "POST") as resp:
        page.click("form.pa-rate-all button[type=submit]")
    assert resp.value.status == 400
    page.wait_for_selector("[data-error-summary]")
    assert not ConsultationRating.objects.filter(option=cc).exists()
    assert_no_axe_violations(page)


@pytest.mark.django_db(transaction=True)
def test_rating_without_javascript_and_hidden_results(new_page):
    c, (a, b, _) = _consultation(hide_results_while_open=True)
    citizen = UserFactory(password=PASSWORD)
    page = new_page(java_script_enabled=False)
    login(page, email=citizen.email, password=PASSWORD)
    page.goto(reverse("participation:consultation_detail", args=[c.slug]))
    page.check(f"#lv-{a.pk}-medium")
    page.check(f"#lv-{b.pk}-high")
    page.click("form.pa-rate-all button[type=submit]")
    assert "Calificaciones guardadas." in page.locator("main").inner_text()
    assert page.locator(f"#lv-{b.pk}-high").is_checked()
    assert page.locator("#consultation-participants").inner_text() == "1"
    assert page.locator("table.pa-results").count() == 0
    assert (
        "cuando la consulta cierre"
        in page.locator("#consultation-results").inner_text()
    )
    assert ConsultationRating.objects.filter(user=citizen).count() == 2
