"""Issue 12: one voice. Spanish pages, e-mails and messages address the citizen as
"usted"; none of the main pages says "tú" ("tu correo", "puedes", "inicia sesión para…").
The allauth pages too (signup, login, e-mail confirmation), and "Autenticación de doble
factor" is spelled right."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.participation.factories import CommentFactory, ProposalFactory

TU_FORMS = re.compile(
    r"\b(tu|tus|tú|puedes|tienes|haz|quieres|debes|eres|estás|vives|recibes|apoyas|"
    r"escribe|revisa|elige|indica|regístrate|te enviamos|contigo|necesitas|pide|"
    r"inicia sesión para|verifica tu|confirma tu|olvidaste|¿ya tienes|sobre ti)\b",
    re.IGNORECASE,
)


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    # attribute values people hear or see (placeholders, labels) are kept
    attrs = " ".join(
        re.findall(r'(?:placeholder|aria-label|title|alt)="([^"]*)"', html)
    )
    return re.sub(r"<[^>]+>", " ", html) + " " + attrs


def tu_forms(text: str) -> list[str]:
    return sorted({m.group(0) for m in TU_FORMS.finditer(text)})


ANONYMOUS_PAGES = [
    "/",
    "/privacidad/",
    "/participa/",
    "/participa/propuestas/",
    "/participa/consultas/",
    "/participa/sesiones/",
    "/denuncias/",
    "/compromisos/",
    "/datos/",
    "/cuenta/signup/",
    "/cuenta/login/",
    "/cuenta/password/reset/",
    "/valoracion/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_public_pages_say_usted(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert tu_forms(visible_text(response.content.decode())) == [], path


@pytest.mark.django_db
def test_citizen_pages_say_usted(client):
    user = UserFactory()
    proposal = ProposalFactory()
    CommentFactory(target_id=proposal.pk)
    client.force_login(user)
    for path in [
        reverse("account_profile"),
        reverse("account_delete"),
        reverse("participation:proposal_detail", args=[proposal.pk]),
        reverse("participation:proposal_create"),
        reverse("participation:comments", args=["participation.proposal", proposal.pk]),
        "/cuenta/email/",
        "/cuenta/password/change/",
    ]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert tu_forms(visible_text(response.content.decode())) == [], path


@pytest.mark.django_db
def test_signup_errors_and_emails_say_usted(client):
    response = client.post(
        "/cuenta/signup/", {"email": "x@example.pe", "password1": "a", "password2": "b"}
    )
    assert tu_forms(visible_text(response.content.decode())) == []
    client.post(
        "/cuenta/signup/",
        {
            "email": "nueva@example.pe",
            "password1": "clave-segura-123",
            "password2": "clave-segura-123",
            "accept_privacy": "on",
        },
    )
    client.logout()
    UserFactory(email="olvido@example.pe")
    client.post("/cuenta/password/reset/", {"email": "olvido@example.pe"})
    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        assert tu_forms(message.subject + "\n" + message.body) == [], message.subject


@pytest.mark.django_db
def test_two_factor_title_is_spelled_right(client):
    from django.utils import translation

    with translation.override("es"):
        from django.utils.translation import gettext

        assert gettext("Two-Factor Authentication") == "Autenticación de doble factor"


# Forms of "tú" that only messages use (a refusal, a notice, a flash message).
TU_MESSAGE_FORMS = re.compile(
    r"\b(has enviado|has retirado|inténtalo|describe la|eres la|concede|la apoyas|"
    r"cancelaste|te avisaremos|inscribirte|activas tu|si los das)\b",
    re.IGNORECASE,
)
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "pgettext",
    "pgettext_lazy",
}
TEMPLATE_STRINGS = re.compile(
    r'{%\s*translate\s+"([^"]*)"|{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate',
    re.DOTALL,
)


def _source_messages():
    """Every Spanish message marked for translation in the apps' code and templates:
    services' refusals and flash messages never reach a page a test visits as easily."""
    import ast
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    listed = subprocess.run(
        ["git", "ls-files", "*.py", "*.html", "*.txt"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        if name.startswith(("tests/", "bench/", "scripts/")) or "/migrations/" in name:
            continue
        text = (root / name).read_text(encoding="utf-8")
        if name.endswith(".py"):
            for node in ast.walk(ast.parse(text)):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in GETTEXT_NAMES
                ):
                    for arg in node.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            yield name, arg.value
        else:
            for match in TEMPLATE_STRINGS.finditer(text):
                yield name, match.group(1) or match.group(2)


# Third-person uses of the same words ("se revisa el contenido", "la ley pide").
NOT_TU = re.compile(r"\bse (revisa|concede)\b|\bley pide\b", re.IGNORECASE)


def test_every_marked_message_says_usted():
    found = []
    for name, message in _source_messages():
        text = NOT_TU.sub(" ", message)
        if tu_forms(text) or TU_MESSAGE_FORMS.search(text):
            found.append((name, message[:80]))
    assert found == []
