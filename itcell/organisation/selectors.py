"""Reads of the organisation: a person's grants, who is on duty, which desk answers for a
constituency now, who approves next, where the roster has gaps."""

import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from itcell.accounts.models import User
from itcell.core.clock import IST
from itcell.elections.models import AssemblyConstituency, District, Election
from itcell.organisation import coverage
from itcell.organisation.models import Desk, Handover, Membership, Shift
from itcell.organisation.permissions import Grant, Target, allows
from itcell.organisation.roles import STATE_WIDE_ROLES, Action, Role


def get_grants(*, user: User, election: Election) -> list[Grant]:
    if not user.is_authenticated:
        return []
    memberships = (
        Membership.objects.filter(
            user=user, is_active=True, desk__election=election, desk__is_active=True
        )
        .select_related("desk")
        .prefetch_related(
            Prefetch("desk__acs", queryset=AssemblyConstituency.objects.only("number"))
        )
    )
    return [
        Grant(
            role=Role(m.role),
            desk_id=m.desk_id,
            desk_acs=frozenset(ac.number for ac in m.desk.acs.all()),
            state_wide=m.desk.kind == Desk.Kind.HQ,
        )
        for m in memberships
    ]


def desk_target(desk: Desk) -> Target:
    return Target(desk_id=desk.pk, acs=frozenset(desk.acs.values_list("number", flat=True)))


def access_desk(
    *, user: User, election: Election, desk_id: int, action: Action = Action.VIEW
) -> Desk:
    """The desk, if the person may do ``action`` there; the same 404 when it is missing or
    out of their scope, so desk ids do not leak."""
    desk = Desk.objects.filter(election=election, pk=desk_id).select_related("district").first()
    if desk is None or not allows(
        get_grants(user=user, election=election), action, desk_target(desk)
    ):
        raise Http404
    return desk


def list_duties(
    *, election: Election, within: coverage.Interval, desk_ids: Iterable[int] | None = None
) -> list[coverage.Duty]:
    """Shifts that touch ``within``; a shift checked out early ends when it was checked out."""
    shifts = Shift.objects.filter(
        desk__election=election,
        desk__is_active=True,
        starts_at__lt=within.end,
        ends_at__gt=within.start,
    )
    if desk_ids is not None:
        shifts = shifts.filter(desk_id__in=list(desk_ids))
    approvers = set(
        Membership.objects.filter(
            desk__election=election, is_active=True, role__in=[r.value for r in STATE_WIDE_ROLES]
        ).values_list("user_id", flat=True)
    )
    duties = []
    for desk_id, user_id, start, end, out in shifts.values_list(
        "desk_id", "user_id", "starts_at", "ends_at", "checked_out_at"
    ):
        end = min(end, out) if out else end
        if end > start:
            duties.append(
                coverage.Duty(
                    desk_id, user_id, coverage.Interval(start, end), approver=user_id in approvers
                )
            )
    return duties


def _instant(at: datetime) -> coverage.Interval:
    return coverage.Interval(at, at + timedelta(seconds=1))


@dataclass(frozen=True)
class OnDuty:
    """The answer to "who is on duty for this constituency now, and who can approve?"."""

    ac: AssemblyConstituency
    at: datetime
    desk: Desk
    level: str  # "ac", "district" or "hq": how far up the fallback chain the answer came
    members: list[User]  # on duty at that desk
    approvers: list[User]  # the approval chain, first to ask first


