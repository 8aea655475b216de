from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from itcell.core import clock

IST = ZoneInfo("Asia/Kolkata")


def test_frozen_clock_returns_the_set_instant_in_utc() -> None:
    with clock.frozen(datetime(2020, 10, 26, 18, 0, tzinfo=IST)):
        assert clock.now() == datetime(2020, 10, 26, 12, 30, tzinfo=UTC)
        assert clock.now().tzinfo == UTC


def test_frozen_clock_is_released_after_the_block() -> None:
    with clock.frozen(datetime(2000, 1, 1, tzinfo=UTC)):
        pass
    assert clock.now().year >= 2026


def test_advance_moves_a_frozen_clock() -> None:
    with clock.frozen(datetime(2020, 10, 26, 12, 29, 59, tzinfo=UTC)):
        assert clock.advance(timedelta(seconds=1)) == datetime(2020, 10, 26, 12, 30, tzinfo=UTC)


def test_advance_refuses_a_running_clock() -> None:
    with pytest.raises(RuntimeError):
        clock.advance(timedelta(seconds=1))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        clock.set_now(datetime(2020, 10, 26, 18, 0))


def test_today_is_the_date_in_india() -> None:
    # 20:00 UTC on 27 Oct is already 28 Oct in India.
    with clock.frozen(datetime(2020, 10, 27, 20, 0, tzinfo=UTC)):
        assert clock.today_ist().isoformat() == "2020-10-28"
