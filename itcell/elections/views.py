from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.vary import vary_on_headers

from itcell.core import clock
from itcell.core.http import HtmxHttpRequest
from itcell.core.selectors import list_process_health
from itcell.elections import selectors
from itcell.elections.geometry import svg_path


def home(request: HttpRequest) -> HttpResponse:
    election = selectors.get_default_election(now=clock.now())
    if election is None:
        return render(request, "elections/no_election.html")
    return redirect("elections:election", slug=election.slug)


def election(request: HttpRequest, slug: str) -> HttpResponse:
    election = selectors.access_election(slug=slug)
    calendar = selectors.get_calendar(election=election)
    now = clock.now()
    phases = [
        {
            "dates": phase,
            "acs": len(calendar.acs_in_phase(phase.number)),
            "silence": calendar.phase_silence(phase.number),
            "status": calendar.phase_status(phase.number, now),
        }
        for phase in calendar.phases
    ]
    next_silence = calendar.next_silence(now)
    return render(
        request,
        "elections/election.html",
        {
            "election": election,
            "phases": phases,
            "now": now,
            "mcc_in_force": calendar.mcc_in_force(now),
            "exit_poll_ban_in_force": calendar.exit_poll_ban_in_force(now),
            "silent_now": len(calendar.silent_acs(now)),
            "next_silence": next_silence,
            "next_silence_open": next_silence is not None and next_silence[1].contains(now),
            "processes": list_process_health(),
        },
    )


@vary_on_headers("HX-Request")
def constituencies(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    election = selectors.access_election(slug=slug)
    query = request.GET.get("q", "")
    calendar = selectors.get_calendar(election=election)
    now = clock.now()
    rows = [
        {"poll": poll, "status": calendar.ac_status(poll.ac.number, now)}
        for poll in selectors.list_polls(election=election, query=query)
    ]
    rows_only = request.htmx and not request.htmx.history_restore_request
    template = "elections/_constituency_rows.html" if rows_only else "elections/constituencies.html"
    return render(request, template, {"election": election, "rows": rows, "query": query})


def constituency(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    election = selectors.access_election(slug=slug)
    view = selectors.access_constituency(election=election, number=number)
    calendar = selectors.get_calendar(election=election)
    now = clock.now()
    path, width, height = svg_path(view.ac.geometry)
    return render(
        request,
        "elections/constituency.html",
        {
            "election": election,
            "view": view,
            "ac": view.ac,
            "silence": calendar.silence_window(number),
            "status": calendar.ac_status(number, now),
            "outline": {"path": path, "width": width, "height": height},
        },
    )
