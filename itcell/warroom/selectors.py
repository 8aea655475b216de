"""The war room's reads: every constituency's measures at one instant, one constituency's
panel, the state summary, and the outlines the map draws.

The measures of all 243 constituencies cost a fixed number of queries (``SEAT_QUERIES``),
whatever the number of constituencies, posts or items: counts are grouped in the database,
mentions come from ``monitoring.HourlyCount`` (never from items), and who is on duty from one
read of the roster (``organisation.selectors.list_duties``).
"""

import hashlib
import json
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Count, F, Max, Min, Q, Sum
from django.http import Http404
from django.utils.translation import get_language

from itcell.accounts.models import User
from itcell.compliance.models import Takedown
from itcell.core.clock import IST
from itcell.elections.calendar import ACStatus, Window
from itcell.elections.models import (
    ACPoll,
    AssemblyConstituency,
    Candidacy,
    District,
    Election,
    SeatAllocation,
)
from itcell.elections.selectors import get_calendar
from itcell.monitoring.models import (
    ALL_ACS,
    ALL_PARTIES,
    Alert,
    HourlyCount,
    Stance,
    TopicCount,
    hour_of,
)
from itcell.monitoring.nlp import Kind as TopicKind
from itcell.monitoring.selectors import alert_target
from itcell.organisation import coverage
from itcell.organisation.access import Asker
from itcell.organisation.models import Desk
from itcell.organisation.permissions import Target
from itcell.organisation.roles import MATRIX, Action
from itcell.organisation.selectors import (
    OnDuty,
    day_window,
    desk_chains,
    get_on_duty,
    list_duties,
    state_target,
)
from itcell.publishing.errors import Reason
from itcell.publishing.models import Channel, Delivery, Post
from itcell.publishing.selectors import post_target
from itcell.publishing.workflow import AWAITING_REVIEW

#: What the war room asks of a person: the monitoring read. Head and spokesperson have it
#: state-wide; desk leads and analysts within their desk's area (``roles.MATRIX``).
WAR_ROOM = Action.MONITOR
#: Mentions are counted over the last day, in whole hours: the current hour and the 23 before.
MENTION_HOURS = 24
#: How many queries ``list_seats`` makes, for any number of constituencies (tests pin it).
SEAT_QUERIES = 13
#: How many of them read the ``Basis`` (roster, calendar, alliance), which an answer after
#: ``measures_version`` does not read again.
BASIS_QUERIES = 8
#: How many queries ``measures_version`` makes: the basis and a fingerprint of five tables.
VERSION_QUERIES = BASIS_QUERIES + 5


class Staffing(StrEnum):
    """Who answers for a constituency now, by the organisation's fallback chain."""

    AC = "ac"  # someone is on duty at its own desk
    DISTRICT = "district"  # its district desk answers
    HQ = "hq"  # only HQ answers, with someone on duty there
    NONE = "none"  # nobody is on duty anywhere in its chain


@dataclass(frozen=True)
class Seat:
    """One constituency's measures at an instant."""

    number: int
    name_en: str
    name_hi: str
    reservation: str
    district_id: int
    district_en: str
    district_hi: str
    phase: int
    status: ACStatus
    silence: Window
    own_seat: bool  # our party contests it
    alliance_party: str  # the party of our alliance that contests it ("" if none)
    candidate_en: str  # that party's candidate ("" if none is known)
    candidate_hi: str
    staffing: Staffing
    on_duty: int  # people on duty at the desk that answers now
    posts_today: int  # posts for it with a delivery published today (IST)
    posts_waiting: int  # posts for it waiting for review
    alerts_open: int
    mentions: int  # items naming it in the last MENTION_HOURS hours
    mentions_for: int
    mentions_against: int
    mentions_neutral: int

    @property
    def name(self) -> str:
        return _in_language(self.name_en, self.name_hi)

    @property
    def district(self) -> str:
        return _in_language(self.district_en, self.district_hi)

    @property
    def candidate(self) -> str:
        return _in_language(self.candidate_en, self.candidate_hi)

    @property
    def stance(self) -> float | None:
        """For minus against, as a share of the classified mentions (−1 to 1); None when
        no mention has a stance."""
        classified = self.mentions_for + self.mentions_against + self.mentions_neutral
        if not classified:
            return None
        return round((self.mentions_for - self.mentions_against) / classified, 2)

    def matches(self, words: str) -> bool:
        """Every word is in its number, or its or its district's English or Hindi name."""
        names = _fold(" ".join((self.name_en, self.name_hi, self.district_en, self.district_hi)))
        return all(word == str(self.number) or word in names for word in _fold(words).split())


