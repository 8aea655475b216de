"""Roster arithmetic, without a database: intervals are half-open, so back-to-back shifts
leave no gap and a person is off duty at their shift's end minute."""

from datetime import datetime, timedelta

import pytest

from itcell.core.clock import IST
from itcell.organisation.coverage import (
    DeskChain,
    Duty,
    Interval,
    approver_gaps,
    desk_gaps,
    gaps,
    merge,
    on_duty,
    overlapping,
    responsible_desk,
)

DAY = datetime(2020, 10, 27, tzinfo=IST)


def t(hhmm: str) -> datetime:
    """A time on 27 Oct 2020 IST: ``t("14:01")``; a ``+`` puts it on the next day."""
    day = 1 if hhmm.startswith("+") else 0
    hours, minutes = (int(part) for part in hhmm.lstrip("+").split(":"))
    return DAY + timedelta(days=day, hours=hours, minutes=minutes)


def iv(start: str, end: str) -> Interval:
    return Interval(t(start), t(end))


def ivs(*pairs: tuple[str, str]) -> list[Interval]:
    return [iv(start, end) for start, end in pairs]


# --- Interval --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param("14:00", "14:00", id="zero-length"),
        pytest.param("14:00", "13:59", id="ends-before-it-starts"),
    ],
)
def test_an_interval_must_end_after_it_starts(start: str, end: str) -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        Interval(t(start), t(end))


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        pytest.param("05:59", False, id="minute-before-start"),
        pytest.param("06:00", True, id="start-minute"),
        pytest.param("13:59", True, id="last-minute"),
        pytest.param("14:00", False, id="end-minute"),
    ],
)
def test_interval_is_half_open(at: str, inside: bool) -> None:
    assert iv("06:00", "14:00").contains(t(at)) is inside


def test_interval_length_in_minutes() -> None:
    assert iv("06:00", "14:01").minutes == 481
    assert iv("22:00", "+06:00").minutes == 480


