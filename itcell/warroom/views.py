"""The war room's screens: the map (with the state summary), the outlines and measures the
map reads, a constituency's panel, and the seats table. Each finds the person's reach
(``Asker``, the monitoring read: ``selectors.WAR_ROOM``), calls a selector and renders.

The map polls its measures and the summary: those answers carry an ETag (the summary's a
hash of the body; the measures' a version read before counting anything, as they are the
costly one), so a poll that finds nothing changed gets an empty 304."""

import hashlib
import json
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from itcell.core import clock
from itcell.core.http import query_id
from itcell.elections.calendar import ACStatus
from itcell.elections.templatetags.elections import STATUS_LABELS
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.warroom import charts, measures, selectors
from itcell.warroom.selectors import SeatFilter, Sort

#: How often the map asks for fresh measures and summary (seconds).
POLL_SECONDS = 10
#: How often the ticker asks for new alerts and publications (seconds).
TICKER_SECONDS = 5


def _asker(request: SignedInRequest, slug: str) -> Asker:
    asker = asker_for(request, slug)
    asker.require(selectors.WAR_ROOM)
    return asker


def _partial(request: SignedInRequest) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _conditional(request: SignedInRequest, body: bytes, content_type: str) -> HttpResponse:
    """``body`` with its hash as the ETag, or an empty 304 when the client has it already.
    Private and revalidated on every use: what a person sees depends on their reach."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        body, content_type=content_type
    )
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
def war_map(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    phases = list(asker.election.phases.values_list("number", flat=True))
    found = _summary(asker)
    return render(
        request,
        "warroom/map.html",
        {
            "election": asker.election,
            "legend": measures.legend(phases=phases),
            "strings": measures.strings(),
            "summary": found,
            "poll_seconds": POLL_SECONDS,
            "chart": None if found is None else _state_chart(asker),
            "ticker": selectors.list_ticker(asker=asker),
            "ticker_seconds": TICKER_SECONDS,
        },
    )


def _summary(asker: Asker) -> selectors.StateSummary | None:
    if not selectors.may_see_state(asker):
        return None
    return selectors.get_state_summary(election=asker.election, at=clock.now())


@require_GET
def summary(request: SignedInRequest, slug: str) -> HttpResponse:
    """The state summary alone, for the map's poll."""
    asker = _asker(request, slug)
    found = _summary(asker)
    if found is None:
        raise Http404
    html = render(request, "warroom/_summary.html", {"election": asker.election, "summary": found})
    return _conditional(request, html.content, html["Content-Type"])


@require_GET
def outlines(request: SignedInRequest, slug: str) -> HttpResponse:
    """The constituencies' and districts' outlines, as GeoJSON."""
    asker = _asker(request, slug)
    body = selectors.get_outlines(election=asker.election).encode()
    return _conditional(request, body, "application/geo+json")


@require_GET
def seat_measures(request: SignedInRequest, slug: str) -> HttpResponse:
    """Every constituency's measures within the person's reach, as JSON keyed by number.

    The ETag is the measures' version (``selectors.measures_version``), not the body's
    hash: the map polls this every few seconds, and an unchanged answer is a 304 without
    counting anything."""
    asker = _asker(request, slug)
    at = clock.now()
    version, basis = selectors.measures_version(asker=asker, at=at)
    etag = f'"m-{version}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        seats = selectors.list_seats(asker=asker, at=at, basis=basis)
        body = json.dumps({"seats": measures.as_json(seats)}, separators=(",", ":")).encode()
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
@vary_on_headers("HX-Request")
def panel(request: SignedInRequest, slug: str, number: int) -> HttpResponse:
    asker = _asker(request, slug)
    at = clock.now()
    found = selectors.access_panel(asker=asker, number=number, at=at)
    district = selectors.find_district(election=asker.election, district_id=found.seat.district_id)
    chart = charts.activity(
        selectors.get_hourly(election=asker.election, at=at, ac=number),
        caption=str(_("last 24 hours, {name}")).format(name=found.seat.name),
        ident=f"chart-ac-{number}",
    )
    template = "warroom/_panel.html" if _partial(request) else "warroom/panel.html"
    context = {
        "election": asker.election,
        "panel": found,
        "chart": chart,
        # A district's chart sums all its constituencies: only for those who see them all.
        "district": district
        if district is not None and selectors.may_see_district(asker, district)
        else None,
    }
    return render(request, template, context)