def _in_language(english: str, hindi: str) -> str:
    return hindi if get_language() == "hi" and hindi else english


def _fold(text: str) -> str:
    # NFC as the loader stores names, so a search typed with decomposed marks still matches.
    return unicodedata.normalize("NFC", text).casefold()


def _instant(at: datetime) -> coverage.Interval:
    return coverage.Interval(at, at + timedelta(seconds=1))


def _may_see(asker: Asker, number: int) -> bool:
    return asker.may(WAR_ROOM, Target(acs=frozenset({number})))


def _numbers_in_reach(asker: Asker) -> frozenset[int] | None:
    """The constituencies the person may monitor, or None for all: what narrows the
    measures' queries before ``Asker.may`` decides each seat."""
    reach = _reach(asker)
    return None if reach is None else frozenset(reach[1])


def list_seats(*, asker: Asker, at: datetime, basis: "Basis | None" = None) -> list[Seat]:
    """The measures of every constituency the person may monitor, by number; ``basis``
    when ``measures_version`` has read it already."""
    numbers = _numbers_in_reach(asker)
    seats = _measure(election=asker.election, at=at, numbers=numbers, basis=basis)
    return [s for s in seats if _may_see(asker, s.number)]


@dataclass(frozen=True)
class Basis:
    """What the measures read besides the counts, exactly, for the instant: who answers for
    each constituency (their staffing changes at shift boundaries, which can fall at any
    second), the calendar (silence windows) and the alliance's candidates. Small tables."""

    staffing: dict[int, tuple[Staffing, int]]
    calendar: Any  # elections.calendar.Calendar
    alliance: dict[int, tuple[str, bool, str, str]]


def _basis(election: Election, at: datetime, numbers: Collection[int] | None) -> Basis:
    return Basis(
        staffing=_staffing(election, at, numbers),
        calendar=get_calendar(election=election),
        alliance=_alliance(election, numbers),
    )


