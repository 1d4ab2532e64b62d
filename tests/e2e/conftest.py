"""Browser tests: Debian's Chromium driven by Playwright, with an axe-core check per page.

Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
inside one unless told that this is safe, which it is for these single-threaded tests.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium is needed for the browser tests at {CHROMIUM}: "
            "run 'make test' (it installs it) or 'apt-get install -y chromium'."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(transactional_db, live_server):
    """The live server's address, with a fresh database per test."""
    return live_server.url


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, site):
    """Open further pages in fresh browser contexts: another visit, with no shared cookies."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=site)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


_axe = Axe()


def assert_accessible(page):
    """Run axe-core on the current page and fail on any violation, naming them all.

    Call it once the page under test is showing (after an `expect` on its content): a click
    that navigates returns before the new document has loaded.
    """
    page.wait_for_load_state("load")
    results = _axe.run(page)
    assert results.violations_count == 0, (
        f"axe-core found violations on {page.url}:\n{results.generate_report()}"
    )


def tab_to(page, predicate_js, limit=60):
    """Press Tab until the focused element satisfies `predicate_js` (a JS arrow function)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"keyboard focus never reached an element matching {predicate_js}")