# Charts and the ticker -----------------------------------------------------------------------


def _state_chart(asker: Asker) -> SafeString:
    return charts.activity(
        selectors.get_hourly(election=asker.election, at=clock.now()),
        caption=str(_("last 24 hours, the whole state")),
        ident="chart-state",
    )


@require_GET
def state_chart(request: SignedInRequest, slug: str) -> HttpResponse:
    """The state's chart alone, for the map's poll; for those who see the state summary."""
    asker = _asker(request, slug)
    if not selectors.may_see_state(asker):
        raise Http404
    return _conditional(request, str(_state_chart(asker)).encode(), "text/html; charset=utf-8")


@require_GET
def district(request: SignedInRequest, slug: str, district_id: int) -> HttpResponse:
    """A district's chart, for whoever may monitor all of its constituencies."""
    asker = _asker(request, slug)
    found = selectors.access_district(asker=asker, district_id=district_id)
    chart = charts.activity(
        selectors.get_hourly(election=asker.election, at=clock.now(), district=found),
        caption=str(_("last 24 hours, {name} district")).format(name=found.name),
        ident=f"chart-district-{found.id}",
    )
    return render(
        request,
        "warroom/district.html",
        {"election": asker.election, "district": found, "chart": chart},
    )


@require_GET
def ticker(request: SignedInRequest, slug: str) -> HttpResponse:
    """The newest alerts and publications within the person's reach, for the map's poll."""
    asker = _asker(request, slug)
    html = render(
        request,
        "warroom/_ticker.html",
        {"election": asker.election, "ticker": selectors.list_ticker(asker=asker)},
    )
    return _conditional(request, html.content, html["Content-Type"])


# The seats table -----------------------------------------------------------------------------

COLUMNS: list[tuple[Sort, Any, bool]] = [
    # (sort, heading, descending on the first click: counts read largest first)
    (Sort.NUMBER, _("No."), False),
    (Sort.NAME, _("Constituency"), False),
    (Sort.DISTRICT, _("District"), False),
    (Sort.PHASE, _("Phase"), False),
    (Sort.STATUS, _("Silence window"), False),
    (Sort.STAFFING, _("Desk on duty now"), False),
    (Sort.POSTS_TODAY, _("Published today"), True),
    (Sort.POSTS_WAITING, _("Waiting for review"), True),
    (Sort.ALERTS_OPEN, _("Open alerts"), True),
    (Sort.MENTIONS, _("Mentions (24 h)"), True),
    (Sort.STANCE, _("Stance"), True),
]


def _filter(request: SignedInRequest) -> SeatFilter:
    get = request.GET
    sort = get.get("sort", "")
    descending = sort.startswith("-")
    sort = sort.removeprefix("-")
    status = get.get("status", "")
    return SeatFilter(
        district=query_id(get.get("district")),
        own=get.get("own") == "1",
        status=status if status in ACStatus.__members__.values() else "",
        query=get.get("q", "").strip(),
        sort=Sort(sort) if sort in Sort.__members__.values() else Sort.OWN,
        descending=descending,
    )


def _columns(where: SeatFilter) -> list[dict[str, Any]]:
    columns = []
    for sort, heading, largest_first in COLUMNS:
        current = where.sort == sort
        descending = (not where.descending) if current else largest_first
        columns.append(
            {
                "heading": heading,
                "sort": f"-{sort}" if descending else str(sort),
                "aria_sort": (
                    ("descending" if where.descending else "ascending") if current else ""
                ),
            }
        )
    return columns


@require_GET
@vary_on_headers("HX-Request")
def seats(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    everything = selectors.list_seats(asker=asker, at=clock.now())
    where = _filter(request)
    shown = selectors.filter_seats(everything, where)
    districts = sorted({(s.district_id, s.district) for s in everything}, key=lambda d: d[1])
    context = {
        "election": asker.election,
        # Each row links its panel: one reverse() for the table, not two per row.
        "panel_prefix": reverse("warroom:panel", args=[asker.election.slug, 0])[:-2],
        "rows": shown,
        "total": len(everything),
        "where": where,
        "columns": _columns(where),
        "districts": districts,
        "statuses": [(s.value, STATUS_LABELS[s]) for s in ACStatus],
    }
    template = "warroom/_seats_table.html" if _partial(request) else "warroom/seats.html"
    return render(request, template, context)
