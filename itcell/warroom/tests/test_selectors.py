"""The war room's measures, on the built scenario (conftest.py)."""

from datetime import timedelta

import pytest

from itcell.core import clock
from itcell.elections.calendar import ACStatus
from itcell.monitoring.models import Alert
from itcell.organisation.access import Asker
from itcell.organisation.selectors import get_grants
from itcell.publishing.models import Delivery
from itcell.warroom import selectors
from itcell.warroom.selectors import SeatFilter, Sort, Staffing

pytestmark = pytest.mark.django_db


def asker(scenario, user) -> Asker:  # type: ignore[no-untyped-def]
    election = scenario.cell.election
    return Asker(user=user, election=election, grants=get_grants(user=user, election=election))


def seats_of(scenario, user=None):  # type: ignore[no-untyped-def]
    found = selectors.list_seats(asker=asker(scenario, user or scenario.cell.head), at=clock.now())
    return {s.number: s for s in found}


def test_every_constituency_has_its_measures_for_the_head(scenario):  # type: ignore[no-untyped-def]
    seats = seats_of(scenario)
    assert len(seats) == 243
    bahadurganj = seats[52]
    assert (bahadurganj.name_en, bahadurganj.name_hi) == ("Bahadurganj", "बहादुरगंज")
    assert (bahadurganj.district_en, bahadurganj.phase) == ("Kishanganj", 3)


def test_counts_posts_published_today_and_waiting_for_review(scenario):  # type: ignore[no-untyped-def]
    seats = seats_of(scenario)
    assert (seats[52].posts_today, seats[52].posts_waiting) == (1, 1)
    assert (seats[53].posts_today, seats[53].posts_waiting) == (0, 0)


def test_a_delivery_published_after_midnight_ist_counts_for_today_not_the_day_before(
    scenario,
):  # type: ignore[no-untyped-def]
    # 00:30 IST on the 27th is still the 26th in UTC: it is today for the cell.
    Delivery.objects.filter(post=scenario.published).update(
        finished_at=clock.now().replace(hour=19, minute=0) - timedelta(days=1)
    )
    assert seats_of(scenario)[52].posts_today == 1
    clock.set_now(clock.now() + timedelta(days=1))
    assert seats_of(scenario)[52].posts_today == 0


def test_counts_open_alerts_only(scenario):  # type: ignore[no-untyped-def]
    seats = seats_of(scenario)
    assert (seats[52].alerts_open, seats[155].alerts_open, seats[53].alerts_open) == (1, 1, 0)


def test_mentions_are_the_last_24_hours_of_the_all_party_counts_with_their_stance(
    scenario,
):  # type: ignore[no-untyped-def]
    seat = seats_of(scenario)[52]
    assert (seat.mentions, seat.mentions_for, seat.mentions_against) == (11, 5, 2)
    assert seat.stance == round((5 - 2) / 7, 2)
    assert seats_of(scenario)[53].stance is None


def test_staffing_follows_the_fallback_chain(scenario):  # type: ignore[no-untyped-def]
    seats = seats_of(scenario)
    assert (seats[52].staffing, seats[52].on_duty) == (Staffing.AC, 1)
    assert (seats[53].staffing, seats[53].on_duty) == (Staffing.HQ, 1)
    clock.set_now(clock.now() + timedelta(hours=12))  # both shifts over
    assert seats_of(scenario)[52].staffing == Staffing.NONE


def test_silence_state_and_phase(scenario):  # type: ignore[no-untyped-def]
    seats = seats_of(scenario)
    assert seats[155].status == ACStatus.SILENT  # phase 1 polls tomorrow
    assert seats[52].status == ACStatus.CAMPAIGNING
    clock.set_now(clock.now() + timedelta(days=12))
    assert seats_of(scenario)[52].status == ACStatus.POLLED


def test_own_seat_and_the_alliance_candidate(scenario):  # type: ignore[no-untyped-def]
    seats = seats_of(scenario)
    assert seats[52].own_seat
    assert seats[52].alliance_party == "VIP"
    assert seats[52].candidate_en == "Lakhan Lal Pandit"
    assert not seats[53].own_seat
    assert seats[53].alliance_party in {"JD(U)", "BJP", "HAM(S)"}
    assert sum(s.own_seat for s in seats.values()) == 11


def test_measures_cost_a_fixed_number_of_queries(scenario, django_assert_num_queries):  # type: ignore[no-untyped-def]
    who = asker(scenario, scenario.cell.head)
    with django_assert_num_queries(selectors.SEAT_QUERIES):
        selectors.list_seats(asker=who, at=clock.now())


def test_a_desk_lead_sees_only_the_constituencies_of_the_desk(scenario):  # type: ignore[no-untyped-def]
    assert list(seats_of(scenario, scenario.cell.lead)) == [52]


def test_filters_search_in_both_languages_and_sorts(scenario):  # type: ignore[no-untyped-def]
    seats = list(seats_of(scenario).values())
    numbers = lambda where: [s.number for s in selectors.filter_seats(seats, where)]  # noqa: E731
    assert numbers(SeatFilter(query="बहादुरगंज")) == [52]
    assert numbers(SeatFilter(query="BAHADURGANJ")) == [52]
    assert numbers(SeatFilter(query="bahadur")) == [52, 85]  # and Bahadurpur
    assert numbers(SeatFilter(query="52")) == [52]
    assert len(numbers(SeatFilter(own=True))) == 11
    assert len(numbers(SeatFilter(status="silent"))) == 71
    seats_by = {s.number: s for s in seats}
    default = numbers(SeatFilter())
    assert all(seats_by[n].own_seat for n in default[:11])
    assert default[11:] == sorted(default[11:])
    assert numbers(SeatFilter(sort=Sort.MENTIONS, descending=True))[0] == 52
    kishanganj = seats_by[52].district_id
    assert numbers(SeatFilter(district=kishanganj)) == [52, 53, 54, 55]


def test_state_summary(scenario):  # type: ignore[no-untyped-def]
    summary = selectors.get_state_summary(election=scenario.cell.election, at=clock.now())
    assert (summary.desks, summary.desks_staffed) == (282, 2)
    assert summary.approvers_on_duty == [scenario.cell.spokesperson]
    assert summary.posts_waiting == 1
    assert summary.oldest_wait_since == scenario.waiting.submitted_at
    assert summary.alerts_open == {Alert.Severity.MEDIUM: 1, Alert.Severity.HIGH: 1}
    assert summary.alerts_by_severity == [(Alert.Severity.HIGH, 1), (Alert.Severity.MEDIUM, 1)]
    assert summary.silent_now == 71
    assert summary.next_silence is not None
    assert summary.next_silence[0] == 1
    assert summary.next_silence_open


def test_panel_is_not_found_outside_the_reach(scenario):  # type: ignore[no-untyped-def]
    from django.http import Http404

    lead = asker(scenario, scenario.cell.lead)
    panel = selectors.access_panel(asker=lead, number=52, at=clock.now())
    assert panel.alerts == [scenario.alert]
    assert {p.title for p in panel.posts} == {"Waiting", "Out today", "Out yesterday"}
    assert panel.on_duty.members == [scenario.cell.lead]
    assert panel.next_deadline == ("silence", panel.seat.silence.start)
    with pytest.raises(Http404):
        selectors.access_panel(asker=lead, number=53, at=clock.now())
    with pytest.raises(Http404):
        selectors.access_panel(
            asker=asker(scenario, scenario.cell.head), number=999, at=clock.now()
        )
