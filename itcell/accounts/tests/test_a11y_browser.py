"""The screens of a person's account as a screen reader, a keyboard and a phone need them,
in English and Hindi, at a desktop's width and a phone's (375 px): logging in, with and
without a refusal, the second factor (setting it up, typing a code), and choosing a password
from an invitation's link. One live server for the module; nobody is signed in."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conftest import PASSWORD
from itcell.accounts.models import User
from itcell.accounts.services import create_user, start_enrolment
from itcell.accounts.tests.conftest import headquarters
from itcell.core.tests.a11y import audit_all
from itcell.core.tests.live import WIDTHS, Site, screenshot, shared_site
from itcell.organisation.roles import Role
from itcell.organisation.services import grant_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def set_password() -> str:
    user = User.objects.get(username="sunita")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/set-password/{uid}/{default_token_generator.make_token(user)}/"


# screen: the address, seen by nobody signed in
SCREENS: dict[str, Callable[[], str]] = {
    "login": lambda: "/accounts/login/",
    "set_password": set_password,
}


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with shared_site(browser, django_db_blocker, name="a11y_accounts", now=None) as site:
        create_user(username="sunita", password=PASSWORD, display_name="Sunita Devi")
        hq = headquarters()
        for username, role in [("head", Role.HEAD), ("spokes", Role.SPOKESPERSON)]:
            grant_role(
                user=create_user(username=username, password=PASSWORD),
                desk=hq,
                role=role,
                actor=None,
            )
        device = start_enrolment(user=User.objects.get(username="spokes"))
        device.confirmed_at = datetime(2020, 10, 1, tzinfo=UTC)
        device.save()
        yield site


def type_password(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_is_named_legible_reachable_by_keyboard_and_fits(site, screen, language, width):  # type: ignore[no-untyped-def]
    problems = site.look(
        f"a11y_accounts_{screen}_{language}_{width}",
        SCREENS[screen](),
        user=None,
        language=language,
        width=width,
    )
    assert not problems, f"{screen} ({language}, {width}):\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_refused_login_is_announced_and_legible_on_a_phone(site, language):  # type: ignore[no-untyped-def]
    page = site.open("/accounts/login/", user=None, language=language, width="phone")
    page.locator("#id_username").fill("sunita")
    page.locator("#id_password").fill("not the password")
    page.locator("form.login button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[role=alert]").is_visible()
    problems, _ = audit_all(page, language=language)
    screenshot(page, f"a11y_accounts_login_refused_{language}_phone")
    assert not problems, "\n".join(problems)


# screen: who signs in to reach it (the head has no authenticator yet; the spokesperson has)
CODE_SCREENS = {"enrol_two_factor": "head", "two_factor": "spokes"}


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the server sees the module's people only through SQLite's shared connection",
)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", CODE_SCREENS)
def test_second_factor_screens_are_named_legible_reachable_by_keyboard_and_fit(  # type: ignore[no-untyped-def]
    site, screen, language, width
):
    page = site.open("/accounts/login/", user=None, language=language, width=width)
    type_password(page, CODE_SCREENS[screen])
    assert page.url.endswith("/accounts/login/code/" if screen == "two_factor" else "/enrol/")
    problems, _ = audit_all(page, language=language, by_keyboard=width == "desktop")
    screenshot(page, f"a11y_accounts_{screen}_{language}_{width}")
    assert not problems, f"{screen} ({language}, {width}):\n" + "\n".join(problems)
