"""Messages of findings: lazy, so one finding reads in English or Hindi when shown; instants
in IST, amounts in rupees."""

from datetime import date, datetime
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise

from itcell.core.clock import IST  # noqa: F401 (for the rules)
from itcell.core.templatetags.itcell import ist as format_ist


class say:
    """``message % values``, formatted when read (in the language active then)."""

    def __init__(self, message: Any, **values: Any) -> None:
        self.message, self.values = message, values

    def __str__(self) -> str:
        return str(self.message) % {key: str(value) for key, value in self.values.items()}

    def __repr__(self) -> str:
        return f"say({str(self)!r})"


class ist:
    """An instant as people in the cell read it: "28 Oct 2020 18:00 IST"."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __str__(self) -> str:
        return format_ist(self.at)


class day:
    def __init__(self, on: date) -> None:
        self.on = on

    def __str__(self) -> str:
        return date_format(self.on, "j M Y")


class rupees:
    def __init__(self, amount: int) -> None:
        self.amount = amount

    def __str__(self) -> str:
        return "₹" + number_format(self.amount, force_grouping=True)


#: A message for people: a lazy translation, or one formatted when read.
Message = str | Promise | say


def listed(items: Any) -> str:
    return ", ".join(str(item) for item in items)