def measures_version(*, asker: Asker, at: datetime) -> tuple[str, Basis]:
    """A version of what ``list_seats`` would answer for the person at ``at``, cheaper than
    the answer (the map polls it every few seconds and nearly always finds it unchanged):
    the basis exactly, and for the counts a fingerprint of the rows they read, each through
    an index. Any change to an underlying row changes it; the same version means the same
    answer. Returns the basis too, so an answer built after it reads it once."""
    election = asker.election
    numbers = _numbers_in_reach(asker)
    basis = _basis(election, at, numbers)
    today = day_window(at.astimezone(IST).date())
    current = hour_of(at)
    statuses = sorted(
        (n, basis.calendar.ac_status(n, at))
        for n in basis.calendar.poll_close
        if numbers is None or n in numbers
    )
    # Sets as (how many, sum of ids): an entry leaving and another joining changes both
    # sums unless by coincidence; updated_at catches edits (a post's constituencies).
    # The waiting posts through the index (election, state); a waiting post's edit (its
    # constituencies) moves its updated_at, a published one is not edited.
    posts = Post.objects.filter(election=election, state__in=AWAITING_REVIEW).aggregate(
        waiting=Count("id"), waiting_ids=Sum("id"), last=Max("updated_at")
    )
    links = Post.acs.through.objects.aggregate(last=Max("id"))
    # Published today: the index (state, finished_at); a withdrawal leaves the set.
    published = Delivery.objects.filter(
        state=Delivery.State.PUBLISHED,
        finished_at__gte=today.start,
        finished_at__lt=today.end,
    ).aggregate(n=Count("id"), ids=Sum("id"))
    alerts = Alert.objects.filter(election=election).aggregate(
        open=Count("id", filter=Q(state=Alert.State.OPEN)),
        open_ids=Sum("id", filter=Q(state=Alert.State.OPEN)),
        last=Max("updated_at"),
    )
    # Ingest adds to the counts in place and a stance label moves an item between them:
    # a checksum of the rows the mentions sum (the covering index hourlycount_party_hour).
    mentions = HourlyCount.objects.filter(
        election=election,
        party=ALL_PARTIES,
        ac_number__gt=ALL_ACS,
        hour__gt=current - timedelta(hours=MENTION_HOURS),
        hour__lte=current,
    ).aggregate(
        n=Sum("count"),
        by_ac=Sum(F("count") * F("ac_number")),
        **{
            f"by_{stance}": Sum("count", filter=Q(stance=stance))
            for stance in (Stance.FOR, Stance.AGAINST, Stance.NEUTRAL)
        },
    )
    parts = (
        sorted(numbers) if numbers is not None else None,
        current.isoformat(),
        today.start.isoformat(),
        sorted(basis.staffing.items()),
        statuses,
        sorted(basis.alliance.items()),
        sorted(posts.items()),
        sorted(links.items()),
        sorted(published.items()),
        sorted(alerts.items()),
        sorted(mentions.items()),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32], basis


def _count_by_ac(rows: Iterable[dict[str, Any]], key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in rows}


def _staffing(
    election: Election, at: datetime, numbers: Collection[int] | None
) -> dict[int, tuple[Staffing, int]]:
    """Who answers for each constituency now, with how many people, in four queries: the
    desks' chains (``organisation.selectors.desk_chains``) and the roster (``list_duties``)."""
    chains = desk_chains(election=election, numbers=numbers)
    duties = coverage.on_duty(list_duties(election=election, within=_instant(at)), at)
    people: dict[int, set[int]] = defaultdict(set)
    for duty in duties:
        people[duty.desk_id].add(duty.user_id)
    result = {}
    for number, chain in chains.items():
        desk = coverage.responsible_desk(chain, people)
        if desk in chain.ac_desks:
            level = Staffing.AC
        elif desk in chain.district_desks:
            level = Staffing.DISTRICT
        else:
            level = Staffing.HQ if people.get(desk) else Staffing.NONE
        result[number] = (level, len(people.get(desk, ())))
    return result


def _alliance(
    election: Election, numbers: Collection[int] | None
) -> dict[int, tuple[str, bool, str, str]]:
    """For each constituency our alliance contests: its party's short name, whether it is
    our party, and its candidate (English, Hindi). Two queries; none without our party."""
    own = election.own_party_id
    if own is None:
        return {}
    seats = SeatAllocation.objects.filter(election=election, alliance__parties=own)
    if numbers is not None:
        seats = seats.filter(ac__number__in=list(numbers))
    allocated = {
        number: (party_id, short)
        for number, party_id, short in seats.values_list(
            "ac__number", "party_id", "party__short_name"
        )
    }
    if not allocated:  # no alliance: our own candidates are our seats
        allocated = {
            number: (own, short)
            for number, short in Candidacy.objects.filter(election=election, party_id=own)
            .filter(**({"ac__number__in": list(numbers)} if numbers is not None else {}))
            .values_list("ac__number", "party__short_name")
        }
    candidates = {
        (number, party_id): (name, name_hi)
        for number, party_id, name, name_hi in Candidacy.objects.filter(
            election=election,
            party_id__in={party_id for party_id, _short in allocated.values()},
            ac__number__in=list(allocated),
        ).values_list("ac__number", "party_id", "name", "name_hi")
    }
    return {
        number: (short, party_id == own, *candidates.get((number, party_id), ("", "")))
        for number, (party_id, short) in allocated.items()
    }


