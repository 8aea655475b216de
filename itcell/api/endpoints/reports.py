"""The daily report's figures, for the state or one district."""

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from itcell.api.http import ERRORS, caller, endpoint
from itcell.api.scopes import Scope
from itcell.core import clock
from itcell.organisation.roles import Action
from itcell.warroom.reports import find_district, get_area, get_daily_report, may_report

router = Router(tags=["reports"])


class ReportQuery(Schema):
    date: dt.date | None = Field(None, description="The day (IST); default: today")
    district: str = Field("", max_length=80, description="A district's id or name; none: state")


class ReportOut(Schema):
    election: str
    day: dt.date
    area: str
    made_at: str
    coverage: dict[str, Any]
    publishing: dict[str, Any]
    engagement: dict[str, Any]
    monitoring: dict[str, Any]
    compliance: dict[str, Any]


@router.get(
    "/reports/daily",
    response={200: ReportOut, **ERRORS},
    openapi_extra=endpoint(Scope.REPORTS_READ),
)
def daily(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    """A day's coverage, publishing, engagement, monitoring and compliance figures, as on the
    war room's report page. The state's report needs the state-wide monitoring read; a
    district's, the monitoring read over all of it."""
    who = caller(request)
    who.need(Scope.REPORTS_READ, Action.MONITOR)
    district = None
    if query.district.strip():
        district = find_district(election=who.election, ref=query.district)
        if district is None:
            raise Http404
    area = get_area(district=district)
    if not may_report(who.asker, area):
        raise Http404
    report = get_daily_report(election=who.election, day=query.date or clock.today_ist(), area=area)
    sections = {
        name: json.loads(json.dumps(asdict(getattr(report, name)), cls=DjangoJSONEncoder))
        for name in ("coverage", "publishing", "engagement", "monitoring", "compliance")
    }
    return {
        "election": who.election.slug,
        "day": report.day,
        "area": area.name_en or who.election.state.name_en,
        "made_at": report.made_at.isoformat(),
        **sections,
    }
