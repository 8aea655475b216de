"""Test data for the organisation app, built through its services (factories, not fixtures)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from itcell.accounts.models import User
from itcell.accounts.services import create_user
from itcell.audit.models import AuditEvent
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.organisation.models import Desk, Shift
from itcell.organisation.roles import Role
from itcell.organisation.services import assign_shift, grant_role

PASSWORD = "correct-horse-battery-9"


def desk(election: Election, where: str | int) -> Desk:
    """A desk by place: ``"hq"``, a district's ECI name (``"KISHANGANJ"``), or an AC number."""
    desks = Desk.objects.filter(election=election)
    if where == "hq":
        return desks.get(kind=Desk.Kind.HQ)
    if isinstance(where, int):
        return desks.get(kind=Desk.Kind.AC, acs__number=where)
    return desks.get(kind=Desk.Kind.DISTRICT, district__eci_name=where)


def person(
    username: str, at: Desk | None = None, role: Role | None = None, *, phone: str = ""
) -> User:
    """A person, with one role at one desk when both are given."""
    user = create_user(
        username=username, password=PASSWORD, display_name=username.title(), phone=phone
    )
    if at is not None and role is not None:
        grant_role(user=user, desk=at, role=role, actor=None)
    return user


def ist(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=IST)


def shift(at: Desk, user: User, starts_at: datetime, ends_at: datetime) -> Shift:
    return assign_shift(desk=at, user=user, starts_at=starts_at, ends_at=ends_at, actor=None)


@contextmanager
def audited(*actions: str) -> Iterator[list[AuditEvent]]:
    """Asserts the block appends exactly these audit events, in order (none: writes nothing)."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    events: list[AuditEvent] = []
    yield events
    events.extend(AuditEvent.objects.filter(id__gt=last).order_by("id"))
    assert [e.action for e in events] == list(actions)
