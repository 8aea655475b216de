"""Fixtures for the publishing tests: Bihar with its desks, the people of the Bahadurganj
desk (AC 52) and the state, channels on the in-memory platform, and a task backend that
keeps what is enqueued (tests run deliveries themselves, as a worker would)."""

import pytest

from itcell.publishing.connectors import DEFAULT_CONNECTORS, locmem

LOCMEM = "itcell.publishing.connectors.locmem.LocmemConnector"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def screeners():  # type: ignore[no-untyped-def]
    """Publishing's tests register their own screeners: the Election Commission's rules are
    tested with publishing in ``itcell/compliance/tests``."""
    from itcell.publishing.screening import screeners

    eci = screeners._items.pop("eci", None)
    yield screeners
    if eci is not None:
        screeners._items["eci"] = eci


@pytest.fixture(autouse=True)
def connectors(settings):  # type: ignore[no-untyped-def]
    """The in-memory platform, plain, able to find posts, and deduping on our key."""
    settings.ITCELL_CONNECTORS = {
        **DEFAULT_CONNECTORS,
        "locmem": {"BACKEND": LOCMEM},
        "locmem_find": {"BACKEND": LOCMEM, "OPTIONS": {"can_find": True}},
        "locmem_idem": {"BACKEND": LOCMEM, "OPTIONS": {"idempotent": True}},
    }
    locmem.reset()
    yield locmem
    locmem.reset()


@pytest.fixture(autouse=True)
def queue(settings):  # type: ignore[no-untyped-def]
    """Enqueued tasks wait in the dummy backend (which can defer) for the test to run."""
    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]
    return default_task_backend


@pytest.fixture
def cell(bihar):  # type: ignore[no-untyped-def]
    from itcell.publishing.tests.factories import Cell

    return Cell.build(bihar)
