"""The one clock every decision reads, so tests and the demo can set the time.

Code calls ``clock.now()`` (an aware datetime in UTC), never ``timezone.now()`` or
``datetime.now()``. Tests freeze or move it::

    with clock.frozen(datetime(2020, 10, 26, 12, 30, tzinfo=UTC)):
        ...
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

IST = ZoneInfo("Asia/Kolkata")  # every screen, file and window is read in India's time

_frozen_at: datetime | None = None


def now() -> datetime:
    return _frozen_at if _frozen_at is not None else timezone.now()


def today_ist() -> date:
    return timezone.localtime(now()).date()


def set_now(at: datetime | None) -> None:
    """Stop the clock at ``at`` (an aware datetime), or let it run again with ``None``."""
    global _frozen_at
    if at is not None and timezone.is_naive(at):
        raise ValueError("the clock takes aware datetimes only")
    _frozen_at = at.astimezone(UTC) if at is not None else None


def advance(by: timedelta) -> datetime:
    """Move a frozen clock forward (tests of deadlines and windows)."""
    if _frozen_at is None:
        raise RuntimeError("advance() needs a frozen clock")
    set_now(_frozen_at + by)
    return now()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    previous = _frozen_at
    set_now(at)
    try:
        yield
    finally:
        set_now(previous)
