"""Test wiring shared by every app: a real browser, the Bihar data, signed-in users."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls made by the
# test body between browser steps are safe (they do not run inside that loop).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("ITCELL_MANIFEST_STATIC", "0")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("ITCELL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery-9"
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):  # type: ignore[no-untyped-def]
    # pytest-django reads the settings before this file, so ITCELL_MANIFEST_STATIC comes too late.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}


@pytest.fixture(autouse=True)
def _frozen_clock_is_released() -> Iterator[None]:
    from itcell.core import clock

    yield
    clock.set_now(None)


@pytest.fixture(autouse=True)
def _language_is_reset() -> Iterator[None]:
    # LocaleMiddleware activates the request's language in the test's thread and leaves it.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def bihar(db: None) -> object:
    """Bihar 2020, loaded from the bundled data folder."""
    from itcell.elections.services import load_election

    return load_election(name="bihar-2020").election


@pytest.fixture
def make_user(db: None):  # type: ignore[no-untyped-def]
    from itcell.accounts.services import create_user

    def make(username: str = "writer", **kwargs: object):  # type: ignore[no-untyped-def]
        return create_user(username=username, password=PASSWORD, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium from the system (never downloaded). Missing Chromium fails the run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Let the compose screen's live check run and finish before the next click. It fires on
    a field's change (which a click elsewhere would cause) and 800 ms after typing stops. On
    the in-memory SQLite test database every request of the live server shares one connection,
    so a check (saved, then rolled back) running beside a save would roll the save back too."""
    page.evaluate("document.activeElement?.blur()")
    page.wait_for_timeout(900)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


@pytest.fixture
def page(browser, request, live_server):  # type: ignore[no-untyped-def]
    """A fresh browser page; its last screen is kept under artifacts/ as a screenshot."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    settle(page)  # or the check would write while the test database is emptied
    ARTIFACTS.mkdir(exist_ok=True)
    # Devanagari comes from a web font: wait for it, or the picture shows empty boxes.
    page.evaluate("document.fonts.ready.then(() => true)")
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def log_in(page, make_user):  # type: ignore[no-untyped-def]
    from itcell.accounts.tests.browser import sign_in

    def log_in(username: str = "head", **kwargs: object):  # type: ignore[no-untyped-def]
        user = make_user(username, **kwargs)
        sign_in(page, username)
        return user

    return log_in
