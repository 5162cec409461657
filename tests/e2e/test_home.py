import pytest

from tests.e2e.conftest import assert_no_axe_violations


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path,lang", [("/", "es"), ("/en/", "en")])
def test_home_in_both_languages_has_no_axe_violations(page, path, lang):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("main h1").count() == 1
    assert_no_axe_violations(page)
