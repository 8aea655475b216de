"""Desks and who is on duty for a constituency."""

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from itcell.api.http import ERRORS, Id, Instant, Page, caller, endpoint
from itcell.api.scopes import Scope
from itcell.core import clock
from itcell.organisation.models import Desk
from itcell.organisation.permissions import Target
from itcell.organisation.roles import Action
from itcell.organisation.selectors import desk_target, desk_targets, get_on_duty

router = Router(tags=["desks"])
READ = endpoint(Scope.DESKS_READ)


class DeskOut(Schema):
    id: int
    kind: str
    name_en: str
    name_hi: str
    district_id: int | None
    acs: list[int]
    is_active: bool


class MemberOut(Schema):
    id: int
    username: str
    name: str


class OnDutyOut(Schema):
    ac: int
    at: datetime
    desk: DeskOut
    level: str
    on_duty: list[MemberOut]
    approvers: list[MemberOut]


class DeskFilter(Schema):
    kind: Desk.Kind | None = None
    district: Id | None = None


class OnDutyQuery(Schema):
    ac: Id
    at: Instant | None = None


def _desk(desk: Desk) -> dict[str, object]:
    return {
        "id": desk.pk,
        "kind": desk.kind,
        "name_en": desk.name_en,
        "name_hi": desk.name_hi,
        "district_id": desk.district_id,
        "acs": sorted(ac.number for ac in desk.acs.all()),
        "is_active": desk.is_active,
    }


def _member(user: object) -> dict[str, object]:
    return {"id": user.pk, "username": user.get_username(), "name": str(user)}  # type: ignore[attr-defined]


@router.get("/desks", response={200: list[DeskOut], **ERRORS}, openapi_extra=READ)
@paginate(Page)
def list_desks(request: HttpRequest, filters: Query[DeskFilter]) -> list[dict[str, object]]:
    """The desks the token reaches: HQ first, then districts, then constituencies."""
    who = caller(request)
    who.need(Scope.DESKS_READ, Action.VIEW)
    desks = Desk.objects.filter(election=who.election).prefetch_related("acs")
    if filters.kind:
        desks = desks.filter(kind=filters.kind)
    if filters.district:
        desks = desks.filter(district_id=filters.district)
    targets = desk_targets(election=who.election)
    return [
        _desk(d)
        for d in desks.order_by("kind", "name_en", "pk")
        if who.asker.may(Action.VIEW, targets[d.pk])
    ]


@router.get("/desks/{desk_id}", response={200: DeskOut, **ERRORS}, openapi_extra=READ)
def get_desk(request: HttpRequest, desk_id: Id) -> dict[str, object]:
    who = caller(request)
    who.need(Scope.DESKS_READ, Action.VIEW)
    desk = Desk.objects.filter(election=who.election, pk=desk_id).prefetch_related("acs").first()
    if desk is None:
        raise Http404
    who.reach(Action.VIEW, desk_target(desk))
    return _desk(desk)


@router.get("/on-duty", response={200: OnDutyOut, **ERRORS}, openapi_extra=READ)
def on_duty(request: HttpRequest, query: Query[OnDutyQuery]) -> dict[str, object]:
    """Who answers for a constituency at an instant (now by default; IST without a zone): its
    desk, or up the chain to the district's and HQ when no one is on duty there, and whom to
    ask to approve."""
    who = caller(request)
    who.need(Scope.DESKS_READ, Action.VIEW)
    who.reach(Action.VIEW, Target(acs=frozenset({query.ac})))
    at = query.at or clock.now()
    found = get_on_duty(election=who.election, ac_number=query.ac, at=at)
    return {
        "ac": found.ac.number,
        "at": found.at,
        "desk": _desk(found.desk),
        "level": found.level,
        "on_duty": [_member(u) for u in found.members],
        "approvers": [_member(u) for u in found.approvers],
    }
