"""One live server and one set of data for a whole module of browser tests that only look at
screens (the accessibility audits): building the demo's cell takes seconds, a look at a
screen a fraction of one, and a module looks at dozens of screens.

    pytestmark = [pytest.mark.browser, pytest.mark.django_db]

    @pytest.fixture(scope="module")
    def site(browser, django_db_setup, django_db_blocker):
        with shared_site(browser, django_db_blocker, name="a11y_org", now=T0) as site:
            build_the_data()
            yield site

    def test_x(site):
        problems = site.look("name", "/org/bihar-2020/desks/", user="head", language="hi",
                             width="phone")

The module's data lives in one transaction, rolled back when the module ends; each test is
a savepoint inside it (``django_db``, not transactional), and the server's thread shares
the test's connection (the in-memory SQLite of the tests), so what a screen writes (a
session, a read mark) is gone before the next test.
"""

import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from pytest_django.live_server_helper import LiveServer

from conftest import ARTIFACTS, PASSWORD
from itcell.accounts.models import User
from itcell.core import clock
from itcell.core.tests.a11y import audit_all
from itcell.elections.models import Election

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


class Site:
    """The module's server, the time its screens are seen at, and signed-in sessions."""

    def __init__(self, browser: Any, url: str, now: datetime | None) -> None:
        self.browser, self.url, self.now = browser, url, now
        self.contexts: list[Any] = []
        self.latin: dict[str, set[str]] = {}  # screen: Latin strings on its Hindi page

    def session(self, username: str) -> list[dict[str, Any]]:
        """The cookie of ``username`` signed in (no password: hashing is slow)."""
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        return [{"name": cookie.key, "value": cookie.value, "url": self.url}]

    def open(self, url: str, *, user: str | None, language: str, width: str) -> Any:
        """A fresh page on ``url`` as ``user`` (None: signed out), in ``language``, at a
        desktop's or a phone's width, with the fonts loaded."""
        clock.set_now(self.now)  # released after every test (the root conftest)
        context = self.browser.new_context(base_url=self.url, viewport=WIDTHS[width])
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.url}]
            + (self.session(user) if user else [])
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        response = page.goto(url)
        assert response is not None, url
        assert response.ok, f"{url}: {response.status}"
        page.wait_for_load_state("networkidle")
        # Devanagari comes from the bundled font: wait for it, or a screenshot shows boxes.
        page.evaluate(
            """() => Promise.all(["400", "700"].map(
                w => document.fonts.load(`${w} 16px "Noto Sans Devanagari"`, "क"))
            ).then(() => document.fonts.ready).then(() => true)"""
        )
        return page

    def look(
        self, name: str, url: str, *, user: str | None, language: str, width: str
    ) -> list[str]:
        """Open ``url`` and run every accessibility check on it; the screen is kept as
        artifacts/<name>.png and its Latin strings (in Hindi) for ``keep_latin``."""
        page = self.open(url, user=user, language=language, width=width)
        try:
            # The Tab walk once per screen and language, at a desktop's width: the screens
            # hide no control on a phone, and the walk is the slowest check.
            problems, latin = audit_all(page, language=language, by_keyboard=width == "desktop")
            page.evaluate("document.activeElement?.blur(); window.scrollTo(0, 0)")
            screenshot(page, name)
        finally:
            page.context.close()
            self.contexts.remove(page.context)
        if latin:
            self.latin.setdefault(url, set()).update(latin)
        return problems

    def close_pages(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()

    def keep_latin(self, name: str) -> None:
        """Write the Latin strings seen on Hindi pages to artifacts/, for a person to read
        through: data (names, titles) or English still waiting for a msgid or its Hindi."""
        if self.latin:
            ARTIFACTS.mkdir(exist_ok=True)
            lines = [
                f"{screen}\t{text}"
                for screen, texts in sorted(self.latin.items())
                for text in sorted(texts)
            ]
            (ARTIFACTS / f"{name}_latin_on_hindi_pages.txt").write_text("\n".join(lines) + "\n")


@contextmanager
def shared_site(
    browser: Any, django_db_blocker: Any, *, name: str, now: datetime | None
) -> Iterator[Site]:
    """A live server on the test database for one module, in a transaction rolled back
    after it."""
    # The demo makes its people with passwords; the production hasher's cost is not what
    # these tests are about.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        clock.set_now(now)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        site = Site(browser, server.url, now)
        try:
            yield site
        finally:
            site.close_pages()
            site.keep_latin(name)
            server._live_server_modified_settings.disable()
            server.stop()
            clock.set_now(None)
            transaction.set_rollback(True)


def screenshot(page: Any, name: str) -> None:
    """Keep the screen as seen under artifacts/ (the whole page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{re.sub(r'[^\w.-]+', '_', name)}.png"), full_page=True)


def build_demo(*, first_day: date, hindi: Collection[str] = ()) -> Election:
    """The demo's cell on Bihar 2020 as ``itcell demo`` builds it (the VIP's): desks, people
    and a week of roster from ``first_day``, the playbook, channels and posts in every state,
    the rule book, a ledger, certificates and a takedown with its notifications, training.
    The people named in ``hindi`` prefer Hindi before anything is sent to them."""
    from itcell.compliance import demo as compliance_demo
    from itcell.elections.models import Party
    from itcell.elections.services import load_election, set_own_party
    from itcell.organisation import demo as organisation_demo
    from itcell.playbook import demo as playbook_demo
    from itcell.playbook import training_demo
    from itcell.publishing import demo as publishing_demo

    election = load_election(name="bihar-2020").election
    set_own_party(election=election, party=Party.objects.get(short_name="VIP"))
    organisation_demo.build(election=election, password=PASSWORD, first_day=first_day)
    User.objects.filter(username__in=hindi).update(preferred_language="hi")
    playbook_demo.build(election=election)
    publishing_demo.build(election=election)
    compliance_demo.build(election=election)
    training_demo.build(election=election)
    return election
