"""Fixtures for the compliance integration tests: publishing's cell (Bihar 2020, the
Bahadurganj desk, AC 52, a channel on the in-memory platform) and its task queue, with the
Election Commission's screener *registered* — publishing's own tests take it out, these tests
are about it."""

import pytest

from itcell.publishing.tests.conftest import (  # noqa: F401  (fixtures, used by name)
    _fast_password_hashing,
    cell,
    connectors,
    queue,
)


@pytest.fixture(autouse=True)
def eci_screener():  # type: ignore[no-untyped-def]
    """The real ECI screener screens every post here (and the tests fail loudly if not)."""
    from itcell.compliance.screener import eci
    from itcell.publishing.screening import screeners

    registered = dict(screeners.items())
    assert registered.get("eci") is eci, "the ECI screener is not registered"
    return eci
