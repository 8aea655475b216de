"""Reads for the training screens: a member's own training, the trainer's board of who is
trained per district and desk, modules and workshops. The views check permission first and
hand in the desks the person may see."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet

from itcell.accounts.models import User
from itcell.elections.models import District, Election
from itcell.organisation.models import Desk, Membership
from itcell.playbook.models import Attempt, Attendance, Module, Question, Workshop
from itcell.playbook.training import DRAFTING_ROLES


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def list_modules(*, election: Election, active_only: bool = True) -> QuerySet[Module]:
    """Core modules first, then by the order the trainers set."""
    modules = Module.objects.filter(election=election)
    if active_only:
        modules = modules.filter(is_active=True)
    return modules.annotate(question_count=Count("questions")).order_by(
        "-is_core", "order", "title_en"
    )


def find_module(*, election: Election, module_id: int) -> Module | None:
    return (
        Module.objects.filter(election=election, pk=module_id)
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.prefetch_related("choices"))
        )
        .first()
    )


@dataclass(frozen=True)
class ModuleStatus:
    module: Module
    passed: bool
    last: Attempt | None  # the latest attempt
    best: int | None  # the best score
    attempts: int


@dataclass(frozen=True)
class Invitation:
    workshop: Workshop
    attended: bool | None


@dataclass(frozen=True)
class MyTraining:
    modules: list[ModuleStatus]
    missing_core: list[Module]
    upcoming: list[Invitation]  # workshops I am invited to that have not ended
    past: list[Invitation]


def get_my_training(*, user: User, election: Election, now: datetime) -> MyTraining:
    modules = list(list_modules(election=election))
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(member=user, module__in=modules).order_by("-taken_at"):
        attempts[attempt.module_id].append(attempt)
    statuses = [
        ModuleStatus(
            module=m,
            passed=any(a.passed for a in attempts[m.pk]),
            last=attempts[m.pk][0] if attempts[m.pk] else None,
            best=max((a.score for a in attempts[m.pk]), default=None),
            attempts=len(attempts[m.pk]),
        )
        for m in modules
    ]
    invitations = [
        Invitation(workshop=a.workshop, attended=a.attended)
        for a in Attendance.objects.filter(member=user, workshop__election=election)
        .select_related("workshop", "workshop__trainer")
        .order_by("workshop__starts_at")
    ]
    return MyTraining(
        modules=statuses,
        missing_core=[s.module for s in statuses if s.module.is_core and not s.passed],
        upcoming=[
            i
            for i in invitations
            if i.workshop.ends_at >= now and i.workshop.status != Workshop.Status.CANCELLED
        ],
        past=[i for i in reversed(invitations) if i.workshop.ends_at < now],
    )


def list_attempts(*, user: User, module: Module, limit: int = 5) -> list[Attempt]:
    return list(Attempt.objects.filter(member=user, module=module).order_by("-taken_at")[:limit])


# --- the trainer's board ----------------------------------------------------------------------


@dataclass(frozen=True)
class Learner:
    user: User
    trained: bool
    missing: list[Module]
    last: Attempt | None  # the latest attempt at any module of the election


@dataclass
class Tally:
    trained: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return percent(self.trained, self.total)


@dataclass
class DeskRow:
    desk: Desk
    learners: list[Learner]
    tally: Tally = field(default_factory=Tally)


@dataclass
class DistrictGroup:
    district: District | None  # None: the HQ desk
    desks: list[DeskRow]
    tally: Tally = field(default_factory=Tally)


@dataclass(frozen=True)
class Board:
    core: list[Module]
    groups: list[DistrictGroup]
    tally: Tally


def get_training_board(*, election: Election, desks: Iterable[Desk]) -> Board:
    """Who writes at each of ``desks`` and whether they passed the core modules, grouped by
    district (HQ first). A person counts once per desk where they write."""
    desks = list(desks)
    core = list(Module.objects.filter(election=election, is_core=True, is_active=True))
    memberships = (
        Membership.objects.filter(
            desk__in=desks, is_active=True, role__in=sorted(DRAFTING_ROLES), user__is_active=True
        )
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )
    people: dict[int, list[User]] = defaultdict(list)
    users: dict[int, User] = {}
    for m in memberships:
        if m.user_id not in {u.pk for u in people[m.desk_id]}:
            people[m.desk_id].append(m.user)
        users[m.user_id] = m.user
    passed: dict[int, set[int]] = defaultdict(set)
    for member_id, module_id in Attempt.objects.filter(
        member_id__in=list(users), module__in=core, passed=True
    ).values_list("member_id", "module_id"):
        passed[member_id].add(module_id)
    last: dict[int, Attempt] = {}
    for attempt in (
        Attempt.objects.filter(member_id__in=list(users), module__election=election)
        .select_related("module")
        .order_by("-taken_at")
    ):
        last.setdefault(attempt.member_id, attempt)
    learners = {
        pk: Learner(
            user=user,
            trained=not [m for m in core if m.pk not in passed[pk]],
            missing=[m for m in core if m.pk not in passed[pk]],
            last=last.get(pk),
        )
        for pk, user in users.items()
    }
    groups: dict[int | None, DistrictGroup] = {}
    total = Tally()
    for desk in desks:
        row = DeskRow(desk=desk, learners=[learners[u.pk] for u in people[desk.pk]])
        row.tally.total = len(row.learners)
        row.tally.trained = sum(1 for learner in row.learners if learner.trained)
        group = groups.setdefault(desk.district_id, DistrictGroup(district=desk.district, desks=[]))
        group.desks.append(row)
        for tally in (group.tally, total):
            tally.total += row.tally.total
            tally.trained += row.tally.trained
    ordered = sorted(
        groups.values(),
        key=lambda g: (g.district is not None, g.district.name_en if g.district else ""),
    )
    return Board(core=core, groups=ordered, tally=total)


# --- workshops --------------------------------------------------------------------------------


def list_workshops(*, election: Election) -> QuerySet[Workshop]:
    return (
        Workshop.objects.filter(election=election)
        .select_related("trainer")
        .annotate(invited=Count("attendance"))
        .order_by("-starts_at")
    )


def find_workshop(*, election: Election, workshop_id: int) -> Workshop | None:
    return (
        Workshop.objects.filter(election=election, pk=workshop_id)
        .select_related("trainer", "election")
        .prefetch_related("modules")
        .first()
    )


def list_invitees(*, workshop: Workshop) -> list[Attendance]:
    return list(
        Attendance.objects.filter(workshop=workshop)
        .select_related("member")
        .order_by("member__display_name", "member__username")
    )
