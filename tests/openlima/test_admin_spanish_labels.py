"""Issue 12: no admin label, column, help text or choice left in English under `es`.
Every registered model's changelist and add form is opened as a superuser in Spanish and
its visible labels are scanned for common English words."""

import re
from html import unescape

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(
    r"\b(the|of|and|with|for|from|date|time|name|description|created|updated|modified|"
    r"user|users|status|type|email|file|active|enabled|last|first|number|count|"
    r"required|optional|select|choose|add|change|delete|view|save|yes|none|unknown|"
    r"title|body|text|message|attempts|sent|key|value|code|reason|note|notes|"
    r"published|draft|open|closed|pending|approved|rejected|hidden|visible|author|"
    r"level|weight|order|position|kind|role|roles|group|groups|district|unit|"
    r"address|phone|link|url|size|amount|total|start|end|due|expires|interval|"
    r"schedule|task|tasks|enabled|one-off|arguments|queue|exchange|priority|"
    r"headers|periodic|clocked|crontab|solar|event|latitude|longitude|hour|minute|"
    r"day|month|week|year|every|run|runs|result|results|worker|sender|recipient|"
    r"can|translation)\b",
    re.I,
)
# Words spelled the same in Spanish or proper names that must not trip the check.
ALLOWED = {
    "no",
    "total",
    "id",
    "url",
    "ip",
    "dni",
    "ogp",
    "csv",
    "json",
    "api",
    "solar",
}

LABELS = [
    re.compile(r"<label[^>]*>(.*?)</label>", re.S),
    re.compile(r'<th[^>]*scope="col"[^>]*>(.*?)</th>', re.S),
    re.compile(r'<div class="help"[^>]*>(.*?)</div>', re.S),
    re.compile(r"<option[^>]*>(.*?)</option>", re.S),
    re.compile(r"<h3>\s*(?:Por|By)\s*(.*?)\s*</h3>", re.S),
]


def _text(fragment):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


IDENTIFIER = re.compile(r"[\w.+-]+(/[\w .+-]+)+|[a-z_]+(\.[a-z_]+)+")
PROPER_NAMES = re.compile(
    # django-celery-beat's internal model and a column named after a method: no
    # verbose_name to translate (superuser-only pages).
    r"Crontab translation|periodic task track|\bcrontab\b"
    r"|\bOpen (Lima|Data|Database)\b",
    re.I,
)


def english_words(html: str) -> set[str]:
    found = set()
    for pattern in LABELS:
        for fragment in pattern.findall(html):
            text = PROPER_NAMES.sub("", _text(fragment))
            if IDENTIFIER.fullmatch(text) or '{"' in text:
                continue  # a task's dotted name, a time zone, a JSON example
            for word in ENGLISH.findall(text):
                if word.lower() not in ALLOWED:
                    found.add(f"{word} ← «{text[:80]}»")
    return found


def _pages():
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        for view in ("changelist", "add"):
            try:
                url = reverse(f"admin:{app}_{name}_{view}")
            except NoReverseMatch:  # pragma: no cover
                continue
            yield url


def test_admin_labels_are_spanish(staff_client_factory):
    client = staff_client_factory(StaffFactory(is_superuser=True))
    problems = {}
    with translation.override("es"):
        for url in _pages():
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
            if response.status_code != 200:
                continue
            words = english_words(response.content.decode())
            if words:
                problems[url] = sorted(words)
    assert not problems, "\n\n".join(
        f"{url}: {'; '.join(words)}" for url, words in sorted(problems.items())
    )


def test_permission_choices_read_in_spanish_on_groups_and_users(staff_client_factory):
    admin_user = StaffFactory(is_superuser=True)
    client = staff_client_factory(admin_user)
    with translation.override("es"):
        for url in (
            reverse("admin:auth_group_add"),
            reverse("admin:openlima_user_change", args=[admin_user.pk]),
        ):
            body = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
            assert "Puede añadir consulta" in body, url
            assert "Can add" not in body, url
