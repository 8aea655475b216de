"""Who may do what, where. Pure: takes a person's grants and what an action touches.

A *grant* is one role held at one desk, with the constituencies that desk covers. A grant
allows an action on a target when the role allows the action (``roles.MATRIX``) and the target
is inside the grant's scope: its own desk, or constituencies all within the desk's area — or
anything, for the state-wide roles (head, spokesperson) and for grants at the HQ desk.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from itcell.organisation.roles import MATRIX, STATE_WIDE_ROLES, Action, Role


@dataclass(frozen=True)
class Target:
    """What an action touches: a desk (with the area it covers), or a post's target ACs."""

    desk_id: int | None = None
    acs: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Grant:
    role: Role
    desk_id: int
    desk_acs: frozenset[int]  # constituency numbers the desk covers
    state_wide: bool = False  # the HQ desk covers the whole state
    confined: bool = False  # to its desk, whatever the role (an API token's desk scope)

    @property
    def reaches_state(self) -> bool:
        return self.state_wide or (self.role in STATE_WIDE_ROLES and not self.confined)

    def covers(self, target: Target) -> bool:
        if self.reaches_state or target.desk_id == self.desk_id:
            return True
        return bool(target.acs) and target.acs <= self.desk_acs


def confine(grants: Iterable[Grant], desk: Target) -> list[Grant]:
    """The grants cut down to one desk and its area (an API token's desk scope): those that
    cover the desk, each reaching that desk only."""
    return [
        Grant(grant.role, desk.desk_id or 0, desk.acs, confined=True)
        for grant in grants
        if grant.covers(desk)
    ]


def allows(grants: Iterable[Grant], action: Action, target: Target | None = None) -> bool:
    """True when one grant allows ``action`` on ``target`` (``None``: anywhere at all)."""
    return any(
        action in MATRIX[grant.role] and (target is None or grant.covers(target))
        for grant in grants
    )
