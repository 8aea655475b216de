"""Publishing's cell (Bihar 2020, the Bahadurganj desk, AC 52, a state channel on the
in-memory platform) for the tests of alerts and their responses."""

from itcell.publishing.tests.conftest import (  # noqa: F401  (fixtures, used by name)
    _fast_password_hashing,
    cell,
)