def _measure(
    *,
    election: Election,
    at: datetime,
    numbers: Collection[int] | None = None,
    basis: Basis | None = None,
) -> list[Seat]:
    """The measures of the election's constituencies (or of ``numbers``), in
    ``SEAT_QUERIES`` queries (``BASIS_QUERIES`` fewer with ``basis``)."""

    def only(rows: Any, field: str) -> Any:
        return rows if numbers is None else rows.filter(**{f"{field}__in": list(numbers)})

    polls = only(ACPoll.objects.filter(election=election), "ac__number").values_list(
        "ac__number",
        "ac__name_en",
        "ac__name_hi",
        "ac__reservation",
        "ac__district_id",
        "ac__district__name_en",
        "ac__district__name_hi",
        "phase__number",
    )
    if basis is None:
        basis = _basis(election, at, numbers)
    calendar, staffing = basis.calendar, basis.staffing
    today = day_window(at.astimezone(IST).date())
    # The few posts first (through their indexes), then their links: not every link of
    # the election joined to its posts. Deliveries by channel, as in get_state_summary.
    targets = Post.acs.through.objects.all()
    out_today = Delivery.objects.filter(
        channel__election=election,
        state=Delivery.State.PUBLISHED,
        finished_at__gte=today.start,
        finished_at__lt=today.end,
    ).values("post_id")
    in_review = Post.objects.filter(election=election, state__in=AWAITING_REVIEW).values("pk")
    published = _count_by_ac(
        only(targets, "assemblyconstituency__number")
        .filter(post_id__in=out_today)
        .values("assemblyconstituency__number")
        .annotate(n=Count("post_id", distinct=True)),
        "assemblyconstituency__number",
    )
    waiting = _count_by_ac(
        only(targets, "assemblyconstituency__number")
        .filter(post_id__in=in_review)
        .values("assemblyconstituency__number")
        .annotate(n=Count("post_id", distinct=True)),
        "assemblyconstituency__number",
    )
    alerts = _count_by_ac(
        only(Alert.objects.filter(election=election, state=Alert.State.OPEN), "ac_number")
        .exclude(ac_number=None)
        .values("ac_number")
        .annotate(n=Count("id")),
        "ac_number",
    )
    mentions: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        only(
            HourlyCount.objects.filter(
                election=election,
                party=ALL_PARTIES,
                ac_number__gt=ALL_ACS,
                hour__gt=hour_of(at) - timedelta(hours=MENTION_HOURS),
                hour__lte=hour_of(at),
            ),
            "ac_number",
        )
        .values("ac_number", "stance")
        .annotate(n=Sum("count"))
    ):
        mentions[row["ac_number"]][row["stance"]] = row["n"]
    alliance = basis.alliance
    seats = []
    for number, name_en, name_hi, reservation, district_id, d_en, d_hi, phase in polls:
        level, on_duty = staffing.get(number, (Staffing.NONE, 0))
        party, own_seat, candidate_en, candidate_hi = alliance.get(number, ("", False, "", ""))
        said = mentions.get(number, {})
        seats.append(
            Seat(
                number=number,
                name_en=name_en,
                name_hi=name_hi,
                reservation=reservation,
                district_id=district_id,
                district_en=d_en,
                district_hi=d_hi,
                phase=phase,
                status=calendar.ac_status(number, at),
                silence=calendar.silence_window(number),
                own_seat=own_seat,
                alliance_party=party,
                candidate_en=candidate_en,
                candidate_hi=candidate_hi,
                staffing=level,
                on_duty=on_duty,
                posts_today=published.get(number, 0),
                posts_waiting=waiting.get(number, 0),
                alerts_open=alerts.get(number, 0),
                mentions=sum(said.values()),
                mentions_for=said.get(Stance.FOR, 0),
                mentions_against=said.get(Stance.AGAINST, 0),
                mentions_neutral=said.get(Stance.NEUTRAL, 0),
            )
        )
    return sorted(seats, key=lambda s: s.number)


