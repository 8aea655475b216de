"""The organisation's screens: desks, rosters, coverage, shifts, handovers, members.

Every view finds the election, asks ``get_grants`` + ``allows`` whether the person may do what
the screen does, then calls one selector or service and renders. A refusal looks exactly like
a missing object (404), so ids do not leak. Services decide; their problems are shown on the
form with what the person typed kept.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from itcell.accounts.services import first_sign_in_path
from itcell.accounts.views import finish_password_step
from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.http import HtmxHttpRequest
from itcell.elections.models import Election
from itcell.organisation import coverage, selectors, services
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.organisation.errors import InvitationError, RosterError
from itcell.organisation.forms import (
    HandoverForm,
    ImportForm,
    InvitationForm,
    JoinForm,
    OnDutyForm,
    ShiftForm,
    TemplateForm,
    add_problems,
)
from itcell.organisation.models import Desk, Shift
from itcell.organisation.permissions import Target
from itcell.organisation.roles import Action, Role

#: How far ahead the coverage screen looks by default, and at most.
COVERAGE_DAYS, MAX_COVERAGE_DAYS = 3, 14
#: My shifts: from a day back (to check out of last night's) to two weeks ahead.
MY_SHIFTS_BEHIND, MY_SHIFTS_AHEAD = timedelta(days=1), timedelta(days=14)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _week(request: HttpRequest) -> date:
    """The Monday of ``?week=YYYY-MM-DD`` (any day of the week will do); without one, the
    seven days from today, since the duty officer plans ahead, not back."""
    try:
        return selectors.week_start(date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        return clock.today_ist()


def _week_links(first_day: date) -> dict[str, Any]:
    return {
        "first_day": first_day,
        "last_day": first_day + timedelta(days=6),
        "previous_week": first_day - timedelta(days=7),
        "next_week": first_day + timedelta(days=7),
        "this_week": selectors.week_start(clock.today_ist()),
    }


def _partial(request: HtmxHttpRequest) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


# The desk board and a desk -------------------------------------------------------------------


def desk_board(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Desk.Kind.values else ""
    district_id = _int(request.GET.get("district"))
    query = request.GET.get("q", "")
    now = clock.now()
    board = selectors.list_visible_desk_board(
        election=asker.election,
        grants=asker.grants,
        at=now,
        kind=kind,
        district_id=district_id,
        query=query,
    )
    context = {
        "election": asker.election,
        "board": board,
        "kinds": Desk.Kind.choices,
        "kind": kind,
        "district_id": district_id,
        "query": query,
        "now": now,
        "staffed": sum(1 for s in board.statuses if s.on_duty),
        "may_import": asker.may(Action.MANAGE_MEMBERS),
    }
    template = "organisation/_desk_rows.html" if _partial(request) else "organisation/desks.html"
    return render(request, template, context)


def desk_page(request: SignedInRequest, slug: str, desk_id: int) -> HttpResponse:
    asker = asker_for(request, slug)
    desk, target = asker.desk(desk_id)
    now = clock.now()
    return render(
        request,
        "organisation/desk.html",
        {
            "election": asker.election,
            "page": selectors.get_desk_page(desk=desk, at=now),
            "desk": desk,
            "now": now,
            "may_manage_roster": asker.may(Action.MANAGE_ROSTER, target),
            "may_write_handover": asker.may(Action.WRITE_HANDOVER, target),
            "may_acknowledge": asker.may(Action.ACKNOWLEDGE_HANDOVER, target),
            "may_invite": asker.may(Action.MANAGE_MEMBERS, target),
        },
    )


# Rosters -------------------------------------------------------------------------------------


def _roster_page(
    request: SignedInRequest,
    asker: Asker,
    desk: Desk,
    target: Target,
    first_day: date,
    shift_form: ShiftForm | None = None,
    template_form: TemplateForm | None = None,
) -> HttpResponse:
    may_manage = asker.may(Action.MANAGE_ROSTER, target)
    if may_manage:
        members = list(selectors.list_desk_members(desk=desk))
        people = selectors.list_election_members(election=asker.election)
        shift_form = shift_form or ShiftForm(people=people, offered=members)
        template_form = template_form or TemplateForm(
            people=selectors.list_desk_members(desk=desk), initial={"first_day": first_day}
        )
    days = selectors.list_week_rosters(desks=[desk], first_day=first_day)[desk.pk]
    return render(
        request,
        "organisation/roster.html",
        {
            "election": asker.election,
            "desk": desk,
            "days": days,
            "gaps": sum(len(d.gaps) for d in days),
            "rostered": any(not e.is_gap for day in days for e in day.entries),
            "may_manage": may_manage,
            "shift_form": shift_form,
            "template_form": template_form,
            **_week_links(first_day),
        },
    )


@require_http_methods(["GET", "POST"])
def roster(request: SignedInRequest, slug: str, desk_id: int) -> HttpResponse:
    """A desk's week; POST adds one shift (those who manage the roster)."""
    asker = asker_for(request, slug)
    desk, target = asker.desk(desk_id)
    first_day = _week(request)
    if request.method != "POST":
        return _roster_page(request, asker, desk, target, first_day)
    asker.require(Action.MANAGE_ROSTER, target)
    form = ShiftForm(
        request.POST,
        people=selectors.list_election_members(election=asker.election),
        offered=selectors.list_desk_members(desk=desk),
    )
    if form.is_valid():
        try:
            shift = services.assign_shift(
                desk=desk,
                user=form.cleaned_data["user"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                actor=request.user,
            )
        except RosterError as error:
            add_problems(form, error.problems)
        else:
            messages.success(request, _("Shift added for %(person)s.") % {"person": shift.user})
            week = selectors.week_start(shift.starts_at.astimezone(IST).date())
            return redirect(_roster_url(asker.election, desk, week))
    return _roster_page(request, asker, desk, target, first_day, shift_form=form)


@require_POST
def roster_template(request: SignedInRequest, slug: str, desk_id: int) -> HttpResponse:
    """Fill days of a desk's roster from a shift pattern, rotating the chosen people."""
    asker = asker_for(request, slug)
    desk, target = asker.desk(desk_id, Action.MANAGE_ROSTER)
    first_day = _week(request)
    form = TemplateForm(request.POST, people=selectors.list_desk_members(desk=desk))
    if form.is_valid():
        try:
            shifts = services.apply_template(
                desk=desk,
                template=form.cleaned_data["template"],
                people=list(form.cleaned_data["people"]),
                first_day=form.cleaned_data["first_day"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
        except RosterError as error:
            add_problems(form, error.problems)
        else:
            messages.success(
                request,
                ngettext("%(n)d shift added.", "%(n)d shifts added.", len(shifts))
                % {"n": len(shifts)},
            )
            week = selectors.week_start(form.cleaned_data["first_day"])
            return redirect(_roster_url(asker.election, desk, week))
    return _roster_page(request, asker, desk, target, first_day, template_form=form)


def _roster_url(election: Election, desk: Desk, week: date) -> str:
    url = reverse("organisation:roster", args=[election.slug, desk.pk])
    return f"{url}?week={week.isoformat()}"


def district_roster(request: SignedInRequest, slug: str, district_id: int) -> HttpResponse:
    """The week of every desk of a district the person may see."""
    asker = asker_for(request, slug)
    desks = selectors.list_district_desks(election=asker.election, district_id=district_id)
    targets = selectors.desk_targets(election=asker.election, desk_ids=[d.pk for d in desks])
    desks = [d for d in desks if asker.may(Action.VIEW, targets[d.pk])]
    if not desks:
        raise Http404
    first_day = _week(request)
    rosters = selectors.list_week_rosters(desks=desks, first_day=first_day)
    rows = [
        {
            "desk": d,
            "days": rosters[d.pk],
            "rostered": any(not e.is_gap for day in rosters[d.pk] for e in day.entries),
        }
        for d in desks
    ]
    return render(
        request,
        "organisation/district_roster.html",
        {
            "election": asker.election,
            "district": desks[0].district,
            "rows": rows,
            "day_headers": [first_day + timedelta(days=n) for n in range(7)],
            **_week_links(first_day),
        },
    )


def coverage_gaps(request: SignedInRequest, slug: str) -> HttpResponse:
    """Where and when nobody will be on duty over the coming days."""
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    days = _int(request.GET.get("days")) or COVERAGE_DAYS
    days = min(max(days, 1), MAX_COVERAGE_DAYS)
    now = clock.now()
    report = selectors.get_coverage(
        election=asker.election, within=coverage.Interval(now, now + timedelta(days=days))
    )
    targets = selectors.desk_targets(election=asker.election, desk_ids=report.desk_gaps)
    desks = selectors.desks_by_id(
        election=asker.election,
        desk_ids=[pk for pk in report.desk_gaps if asker.may(Action.VIEW, targets[pk])],
    )
    desk_gaps = sorted(
        ((desks[pk], gap) for pk in desks for gap in report.desk_gaps[pk]),
        key=lambda row: (row[1].start, row[0].name_en),
    )
    return render(
        request,
        "organisation/coverage.html",
        {
            "election": asker.election,
            "report": report,
            "desk_gaps": desk_gaps,
            "days": days,
            "day_choices": [1, 2, 3, 7, 14],
            "now": now,
        },
    )


# My shifts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftRow:
    shift: Shift
    may_check_in: bool
    now: datetime

    @property
    def state(self) -> str:
        s = self.shift
        if s.checked_out_at:
            return "out"
        if s.checked_in_at:
            return "in"
        if self.now >= s.ends_at:
            return "missed"
        return "now" if s.starts_at <= self.now else "upcoming"

    @property
    def can_check_in(self) -> bool:
        s = self.shift
        return (
            self.may_check_in
            and s.checked_in_at is None
            and s.starts_at - services.CHECK_IN_EARLY <= self.now < s.ends_at
        )

    @property
    def can_check_out(self) -> bool:
        return self.may_check_in and self.state == "in"


def _shift_rows(asker: Asker, shifts: list[Shift]) -> list[ShiftRow]:
    targets = selectors.desk_targets(election=asker.election, desk_ids={s.desk_id for s in shifts})
    now = clock.now()
    return [ShiftRow(s, asker.may(Action.CHECK_IN, targets[s.desk_id]), now) for s in shifts]


def my_shifts(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    now = clock.now()
    shifts = selectors.list_my_shifts(
        user=request.user,
        election=asker.election,
        within=coverage.Interval(now - MY_SHIFTS_BEHIND, now + MY_SHIFTS_AHEAD),
    )
    return render(
        request,
        "organisation/my_shifts.html",
        {"election": asker.election, "rows": _shift_rows(asker, shifts), "now": now},
    )


def _own_shift(asker: Asker, shift_id: int) -> Shift:
    shift = selectors.find_my_shift(user=asker.user, election=asker.election, shift_id=shift_id)
    if shift is None:
        raise Http404
    asker.require(Action.CHECK_IN, selectors.desk_target(shift.desk))
    return shift


def _duty_change(
    request: SignedInRequest, slug: str, shift_id: int, change: Any, done: str
) -> HttpResponse:
    """Check in or out (``change`` is the service), answering with the row or the page."""
    asker = asker_for(request, slug)
    shift = _own_shift(asker, shift_id)
    error = None
    try:
        change(shift=shift, user=request.user)
    except RosterError as refused:
        error = refused
    if _partial(request):
        shift.refresh_from_db()
        return render(
            request,
            "organisation/_my_shift_row.html",
            {
                "election": asker.election,
                "row": _shift_rows(asker, [shift])[0],
                "error": error,
                "done": "" if error else done,
            },
        )
    if error:
        for problem in error.problems:
            messages.error(request, problem.message)
    else:
        messages.success(request, done)
    return redirect("organisation:my_shifts", asker.election.slug)


@require_POST
def check_in(request: SignedInRequest, slug: str, shift_id: int) -> HttpResponse:
    return _duty_change(request, slug, shift_id, services.check_in, _("Checked in."))


@require_POST
def check_out(request: SignedInRequest, slug: str, shift_id: int) -> HttpResponse:
    return _duty_change(request, slug, shift_id, services.check_out, _("Checked out."))


# Handovers -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def handover(request: SignedInRequest, slug: str, desk_id: int) -> HttpResponse:
    asker = asker_for(request, slug)
    desk, _target = asker.desk(desk_id, Action.WRITE_HANDOVER)
    form = HandoverForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.write_handover(desk=desk, author=request.user, **form.cleaned_data)
        except RosterError as error:
            add_problems(form, error.problems)
        else:
            messages.success(request, _("Handover saved: the next shift will see it here."))
            return redirect("organisation:desk", asker.election.slug, desk.pk)
    return render(
        request,
        "organisation/handover.html",
        {
            "election": asker.election,
            "desk": desk,
            "form": form,
            "previous": selectors.list_handovers(desk=desk, limit=1),
        },
    )


@require_POST
def acknowledge(
    request: SignedInRequest, slug: str, desk_id: int, handover_id: int
) -> HttpResponse:
    asker = asker_for(request, slug)
    desk, _target = asker.desk(desk_id, Action.ACKNOWLEDGE_HANDOVER)
    found = selectors.find_handover(desk=desk, handover_id=handover_id)
    if found is None:
        raise Http404
    try:
        services.acknowledge_handover(handover=found, user=request.user)
    except RosterError as error:
        for problem in error.problems:
            messages.error(request, problem.message)
    else:
        messages.success(request, _("Handover acknowledged."))
    return redirect("organisation:desk", asker.election.slug, desk.pk)


# Members -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_members(request: SignedInRequest, slug: str) -> HttpResponse:
    """Members from a CSV (name, phone, desk, role): all rows or none."""
    asker = asker_for(request, slug)
    target = selectors.state_target(election=asker.election)
    if target is None:
        raise Http404
    asker.require(Action.MANAGE_MEMBERS, target)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems = []
    if form.is_bound and form.is_valid():
        try:
            imported = services.import_members(
                election=asker.election,
                csv_text=form.cleaned_data["csv_text"],
                actor=request.user,
                source=form.cleaned_data["source"],
            )
        except RosterError as error:
            problems = error.problems
            # An uploaded file cannot be put back in its field: its text goes in the box.
            form = ImportForm({"csv_text": form.cleaned_data["csv_text"]})
        else:
            # New people have no password: each gets a first sign-in link, shown this once.
            newcomers = [
                (i.user, request.build_absolute_uri(first_sign_in_path(user=i.user)))
                for i in imported
                if i.created_user
            ]
            response = render(
                request,
                "organisation/import_done.html",
                {"election": asker.election, "imported": imported, "newcomers": newcomers},
            )
            add_never_cache_headers(response)
            return response
    return render(
        request,
        "organisation/import.html",
        {"election": asker.election, "form": form, "problems": problems},
    )


@require_http_methods(["GET", "POST"])
def invite(request: SignedInRequest, slug: str, desk_id: int) -> HttpResponse:
    asker = asker_for(request, slug)
    desk, _target = asker.desk(desk_id, Action.MANAGE_MEMBERS)
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        invitation, token = services.invite(
            desk=desk,
            role=Role(form.cleaned_data["role"]),
            display_name=form.cleaned_data["display_name"],
            phone=form.cleaned_data["phone"],
            actor=request.user,
        )
        # Only the token's hash is kept: this response is the one time the link exists.
        response = render(
            request,
            "organisation/invite_link.html",
            {
                "election": asker.election,
                "desk": desk,
                "invitation": invitation,
                "link": request.build_absolute_uri(reverse("organisation:join", args=[token])),
            },
        )
        add_never_cache_headers(response)
        return response
    return render(
        request,
        "organisation/invite.html",
        {"election": asker.election, "desk": desk, "form": form},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: choose a username and password, and you are in."""
    try:
        invitation = services.find_invitation(token=token)
    except InvitationError as error:
        response = render(
            request, "organisation/join_refused.html", {"message": str(error)}, status=404
        )
        add_never_cache_headers(response)
        return response
    form = JoinForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user = services.accept_invitation(token=token, **form.cleaned_data)
        except InvitationError as error:
            return render(
                request, "organisation/join_refused.html", {"message": str(error)}, status=404
            )
        except RosterError as error:
            add_problems(form, error.problems)
        else:
            messages.success(
                request, _("Welcome! You have joined %(desk)s.") % {"desk": invitation.desk}
            )
            # A head or spokesperson still enrols a second factor before being signed in.
            return finish_password_step(
                request,
                user,
                reverse(
                    "organisation:desk", args=[invitation.desk.election.slug, invitation.desk_id]
                ),
            )
    response = render(request, "organisation/join.html", {"invitation": invitation, "form": form})
    add_never_cache_headers(response)
    return response


# Who is on duty ------------------------------------------------------------------------------


def on_duty(request: SignedInRequest, slug: str) -> HttpResponse:
    """Who is on duty for a constituency now, at which desk, and who approves."""
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    form = OnDutyForm(request.GET if "ac" in request.GET else None)
    answer = None
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["ac"]
        asker.require(Action.VIEW, Target(acs=frozenset({number})))
        answer = selectors.get_on_duty(election=asker.election, ac_number=number, at=clock.now())
    return render(
        request,
        "organisation/on_duty.html",
        {"election": asker.election, "form": form, "answer": answer, "now": clock.now()},
    )
