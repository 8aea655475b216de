"""The election calendar: which windows are open at an instant. Pure: plain values in, plain
values out; no ORM and no clock (the caller passes the instant).

Windows (ECI-RULES.md):
- silence (R-SIL-1): ``[poll_close_at − 48 h, poll_close_at)`` per constituency;
- exit-poll ban (R-EXIT-1): ``[from, until]``, state-wide, both ends included;
- Model Code of Conduct: ``[from, until)``.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

SILENCE_PERIOD = timedelta(hours=48)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    includes_end: bool = False

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("windows take aware datetimes only")
        if self.end < self.start:
            raise ValueError("a window cannot end before it starts")

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end or (self.includes_end and at == self.end)

    def is_over(self, at: datetime) -> bool:
        return at > self.end if self.includes_end else at >= self.end


def silence_window(poll_close_at: datetime, period: timedelta = SILENCE_PERIOD) -> Window:
    return Window(poll_close_at - period, poll_close_at)


class ACStatus(StrEnum):
    CAMPAIGNING = "campaigning"
    SILENT = "silent"
    POLLED = "polled"


def ac_status(
    poll_close_at: datetime, at: datetime, period: timedelta = SILENCE_PERIOD
) -> ACStatus:
    window = silence_window(poll_close_at, period)
    if window.contains(at):
        return ACStatus.SILENT
    return ACStatus.POLLED if window.is_over(at) else ACStatus.CAMPAIGNING


class PhaseStatus(StrEnum):
    UPCOMING = "upcoming"  # every constituency of the phase still campaigning
    SILENT = "silent"  # at least one in its silence window
    POLLED = "polled"  # every constituency has closed its poll


@dataclass(frozen=True)
class PhaseDates:
    number: int
    poll_date: date
    poll_opens_at: datetime
    poll_closes_at: datetime  # the phase's hour; some constituencies may close earlier


@dataclass(frozen=True)
class Calendar:
    """One election's windows. ``poll_close`` maps each AC number to its close of poll;
    ``phase_of`` maps each AC number to its phase number; ``silence_period`` is the
    election's (48 hours in the law, kept as data)."""

    mcc: Window
    exit_poll_ban: Window
    counting_date: date
    phases: tuple[PhaseDates, ...]
    poll_close: Mapping[int, datetime]
    phase_of: Mapping[int, int]
    silence_period: timedelta = SILENCE_PERIOD
    _acs_by_phase: dict[int, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_phase: dict[int, list[int]] = {p.number: [] for p in self.phases}
        for ac_no, phase in sorted(self.phase_of.items()):
            by_phase[phase].append(ac_no)
        object.__setattr__(self, "_acs_by_phase", {k: tuple(v) for k, v in by_phase.items()})

    def silence_window(self, ac_no: int) -> Window:
        return silence_window(self.poll_close[ac_no], self.silence_period)

    def ac_status(self, ac_no: int, at: datetime) -> ACStatus:
        return ac_status(self.poll_close[ac_no], at, self.silence_period)

    def silent_acs(self, at: datetime) -> frozenset[int]:
        return frozenset(
            ac
            for ac, close in self.poll_close.items()
            if silence_window(close, self.silence_period).contains(at)
        )

    def acs_in_phase(self, phase: int) -> tuple[int, ...]:
        return self._acs_by_phase.get(phase, ())

    def phase_silence(self, phase: int) -> Window:
        """From the first constituency of the phase to fall silent to the last poll close;
        a phase with no constituencies yet falls back to its own poll-close hour."""
        closes = [self.poll_close[ac] for ac in self.acs_in_phase(phase)]
        if not closes:
            closes = [p.poll_closes_at for p in self.phases if p.number == phase]
        return Window(min(closes) - self.silence_period, max(closes))

    def phase_status(self, phase: int, at: datetime) -> PhaseStatus:
        statuses = {self.ac_status(ac, at) for ac in self.acs_in_phase(phase)}
        if not statuses:
            statuses = {ac_status(self.phase_silence(phase).end, at, self.silence_period)}
        if statuses == {ACStatus.POLLED}:
            return PhaseStatus.POLLED
        if statuses == {ACStatus.CAMPAIGNING}:
            return PhaseStatus.UPCOMING
        return PhaseStatus.SILENT

    def mcc_in_force(self, at: datetime) -> bool:
        return self.mcc.contains(at)

    def exit_poll_ban_in_force(self, at: datetime) -> bool:
        return self.exit_poll_ban.contains(at)

    def next_silence(self, at: datetime) -> tuple[int, Window] | None:
        """The phase whose silence opens next after ``at`` (or is open now), with its window."""
        upcoming = [
            (p.number, self.phase_silence(p.number))
            for p in self.phases
            if not self.phase_silence(p.number).is_over(at)
        ]
        return min(upcoming, key=lambda item: item[1].start, default=None)
