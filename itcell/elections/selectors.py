"""Reads of reference data for screens and other apps."""

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from itcell.elections.calendar import Calendar, PhaseDates, Window
from itcell.elections.models import (
    ACPoll,
    AssemblyConstituency,
    Candidacy,
    Election,
    SeatAllocation,
)
from itcell.elections.services import at_ist


def get_default_election(*, now: datetime) -> Election | None:
    """The election a person most likely means: the next one still to be counted, else the
    latest. The demo's exercise copy is the next one, so the demo opens on live windows."""
    today = timezone.localtime(now).date()
    upcoming = Election.objects.filter(counting_date__gte=today).order_by("counting_date")
    return upcoming.first() or Election.objects.order_by("-counting_date").first()


def access_election(*, slug: str) -> Election:
    election = Election.objects.select_related("state", "own_party").filter(slug=slug).first()
    if election is None:
        raise Http404
    return election


def get_calendar(*, election: Election) -> Calendar:
    """The election's windows. A constituency that closes early (an LWE area whose hour was
    not entered) is taken to close at the election's early hour: silence starts too early
    rather than too late."""
    polls = ACPoll.objects.filter(election=election).values_list(
        "ac__number", "phase__number", "phase__poll_date", "poll_close_at", "closes_early"
    )
    poll_close, phase_of = {}, {}
    for ac_no, phase, poll_date, close, closes_early in polls:
        if closes_early:
            close = min(close, at_ist(poll_date, election.lwe_poll_closes))
        poll_close[ac_no] = close
        phase_of[ac_no] = phase
    return Calendar(
        mcc=Window(election.mcc_from, election.mcc_until),
        exit_poll_ban=Window(
            election.exit_poll_ban_from, election.exit_poll_ban_until, includes_end=True
        ),
        counting_date=election.counting_date,
        phases=tuple(
            PhaseDates(
                number=p.number,
                poll_date=p.poll_date,
                poll_opens_at=at_ist(p.poll_date, p.poll_opens),
                poll_closes_at=at_ist(p.poll_date, p.poll_closes),
            )
            for p in election.phases.all()
        ),
        poll_close=poll_close,
        phase_of=phase_of,
        silence_period=timedelta(hours=election.silence_hours),
    )


def list_polls(*, election: Election, query: str = "") -> QuerySet[ACPoll]:
    """Constituencies of an election, searched by number or by name in English or Hindi
    (constituency, district or parliamentary constituency)."""
    polls = (
        ACPoll.objects.filter(election=election)
        .select_related("ac", "ac__district", "phase")
        .defer("ac__boundary", "ac__district__boundary")
    )
    query = unicodedata.normalize("NFC", query).strip()  # as the loader stores names
    if query.isdigit():
        return polls.filter(ac__number=int(query))
    for word in query.split():
        polls = polls.filter(
            Q(ac__name_en__icontains=word)
            | Q(ac__name_hi__icontains=word)
            | Q(ac__district__name_en__icontains=word)
            | Q(ac__district__name_hi__icontains=word)
            | Q(ac__pc__name_en__icontains=word)
            | Q(ac__pc__name_hi__icontains=word)
        )
    return polls


@dataclass(frozen=True)
class ConstituencyView:
    poll: ACPoll
    seats: list[SeatAllocation]
    candidacies: list[Candidacy]

    @property
    def ac(self) -> AssemblyConstituency:
        return self.poll.ac


def access_constituency(*, election: Election, number: int) -> ConstituencyView:
    poll = (
        ACPoll.objects.select_related("ac", "ac__district", "ac__pc", "phase")
        .defer("ac__district__boundary")
        .filter(election=election, ac__number=number)
        .first()
    )
    if poll is None:
        raise Http404
    seats = list(
        SeatAllocation.objects.filter(election=election, ac=poll.ac)
        .select_related("alliance", "party")
        .order_by("alliance__short_name")
    )
    candidacies = list(
        Candidacy.objects.filter(election=election, ac=poll.ac).select_related("party")
    )
    return ConstituencyView(poll=poll, seats=seats, candidacies=candidacies)
