"""Messages of findings: lazy, so one finding reads in English or Hindi when shown; instants
in IST, amounts in rupees."""

from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise

from itcell.core.clock import IST  # noqa: F401 (for the rules)
from itcell.core.templatetags.itcell import day as format_day
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
        return format_day(self.on)


class rupees:
    """An amount as Indians write it: ₹30,80,000 (lakhs and crores, in either language)."""

    def __init__(self, amount: int) -> None:
        self.amount = amount

    def __str__(self) -> str:
        digits = str(abs(self.amount))
        head, tail = digits[:-3], digits[-3:]
        groups: list[str] = []
        while len(head) > 2:
            head, pair = head[:-2], head[-2:]
            groups.insert(0, pair)
        sign = "-" if self.amount < 0 else ""
        return sign + "₹" + ",".join([head, *groups, tail] if head else [*groups, tail])


#: A message for people: a lazy translation, or one formatted when read.
Message = str | Promise | say


def listed(items: Any) -> str:
    return ", ".join(str(item) for item in items)