def desk_chains(
    *, election: Election, numbers: Collection[int] | None = None
) -> dict[int, coverage.DeskChain]:
    """The fallback chain (AC desks, district desks, HQ) of each constituency with a desk (or
    of each of ``numbers``), in two queries; empty when the election has no desks yet
    (``itcell create-desks``)."""
    hq = (
        Desk.objects.filter(election=election, kind=Desk.Kind.HQ)
        .values_list("pk", flat=True)
        .first()
    )
    if hq is None:
        return {}
    areas = Desk.acs.through.objects.filter(
        desk__election=election,
        desk__is_active=True,
        desk__kind__in=[Desk.Kind.AC, Desk.Kind.DISTRICT],
    )
    if numbers is not None:
        areas = areas.filter(assemblyconstituency__number__in=list(numbers))
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for desk_id, kind, number in areas.values_list(
        "desk_id", "desk__kind", "assemblyconstituency__number"
    ):
        found[number][kind].append(desk_id)
    return {
        number: coverage.DeskChain(
            tuple(sorted(found[number][Desk.Kind.AC])),
            tuple(sorted(found[number][Desk.Kind.DISTRICT])),
            hq,
        )
        for number in (list(found) if numbers is None else numbers)
    }


def desk_chain(*, election: Election, ac: AssemblyConstituency) -> coverage.DeskChain:
    chains = desk_chains(election=election, numbers=[ac.number])
    if not chains:
        raise Http404  # no desks for this election yet: itcell create-desks
    return chains[ac.number]


def get_on_duty(*, election: Election, ac_number: int, at: datetime) -> OnDuty:
    ac = (
        AssemblyConstituency.objects.filter(state=election.state, number=ac_number)
        .select_related("district")
        .first()
    )
    if ac is None:
        raise Http404
    chain = desk_chain(election=election, ac=ac)
    duties = coverage.on_duty(list_duties(election=election, within=_instant(at)), at)
    staffed = {d.desk_id for d in duties}
    desk_id = coverage.responsible_desk(chain, staffed)
    desk = Desk.objects.get(pk=desk_id)
    level = (
        "ac"
        if desk_id in chain.ac_desks
        else "district"
        if desk_id in chain.district_desks
        else "hq"
    )
    on_duty_ids = {d.user_id for d in duties}
    members = list(
        User.objects.filter(pk__in={d.user_id for d in duties if d.desk_id == desk_id}).order_by(
            "display_name"
        )
    )
    return OnDuty(
        ac=ac,
        at=at,
        desk=desk,
        level=level,
        members=members,
        approvers=approval_chain(election=election, chain=chain, on_duty_ids=on_duty_ids),
    )


def get_district_on_duty(
    *, election: Election, district: District, at: datetime
) -> tuple[Desk, list[User]] | None:
    """The district's desk with whoever is on duty there at ``at``; None when no desk of the
    district is staffed then (the caller falls back to HQ, as the chain for an AC does)."""
    desks = list(
        Desk.objects.filter(
            election=election, is_active=True, kind=Desk.Kind.DISTRICT, district=district
        ).order_by("pk")
    )
    duties = coverage.on_duty(list_duties(election=election, within=_instant(at)), at)
    for desk in desks:
        people = {d.user_id for d in duties if d.desk_id == desk.pk}
        if people:
            return desk, list(User.objects.filter(pk__in=people).order_by("display_name"))
    return None


def approval_chain(
    *, election: Election, chain: coverage.DeskChain, on_duty_ids: set[int]
) -> list[User]:
    """Who approves a post for a constituency, in the order to ask: desk leads on duty at its
    constituency desk, then at its district desk, then state-wide approvers on duty
    (spokesperson before head), then state-wide approvers off duty (someone always answers)."""
    memberships = list(
        Membership.objects.filter(
            Q(desk_id__in=[*chain.ac_desks, *chain.district_desks], role=Role.DESK_LEAD)
            | Q(desk__election=election, role__in=[r.value for r in STATE_WIDE_ROLES]),
            is_active=True,
            desk__is_active=True,
        ).select_related("user")
    )
    order = [*chain.ac_desks, *chain.district_desks]

    def rank(m: Membership) -> tuple[int, int, int, str]:
        on_duty = m.user_id in on_duty_ids
        if m.role == Role.DESK_LEAD:
            return (0, order.index(m.desk_id), 0, str(m.user))
        return (1 if on_duty else 2, 0, 0 if m.role == Role.SPOKESPERSON else 1, str(m.user))

    chain_users: list[User] = []
    for m in sorted(memberships, key=rank):
        if m.role == Role.DESK_LEAD and m.user_id not in on_duty_ids:
            continue
        if m.user not in chain_users:
            chain_users.append(m.user)
    return chain_users


