import pytest

from tests.e2e.conftest import assert_no_axe_violations, axe_violations


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path,lang", [("/", "es"), ("/en/", "en")])
def test_home_in_both_languages_has_no_axe_violations(page, path, lang):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("main h1").count() == 1
    assert_no_axe_violations(page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path,texts",
    [
        ("/", ["Inicio", "Compromisos", "Datos abiertos", "Iniciar sesión"]),
        ("/en/", ["Home", "Commitments", "Open data", "Sign in"]),
    ],
)
def test_home_navigation_is_translated(page, path, texts):
    page.goto(path)
    nav = page.locator("header").inner_text()
    for text in texts:
        assert text in nav


@pytest.mark.django_db(transaction=True)
def test_language_switcher_goes_to_english_and_back(page):
    page.goto("/")
    page.click("nav.lang-switch >> text=English")
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("nav.lang-switch >> text=Español")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "es"


@pytest.mark.django_db(transaction=True)
def test_home_links_to_the_four_parts(page):
    page.goto("/")
    hrefs = page.eval_on_selector_all(
        "main .card h3 a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert hrefs == ["/compromisos/", "/denuncias/", "/participa/", "/datos/"]


@pytest.mark.django_db(transaction=True)
def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenido"


@pytest.mark.django_db(transaction=True)
def test_home_fits_a_320px_screen(new_page):
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto("/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert_no_axe_violations(page)


@pytest.mark.django_db(transaction=True)
def test_no_request_leaves_the_site(page, live_server):
    external = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else external.append(r.url),
    )
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert external == []


@pytest.mark.django_db(transaction=True)
def test_axe_harness_reports_a_real_violation(page):
    """Guards the guard: an unlabelled field must be reported."""
    page.goto("/")
    page.eval_on_selector(
        "main", "m => m.insertAdjacentHTML('beforeend', '<input type=text>')"
    )
    assert "label" in [v["id"] for v in axe_violations(page)]
