"""The election calendar (ECI-RULES §2 silence, §3 exit polls, §10 Bihar windows). Pure tests
on a hand-built Bihar calendar, then one on the calendar read from the loaded data."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from itcell.core import clock
from itcell.elections.calendar import (
    ACStatus,
    Calendar,
    PhaseDates,
    PhaseStatus,
    Window,
    ac_status,
    silence_window,
)
from itcell.elections.models import Election
from itcell.elections.selectors import get_calendar

IST = ZoneInfo("Asia/Kolkata")
SECOND = timedelta(seconds=1)


def ist(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=IST)


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


POLL_DAYS = {1: date(2020, 10, 28), 2: date(2020, 11, 3), 3: date(2020, 11, 7)}
LWE_AC = 222  # a phase-1 constituency whose poll closes at 16:00 (Left-Wing-Extremism area)
PHASE_OF = {222: 1, 223: 1, 224: 1, 101: 2, 102: 2, 52: 3, 53: 3}


def close_of(ac: int) -> datetime:
    day = POLL_DAYS[PHASE_OF[ac]]
    return datetime(day.year, day.month, day.day, 16 if ac == LWE_AC else 18, tzinfo=IST)


def bihar_calendar(**overrides: object) -> Calendar:
    """Bihar 2020 as in ECI-RULES §10, with a few constituencies per phase."""
    values: dict[str, object] = {
        "mcc": Window(ist(2020, 9, 25, 0, 0), ist(2020, 11, 11, 0, 0)),
        "exit_poll_ban": Window(
            ist(2020, 10, 28, 7, 0), ist(2020, 11, 7, 18, 30), includes_end=True
        ),
        "counting_date": date(2020, 11, 10),
        "phases": tuple(
            PhaseDates(
                number=n,
                poll_date=day,
                poll_opens_at=datetime(day.year, day.month, day.day, 7, tzinfo=IST),
                poll_closes_at=datetime(day.year, day.month, day.day, 18, tzinfo=IST),
            )
            for n, day in POLL_DAYS.items()
        ),
        "poll_close": {ac: close_of(ac) for ac in PHASE_OF},
        "phase_of": PHASE_OF,
    }
    values.update(overrides)
    return Calendar(**values)  # type: ignore[arg-type]


# --- R-SIL-1: the silence window, to the second -----------------------------------------

PHASE_1_CLOSE = ist(2020, 10, 28, 18, 0)


def test_phase_1_poll_close_is_half_past_twelve_utc() -> None:
    assert utc(2020, 10, 28, 12, 30) == PHASE_1_CLOSE


def test_silence_window_is_the_48_hours_ending_at_poll_close() -> None:
    window = silence_window(PHASE_1_CLOSE)
    assert window.start == ist(2020, 10, 26, 18, 0) == utc(2020, 10, 26, 12, 30)
    assert window.end == ist(2020, 10, 28, 18, 0) == utc(2020, 10, 28, 12, 30)
    assert not window.includes_end


SILENCE_EDGES = [
    # Start of silence, 2020-10-26 18:00 IST = 12:30 UTC: included.
    pytest.param(ist(2020, 10, 26, 17, 59, 59), ACStatus.CAMPAIGNING, id="start-1s-ist"),
    pytest.param(ist(2020, 10, 26, 18, 0, 0), ACStatus.SILENT, id="start-ist"),
    pytest.param(ist(2020, 10, 26, 18, 0, 1), ACStatus.SILENT, id="start+1s-ist"),
    pytest.param(utc(2020, 10, 26, 12, 29, 59), ACStatus.CAMPAIGNING, id="start-1s-utc"),
    pytest.param(utc(2020, 10, 26, 12, 30, 0), ACStatus.SILENT, id="start-utc"),
    pytest.param(utc(2020, 10, 26, 12, 30, 1), ACStatus.SILENT, id="start+1s-utc"),
    # End of silence = close of poll, 2020-10-28 18:00 IST = 12:30 UTC: excluded.
    pytest.param(ist(2020, 10, 28, 17, 59, 59), ACStatus.SILENT, id="end-1s-ist"),
    pytest.param(ist(2020, 10, 28, 18, 0, 0), ACStatus.POLLED, id="end-ist"),
    pytest.param(ist(2020, 10, 28, 18, 0, 1), ACStatus.POLLED, id="end+1s-ist"),
    pytest.param(utc(2020, 10, 28, 12, 29, 59), ACStatus.SILENT, id="end-1s-utc"),
    pytest.param(utc(2020, 10, 28, 12, 30, 0), ACStatus.POLLED, id="end-utc"),
    pytest.param(utc(2020, 10, 28, 12, 30, 1), ACStatus.POLLED, id="end+1s-utc"),
    # Well before, in the middle, after.
    pytest.param(ist(2020, 10, 1, 12, 0), ACStatus.CAMPAIGNING, id="weeks-before"),
    pytest.param(ist(2020, 10, 27, 12, 0), ACStatus.SILENT, id="poll-eve"),
    pytest.param(ist(2020, 11, 10, 12, 0), ACStatus.POLLED, id="counting-day"),
]


@pytest.mark.parametrize(("at", "status"), SILENCE_EDGES)
def test_ac_status_at_the_edges_of_silence(at: datetime, status: ACStatus) -> None:
    assert ac_status(PHASE_1_CLOSE, at) is status
    assert silence_window(PHASE_1_CLOSE).contains(at) is (status is ACStatus.SILENT)
    assert bihar_calendar().ac_status(223, at) is status


@pytest.mark.parametrize(("at", "status"), SILENCE_EDGES)
def test_ac_status_on_a_frozen_clock(at: datetime, status: ACStatus) -> None:
    # The clock hands out UTC; the answer must not depend on the zone of the instant.
    with clock.frozen(at):
        assert clock.now().tzinfo is UTC
        assert ac_status(PHASE_1_CLOSE, clock.now()) is status


def test_windows_refuse_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        Window(datetime(2020, 10, 26, 18, 0), PHASE_1_CLOSE)
    with pytest.raises(ValueError, match="aware"):
        silence_window(datetime(2020, 10, 28, 18, 0))


def test_windows_refuse_to_end_before_they_start() -> None:
    with pytest.raises(ValueError, match="end before"):
        Window(PHASE_1_CLOSE, PHASE_1_CLOSE - SECOND)


# --- R-EXIT-1 and the MCC -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "in_force"),
    [
        pytest.param(ist(2020, 10, 28, 6, 59, 59), False, id="from-1s"),
        pytest.param(ist(2020, 10, 28, 7, 0, 0), True, id="from"),
        pytest.param(utc(2020, 10, 28, 1, 30, 0), True, id="from-utc"),
        pytest.param(ist(2020, 10, 28, 7, 0, 1), True, id="from+1s"),
        pytest.param(ist(2020, 10, 31, 12, 0), True, id="between-phases-1-and-2"),
        pytest.param(ist(2020, 11, 7, 18, 29, 59), True, id="until-1s"),
        pytest.param(ist(2020, 11, 7, 18, 30, 0), True, id="until-included"),
        pytest.param(utc(2020, 11, 7, 13, 0, 0), True, id="until-utc-included"),
        pytest.param(ist(2020, 11, 7, 18, 30, 1), False, id="until+1s"),
        pytest.param(ist(2020, 11, 10, 9, 0), False, id="counting-day"),
    ],
)
def test_exit_poll_ban_includes_both_ends(at: datetime, in_force: bool) -> None:
    assert bihar_calendar().exit_poll_ban_in_force(at) is in_force


@pytest.mark.parametrize(
    ("at", "in_force"),
    [
        pytest.param(ist(2020, 9, 24, 23, 59, 59), False, id="before-announcement"),
        pytest.param(ist(2020, 9, 25, 0, 0, 0), True, id="announcement-day"),
        pytest.param(utc(2020, 9, 24, 18, 30, 0), True, id="announcement-day-in-utc"),
        pytest.param(ist(2020, 10, 27, 12, 0), True, id="during-silence"),
        pytest.param(ist(2020, 11, 10, 23, 59, 59), True, id="end-of-counting-day"),
        pytest.param(ist(2020, 11, 11, 0, 0, 0), False, id="day-after-counting"),
    ],
)
def test_mcc_runs_from_announcement_to_end_of_counting_day(at: datetime, in_force: bool) -> None:
    assert bihar_calendar().mcc_in_force(at) is in_force


# --- phases, with one constituency closing early ------------------------------------------


@pytest.mark.parametrize(
    ("at", "phase_1", "phase_2", "silent"),
    [
        pytest.param(
            ist(2020, 10, 26, 15, 59, 59), "upcoming", "upcoming", set(), id="before-lwe-silence"
        ),
        pytest.param(ist(2020, 10, 26, 16, 0), "silent", "upcoming", {222}, id="lwe-silent"),
        pytest.param(
            ist(2020, 10, 26, 17, 59, 59), "silent", "upcoming", {222}, id="only-lwe-silent"
        ),
        pytest.param(
            ist(2020, 10, 26, 18, 0), "silent", "upcoming", {222, 223, 224}, id="all-silent"
        ),
        pytest.param(ist(2020, 10, 28, 16, 0), "silent", "upcoming", {223, 224}, id="lwe-polled"),
        pytest.param(
            ist(2020, 10, 28, 17, 59, 59), "silent", "upcoming", {223, 224}, id="last-second"
        ),
        pytest.param(ist(2020, 10, 28, 18, 0), "polled", "upcoming", set(), id="phase-1-polled"),
        pytest.param(ist(2020, 11, 1, 18, 0), "polled", "silent", {101, 102}, id="phase-2-silent"),
        pytest.param(ist(2020, 11, 3, 18, 0), "polled", "polled", set(), id="phase-2-polled"),
    ],
)
def test_phase_status_with_an_early_closing_constituency(
    at: datetime, phase_1: str, phase_2: str, silent: set[int]
) -> None:
    calendar = bihar_calendar()
    assert calendar.phase_status(1, at) == PhaseStatus(phase_1)
    assert calendar.phase_status(2, at) == PhaseStatus(phase_2)
    assert calendar.silent_acs(at) == silent


def test_the_early_closing_constituency_falls_silent_two_hours_before_the_others() -> None:
    calendar = bihar_calendar()
    assert calendar.silence_window(LWE_AC) == Window(
        ist(2020, 10, 26, 16, 0), ist(2020, 10, 28, 16, 0)
    )
    assert calendar.silence_window(223) == Window(
        ist(2020, 10, 26, 18, 0), ist(2020, 10, 28, 18, 0)
    )
    assert calendar.phase_silence(1) == Window(ist(2020, 10, 26, 16, 0), ist(2020, 10, 28, 18, 0))


@pytest.mark.parametrize(
    ("at", "silent"),
    [
        pytest.param(ist(2020, 10, 20, 12, 0), set(), id="campaign"),
        pytest.param(ist(2020, 10, 27, 12, 0), {222, 223, 224}, id="phase-1-eve"),
        pytest.param(ist(2020, 10, 30, 12, 0), set(), id="between-1-and-2"),
        pytest.param(ist(2020, 11, 2, 12, 0), {101, 102}, id="phase-2-eve"),
        pytest.param(ist(2020, 11, 6, 12, 0), {52, 53}, id="phase-3-eve"),
        pytest.param(ist(2020, 11, 7, 18, 0), set(), id="all-polled"),
    ],
)
def test_silent_acs_are_those_of_the_phase_about_to_poll(at: datetime, silent: set[int]) -> None:
    assert bihar_calendar().silent_acs(at) == silent


def test_silent_acs_span_phases_whose_windows_overlap() -> None:
    # Phases one day apart: on the eve of phase 2, phase 2 is silent and phase 1 too.
    close = {
        1: ist(2020, 10, 28, 18, 0),
        2: ist(2020, 10, 29, 18, 0),
        3: ist(2020, 11, 7, 18, 0),
    }
    phase_of = {10: 1, 11: 1, 20: 2, 30: 3}
    calendar = bihar_calendar(
        phase_of=phase_of, poll_close={ac: close[phase] for ac, phase in phase_of.items()}
    )
    assert calendar.silent_acs(ist(2020, 10, 27, 17, 59, 59)) == {10, 11}
    assert calendar.silent_acs(ist(2020, 10, 27, 18, 0)) == {10, 11, 20}
    assert calendar.silent_acs(ist(2020, 10, 28, 18, 0)) == {20}
    assert calendar.phase_status(1, ist(2020, 10, 28, 12, 0)) is PhaseStatus.SILENT
    assert calendar.phase_status(2, ist(2020, 10, 28, 12, 0)) is PhaseStatus.SILENT
    assert calendar.phase_status(3, ist(2020, 10, 28, 12, 0)) is PhaseStatus.UPCOMING


@pytest.mark.parametrize(
    ("at", "phase", "start", "end"),
    [
        pytest.param(
            ist(2020, 10, 1, 9, 0),
            1,
            ist(2020, 10, 26, 16, 0),
            ist(2020, 10, 28, 18, 0),
            id="campaign-next-is-phase-1-from-lwe-start",
        ),
        pytest.param(
            ist(2020, 10, 27, 9, 0),
            1,
            ist(2020, 10, 26, 16, 0),
            ist(2020, 10, 28, 18, 0),
            id="open-now-is-phase-1",
        ),
        pytest.param(
            ist(2020, 10, 28, 17, 59, 59),
            1,
            ist(2020, 10, 26, 16, 0),
            ist(2020, 10, 28, 18, 0),
            id="last-second-of-phase-1",
        ),
        pytest.param(
            ist(2020, 10, 28, 18, 0),
            2,
            ist(2020, 11, 1, 18, 0),
            ist(2020, 11, 3, 18, 0),
            id="phase-1-polled-next-is-phase-2",
        ),
        pytest.param(
            ist(2020, 11, 4, 9, 0),
            3,
            ist(2020, 11, 5, 18, 0),
            ist(2020, 11, 7, 18, 0),
            id="next-is-phase-3",
        ),
    ],
)
def test_next_silence(at: datetime, phase: int, start: datetime, end: datetime) -> None:
    assert bihar_calendar().next_silence(at) == (phase, Window(start, end))


def test_no_next_silence_after_the_last_poll() -> None:
    assert bihar_calendar().next_silence(ist(2020, 11, 7, 18, 0)) is None


# --- the calendar read from bihar-2020 (ECI-RULES §10) ------------------------------------

SECTION_10_SILENCE = {
    1: (71, ist(2020, 10, 26, 18, 0), ist(2020, 10, 28, 18, 0)),
    2: (94, ist(2020, 11, 1, 18, 0), ist(2020, 11, 3, 18, 0)),
    3: (78, ist(2020, 11, 5, 18, 0), ist(2020, 11, 7, 18, 0)),
}


def test_get_calendar_gives_section_10_windows_for_every_ac(bihar: Election) -> None:
    calendar = get_calendar(election=bihar)
    assert len(calendar.poll_close) == 243
    for phase, (count, start, end) in SECTION_10_SILENCE.items():
        acs = calendar.acs_in_phase(phase)
        assert len(acs) == count
        for ac in acs:
            assert calendar.silence_window(ac) == Window(start, end)
        assert calendar.phase_silence(phase) == Window(start, end)
    assert calendar.acs_in_phase(1)[0] in calendar.silent_acs(ist(2020, 10, 26, 18, 0))
    assert calendar.silence_window(52) == Window(*SECTION_10_SILENCE[3][1:])
    assert calendar.exit_poll_ban == Window(
        ist(2020, 10, 28, 7, 0), ist(2020, 11, 7, 18, 30), includes_end=True
    )
    assert calendar.exit_poll_ban_in_force(ist(2020, 11, 7, 18, 30))
    assert calendar.mcc == Window(ist(2020, 9, 25, 0, 0), ist(2020, 11, 11, 0, 0))
    assert calendar.counting_date == date(2020, 11, 10)
    assert [(p.number, p.poll_opens_at, p.poll_closes_at) for p in calendar.phases] == [
        (1, ist(2020, 10, 28, 7, 0), ist(2020, 10, 28, 18, 0)),
        (2, ist(2020, 11, 3, 7, 0), ist(2020, 11, 3, 18, 0)),
        (3, ist(2020, 11, 7, 7, 0), ist(2020, 11, 7, 18, 0)),
    ]


def test_get_calendar_follows_a_close_time_edited_by_hand(bihar: Election) -> None:
    bihar.polls.filter(ac__number=52).update(poll_close_at=ist(2020, 11, 7, 16, 0))
    calendar = get_calendar(election=bihar)
    with clock.frozen(ist(2020, 11, 5, 16, 0)):
        now = clock.now()
        assert calendar.silent_acs(now) == {52}
        assert calendar.phase_status(3, now) is PhaseStatus.SILENT
        assert calendar.phase_status(2, now) is PhaseStatus.POLLED
    assert calendar.next_silence(ist(2020, 11, 4, 0, 0)) == (
        3,
        Window(ist(2020, 11, 5, 16, 0), ist(2020, 11, 7, 18, 0)),
    )


def test_a_phase_without_constituencies_follows_its_own_poll_hour() -> None:
    from datetime import date

    from itcell.elections.calendar import Calendar, PhaseDates, PhaseStatus, Window

    close = datetime(2020, 10, 28, 12, 30, tzinfo=UTC)
    calendar = Calendar(
        mcc=Window(close - timedelta(days=30), close + timedelta(days=10)),
        exit_poll_ban=Window(close, close + timedelta(days=10), includes_end=True),
        counting_date=date(2020, 11, 10),
        phases=(PhaseDates(1, date(2020, 10, 28), close - timedelta(hours=11), close),),
        poll_close={},
        phase_of={},
    )
    assert calendar.phase_status(1, close - timedelta(hours=49)) is PhaseStatus.UPCOMING
    assert calendar.phase_status(1, close - timedelta(hours=1)) is PhaseStatus.SILENT
    assert calendar.phase_status(1, close) is PhaseStatus.POLLED
    assert calendar.next_silence(close - timedelta(hours=49)) == (1, calendar.phase_silence(1))
