"""A desk to hold roles at, made without loading a whole state (the lockout and two-factor
tests need only one), and people signed in through the real form."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from conftest import PASSWORD
from itcell.accounts import totp
from itcell.accounts.models import TwoFactorDevice, User
from itcell.accounts.services import create_user
from itcell.accounts.services.two_factor import device_secret
from itcell.core import clock
from itcell.elections.models import Election, State
from itcell.organisation.models import Desk
from itcell.organisation.roles import Role
from itcell.organisation.services import grant_role

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
ENROL = "/accounts/login/enrol/"
NOW = datetime(2020, 10, 26, 6, 30, 10, tzinfo=UTC)


def headquarters() -> Desk:
    at = datetime(2020, 10, 1, tzinfo=UTC)
    election = Election.objects.create(
        slug="testland-2020",
        state=State.objects.create(code="XX", name_en="Testland"),
        name_en="Testland 2020",
        mcc_from=at,
        mcc_until=at,
        counting_date=date(2020, 11, 10),
        exit_poll_ban_from=at,
        exit_poll_ban_until=at,
    )
    return Desk.objects.create(election=election, kind=Desk.Kind.HQ, name_en="HQ")


@pytest.fixture
def hq(db: None) -> Desk:
    return headquarters()


@pytest.fixture
def member(hq: Desk):  # type: ignore[no-untyped-def]
    def make(username: str, role: Role | None = None) -> User:
        user = create_user(username=username, password=PASSWORD)
        if role is not None:
            grant_role(user=user, desk=hq, role=role, actor=None)
        return user

    return make


@pytest.fixture
def now() -> datetime:
    clock.set_now(NOW)  # released by the root conftest
    return NOW


def code_for(user: User, at: datetime | None = None) -> str:
    device = TwoFactorDevice.objects.get(user=user)
    return totp.totp(totp.secret_bytes(device_secret(device)), at or clock.now())


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # These tests type dozens of passwords; the production hasher takes a good part of a
    # second for each, on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
