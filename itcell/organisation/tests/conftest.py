"""Fixtures shared by the organisation tests."""

import pytest

from itcell.elections.models import Election
from itcell.organisation.services import create_desks


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # These tests make many people; the production hasher's cost is not what they test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desks(bihar: Election) -> Election:
    """Bihar 2020 with its 282 desks: HQ, one per district, one per constituency."""
    create_desks(election=bihar)
    return bihar