def escalation_step() -> timedelta:
    return timedelta(minutes=getattr(settings, "ITCELL_APPROVAL_ESCALATION_MINUTES", 15))


def current_approver(*, chain: list[User], requested_at: datetime, now: datetime) -> User | None:
    """Who should act now on a request made at ``requested_at``: the next in the chain after
    each step without action; the last stays responsible."""
    if not chain:
        return None
    steps = int((now - requested_at) / escalation_step())
    return chain[min(max(steps, 0), len(chain) - 1)]


@dataclass(frozen=True)
class DeskStatus:
    desk: Desk
    on_duty: list[User]
    members: int


def list_desk_board(*, election: Election, at: datetime) -> list[DeskStatus]:
    desks = list(Desk.objects.filter(election=election, is_active=True).select_related("district"))
    duties = coverage.on_duty(list_duties(election=election, within=_instant(at)), at)
    users = User.objects.in_bulk({d.user_id for d in duties})
    on_duty: dict[int, list[User]] = defaultdict(list)
    for duty in duties:
        on_duty[duty.desk_id].append(users[duty.user_id])
    members: dict[int, int] = defaultdict(int)
    for desk_id in Membership.objects.filter(desk__election=election, is_active=True).values_list(
        "desk_id", flat=True
    ):
        members[desk_id] += 1
    return [DeskStatus(d, on_duty[d.pk], members[d.pk]) for d in desks]


@dataclass(frozen=True)
class CoverageReport:
    within: coverage.Interval
    desk_gaps: dict[int, list[coverage.Interval]]
    approver_gaps: list[coverage.Interval]
    rostered_desks: int


def get_coverage(*, election: Election, within: coverage.Interval) -> CoverageReport:
    """Gaps over ``within`` at every desk that has a roster (desks never rostered are answered
    for by the fallback chain), and when no state-wide approver is on duty."""
    duties = list_duties(election=election, within=within)
    rostered = {d.desk_id for d in duties} | set(
        Shift.objects.filter(desk__election=election, desk__is_active=True)
        .values_list("desk_id", flat=True)
        .distinct()
    )
    return CoverageReport(
        within=within,
        desk_gaps=coverage.desk_gaps(duties, rostered, within),
        approver_gaps=coverage.approver_gaps(duties, within),
        rostered_desks=len(rostered),
    )


# Reads for the organisation's screens -------------------------------------------------------


def find_desk(*, election: Election, desk_id: int) -> Desk | None:
    """A desk of the election, or None; the caller checks permission (see ``access_desk``)."""
    desk = Desk.objects.filter(election=election, pk=desk_id).select_related("district").first()
    if desk is not None:
        desk.election = election  # already loaded: spare the screens a query
    return desk


def desk_targets(*, election: Election, desk_ids: Iterable[int] | None = None) -> dict[int, Target]:
    """The permission target of each desk (its area), in one query."""
    rows = Desk.acs.through.objects.filter(desk__election=election)
    if desk_ids is not None:
        rows = rows.filter(desk_id__in=list(desk_ids))
    acs: dict[int, set[int]] = defaultdict(set)
    for desk_id, number in rows.values_list("desk_id", "assemblyconstituency__number"):
        acs[desk_id].add(number)
    ids = set(desk_ids) if desk_ids is not None else set(acs)
    return {pk: Target(desk_id=pk, acs=frozenset(acs.get(pk, ()))) for pk in ids}


