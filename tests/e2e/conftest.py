"""Browser tests: Playwright (Python) driving Debian's Chromium headless against pytest-django's
live server, with axe-core (from axe-playwright-python) checking WCAG 2.1 AA.

Skipped, with the reason, where /usr/bin/chromium or Playwright is absent.
"""

import os
import shutil

import pytest

from openlima.totp import totp_code_now

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# Playwright's sync API runs an event loop in this thread while a browser is open; Django's
# ORM calls in the test body are still synchronous and safe. Allowed only while the browser
# of this package is open (see `browser`), never for the rest of the suite.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def pytest_collection_modifyitems(config, items):
    reason = None
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "Python Playwright is not installed (pip install -r requirements-dev.txt)"
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="es-PE")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """A factory of independent browser sessions (e.g. two citizens at once)."""
    contexts = []

    def make(**kwargs):
        context = browser.new_context(
            base_url=live_server.url, locale="es-PE", **kwargs
        )
        contexts.append(context)
        p = context.new_page()
        p.set_default_timeout(15000)
        return p

    yield make
    for c in contexts:
        c.close()


def axe_violations(page, *, context=None) -> list[dict]:
    """axe-core violations at WCAG 2.1 A/AA on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        context=context,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        },
    )
    return [
        {
            "id": v["id"],
            "impact": v.get("impact"),
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results.response["violations"]
    ]


def assert_no_axe_violations(page):
    violations = axe_violations(page)
    assert violations == [], f"axe violations on {page.url}: {violations}"


def login(page, *, email, password, totp_secret=None, next_url="/"):
    """Sign in through allauth's real pages (with the TOTP step when the user has one)."""
    page.goto(f"/cuenta/login/?next={next_url}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    if totp_secret:
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", totp_code_now(totp_secret))
        page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    if totp_secret:
        totp_retry(page, totp_secret)


def totp_retry(page, secret=TEST_TOTP_SECRET):
    """A code typed at the end of its 30-second window can arrive after it (a busy
    machine): the form comes back; type the new one, as a person would."""
    # Only on the two-factor step itself: a staff page may have a field named "code" too
    # (a milestone's code, on the page the login goes on to).
    if "/2fa/authenticate" in page.url and page.locator("input[name=code]").count():
        page.fill("input[name=code]", totp_code_now(secret))
        page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
