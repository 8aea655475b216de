"""Signing in through the real form in a browser test, second factor included."""

import re
from typing import Any

from conftest import PASSWORD
from itcell.accounts import totp
from itcell.accounts.models import TwoFactorDevice, User
from itcell.accounts.services.two_factor import device_secret
from itcell.core import clock

CODE_PAGE = re.compile(r"/accounts/login/(code|enrol)/")


def sign_in(page: Any, username: str = "head") -> None:
    """Sign in through the form, in whatever language the login page is in, typing the
    second factor's code when the person's role asks for one."""
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Username|उपयोगकर्ता")).fill(username)
    page.get_by_label(re.compile("Password|पासवर्ड")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|लॉग इन")).click()
    page.wait_for_load_state()
    complete_two_factor(page, username)


def complete_two_factor(page: Any, username: str) -> None:
    """If the password led to the code step, type the code the person's authenticator would
    show: from their device, or, on the enrolment page, from the secret the page shows."""
    if not CODE_PAGE.search(page.url):
        return
    if "/enrol/" in page.url:
        secret = page.locator("#two_factor_secret").inner_text()
    else:
        device = TwoFactorDevice.objects.get(user=User.objects.get(username=username))
        secret = device_secret(device)
    page.locator("#id_code").fill(totp.totp(totp.secret_bytes(secret), clock.now()))
    page.locator("form.login button[type=submit]").click()
    page.wait_for_load_state()
