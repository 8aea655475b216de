"""The demo's organisation: desks, one person per role, and a week of roster with gaps left
on purpose: one night at HQ with no approver, one night at Bahadurganj with nobody, and the
Kishanganj district desk staffed by day only (its nights fall back to HQ)."""

from datetime import date, time, timedelta

from itcell.accounts.models import User
from itcell.accounts.services import create_user
from itcell.elections.models import Election
from itcell.organisation.models import Desk, Shift, ShiftTemplate
from itcell.organisation.roles import Role
from itcell.organisation.services import assign_shift, create_desks, grant_role, ist

# (username, display name, phone, desk: "hq" / district ECI name / AC number, role)
PEOPLE: list[tuple[str, str, str, str | int, Role]] = [
    ("head", "Cell Head", "+919800000001", "hq", Role.HEAD),
    ("spokesperson", "Mukesh Sahani", "+919800000002", "hq", Role.SPOKESPERSON),
    ("analyst", "Anjali Kumari", "+919800000003", "hq", Role.ANALYST),
    ("trainer", "Ravi Ranjan", "+919800000004", "hq", Role.TRAINER),
    ("legal", "Advocate Neha Sinha", "+919800000005", "hq", Role.OBSERVER),
    ("lead.kishanganj", "Imran Alam", "+919800000006", "KISHANGANJ", Role.DESK_LEAD),
    ("lead.bahadurganj", "Sanjay Paswan", "+919800000007", 52, Role.DESK_LEAD),
    ("writer.bahadurganj", "Pooja Kumari", "+919800000008", 52, Role.WRITER),
]


def _desk(election: Election, where: str | int) -> Desk:
    desks = Desk.objects.filter(election=election)
    if where == "hq":
        return desks.get(kind=Desk.Kind.HQ)
    if isinstance(where, int):
        return desks.get(kind=Desk.Kind.AC, acs__number=where)
    return desks.get(kind=Desk.Kind.DISTRICT, district__eci_name=where)


def build(*, election: Election, password: str, first_day: date, days: int = 7) -> None:
    create_desks(election=election)
    ShiftTemplate.objects.get_or_create(
        name="3 × 8 h", defaults={"first_start": time(6), "shift_hours": 8}
    )
    ShiftTemplate.objects.get_or_create(
        name="2 × 12 h", defaults={"first_start": time(8), "shift_hours": 12}
    )
    people = {}
    for username, name, phone, where, role in PEOPLE:
        user = User.objects.filter(username=username).first() or create_user(
            username=username, password=password, display_name=name, phone=phone
        )
        if user.phone != phone:
            user.phone = phone
            user.save(update_fields=["phone"])
        grant_role(user=user, desk=_desk(election, where), role=role, actor=None)
        people[username] = user
    if Shift.objects.filter(desk__election=election).exists():
        return
    hq, kishanganj, bahadurganj = (
        _desk(election, "hq"),
        _desk(election, "KISHANGANJ"),
        _desk(election, 52),
    )
    for n in range(days):
        day = first_day + timedelta(days=n)
        morning, evening, next_morning = (
            ist(day, time(8)),
            ist(day, time(20)),
            ist(day + timedelta(days=1), time(8)),
        )
        assign_shift(
            desk=hq, user=people["spokesperson"], starts_at=morning, ends_at=evening, actor=None
        )
        if n != 2:  # the deliberate gap: no approver on duty on the third night
            assign_shift(
                desk=hq, user=people["head"], starts_at=evening, ends_at=next_morning, actor=None
            )
        assign_shift(
            desk=hq, user=people["analyst"], starts_at=morning, ends_at=evening, actor=None
        )
        assign_shift(
            desk=kishanganj,
            user=people["lead.kishanganj"],
            starts_at=morning,
            ends_at=evening,
            actor=None,
        )
        assign_shift(
            desk=bahadurganj,
            user=people["lead.bahadurganj"],
            starts_at=morning,
            ends_at=evening,
            actor=None,
        )
        if n != 1:  # the deliberate gap: nobody at Bahadurganj on the second night
            assign_shift(
                desk=bahadurganj,
                user=people["writer.bahadurganj"],
                starts_at=evening,
                ends_at=next_morning,
                actor=None,
            )
