"""A head sets up an authenticator and signs in with codes, in headless Chromium."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from itcell.accounts.tests.browser import complete_two_factor
from itcell.core import clock
from itcell.organisation.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_password(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery-9")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_a_head_sets_up_the_authenticator_then_signs_in_with_a_code(  # type: ignore[no-untyped-def]
    page, member, settings
):
    settings.ITCELL_TWO_FACTOR_ROLES = ["head", "spokesperson"]  # the root conftest turns it off
    member("asha", Role.HEAD)

    type_password(page, "asha")
    expect(page).to_have_url(re.compile(r"/accounts/login/enrol/$"))
    secret = page.locator("#two_factor_secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    page.get_by_label("Code").fill("000000")  # wrong, but for one time in a million
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.locator("[role=alert]")).to_contain_text("That code is not right")
    complete_two_factor(page, "asha")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    # Half a minute later: a code's step is never accepted twice.
    clock.set_now(datetime.now(UTC) + timedelta(seconds=31))
    type_password(page, "asha")
    expect(page).to_have_url(re.compile(r"/accounts/login/code/$"))
    complete_two_factor(page, "asha")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