def state_target(*, election: Election) -> Target | None:
    """What a state-wide action (an import naming any desk) touches: HQ and the whole state."""
    hq = Desk.objects.filter(election=election, kind=Desk.Kind.HQ).first()
    return desk_target(hq) if hq is not None else None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


@dataclass(frozen=True)
class DeskBoard:
    statuses: list[DeskStatus]  # the desks shown, after the filters
    districts: list[District]  # every district among the desks the person may see


def list_visible_desk_board(
    *,
    election: Election,
    grants: list[Grant],
    at: datetime,
    kind: str = "",
    district_id: int | None = None,
    query: str = "",
) -> DeskBoard:
    """The desk board limited to the desks ``grants`` may view, then filtered by kind,
    district and words of the English or Hindi name of the desk or its district."""
    statuses = list_desk_board(election=election, at=at)
    if not any(g.reaches_state for g in grants):
        targets = desk_targets(election=election)
        statuses = [
            s
            for s in statuses
            if allows(grants, Action.VIEW, targets.get(s.desk.pk, Target(desk_id=s.desk.pk)))
        ]
    districts = sorted(
        {s.desk.district for s in statuses if s.desk.district is not None},
        key=lambda d: d.name_en,
    )
    if kind:
        statuses = [s for s in statuses if s.desk.kind == kind]
    if district_id is not None:
        statuses = [s for s in statuses if s.desk.district_id == district_id]
    for word in _fold(query).split():
        statuses = [
            s
            for s in statuses
            if any(
                word in _fold(name)
                for name in (
                    s.desk.name_en,
                    s.desk.name_hi,
                    s.desk.district.name_en if s.desk.district else "",
                    s.desk.district.name_hi if s.desk.district else "",
                )
            )
        ]
    return DeskBoard(statuses=statuses, districts=districts)


@dataclass(frozen=True)
class DeskPage:
    desk: Desk
    acs: list[AssemblyConstituency]
    memberships: list[Membership]  # active, by role then name
    on_duty: list[User]
    handovers: list[Handover]  # latest first


def get_desk_page(*, desk: Desk, at: datetime, handovers: int = 5) -> DeskPage:
    acs = list(
        desk.acs.select_related("district")
        .defer("boundary", "district__boundary")
        .order_by("number")
    )
    order = {role: n for n, role in enumerate(Role)}
    memberships = sorted(
        Membership.objects.filter(desk=desk, is_active=True).select_related("user"),
        key=lambda m: (order[Role(m.role)], str(m.user)),
    )
    duties = coverage.on_duty(
        list_duties(election=desk.election, within=_instant(at), desk_ids=[desk.pk]), at
    )
    on_duty = list(User.objects.filter(pk__in={d.user_id for d in duties}).order_by("display_name"))
    return DeskPage(
        desk=desk,
        acs=acs,
        memberships=memberships,
        on_duty=on_duty,
        handovers=list_handovers(desk=desk, limit=handovers),
    )


def list_handovers(*, desk: Desk, limit: int = 5) -> list[Handover]:
    """The desk's latest handovers, newest first."""
    return list(
        Handover.objects.filter(desk=desk).select_related("written_by", "acknowledged_by")[:limit]
    )


def desks_by_id(*, election: Election, desk_ids: Iterable[int]) -> dict[int, Desk]:
    return Desk.objects.filter(election=election).select_related("district").in_bulk(list(desk_ids))


def list_desk_members(*, desk: Desk) -> QuerySet[User]:
    """People with an active role at the desk: those who can be rostered there."""
    return (
        User.objects.filter(memberships__desk=desk, memberships__is_active=True)
        .distinct()
        .order_by("display_name", "username")
    )


def list_election_members(*, election: Election) -> QuerySet[User]:
    """People with an active role at any desk of the election."""
    return User.objects.filter(
        memberships__desk__election=election, memberships__is_active=True
    ).distinct()


