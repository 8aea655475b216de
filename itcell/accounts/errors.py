"""Why a sign-in is refused.

ItcellError
 └── AccountsError
      ├── SignInLocked(until)   too many failures for this username or address
      └── WrongCode             a two-factor code that is wrong, stale or used already
"""

import math
from datetime import datetime

from django.utils.translation import ngettext

from itcell.core import clock
from itcell.core.errors import ItcellError


class AccountsError(ItcellError):
    pass


class SignInLocked(AccountsError):
    """Refused without looking at the password, so a right and a wrong one get one answer."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(self.message())

    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - clock.now()).total_seconds() / 60))

    def message(self) -> str:
        minutes = self.minutes_left()
        return ngettext(
            "Too many failed sign-ins; try again in %(minutes)d minute.",
            "Too many failed sign-ins; try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}


class WrongCode(AccountsError):
    pass
