"""Site-wide accessibility, small-screen and no-JavaScript promises, with the demo data.

One test per language loads the real demo data (`manage.py load_demo`, every app's loader),
discovers one page of every public kind by following the portal's own links, and checks on
each: zero axe-core violations (WCAG 2.1 A/AA), no horizontal overflow at 320 px, exactly one
h1, the right `<html lang>`, no console errors (CSP violations are reported there) and, in
English, no Spanish interface words left in the chrome, headings, labels and buttons. All
failures are collected into one assertion message so one run shows everything.

A second test browses with JavaScript disabled and shows that the pages with forms (proposal
support, consultation rating, complaint intake, ballot) still render forms that can be sent.
"""

import io
import re

import pytest
from django.core.management import call_command

from tests.e2e.conftest import axe_violations

DEMO_PASSWORD = "gobierno-abierto-2022"
VERIFIED_RESIDENT = "vecino1@demo.openlima.pe"

# Spanish interface words that must not survive on an English page. Matched as whole words
# in the interface parts of the page (header, nav, footer, headings, labels, buttons, table
# headers, captions, legends, summaries); demo *content* (titles written in Spanish by the
# municipality) is excluded: elements marked lang="es", linked headings and headings of
# cards or list items, and linked item names in row headers (see _UI_TEXT_JS).
SPANISH_UI_WORDS = [
    "Inicio",
    "Compromisos",
    "Denuncias",
    "Participa",
    "Datos abiertos",
    "Transparencia",
    "Buscar",
    "Iniciar sesión",
    "Cerrar sesión",
    "Registrarse",
    "Crear cuenta",
    "Privacidad",
    "Propuestas",
    "Consultas",
    "Sesiones",
    "Distritos",
    "Presupuestos",
    "Enviar",
    "Seguimiento",
    "Resultados",
    "Contraseña",
    "Correo electrónico",
    "Estado",
    "Descargar",
    "Filtrar",
    "Apoyar",
    "Votar",
    "Ver más",
    "Volver",
    "Página",
    "Siguiente",
    "Anterior",
    "Todos",
    "Todas",
    "Fecha",
    "Tema",
    "Distrito",
    "Comentarios",
    "Avance",
    "Hitos",
    "Indicadores",
    "Evidencias",
    "Conjuntos de datos",
    "Recursos",
    "Licencia",
    "Etiquetas",
    "Formato",
    "Saltar al contenido",
    "Idioma",
    "Menú",
    "Proyectos",
    "Moderación",
    "Inscribirse",
    "Calificar",
    "Responsable",
    "Publicado",
    "Ninguno",
    "Sí",
]
_SPANISH_RE = re.compile(
    r"(?<![\wáéíóúñ])("
    + "|".join(re.escape(w) for w in SPANISH_UI_WORDS)
    + r")(?![\wáéíóúñ])"
)

# Interface text of a page: the chrome plus the labels of controls and tables. Headings are
# taken only when they are not links (a linked heading is usually a content title).
_UI_TEXT_JS = """
() => {
  const sel = 'header, nav, footer, label, button, legend, caption, th, summary,'
            + ' h1, h2, h3, input[type=submit]';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('[lang]:not(html)') && el.closest('[lang]:not(html)').lang.startsWith('es'))
      continue;
    if (/^H[1-3]$/.test(el.tagName) && (el.querySelector('a') || el.closest('article, li')))
      continue;
    if (el.closest('[data-content]')) continue;
    let text;
    if (el.tagName === 'INPUT') text = el.value;
    else {
      const clone = el.cloneNode(true);
      // Linked names inside a row header or heading are item names (content), not chrome.
      const content = el.tagName === 'TH' ? '[lang], [data-content], select, a[href]'
                                          : '[lang], [data-content], select';
      for (const c of clone.querySelectorAll(content)) c.remove();
      text = clone.innerText;
    }
    out.push(text || '');
  }
  out.push(document.title);
  return out.join('\\n');
}
"""


