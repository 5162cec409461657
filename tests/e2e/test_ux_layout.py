"""Issue 12: the header collapses into a disclosure menu on a phone (works without
JavaScript: <details>/<summary>), and a complaint's tracking code never wraps inside a group."""

import pytest

from tests.e2e.conftest import assert_no_axe_violations

PHONE = {"width": 360, "height": 740}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False])
def test_header_collapses_into_a_menu_at_360px(new_page, javascript):
    page = new_page(viewport=PHONE, java_script_enabled=javascript)
    page.goto("/")
    height = page.evaluate(
        "document.querySelector('header').getBoundingClientRect().height"
    )
    assert height <= 160, f"header takes {height}px of 740"
    menu = page.locator("header summary")
    assert menu.is_visible()
    assert not page.locator("header nav.main-nav a[href='/compromisos/']").is_visible()
    menu.click()
    assert page.locator("header nav.main-nav a[href='/compromisos/']").is_visible()
    assert page.locator("header #site-search-q").is_visible()
    if javascript:
        assert_no_axe_violations(page)


@pytest.mark.django_db(transaction=True)
def test_header_is_open_without_a_menu_button_at_1280px(new_page):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto("/")
    assert not page.locator("header summary").is_visible()
    assert page.locator("header nav.main-nav a[href='/compromisos/']").is_visible()
    assert page.locator("header #site-search-q").is_visible()
    assert_no_axe_violations(page)


@pytest.mark.django_db(transaction=True)
def test_english_menu_is_translated(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/en/")
    assert page.locator("header summary").inner_text().strip() == "Menu"


@pytest.mark.django_db(transaction=True)
def test_tracking_code_never_wraps_inside_a_group(new_page, settings):
    """The receipt template with a real code at 320 px: every group of four digits sits on
    one line (its box is one line high)."""
    from django.template.loader import render_to_string

    page = new_page(viewport={"width": 320, "height": 640})
    page.goto("/")
    html = render_to_string(
        "complaints/includes/tracking_code.html", {"code": "1234-5678-9012-3456"}
    )
    page.eval_on_selector("main .container", "(m, h) => { m.innerHTML = h; }", html)
    page.add_style_tag(url="/static/complaints/complaints.css")
    page.wait_for_timeout(200)
    rects = page.evaluate(
        "[...document.querySelectorAll('.tracking-code .code-group')].map(e => e.getClientRects().length)"
    )
    assert rects == [1, 1, 1, 1]
    text = page.evaluate("document.querySelector('.tracking-code').textContent.trim()")
    assert text == "1234-5678-9012-3456"