# The seats table -----------------------------------------------------------------------------


class Sort(StrEnum):
    """The seats table's orders; each sorts by number within equal values."""

    OWN = "own"  # our own seats first (the default)
    NUMBER = "number"
    NAME = "name"
    DISTRICT = "district"
    PHASE = "phase"
    STATUS = "status"
    STAFFING = "staffing"
    POSTS_TODAY = "posts_today"
    POSTS_WAITING = "posts_waiting"
    ALERTS_OPEN = "alerts_open"
    MENTIONS = "mentions"
    STANCE = "stance"


_STATUS_ORDER = {ACStatus.SILENT: 0, ACStatus.CAMPAIGNING: 1, ACStatus.POLLED: 2}
_STAFFING_ORDER = {s: n for n, s in enumerate(Staffing)}


def _sort_key(sort: Sort) -> Any:
    keys: dict[Sort, Any] = {
        Sort.OWN: lambda s: not s.own_seat,
        Sort.NUMBER: lambda s: s.number,
        Sort.NAME: lambda s: _fold(s.name),
        Sort.DISTRICT: lambda s: _fold(s.district),
        Sort.PHASE: lambda s: s.phase,
        Sort.STATUS: lambda s: _STATUS_ORDER[s.status],
        Sort.STAFFING: lambda s: _STAFFING_ORDER[s.staffing],
        Sort.POSTS_TODAY: lambda s: s.posts_today,
        Sort.POSTS_WAITING: lambda s: s.posts_waiting,
        Sort.ALERTS_OPEN: lambda s: s.alerts_open,
        Sort.MENTIONS: lambda s: s.mentions,
        Sort.STANCE: lambda s: -2 if s.stance is None else s.stance,
    }
    return keys[sort]


@dataclass(frozen=True)
class SeatFilter:
    """The seats table's filters ("" or None: any) and order."""

    district: int | None = None
    own: bool = False
    status: str = ""
    query: str = ""
    sort: Sort = Sort.OWN
    descending: bool = False


def filter_seats(seats: Iterable[Seat], where: SeatFilter) -> list[Seat]:
    """The seats that pass ``where``, in its order. Pure."""
    found = [
        s
        for s in seats
        if (where.district is None or s.district_id == where.district)
        and (not where.own or s.own_seat)
        and (not where.status or s.status == where.status)
        and (not where.query or s.matches(where.query))
    ]
    found.sort(key=lambda s: s.number)
    found.sort(key=_sort_key(where.sort), reverse=where.descending)
    return found


# One constituency's panel --------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    seat: Seat
    on_duty: OnDuty
    posts: list[Post]  # the latest, with their deliveries
    alerts: list[Alert]  # open, the most severe first, then the newest
    held: int  # deliveries held by an election rule

    @property
    def next_deadline(self) -> tuple[str, datetime] | None:
        """("silence", when it starts) while campaigning; ("poll_close", when it ends) while
        silent; None once polled."""
        if self.seat.status == ACStatus.CAMPAIGNING:
            return ("silence", self.seat.silence.start)
        if self.seat.status == ACStatus.SILENT:
            return ("poll_close", self.seat.silence.end)
        return None


def access_panel(*, asker: Asker, number: int, at: datetime, posts: int = 5) -> Panel:
    """One constituency's panel; the same 404 when it is missing or out of the person's
    reach, so the two cannot be told apart."""
    if not _may_see(asker, number):
        raise Http404
    found = _measure(election=asker.election, at=at, numbers=[number])
    if not found:
        raise Http404
    election = asker.election
    latest = list(
        Post.objects.filter(election=election, acs__number=number)
        .select_related("desk")
        .prefetch_related("deliveries__channel")
        .order_by("-created_at", "-pk")[:posts]
    )
    return Panel(
        seat=found[0],
        on_duty=get_on_duty(election=election, ac_number=number, at=at),
        posts=latest,
        alerts=list(
            Alert.objects.filter(election=election, ac_number=number, state=Alert.State.OPEN)
            .select_related("claim")
            .order_by("-severity", "-created_at")
        ),
        held=Delivery.objects.filter(
            post__election=election,
            post__acs__number=number,
            state__in=[Delivery.State.PENDING, Delivery.State.RETRYING],
            reason=Reason.HELD,
        ).count(),
    )


