"""The page frame's header, main navigation and footer are rendered once per process for
each language, URL prefix, city profile and the values they depend on ({% memo %},
docs/performance.md "The page frame"). Whatever differs between pages or visitors must
still differ."""

import re

import pytest
from django.test import Client

from openlima.templatetags import openlima as tags
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _current_nav(html: str) -> list[str]:
    nav = html[html.index('class="main-nav"') :]
    nav = nav[: nav.index("</ul>")]
    return re.findall(r'<a href="([^"]+)" aria-current="page"', nav)


def test_navigation_marks_each_pages_own_section(client):
    assert _current_nav(client.get("/participa/").content.decode()) == ["/participa/"]
    assert _current_nav(client.get("/compromisos/").content.decode()) == [
        "/compromisos/"
    ]
    assert _current_nav(client.get("/").content.decode()) == ["/"]
    assert _current_nav(client.get("/en/").content.decode()) == ["/en/"]
    assert tags._MEMO_HTML, "nothing was kept"


def test_language_links_follow_the_path_and_query(client):
    first = client.get("/participa/propuestas/?tema=ambiente").content.decode()
    assert 'href="/en/participa/propuestas/?tema=ambiente"' in first
    second = client.get("/participa/propuestas/?tema=movilidad").content.decode()
    assert 'href="/en/participa/propuestas/?tema=movilidad"' in second
    hostile = client.get('/participa/propuestas/?q="><script>x</script>').content
    assert b"<script>x</script>" not in hostile


def test_the_kept_parts_carry_nothing_of_the_visitor():
    staff, citizen = StaffFactory(), UserFactory()
    pages = {}
    for user in (staff, citizen):
        client = Client()
        client.force_login(user)
        pages[user.pk] = client.get("/participa/").content.decode()
    # Each visitor keeps their own account menu (outside the kept parts).
    assert "/admin/" in pages[staff.pk] or "Gestión" in pages[staff.pk]
    assert "Gestión" not in pages[citizen.pk]
    for html in tags._MEMO_HTML.values():
        assert "csrfmiddlewaretoken" not in html
        assert staff.email not in html and citizen.email not in html


def test_english_and_spanish_frames_are_kept_apart(client):
    spanish = client.get("/participa/").content.decode()
    english = client.get("/en/participa/").content.decode()
    assert "Datos abiertos" in spanish and "Open data" in english
    assert "Open data" not in spanish