def _links(page, pattern: str) -> list[str]:
    """Same-site paths on the current page matching a regex (first-seen order, unique)."""
    hrefs = page.eval_on_selector_all(
        "main a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    seen = []
    for h in hrefs:
        path = h.split("#")[0]
        if re.fullmatch(pattern, path) and path not in seen:
            seen.append(path)
    return seen


def discover_public_pages(page) -> list[tuple[str, str]]:
    """(kind, Spanish path) of one page of every public kind, found through the portal's
    own links where a list links to its items; fails loudly when a kind cannot be found."""
    pages = [
        ("home", "/"),
        ("plans list", "/compromisos/"),
    ]
    missing = []

    def first(kind, from_path, pattern, *, pick=0):
        page.goto(from_path)
        found = _links(page, pattern)
        if len(found) <= pick:
            missing.append(f"{kind} (no link matching {pattern} on {from_path})")
            return None
        pages.append((kind, found[pick]))
        return found[pick]

    plan = first("plan page", "/compromisos/", r"/compromisos/[-\w]+/")
    if plan:
        pages.append(("printable report", plan + "informe/"))
        first("commitment page", plan, re.escape(plan) + r"(?!informe/)[-\w]+/")
    pages += [
        ("complaints landing", "/denuncias/"),
        ("intake form", "/denuncias/nueva/"),
        ("tracking form", "/denuncias/seguimiento/"),
        ("participation landing", "/participa/"),
        ("proposals list", "/participa/propuestas/"),
    ]
    page.goto("/participa/propuestas/")
    # A filtered list: a topic (or district) filter of the list's own GET form.
    for select in page.locator("main form select").all():
        name = select.get_attribute("name") or ""
        values = [
            v
            for v in select.locator("option").evaluate_all("os => os.map(o => o.value)")
            if v
        ]
        if values and name not in ("estado", "orden", "status", "order", "sort"):
            pages.append(
                (
                    "proposals list (filtered)",
                    f"/participa/propuestas/?{name}={values[0]}",
                )
            )
            break
    if not any(k == "proposals list (filtered)" for k, _ in pages):
        pages.append(("proposals list (filtered)", "/participa/propuestas/?q=parque"))
    first("proposal page", "/participa/propuestas/", r"/participa/propuestas/\d+/")
    pages.append(("consultation list", "/participa/consultas/"))
    first("consultation page", "/participa/consultas/", r"/participa/consultas/[-\w]+/")
    pages.append(("sessions list", "/participa/sesiones/"))
    first("session page", "/participa/sesiones/", r"/participa/sesiones/\d+/")
    pages.append(("districts page", "/participa/distritos/"))
    first("district page", "/participa/distritos/", r"/participa/distritos/[-\w]+/")
    pages.append(("moderation log", "/participa/moderacion/"))
    pages.append(("budgets list", "/participa/presupuestos/"))
    process = first(
        "budget process",
        "/participa/presupuestos/",
        r"/participa/presupuestos/(?!verificacion/)[-\w]+/",
    )
    if process:
        first(
            "budget heading",
            process,
            re.escape(process) + r"(?!resultados/)[-\w]+/",
        )
        pages.append(("budget results", process + "resultados/"))
        heading = next((p for k, p in pages if k == "budget heading"), None)
        if heading:
            first(
                "budget project",
                heading,
                re.escape(heading) + r"proyectos/\d+/",
            )
    pages.append(("open data catalogue", "/datos/"))
    first("dataset page", "/datos/", r"/datos/[-\w]+/")
    pages.append(("transparency index", "/transparencia/"))
    first("transparency category", "/transparencia/", r"/transparencia/[-\w]+/")
    pages += [
        ("search results", "/buscar/?q=lima"),
        ("privacy", "/privacidad/"),
        ("login", "/cuenta/login/"),
        ("signup", "/cuenta/signup/"),
        ("password reset", "/cuenta/password/reset/"),
        ("not found", "/no-existe/"),
    ]
    assert not missing, "public pages not found: " + "; ".join(missing)
    return pages


def localise(path: str, lang: str) -> str:
    return path if lang == "es" else f"/{lang}{path}"


def check_page(page, path: str, lang: str, console: list[str]) -> list[str]:
    """Every promise on one page; returns the problems found (empty when all hold)."""
    problems = []
    console.clear()
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(path)
    expected = 404 if "/no-existe/" in path else 200
    if response is None or response.status != expected:
        return [f"HTTP {response.status if response else '?'}"]
    page.wait_for_load_state("load")
    html_lang = page.locator("html").get_attribute("lang")
    if html_lang != lang:
        problems.append(f'<html lang="{html_lang}">, expected "{lang}"')
    title = page.title()
    segments = [s.strip() for s in title.split("·")]
    if not title or len(segments) != len(set(segments)):
        problems.append(f"<title> empty or repeats itself: {title!r}")
    h1s = page.locator("h1").count()
    if h1s != 1:
        problems.append(f"{h1s} h1 elements")
    for v in axe_violations(page):
        problems.append(f"axe {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}")
    if lang == "en":
        leftovers = sorted(set(_SPANISH_RE.findall(page.evaluate(_UI_TEXT_JS))))
        if leftovers:
            problems.append(f"Spanish interface words: {leftovers}")
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                              && !e.closest('.table-wrap'))
                 .slice(0, 4).map(e => e.tagName.toLowerCase()
                     + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string'
                        ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""
        )
        problems.append(f"overflows 320 px by {overflow}px: {wide}")
    # The small-screen layout again through axe (a table that scrolls must be reachable by
    # keyboard, a collapsed menu must stay labelled, ...).
    for v in axe_violations(page):
        problems.append(
            f"axe at 320 px {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        )
    problems += list(console)
    return problems


def listen_console(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda m: messages.append(f"console error: {m.text}")
        if m.type == "error"
        else None,
    )
    page.on("pageerror", lambda e: messages.append(f"page error: {e}"))
    return messages


def check_site(page, lang: str) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    console = listen_console(page)
    pages = discover_public_pages(page)
    failures = {}
    for kind, path in pages:
        url = localise(path, lang)
        problems = check_page(page, url, lang, console)
        if kind == "not found":
            # The 404 response itself is logged by Chromium as a failed resource load.
            problems = [p for p in problems if "404" not in p]
        if problems:
            failures[f"{kind} {url}"] = problems
    return pages, failures


def _report(failures: dict[str, list[str]]) -> str:
    return "\n".join(
        f"- {where}:\n    " + "\n    ".join(problems)
        for where, problems in failures.items()
    )


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_public_page_keeps_the_accessibility_promises(demo_data, page, lang):
    pages, failures = check_site(page, lang)
    assert len(pages) >= 30  # every kind was discovered
    assert not failures, f"{len(failures)} of {len(pages)} pages fail:\n" + _report(
        failures
    )


# --- Without JavaScript -------------------------------------------------------------------


def _usable_form(page, form_selector: str) -> list[str]:
    """A visible form, with a submit button, that posts to a URL (not a JS-only handler)."""
    form = page.locator(form_selector).first
    if not form.count():
        return [f"no form matching {form_selector}"]
    problems = []
    if not form.is_visible():
        problems.append("form is hidden")
    if not form.locator(
        "button[type=submit], button:not([type]), input[type=submit]"
    ).count():
        problems.append("form has no submit button")
    action = form.get_attribute("action")
    method = (form.get_attribute("method") or "get").lower()
    if action is not None and action.startswith("javascript:"):
        problems.append(f"form action is {action}")
    if method == "post" and not form.locator("input[name=csrfmiddlewaretoken]").count():
        problems.append("POST form without CSRF token")
    return problems


def _login_nojs(page, email):
    page.goto("/cuenta/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    assert "/cuenta/login/" not in page.url, f"no-JS login failed at {page.url}"


def _open_a_consultation():
    """The demo's only consultation is closed (its results are the demo); open it again so
    the rating forms show."""
    from datetime import timedelta

    from django.utils import timezone

    from participation.models import Consultation

    now = timezone.now()
    Consultation.objects.update(
        status=Consultation.Status.OPEN,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )


def _form_pages(page) -> list[tuple[str, str, str]]:
    """(kind, path, form selector) of the pages whose forms must work without a script.
    The page must be signed in as a verified resident."""
    page.goto("/participa/propuestas/")
    proposal = _links(page, r"/participa/propuestas/\d+/")[0]
    page.goto("/participa/consultas/")
    consultation = _links(page, r"/participa/consultas/[-\w]+/")[0]
    page.goto("/participa/presupuestos/")
    process = _links(page, r"/participa/presupuestos/(?!verificacion/)[-\w]+/")[0]
    page.goto(process)
    heading = _links(page, re.escape(process) + r"(?!resultados/)[-\w]+/")[0]
    return [
        ("proposal support", proposal, "main form[action*='/apoyo/']"),
        ("consultation rating", consultation, "main form[action$='/calificar/']"),
        ("ballot", heading + "votar/", "main form[method=post]"),
    ]


@pytest.mark.django_db(transaction=True)
def test_forms_work_without_javascript(demo_data, browser, live_server):
    _open_a_consultation()
    context = browser.new_context(
        base_url=live_server.url, locale="es-PE", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        failures = {}

        # Anonymous: the complaint intake and tracking forms.
        for kind, path in [
            ("complaint intake", "/denuncias/nueva/"),
            ("complaint tracking", "/denuncias/seguimiento/"),
        ]:
            page.goto(path)
            if p := _usable_form(page, "main form[method=post]"):
                failures[f"{kind} {path}"] = p

        # And the intake form is not only shown but can be sent: the text question stands
        # in for the proof-of-work widget, which needs a script.
        from complaints.antiabuse import NUMBERS

        page.goto("/denuncias/nueva/")
        page.fill("#id_what", "Prueba sin JavaScript: cobro indebido en ventanilla.")
        question = page.inner_text("label[for=id_challenge_answer]")
        a, b = (
            NUMBERS.index(w)
            for w in re.findall(r"\b(" + "|".join(NUMBERS) + r")\b", question)[:2]
        )
        page.fill("#id_challenge_answer", str(a + b))
        page.click("main form button[type=submit]")
        page.wait_for_load_state("load")
        if not page.locator("[data-testid=tracking-code]").count():
            failures["complaint intake (sending)"] = [
                "no receipt with a tracking code after sending without JavaScript"
            ]

        # A verified resident: proposal support, consultation rating, ballot.
        _login_nojs(page, VERIFIED_RESIDENT)
        for kind, path, selector in _form_pages(page):
            page.goto(path)
            problems = _usable_form(page, selector)
            if (
                kind == "ballot"
                and not page.locator("main form input[type=checkbox]").count()
            ):
                problems.append("no project checkboxes")
            if (
                kind == "consultation rating"
                and not page.locator("main form fieldset input[type=radio]").count()
            ):
                problems.append("no priority radio buttons")
            if problems:
                failures[f"{kind} {path}"] = problems
    finally:
        context.close()
    assert not failures, "forms unusable without JavaScript:\n" + _report(failures)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_signed_in_form_pages_keep_the_accessibility_promises(demo_data, page, lang):
    """The same checks as the public pages, on the forms a verified resident sees."""
    _open_a_consultation()
    console = listen_console(page)
    _login_nojs(page, VERIFIED_RESIDENT)
    failures = {}
    for kind, path, _selector in _form_pages(page):
        url = localise(path, lang)
        if problems := check_page(page, url, lang, console):
            failures[f"{kind} {url}"] = problems
    assert not failures, "signed-in form pages fail:\n" + _report(failures)
