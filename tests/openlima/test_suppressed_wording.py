"""Issue 12: a complaint figure withheld to protect reporters reads the same on the home
page and on /denuncias/ ("menos de 5", with the same note), never "—" on one and words
on the other."""

import pytest

from openlima import registry

pytestmark = pytest.mark.django_db

NOTE = "Para proteger a las personas denunciantes, no publicamos cifras menores que 5."


def test_home_and_complaints_page_use_the_same_words(client):
    from openlima.selectors import indicators_refresh

    indicators_refresh()  # no complaints yet: every figure is withheld
    home = client.get("/").content.decode()
    card = home.split("denuncias atendidas / recibidas")[0].rsplit(
        '<li class="card">', 1
    )[1]
    assert "menos de 5 / menos de 5" in card and "—" not in card
    assert NOTE in home
    page = client.get("/denuncias/").content.decode()
    assert "menos de 5" in page and NOTE in page
    assert registry.provider("indicators:complaints")()["received"] is None
