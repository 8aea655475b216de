"""The exercise copy: Bihar 2020 moved so that phase 1 polls on a chosen day."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.elections.calendar import Window
from itcell.elections.models import Election, Party
from itcell.elections.selectors import get_calendar, get_default_election
from itcell.elections.services import create_or_shift_exercise, load_election, set_own_party

IST = ZoneInfo("Asia/Kolkata")
FIRST_POLL = date(2026, 3, 2)
SHIFT = FIRST_POLL - date(2020, 10, 28)
WINDOW_FIELDS = ("mcc_from", "mcc_until", "exit_poll_ban_from", "exit_poll_ban_until")


def ist(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=IST)


def contest(election: Election) -> dict[str, Any]:
    """What an election is contested over, without its dates or primary keys."""
    return {
        "polls": sorted(election.polls.values_list("ac__number", "phase__number")),
        "seats": sorted(
            election.seats.values_list("ac__number", "alliance__short_name", "party__short_name")
        ),
        "candidacies": sorted(
            election.candidacies.values_list(
                "ac__number", "name", "party__short_name", "gender", "age"
            ),
            key=str,
        ),
        "alliances": {
            a.short_name: sorted(p.short_name for p in a.parties.all())
            for a in election.alliances.all()
        },
        "ceilings": list(election.ceilings.values_list("amount_inr", flat=True)),
    }


def closes(election: Election) -> dict[int, datetime]:
    return dict(election.polls.values_list("ac__number", "poll_close_at"))


def state(election: Election) -> dict[str, Any]:
    election.refresh_from_db()
    return {
        "election": {f: getattr(election, f) for f in (*WINDOW_FIELDS, "counting_date")},
        "phases": list(election.phases.values_list("number", "poll_date", "poll_closes")),
        "ceilings": list(election.ceilings.values_list("effective_from", flat=True)),
        "closes": closes(election),
        "contest": contest(election),
    }


@pytest.fixture
def exercise(bihar: Election) -> Election:
    with clock.frozen(ist(2026, 2, 1, 10, 0)):
        return create_or_shift_exercise(source=bihar, first_poll_on=FIRST_POLL)


def test_phase_1_polls_on_the_requested_day_and_the_gaps_are_kept(exercise: Election) -> None:
    assert list(exercise.phases.values_list("number", "poll_date")) == [
        (1, date(2026, 3, 2)),
        (2, date(2026, 3, 8)),
        (3, date(2026, 3, 12)),
    ]
    assert exercise.counting_date == date(2026, 3, 15)
    assert exercise.shifted_by_days == SHIFT.days


def test_every_window_moves_by_the_same_days_at_the_same_hours(
    bihar: Election, exercise: Election
) -> None:
    for name in WINDOW_FIELDS:
        assert getattr(exercise, name) - getattr(bihar, name) == SHIFT, name
        assert getattr(exercise, name).astimezone(IST).time() == (
            getattr(bihar, name).astimezone(IST).time()
        )
    assert exercise.mcc_from == ist(2026, 1, 28, 0, 0)
    assert exercise.exit_poll_ban_from == ist(2026, 3, 2, 7, 0)
    assert exercise.exit_poll_ban_until == ist(2026, 3, 12, 18, 30)
    assert [
        c - s for c, s in zip(state(exercise)["ceilings"], state(bihar)["ceilings"], strict=True)
    ] == [
        SHIFT,
        SHIFT,
    ]
    source_closes = closes(bihar)
    for ac, close in closes(exercise).items():
        assert close - source_closes[ac] == SHIFT
        assert close.astimezone(IST).time() == source_closes[ac].astimezone(IST).time()


def test_the_exercise_calendar_has_live_silence_windows(exercise: Election) -> None:
    calendar = get_calendar(election=exercise)
    assert calendar.phase_silence(1) == Window(ist(2026, 2, 28, 18, 0), ist(2026, 3, 2, 18, 0))
    assert calendar.phase_silence(2) == Window(ist(2026, 3, 6, 18, 0), ist(2026, 3, 8, 18, 0))
    assert calendar.phase_silence(3) == Window(ist(2026, 3, 10, 18, 0), ist(2026, 3, 12, 18, 0))
    assert len(calendar.silent_acs(ist(2026, 3, 1, 12, 0))) == 71


def test_candidacies_seats_and_polls_are_copied(bihar: Election, exercise: Election) -> None:
    assert exercise.pk != bihar.pk
    assert exercise.exercise_of == bihar
    assert exercise.slug == "bihar-2020-exercise"
    assert exercise.candidacies.count() == 3722
    assert exercise.seats.count() == 486
    assert exercise.polls.count() == 243
    assert contest(exercise) == contest(bihar)
    # The copy has its own phases and alliances, not the source's.
    assert not exercise.polls.filter(phase__election=bihar).exists()
    assert not exercise.seats.filter(alliance__election=bihar).exists()


def test_the_source_is_left_as_it_was(bihar: Election) -> None:
    before = state(bihar)
    create_or_shift_exercise(source=bihar, first_poll_on=FIRST_POLL)
    assert state(bihar) == before
    assert bihar.phases.get(number=1).poll_date == date(2020, 10, 28)


def test_the_copy_keeps_our_party(bihar: Election) -> None:
    bjp = Party.objects.get(short_name="BJP")
    set_own_party(election=bihar, party=bjp)
    exercise = create_or_shift_exercise(source=bihar, first_poll_on=FIRST_POLL)
    assert exercise.own_party == bjp


def test_making_the_copy_is_audited(bihar: Election) -> None:
    events = AuditEvent.objects.count()
    at = ist(2026, 2, 1, 10, 0)
    with clock.frozen(at):
        exercise = create_or_shift_exercise(source=bihar, first_poll_on=FIRST_POLL)
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.last()
    assert event.action == "election.exercise_shifted"
    assert event.object_id == str(exercise.pk)
    assert event.at == at
    assert event.before == {"shifted_by_days": 0}
    assert event.after == {"shifted_by_days": SHIFT.days, "first_poll_on": "2026-03-02"}


def test_a_second_call_the_same_day_changes_nothing(bihar: Election, exercise: Election) -> None:
    before = state(exercise)
    events = AuditEvent.objects.count()
    again = create_or_shift_exercise(source=bihar, first_poll_on=FIRST_POLL)
    assert again.pk == exercise.pk
    assert state(exercise) == before
    assert Election.objects.count() == 2
    assert AuditEvent.objects.count() == events


def test_a_later_day_moves_the_same_copy(bihar: Election, exercise: Election) -> None:
    before = state(exercise)
    three_days = timedelta(days=3)
    moved = create_or_shift_exercise(source=bihar, first_poll_on=FIRST_POLL + three_days)
    assert moved.pk == exercise.pk
    assert Election.objects.count() == 2
    after = state(exercise)
    assert after["phases"] == [(n, d + three_days, h) for n, d, h in before["phases"]]
    assert after["election"] == {k: v + three_days for k, v in before["election"].items()}
    assert after["ceilings"] == [d + three_days for d in before["ceilings"]]
    assert after["closes"] == {ac: c + three_days for ac, c in before["closes"].items()}
    assert after["contest"] == before["contest"]  # nothing copied twice
    assert exercise.shifted_by_days == SHIFT.days + 3
    event = AuditEvent.objects.last()
    assert event.before == {"shifted_by_days": SHIFT.days}
    assert event.after["shifted_by_days"] == SHIFT.days + 3


def test_a_later_day_keeps_an_edited_close_time(bihar: Election, exercise: Election) -> None:
    lwe_ac = exercise.polls.filter(phase__number=1).values_list("ac__number", flat=True)[0]
    exercise.polls.filter(ac__number=lwe_ac).update(poll_close_at=ist(2026, 3, 2, 16, 0))
    create_or_shift_exercise(source=bihar, first_poll_on=date(2026, 3, 9))
    assert exercise.polls.get(ac__number=lwe_ac).poll_close_at == ist(2026, 3, 9, 16, 0)
    other = exercise.polls.filter(phase__number=1).exclude(ac__number=lwe_ac).first()
    assert other.poll_close_at == ist(2026, 3, 9, 18, 0)
    assert get_calendar(election=exercise).phase_silence(1) == Window(
        ist(2026, 3, 7, 16, 0), ist(2026, 3, 9, 18, 0)
    )


def test_reloading_the_source_leaves_the_copy_alone(bihar: Election, exercise: Election) -> None:
    before = state(exercise)
    report = load_election(name="bihar-2020")
    assert not report.changes.changed
    assert state(exercise) == before


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(ist(2020, 10, 1, 12, 0), "bihar-2020", id="2020-campaign-picks-bihar"),
        pytest.param(
            ist(2020, 11, 10, 23, 59, 59), "bihar-2020", id="bihar-counting-day-picks-bihar"
        ),
        pytest.param(
            datetime(2020, 11, 10, 18, 30, tzinfo=UTC),
            "bihar-2020-exercise",
            id="day-after-bihar-counting-in-ist-picks-exercise",
        ),
        pytest.param(
            ist(2026, 2, 1, 12, 0), "bihar-2020-exercise", id="exercise-ahead-picks-exercise"
        ),
        pytest.param(ist(2026, 4, 1, 12, 0), "bihar-2020-exercise", id="all-counted-picks-latest"),
    ],
)
def test_default_election_is_the_next_to_be_counted(
    exercise: Election, now: datetime, expected: str
) -> None:
    with clock.frozen(now):
        assert get_default_election(now=clock.now()).slug == expected


def test_default_election_without_an_exercise_is_bihar(bihar: Election) -> None:
    with clock.frozen(ist(2026, 2, 1, 12, 0)):
        assert get_default_election(now=clock.now()) == bihar


def test_default_election_is_none_before_anything_is_loaded(db: None) -> None:
    assert get_default_election(now=ist(2026, 2, 1, 12, 0)) is None
