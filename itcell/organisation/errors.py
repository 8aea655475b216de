"""Errors of the organisation app.

ItcellError
 ├── InvalidInput
 │    └── RosterError           a shift that overlaps, ends before it starts, or sits
 │                              outside the member's desks; an import with bad rows
 ├── NotAllowed                  the member's role or desk scope does not allow it
 └── InvitationError             expired, already used, or unknown invitation
"""

from itcell.core.errors import InvalidInput, ItcellError


class RosterError(InvalidInput):
    pass


class NotAllowed(ItcellError):
    pass


class InvitationError(ItcellError):
    pass
