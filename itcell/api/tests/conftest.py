"""Fixtures for the API: the publishing tests' cell (Bahadurganj, AC 52, with the state's
head and spokesperson), an analyst at Kishanganj (AC 54), and tokens made as the head makes
them."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from itcell.accounts.models import User
from itcell.api.scopes import Scope
from itcell.api.tokens import TokenInput, create_token
from itcell.organisation.models import Desk
from itcell.organisation.roles import Role
from itcell.organisation.tests.factories import desk as desk_at
from itcell.organisation.tests.factories import person
from itcell.publishing.tests.factories import Cell

EVERY_SCOPE = tuple(s.value for s in Scope)


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _publishing(settings):  # type: ignore[no-untyped-def]
    """Publishing's in-memory platform, fast passwords, and a task queue that keeps what is
    enqueued (webhook tests send as a worker would: ``send_due``)."""
    from django.tasks import default_task_backend

    from itcell.publishing.connectors import DEFAULT_CONNECTORS, locmem

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ITCELL_CONNECTORS = {
        **DEFAULT_CONNECTORS,
        "locmem": {"BACKEND": "itcell.publishing.connectors.locmem.LocmemConnector"},
    }
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]
    locmem.reset()
    yield
    locmem.reset()


@pytest.fixture
def cell(bihar):  # type: ignore[no-untyped-def]
    """Bihar 2020 with the Bahadurganj desk (AC 52), its people and the state's head."""
    cell = Cell.build(bihar)
    cell.analyst = person("analyst", desk_at(bihar, 54), Role.ANALYST)  # type: ignore[attr-defined]
    return cell


MakeToken = Callable[..., str]


@pytest.fixture
def make_token(cell) -> MakeToken:  # type: ignore[no-untyped-def]
    """A live token's secret: for the head (every scope, the whole state) unless told."""

    def make(
        user: User | None = None,
        scopes: tuple[str, ...] = EVERY_SCOPE,
        desk: Desk | None = None,
        **changes: Any,
    ) -> str:
        _token, raw = create_token(
            election=cell.election,
            data=TokenInput(
                name=f"test {len(scopes)}",
                user=user or cell.head,
                scopes=scopes,
                desk=desk,
                **changes,
            ),
            actor=cell.head,
        )
        return raw

    return make


class Api:
    """Django's test client, speaking to ``/api/`` with a token."""

    def __init__(self, token: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api{path}", params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(f"/api{path}", body or {}, content_type="application/json")


@pytest.fixture
def api(make_token) -> Callable[..., Api]:  # type: ignore[no-untyped-def]
    return lambda *args, **kwargs: Api(make_token(*args, **kwargs))