# The state summary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StateSummary:
    at: datetime
    desks: int  # active desks
    desks_staffed: int  # with someone on duty now
    approvers_on_duty: list[User]  # head and spokesperson on duty now
    posts_waiting: int
    oldest_wait_since: datetime | None  # when the longest-waiting post was submitted
    unconfirmed: int  # deliveries that may or may not have been published
    held: int  # deliveries an election rule holds
    open_takedowns: int
    alerts_open: dict[int, int] = field(default_factory=dict)  # by severity
    silent_now: int = 0
    next_silence: tuple[int, Window] | None = None  # (phase, window)

    @property
    def staffed_percent(self) -> int:
        return round(100 * self.desks_staffed / self.desks) if self.desks else 0

    @property
    def alerts_total(self) -> int:
        return sum(self.alerts_open.values())

    @property
    def alerts_by_severity(self) -> list[tuple[Alert.Severity, int]]:
        """(severity, open alerts), high first, severities with none left out."""
        return [
            (severity, self.alerts_open[severity])
            for severity in Alert.Severity
            if self.alerts_open.get(severity)
        ]

    @property
    def next_silence_open(self) -> bool:
        return self.next_silence is not None and self.next_silence[1].contains(self.at)


def may_see_state(asker: Asker) -> bool:
    """The state summary is for those who may monitor the whole state: the head and the
    spokesperson (and anyone at HQ with the monitoring read). Two queries."""
    target = state_target(election=asker.election)
    return target is not None and asker.may(WAR_ROOM, target)


def get_state_summary(*, election: Election, at: datetime) -> StateSummary:
    desks = set(Desk.objects.filter(election=election, is_active=True).values_list("pk", flat=True))
    duties = coverage.on_duty(list_duties(election=election, within=_instant(at)), at)
    approvers = {d.user_id for d in duties if d.approver}
    posts = Post.objects.filter(election=election, state__in=AWAITING_REVIEW).aggregate(
        n=Count("id"), oldest=Min("submitted_at")
    )
    # Only the deliveries the summary counts (the index on state), not every one ever; by
    # channel, not post: a delivery goes to a channel of its post's election (services.posts
    # checks it), and the election's few channels are cheaper to join than all its posts.
    held = Q(state__in=[Delivery.State.PENDING, Delivery.State.RETRYING], reason=Reason.HELD)
    deliveries = (
        Delivery.objects.filter(channel__election=election)
        .filter(Q(state=Delivery.State.UNCONFIRMED) | held)
        .aggregate(
            unconfirmed=Count("id", filter=Q(state=Delivery.State.UNCONFIRMED)),
            held=Count("id", filter=held),
        )
    )
    calendar = get_calendar(election=election)
    return StateSummary(
        at=at,
        desks=len(desks),
        desks_staffed=len({d.desk_id for d in duties} & desks),
        approvers_on_duty=list(
            User.objects.filter(pk__in=approvers).order_by("display_name", "username")
        ),
        posts_waiting=posts["n"],
        oldest_wait_since=posts["oldest"],
        unconfirmed=deliveries["unconfirmed"],
        held=deliveries["held"],
        open_takedowns=Takedown.objects.filter(election=election, closed_at=None).count(),
        alerts_open=dict(
            Alert.objects.filter(election=election, state=Alert.State.OPEN)
            .values("severity")
            .annotate(n=Count("id"))
            .values_list("severity", "n")
        ),
        silent_now=len(calendar.silent_acs(at)),
        next_silence=calendar.next_silence(at),
    )


