"""The API's routers, one per area; ``itcell.api.api`` mounts them."""

from collections.abc import Iterable

from itcell.organisation.permissions import Grant
from itcell.organisation.roles import MATRIX, Action


def reach(grants: Iterable[Grant], action: Action) -> tuple[set[int], set[int]] | None:
    """The desks and constituencies ``grants`` reach for ``action``; None for the whole state."""
    desks: set[int] = set()
    acs: set[int] = set()
    for grant in grants:
        if action not in MATRIX[grant.role]:
            continue
        if grant.reaches_state:
            return None
        desks.add(grant.desk_id)
        acs |= grant.desk_acs
    return desks, acs