# --- merge -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param([], [], id="nothing"),
        pytest.param([("06:00", "14:00")], [("06:00", "14:00")], id="one"),
        pytest.param(
            [("14:00", "22:00"), ("06:00", "10:00")],
            [("06:00", "10:00"), ("14:00", "22:00")],
            id="disjoint-put-in-order",
        ),
        pytest.param(
            [("06:00", "14:00"), ("14:00", "22:00")], [("06:00", "22:00")], id="back-to-back"
        ),
        pytest.param(
            [("06:00", "14:00"), ("14:01", "22:00")],
            [("06:00", "14:00"), ("14:01", "22:00")],
            id="one-minute-apart-stay-apart",
        ),
        pytest.param(
            [("10:00", "22:00"), ("06:00", "14:00")], [("06:00", "22:00")], id="overlapping"
        ),
        pytest.param([("06:00", "22:00"), ("10:00", "12:00")], [("06:00", "22:00")], id="inside"),
        pytest.param(
            [("06:00", "14:00"), ("06:00", "14:00")], [("06:00", "14:00")], id="duplicates"
        ),
        pytest.param(
            [("22:00", "+06:00"), ("14:00", "22:00"), ("06:00", "14:00"), ("12:00", "13:00")],
            [("06:00", "+06:00")],
            id="a-day-of-three-shifts-and-an-extra",
        ),
    ],
)
def test_merge(given: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    assert merge(ivs(*given)) == ivs(*expected)


# --- gaps ------------------------------------------------------------------------------------

WINDOW = ("06:00", "22:00")


@pytest.mark.parametrize(
    ("covered", "expected"),
    [
        pytest.param([], [WINDOW], id="nobody-at-all"),
        pytest.param([("06:00", "14:00"), ("14:00", "22:00")], [], id="back-to-back-no-gap"),
        pytest.param(
            [("06:00", "14:00"), ("14:01", "22:00")],
            [("14:00", "14:01")],
            id="one-minute-hole-is-found",
        ),
        pytest.param(
            [("06:00", "13:59"), ("14:00", "22:00")],
            [("13:59", "14:00")],
            id="one-minute-hole-the-other-side",
        ),
        pytest.param(
            [("00:00", "06:00")], [WINDOW], id="ending-exactly-at-window-start-counts-not"
        ),
        pytest.param(
            [("22:00", "+06:00")], [WINDOW], id="starting-exactly-at-window-end-counts-not"
        ),
        pytest.param(
            [("00:00", "06:01")], [("06:01", "22:00")], id="reaching-one-minute-into-window"
        ),
        pytest.param([("04:00", "10:00")], [("10:00", "22:00")], id="partly-overlapping-the-start"),
        pytest.param([("18:00", "+02:00")], [("06:00", "18:00")], id="partly-overlapping-the-end"),
        pytest.param(
            [("06:00", "12:00"), ("10:00", "22:00")], [], id="overlapping-shifts-cover-it"
        ),
        pytest.param([("00:00", "+00:00")], [], id="one-long-shift-covers-it"),
        pytest.param(
            [("08:00", "10:00"), ("12:00", "14:00")],
            [("06:00", "08:00"), ("10:00", "12:00"), ("14:00", "22:00")],
            id="holes-before-between-and-after",
        ),
        pytest.param(
            [("14:00", "22:00"), ("06:00", "12:00")],
            [("12:00", "14:00")],
            id="given-out-of-order",
        ),
        pytest.param(
            [("06:00", "22:00"), ("23:00", "+01:00")], [], id="shift-wholly-after-window-ignored"
        ),
    ],
)
def test_gaps(covered: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    assert gaps(ivs(*covered), iv(*WINDOW)) == ivs(*expected)


# --- desk_gaps and approver_gaps -------------------------------------------------------------

HQ, DISTRICT, AC, OTHER = 1, 20, 52, 99


def duty(desk: int, user: int, start: str, end: str, *, approver: bool = False) -> Duty:
    return Duty(desk, user, iv(start, end), approver=approver)


def test_desk_gaps_per_desk_and_fully_covered_desks_omitted() -> None:
    duties = [
        duty(HQ, 1, "06:00", "14:00"),
        duty(HQ, 2, "14:00", "22:00"),
        duty(AC, 3, "06:00", "14:00"),
        duty(AC, 4, "14:30", "22:00"),
        duty(OTHER, 5, "06:00", "22:00"),  # not asked about
    ]
    assert desk_gaps(duties, [HQ, AC, DISTRICT], iv(*WINDOW)) == {
        AC: [iv("14:00", "14:30")],
        DISTRICT: [iv(*WINDOW)],  # asked about, nobody rostered: the whole window
    }


def test_desk_gaps_do_not_borrow_cover_from_another_desk() -> None:
    duties = [duty(HQ, 1, "06:00", "22:00"), duty(AC, 2, "06:00", "14:00")]
    assert desk_gaps(duties, [AC], iv(*WINDOW)) == {AC: [iv("14:00", "22:00")]}


def test_desk_gaps_with_no_desks_is_empty() -> None:
    assert desk_gaps([duty(HQ, 1, "06:00", "14:00")], [], iv(*WINDOW)) == {}


@pytest.mark.parametrize(
    ("duties", "expected"),
    [
        pytest.param([], [WINDOW], id="nobody"),
        pytest.param(
            [duty(HQ, 1, "06:00", "22:00")], [WINDOW], id="someone-on-duty-but-not-an-approver"
        ),
        pytest.param(
            [
                duty(HQ, 1, "06:00", "14:00", approver=True),
                duty(AC, 2, "14:00", "22:00", approver=True),
            ],
            [],
            id="back-to-back-approvers-at-different-desks",
        ),
        pytest.param(
            [
                duty(HQ, 1, "06:00", "14:00", approver=True),
                duty(HQ, 2, "14:00", "22:00"),
                duty(HQ, 3, "15:00", "22:00", approver=True),
            ],
            [("14:00", "15:00")],
            id="desk-staffed-but-no-approver-for-an-hour",
        ),
        pytest.param(
            [duty(HQ, 1, "06:00", "21:59", approver=True)],
            [("21:59", "22:00")],
            id="last-minute-uncovered",
        ),
    ],
)
def test_approver_gaps(duties: list[Duty], expected: list[tuple[str, str]]) -> None:
    assert approver_gaps(duties, iv(*WINDOW)) == ivs(*expected)


# --- on_duty ---------------------------------------------------------------------------------

MORNING = duty(AC, 1, "06:00", "14:00")
AFTERNOON = duty(AC, 2, "14:00", "22:00")
NIGHT = duty(AC, 3, "22:00", "+06:00")


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param("05:59", [], id="before-the-first-shift"),
        pytest.param("06:00", [MORNING], id="start-minute-on-duty"),
        pytest.param("13:59", [MORNING], id="last-minute-on-duty"),
        pytest.param("14:00", [AFTERNOON], id="end-minute-off-duty-next-one-on"),
        pytest.param("22:00", [NIGHT], id="night-starts"),
        pytest.param("+06:00", [], id="night-ends-off-duty"),
    ],
)
def test_on_duty_at_the_edges(at: str, expected: list[Duty]) -> None:
    assert on_duty([MORNING, AFTERNOON, NIGHT], t(at)) == expected