# The outlines --------------------------------------------------------------------------------


def get_outlines(*, election: Election) -> str:
    """The state's constituencies and districts as one GeoJSON FeatureCollection (text),
    each feature with its kind, number and names in both languages. Two queries.

    The boundaries are stored as GeoJSON geometry text (``elections.services.geojson_text``),
    so they go into the collection as they are: parsing and dumping 800 kB of coordinates
    again took most of this answer's time (bench/warroom.py)."""

    def feature(properties: dict[str, Any], geometry: str) -> str:
        names = json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
        return f'{{"type":"Feature","properties":{names},"geometry":{geometry}}}'

    features = [
        feature({"kind": "district", "id": d.pk, "en": d.name_en, "hi": d.name_hi}, d.boundary)
        for d in District.objects.filter(state=election.state)
        .exclude(boundary="")
        .only("name_en", "name_hi", "boundary")
    ]
    features += [
        feature(
            {"kind": "ac", "number": ac.number, "en": ac.name_en, "hi": ac.name_hi}, ac.boundary
        )
        for ac in AssemblyConstituency.objects.filter(state=election.state)
        .exclude(boundary="")
        .only("number", "name_en", "name_hi", "boundary")
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


# Charts and the ticker -----------------------------------------------------------------------

#: The charts' period, in whole hours: the current hour and the 23 before, like the mentions.
CHART_HOURS = MENTION_HOURS
#: How many entries the ticker shows.
TICKER_ENTRIES = 12


@dataclass(frozen=True)
class Hourly:
    """Deliveries published and mentions per hour over the charts' period, oldest hour
    first; ``posts[i]`` and ``mentions[i]`` count the hour that starts at ``hours[i]``."""

    hours: tuple[datetime, ...]  # the rollups' hours (UTC)
    posts: tuple[int, ...]
    mentions: tuple[int, ...]


@dataclass(frozen=True)
class DistrictArea:
    id: int
    name_en: str
    name_hi: str
    numbers: frozenset[int]  # its constituencies

    @property
    def name(self) -> str:
        return _in_language(self.name_en, self.name_hi)


def chart_hours(at: datetime) -> tuple[datetime, ...]:
    """The hours the charts show at ``at``, oldest first, ending with the current one."""
    current = hour_of(at)
    return tuple(current - timedelta(hours=k) for k in range(CHART_HOURS - 1, -1, -1))


def get_hourly(
    *, election: Election, at: datetime, ac: int | None = None, district: DistrictArea | None = None
) -> Hourly:
    """Per hour, for the state, one constituency (``ac``) or one district: deliveries
    published (of posts for it) and mentions of it, from the rollups (never items). Two
    queries."""
    hours = chart_hours(at)
    window = {"hour__gte": hours[0], "hour__lte": hours[-1]}
    mentions: Any
    if district is not None:
        mentions = TopicCount.objects.filter(
            election=election, kind=TopicKind.DISTRICT, key=district.name_en, **window
        )
    else:  # ALL_ACS (0) is the state's total
        mentions = HourlyCount.objects.filter(
            election=election, party=ALL_PARTIES, ac_number=ALL_ACS if ac is None else ac, **window
        )
    said = dict(mentions.values("hour").annotate(n=Sum("count")).values_list("hour", "n"))
    deliveries = Delivery.objects.filter(
        channel__election=election,  # as in get_state_summary: not a join of every post
        state=Delivery.State.PUBLISHED,
        finished_at__gte=hours[0],
        finished_at__lt=hours[-1] + timedelta(hours=1),
    )
    if ac is not None:
        deliveries = deliveries.filter(post__acs__number=ac)
    elif district is not None:
        deliveries = deliveries.filter(post__acs__number__in=list(district.numbers))
    # One count per hour by comparisons, not a truncation per row (on SQLite that is a
    # Python function called for every delivery); distinct only for a district, where a
    # post for two of its constituencies joins twice.
    counted = deliveries.aggregate(
        **{
            f"h{n}": Count(
                "id",
                distinct=district is not None,
                filter=Q(finished_at__gte=hour, finished_at__lt=hour + timedelta(hours=1)),
            )
            for n, hour in enumerate(hours)
        }
    )
    published = {hour: counted[f"h{n}"] for n, hour in enumerate(hours)}
    return Hourly(
        hours=hours,
        posts=tuple(published.get(h, 0) for h in hours),
        mentions=tuple(said.get(h, 0) for h in hours),
    )


def find_district(*, election: Election, district_id: int) -> DistrictArea | None:
    """A district of the election's state with its constituencies, or None. One query."""
    rows = list(
        AssemblyConstituency.objects.filter(
            state=election.state, district_id=district_id
        ).values_list("number", "district__name_en", "district__name_hi")
    )
    if not rows:
        return None
    return DistrictArea(
        id=district_id,
        name_en=rows[0][1],
        name_hi=rows[0][2],
        numbers=frozenset(number for number, _en, _hi in rows),
    )


def may_see_district(asker: Asker, district: DistrictArea) -> bool:
    """A district's figures are for whoever may monitor all of its constituencies (they sum
    over every one of them)."""
    return asker.may(WAR_ROOM, Target(acs=district.numbers))


def access_district(*, asker: Asker, district_id: int) -> DistrictArea:
    """A district whose figures the person may see; the same 404 when it is missing or out
    of their reach. One query."""
    district = find_district(election=asker.election, district_id=district_id)
    if district is None or not may_see_district(asker, district):
        raise Http404
    return district


@dataclass(frozen=True)
class TickerEntry:
    """An alert raised or a delivery published, at ``at``."""

    at: datetime
    alert: Alert | None = None
    delivery: Delivery | None = None


def _reach(asker: Asker) -> tuple[set[int], set[int]] | None:
    """The desks and constituencies the person may monitor, or None for everywhere: what
    narrows the ticker's queries before ``Asker.may`` decides each entry."""
    desks: set[int] = set()
    acs: set[int] = set()
    for grant in asker.grants:
        if WAR_ROOM not in MATRIX[grant.role]:
            continue
        if grant.reaches_state:
            return None
        desks.add(grant.desk_id)
        acs |= grant.desk_acs
    return desks, acs


def list_ticker(*, asker: Asker, limit: int = TICKER_ENTRIES) -> list[TickerEntry]:
    """The newest alerts (any state) and published deliveries within the person's reach,
    newest first. Three queries."""
    election = asker.election
    alerts = Alert.objects.filter(election=election)
    # The channels as a subquery, not a join: SQLite then walks the index on (state,
    # finished_at) newest first and stops at the limit (a join: 16 ms, this: 1 ms).
    deliveries = Delivery.objects.filter(
        channel_id__in=Channel.objects.filter(election=election).values("pk"),
        state=Delivery.State.PUBLISHED,
    ).exclude(finished_at=None)
    reach = _reach(asker)
    if reach is not None:
        desks, acs = reach
        alerts = alerts.filter(Q(desk_id__in=desks) | Q(ac_number__in=acs))
        # Any of the post's constituencies in reach; ``may`` below wants all of them.
        deliveries = deliveries.filter(
            Q(post__desk_id__in=desks)
            | Q(
                post_id__in=Post.acs.through.objects.filter(
                    assemblyconstituency__number__in=acs
                ).values("post_id")
            )
        )
    raised = alerts.select_related("claim").order_by("-created_at", "-pk")[:limit]
    published = (
        deliveries.select_related("post", "channel")
        .prefetch_related("post__acs")
        .order_by("-finished_at", "-pk")[: limit * 2]
    )
    entries = [
        TickerEntry(at=a.created_at, alert=a)
        for a in raised
        if asker.may(WAR_ROOM, alert_target(a))
    ] + [
        TickerEntry(at=d.finished_at, delivery=d)
        for d in published
        if d.finished_at is not None and asker.may(WAR_ROOM, post_target(d.post))
    ]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