def find_handover(*, desk: Desk, handover_id: int) -> Handover | None:
    return Handover.objects.filter(desk=desk, pk=handover_id).first()


def week_start(day: date) -> date:
    """The Monday of ``day``'s week: rosters are read a week at a time."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class RosterEntry:
    """One stretch of a day: a shift (clipped to the day) or, with ``shift`` None, a gap."""

    start: datetime
    end: datetime
    shift: Shift | None = None

    @property
    def is_gap(self) -> bool:
        return self.shift is None

    @property
    def from_day_before(self) -> bool:
        return self.shift is not None and self.shift.starts_at < self.start

    @property
    def into_next_day(self) -> bool:
        return self.shift is not None and self.shift.ends_at > self.end

    @property
    def ends_at_midnight(self) -> bool:
        """Ends when the day does (shown as 24:00, not 00:00)."""
        return self.end.astimezone(IST).time() == time(0)


@dataclass(frozen=True)
class RosterDay:
    day: date
    entries: list[RosterEntry]  # in time order; gaps where nobody is rostered

    @property
    def gaps(self) -> list[RosterEntry]:
        return [e for e in self.entries if e.is_gap]


def day_window(day: date) -> coverage.Interval:
    """A day as the cell reads it: midnight to midnight IST."""
    start = datetime.combine(day, time(0), tzinfo=IST)
    return coverage.Interval(start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=IST))


def roster_days(shifts: Iterable[Shift], first_day: date, days: int = 7) -> list[RosterDay]:
    """Each day's shifts, clipped to the day, and the gaps between them. Pure."""
    shifts = sorted(shifts, key=lambda s: (s.starts_at, s.ends_at))
    result = []
    for n in range(days):
        window = day_window(first_day + timedelta(days=n))
        entries = [
            RosterEntry(max(s.starts_at, window.start), min(s.ends_at, window.end), s)
            for s in shifts
            if s.starts_at < window.end and s.ends_at > window.start
        ]
        covered = [coverage.Interval(e.start, e.end) for e in entries]
        entries += [RosterEntry(g.start, g.end) for g in coverage.gaps(covered, window)]
        entries.sort(key=lambda e: (e.start, e.end))
        result.append(RosterDay(day=window.start.date(), entries=entries))
    return result


def list_week_rosters(
    *, desks: Iterable[Desk], first_day: date, days: int = 7
) -> dict[int, list[RosterDay]]:
    """The roster of each desk for ``days`` days from ``first_day``, in one query."""
    desk_ids = [d.pk for d in desks]
    start, end = day_window(first_day).start, day_window(first_day + timedelta(days=days - 1)).end
    by_desk: dict[int, list[Shift]] = defaultdict(list)
    for shift in Shift.objects.filter(
        desk_id__in=desk_ids, starts_at__lt=end, ends_at__gt=start
    ).select_related("user"):
        by_desk[shift.desk_id].append(shift)
    return {pk: roster_days(by_desk[pk], first_day, days) for pk in desk_ids}


def list_district_desks(*, election: Election, district_id: int) -> list[Desk]:
    """The active desks of a district: its district desk first, then its constituency desks."""
    desks = Desk.objects.filter(
        election=election, district_id=district_id, is_active=True
    ).select_related("district")
    return sorted(desks, key=lambda d: (d.kind != Desk.Kind.DISTRICT, d.name_en))


def list_my_shifts(*, user: User, election: Election, within: coverage.Interval) -> list[Shift]:
    return list(
        Shift.objects.filter(
            user=user,
            desk__election=election,
            starts_at__lt=within.end,
            ends_at__gt=within.start,
        ).select_related("desk")
    )


def find_my_shift(*, user: User, election: Election, shift_id: int) -> Shift | None:
    """One of the person's own shifts in the election (someone else's is not found)."""
    return (
        Shift.objects.filter(pk=shift_id, user=user, desk__election=election)
        .select_related("desk")
        .first()
    )
