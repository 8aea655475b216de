"""Roster arithmetic. Pure: shifts in, gaps and duty answers out; no ORM and no clock.

Every interval is half-open, ``[start, end)``: a shift from 06:00 to 14:00 and the next from
14:00 to 22:00 leave no gap, and the person on the first is off duty at 14:00 exactly.
"""

import itertools
from collections import defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("an interval must end after it starts")

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


@dataclass(frozen=True)
class Duty:
    """One person on one desk for one shift."""

    desk_id: int
    user_id: int
    interval: Interval
    approver: bool = False  # may approve for the whole state (head, spokesperson)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of intervals, as the fewest disjoint intervals, in order."""
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if merged and interval.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Interval(last.start, max(last.end, interval.end))
        else:
            merged.append(interval)
    return merged


def gaps(covered: Iterable[Interval], within: Interval) -> list[Interval]:
    """The parts of ``within`` that no interval of ``covered`` reaches."""
    found, cursor = [], within.start
    for interval in merge(covered):
        if interval.end <= cursor or interval.start >= within.end:
            continue
        if interval.start > cursor:
            found.append(Interval(cursor, interval.start))
        cursor = max(cursor, interval.end)
    if cursor < within.end:
        found.append(Interval(cursor, within.end))
    return found


def desk_gaps(
    duties: Iterable[Duty], desk_ids: Iterable[int], within: Interval
) -> dict[int, list[Interval]]:
    """For each desk, when nobody is on duty there during ``within`` (desks with no gap omitted)."""
    by_desk: dict[int, list[Interval]] = defaultdict(list)
    for duty in duties:
        by_desk[duty.desk_id].append(duty.interval)
    result = {desk: gaps(by_desk.get(desk, []), within) for desk in desk_ids}
    return {desk: found for desk, found in result.items() if found}


def approver_gaps(duties: Iterable[Duty], within: Interval) -> list[Interval]:
    """When no state-wide approver is on duty anywhere during ``within``."""
    return gaps((d.interval for d in duties if d.approver), within)


def on_duty(duties: Iterable[Duty], at: datetime) -> list[Duty]:
    return [d for d in duties if d.interval.contains(at)]


def overlapping(intervals: Sequence[Interval]) -> tuple[Interval, Interval] | None:
    """The first pair of intervals that overlap, if any (one person's shifts must not)."""
    ordered = sorted(intervals)
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            return before, after
    return None


@dataclass(frozen=True)
class DeskChain:
    """The desks that may answer for one constituency, most local first: its AC desks, its
    district desks, then HQ."""

    ac_desks: tuple[int, ...]
    district_desks: tuple[int, ...]
    hq_desk: int


def responsible_desk(chain: DeskChain, staffed: Container[int]) -> int:
    """The first desk in the chain with someone on duty; HQ when none is (HQ answers always)."""
    for desk in (*chain.ac_desks, *chain.district_desks):
        if desk in staffed:
            return desk
    return chain.hq_desk
