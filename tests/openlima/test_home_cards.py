"""The home page's parts of the portal come from each app's `home_card:<app>` provider
(docs/architecture.md, "The registry"): the core lists them in order and knows no app."""

import re

import pytest
from django.urls import reverse

from openlima import registry

pytestmark = pytest.mark.django_db


def card_links(html: str) -> list[str]:
    cards = html.split('aria-labelledby="parts-title"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<h3><a href="([^"]+)">', cards)


def test_the_home_lists_every_app_card_in_order(client):
    html = client.get("/").content.decode()
    assert card_links(html) == [
        reverse("commitments:plan_list"),
        reverse("complaints:index"),
        reverse("participation:index"),
        reverse("opendata:catalogue"),
    ]
    assert "Lima Honesta" in html and "Denuncie actos de corrupción" in html
    assert "El catálogo de datos de la ciudad" in html


def test_the_cards_follow_the_language(client):
    html = client.get("/en/").content.decode()
    assert card_links(html)[0] == "/en/compromisos/"
    assert "Report corruption anonymously" in html and "Denuncie actos" not in html


def test_an_app_without_a_card_is_not_listed(client):
    with registry.override("home_card:complaints", None):
        links = card_links(client.get("/").content.decode())
    assert reverse("complaints:index") not in links and len(links) == 3