def test_on_duty_at_the_exact_end_minute_is_off_duty() -> None:
    assert on_duty([MORNING], t("14:00")) == []
    assert on_duty([MORNING], t("14:00") - timedelta(microseconds=1)) == [MORNING]


def test_on_duty_lists_everyone_on_duty_at_once() -> None:
    both = [duty(AC, 1, "06:00", "14:00"), duty(HQ, 2, "08:00", "20:00")]
    assert on_duty(both, t("10:00")) == both


# --- overlapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shifts", "expected"),
    [
        pytest.param([], None, id="none"),
        pytest.param([("06:00", "14:00")], None, id="one"),
        pytest.param([("06:00", "14:00"), ("14:00", "22:00")], None, id="back-to-back"),
        pytest.param(
            [("06:00", "14:00"), ("13:59", "22:00")],
            (("06:00", "14:00"), ("13:59", "22:00")),
            id="one-minute-overlap",
        ),
        pytest.param(
            [("14:00", "22:00"), ("06:00", "14:30")],
            (("06:00", "14:30"), ("14:00", "22:00")),
            id="out-of-order-reported-in-order",
        ),
        pytest.param(
            [("06:00", "22:00"), ("10:00", "12:00")],
            (("06:00", "22:00"), ("10:00", "12:00")),
            id="one-inside-another",
        ),
        pytest.param(
            [("06:00", "08:00"), ("08:00", "10:00"), ("12:00", "14:00"), ("13:00", "15:00")],
            (("12:00", "14:00"), ("13:00", "15:00")),
            id="the-clash-later-in-the-day",
        ),
        pytest.param(
            [("06:00", "14:00"), ("06:00", "14:00")],
            (("06:00", "14:00"), ("06:00", "14:00")),
            id="same-shift-twice",
        ),
    ],
)
def test_overlapping(
    shifts: list[tuple[str, str]],
    expected: tuple[tuple[str, str], tuple[str, str]] | None,
) -> None:
    found = overlapping(ivs(*shifts))
    assert found == (None if expected is None else (iv(*expected[0]), iv(*expected[1])))


# --- responsible_desk ------------------------------------------------------------------------

CHAIN_52 = DeskChain(ac_desks=(AC,), district_desks=(DISTRICT,), hq_desk=HQ)
# AC 53's desk was merged into AC 52's, so one desk answers for both constituencies.
MERGED = 5253
CHAIN_52_MERGED = DeskChain(ac_desks=(MERGED,), district_desks=(DISTRICT,), hq_desk=HQ)
CHAIN_53_MERGED = DeskChain(ac_desks=(MERGED,), district_desks=(DISTRICT,), hq_desk=HQ)


@pytest.mark.parametrize(
    ("chain", "staffed", "expected"),
    [
        pytest.param(CHAIN_52, {AC, DISTRICT, HQ}, AC, id="ac-staffed-ac-answers"),
        pytest.param(CHAIN_52, {AC}, AC, id="only-ac-staffed"),
        pytest.param(CHAIN_52, {DISTRICT, HQ}, DISTRICT, id="ac-gap-district-answers"),
        pytest.param(CHAIN_52, {DISTRICT}, DISTRICT, id="only-district-staffed"),
        pytest.param(CHAIN_52, {HQ}, HQ, id="only-hq-staffed"),
        pytest.param(CHAIN_52, set(), HQ, id="nobody-anywhere-hq-answers"),
        pytest.param(CHAIN_52, {OTHER}, HQ, id="another-desk-staffed-does-not-answer"),
        pytest.param(CHAIN_52_MERGED, {MERGED}, MERGED, id="merged-desk-answers-for-52"),
        pytest.param(CHAIN_53_MERGED, {MERGED}, MERGED, id="merged-desk-answers-for-53"),
        pytest.param(CHAIN_53_MERGED, {DISTRICT}, DISTRICT, id="merged-desk-gap-district"),
        pytest.param(
            DeskChain(ac_desks=(AC, MERGED), district_desks=(DISTRICT,), hq_desk=HQ),
            {MERGED, DISTRICT},
            MERGED,
            id="second-ac-desk-before-district",
        ),
        pytest.param(
            DeskChain(ac_desks=(), district_desks=(), hq_desk=HQ), {AC}, HQ, id="no-local-desks"
        ),
    ],
)
def test_responsible_desk(chain: DeskChain, staffed: set[int], expected: int) -> None:
    assert responsible_desk(chain, staffed) == expected
