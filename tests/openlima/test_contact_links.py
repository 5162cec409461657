"""Issue 12: where a page says "póngase en contacto", the words are a real contact link —
the city profile's contact e-mail when it has one, else the contact block in the footer."""

import re

import pytest
from django.urls import reverse

from openlima import city
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTACT = re.compile(r'<a href="([^"]+)">\s*[Pp]óngase en contacto con nosotros\s*</a>')


@pytest.fixture
def profile_email(monkeypatch):
    def with_email(email):
        original = city.city

        def patched(language=None):
            data = dict(original(language))
            data["contact"] = {**data.get("contact", {}), "email": email}
            return data

        monkeypatch.setattr(city, "city", patched)

    return with_email


def _pages(client):
    yield client.get(reverse("account_reset_password"))
    yield client.get(reverse("account_reset_password_done"))
    yield client.get(reverse("account_email_verification_sent"))


def test_contact_words_link_to_the_footer_contact(client):
    for response in _pages(client):
        body = response.content.decode()
        match = CONTACT.search(body)
        assert match, response.request["PATH_INFO"]
        assert match.group(1) == "#contacto"
        assert 'id="contacto"' in body
        assert "contact us" not in body.lower()


def test_contact_words_link_to_the_profile_email(client, profile_email):
    profile_email("participa@munlima.gob.pe")
    for response in _pages(client):
        match = CONTACT.search(response.content.decode())
        assert match and match.group(1) == "mailto:participa@munlima.gob.pe"


def test_verified_email_required_page(client, settings):
    user = UserFactory(verified_email=False)
    client.force_login(user)
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    html = render_to_string("account/verified_email_required.html", request=request)
    assert CONTACT.search(html)
