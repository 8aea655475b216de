"""The screens of a person's account as a screen reader, a keyboard and a phone need them,
in English and Hindi, at a desktop's width and a phone's (375 px): logging in, with and
without a refusal, and choosing a password from an invitation's link. One live server for
the module; nobody is signed in."""

from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conftest import PASSWORD
from itcell.accounts.models import User
from itcell.accounts.services import create_user
from itcell.core.tests.a11y import audit_all
from itcell.core.tests.live import WIDTHS, Site, screenshot, shared_site

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
        yield site


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
