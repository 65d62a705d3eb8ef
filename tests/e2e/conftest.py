"""A real Streamlit server on 127.0.0.1 and Debian's chromium, driven by Playwright like a phone."""

from __future__ import annotations

import shutil
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from geo import config
from tests.real_parts import missing
from tests.servers import free_port, running_server

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = config.PROJECT_ROOT / "screenshots"
TUESDAY_EVENING = "2026-11-24T21:00"  # the server's frozen clock: screenshots and answers do not depend on the day
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


@contextmanager
def running_app(*, port: int | None = None, secrets: Path | None = None, log_path: str | None = None,
                **env: str) -> Iterator[str]:
    """The app as `make run` serves it (`python -m geo serve`: the pages, /simple and the API on one address) on
    127.0.0.1 (a free port unless told), stopped on exit. Its secrets file is `secrets` (sign-in configured) or
    none at all: a developer's own .streamlit/secrets.toml never leaks in."""
    port = port or free_port()
    no_secrets = Path(tempfile.gettempdir()) / "gup-aucun-secret.toml"
    with running_server(
            [sys.executable, "-m", "geo", "serve", "--host", "127.0.0.1", "--port", str(port)],
            "/_stcore/health", "geo serve", port=port,
            env={"GUP_NOW": TUESDAY_EVENING, "GUP_SECRETS_FILE": str(secrets or no_secrets), **env},
            stop_seconds=20, log_path=log_path) as url:
        yield url


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        missing("navigateur absent : installez Debian's chromium (apt-get install chromium) pour les tests "
                    "de navigateur ; .ci/run le fait")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_phone(browser, url: str):
    """A phone-sized page; it records page errors, dialogs and every host it asks something of."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    page = context.new_page()
    page.errors, page.dialogs, page.hosts = [], [], set()
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: page.hosts.add(urllib.parse.urlsplit(request.url).hostname))
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_text("Votre quartier").first.wait_for(timeout=60_000)
    return context, page


@pytest.fixture
def phone(browser, app_url):
    context, page = open_phone(browser, app_url)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def choose(page, selectbox, option_name: str) -> None:
    """Open a Streamlit selectbox and pick an option; a rerun landing between the two clicks closes the
    list, so it is opened again (at most three times) rather than failing on timing."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    option = page.get_by_role("option", name=option_name)
    for _ in range(3):
        selectbox.scroll_into_view_if_needed()
        selectbox.click()
        try:
            option.click(timeout=5_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"option « {option_name} » never reachable")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test leaves a screenshot of every page still open, to see what the resident saw."""
    report = yield
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and browser is not None:
        SCREENSHOTS.mkdir(exist_ok=True)
        for n, page in enumerate(p for context in browser.contexts for p in context.pages):
            page.screenshot(path=str(SCREENSHOTS / f"echec-{item.name}-{n}.png"), full_page=True)
    return report
