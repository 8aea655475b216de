"""Reference data: the election, its phases, districts, constituencies and candidates. Public
facts, so the desk scope does not narrow them."""

from datetime import date, datetime, time

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from itcell.api.http import ERRORS, Id, Page, caller, endpoint
from itcell.api.scopes import Scope
from itcell.elections.models import ACPoll, AssemblyConstituency, Candidacy, District, Election
from itcell.organisation.roles import Action

router = Router(tags=["reference"])
READ = endpoint(Scope.REFERENCE_READ)


class PhaseOut(Schema):
    number: int
    poll_date: date
    poll_opens: time
    poll_closes: time


class ElectionOut(Schema):
    slug: str
    name_en: str
    name_hi: str
    state: str
    mcc_from: datetime
    mcc_until: datetime
    counting_date: date
    own_party: str | None
    phases: list[PhaseOut]


class DistrictOut(Schema):
    id: int
    name_en: str
    name_hi: str


class AcOut(Schema):
    number: int
    name_en: str
    name_hi: str
    reservation: str
    district_id: int
    district: str
    phase: int | None
    poll_close_at: datetime | None


class CandidateOut(Schema):
    id: int
    name: str
    name_hi: str
    party: str


class AcDetailOut(AcOut):
    candidates: list[CandidateOut]


class AcFilter(Schema):
    district: Id | None = None
    phase: Id | None = None
    q: str = ""


@router.get("/election", response={200: ElectionOut, **ERRORS}, openapi_extra=READ)
def get_election(request: HttpRequest) -> dict[str, object]:
    """The token's election: its Model Code of Conduct, counting date and phases."""
    who = caller(request)
    who.need(Scope.REFERENCE_READ, Action.VIEW)
    election: Election = who.election
    return {
        "slug": election.slug,
        "name_en": election.name_en,
        "name_hi": election.name_hi,
        "state": election.state.name_en,
        "mcc_from": election.mcc_from,
        "mcc_until": election.mcc_until,
        "counting_date": election.counting_date,
        "own_party": election.own_party.short_name if election.own_party else None,
        "phases": list(election.phases.order_by("number")),
    }


@router.get("/districts", response={200: list[DistrictOut], **ERRORS}, openapi_extra=READ)
@paginate(Page)
def list_districts(request: HttpRequest) -> QuerySet[District]:
    who = caller(request)
    who.need(Scope.REFERENCE_READ, Action.VIEW)
    return District.objects.filter(state_id=who.election.state_id).order_by("name_en", "pk")


def _acs(election: Election) -> QuerySet[AssemblyConstituency]:
    polls = ACPoll.objects.filter(election=election)
    return (
        AssemblyConstituency.objects.filter(state_id=election.state_id)
        .select_related("district")
        .prefetch_related(
            Prefetch("polls", queryset=polls.select_related("phase"), to_attr="these_polls")
        )
        .order_by("number")
    )


def _ac(ac: AssemblyConstituency) -> dict[str, object]:
    poll = ac.these_polls[0] if ac.these_polls else None  # type: ignore[attr-defined]
    return {
        "number": ac.number,
        "name_en": ac.name_en,
        "name_hi": ac.name_hi,
        "reservation": ac.reservation,
        "district_id": ac.district_id,
        "district": ac.district.name_en,
        "phase": poll.phase.number if poll else None,
        "poll_close_at": poll.poll_close_at if poll else None,
    }


@router.get("/acs", response={200: list[AcOut], **ERRORS}, openapi_extra=READ)
@paginate(Page)
def list_acs(request: HttpRequest, filters: Query[AcFilter]) -> list[dict[str, object]]:
    """Constituencies by number; filter by district id, phase, or words of the name in
    English or Hindi (``q``)."""
    who = caller(request)
    who.need(Scope.REFERENCE_READ, Action.VIEW)
    acs = _acs(who.election)
    if filters.district:
        acs = acs.filter(district_id=filters.district)
    if filters.phase:
        acs = acs.filter(polls__election=who.election, polls__phase__number=filters.phase)
    if filters.q.strip():
        q = filters.q.strip()
        acs = acs.filter(Q(name_en__icontains=q) | Q(name_hi__contains=q))
    return [_ac(ac) for ac in acs]


@router.get("/acs/{number}", response={200: AcDetailOut, **ERRORS}, openapi_extra=READ)
def get_ac(request: HttpRequest, number: Id) -> dict[str, object]:
    """One constituency with the election's candidates there."""
    who = caller(request)
    who.need(Scope.REFERENCE_READ, Action.VIEW)
    ac = _acs(who.election).filter(number=number).first()
    if ac is None:
        raise Http404
    candidates = Candidacy.objects.filter(election=who.election, ac=ac).select_related("party")
    return {
        **_ac(ac),
        "candidates": [
            {"id": c.pk, "name": c.name, "name_hi": c.name_hi, "party": c.party.short_name}
            for c in candidates.order_by("pk")
        ],
    }
