"""The publishing screens: compose, a post's page and timeline, the review queue, the
calendar, the deliveries board, channels, the media library, sharing tasks, the sandbox feed.

Each view asks ``Asker`` whether the person may act on the post's desk and constituencies,
then calls one selector or service; a service's refusal is shown with what was typed kept.
"""

import calendar as month_calendar
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.errors import InvalidInput, ItcellError
from itcell.core.http import client_address, query_id
from itcell.organisation import selectors as org
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.organisation.forms import ImportForm, add_problems
from itcell.organisation.models import Desk
from itcell.organisation.roles import MATRIX, Action
from itcell.playbook import selectors as playbook
from itcell.playbook import templating
from itcell.playbook.training import missing_core_modules
from itcell.publishing import limits, screening, selectors
from itcell.publishing.errors import NotTrained
from itcell.publishing.forms import (
    ComposeForm,
    CredentialsForm,
    MediumForm,
    NoteForm,
    PauseForm,
    ScheduleForm,
    SettleForm,
    ShareForm,
)
from itcell.publishing.models import Channel, Delivery, DistributionTask, Post
from itcell.publishing.screening import Checkpoint
from itcell.publishing.services import calendar_import, delivery, library, posts, review
from itcell.publishing.services.scheduling import next_slot, schedule_post, unschedule_post
from itcell.publishing.workflow import PostState, allowed_events

D = Delivery.State
#: Posts whose page shows what the election's rules say about them now.
SCREENED = {
    PostState.DRAFT,
    PostState.CHANGES_REQUESTED,
    PostState.IN_REVIEW,
    PostState.APPROVED,
    PostState.SCHEDULED,
}


def _number(value: str | None) -> int:
    """A positive id from a form, or 0 (which matches nothing)."""
    return query_id(value) or 0


def _post(asker: Asker, post_id: int, action: Action = Action.VIEW) -> Post:
    post = (
        Post.objects.filter(election=asker.election, pk=post_id)
        .select_related("desk", "author", "talking_point", "election")
        .prefetch_related("acs", "variants", "reviews__reviewer")
        .first()
    )
    if post is None:
        raise Http404
    asker.require(action, selectors.post_target(post))
    return post


def _drafting_desks(asker: Asker) -> list[Desk]:
    """The desks this person may write for."""
    desks = Desk.objects.filter(election=asker.election, is_active=True).prefetch_related("acs")
    ids = {g.desk_id for g in asker.grants if Action.DRAFT in MATRIX[g.role]}
    return [d for d in desks if d.pk in ids]


def _chosen_desk(request: SignedInRequest, desks: list[Desk]) -> Desk:
    """The desk the form names (``?desk=`` or a field), if it is one of the person's; else
    their most local one (desks are ordered HQ, districts, constituencies)."""
    wanted = request.POST.get("desk") or request.GET.get("desk")
    return next((d for d in desks if str(d.pk) == wanted), desks[-1])


def _context(asker: Asker, **extra: Any) -> dict[str, Any]:
    return {"election": asker.election, "asker": asker, **extra}


# Posts -----------------------------------------------------------------------------------------


def posts_list(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    state = request.GET.get("state", "")
    states = [state] if state in PostState.values else None
    found = selectors.list_posts(user=asker.user, election=asker.election, states=states)
    return render(
        request,
        "publishing/posts.html",
        _context(
            asker,
            posts=found.prefetch_related("variants__channel").order_by("-updated_at")[:200],
            states=PostState.choices,
            state=state,
            may_draft=asker.may(Action.DRAFT),
        ),
    )


def _compose_page(
    request: SignedInRequest, asker: Asker, form: ComposeForm, post: Post | None = None
) -> HttpResponse:
    return render(
        request,
        "publishing/compose.html",
        _context(
            asker,
            form=form,
            post=post,
            desk=form.desk,
            desks=_drafting_desks(asker) if post is None else [],
            limits=limits.as_json(),
            **_playbook_context(asker, form),
            # The gate (``posts.submit_post`` enforces it): shown before the writer tries.
            missing_modules=missing_core_modules(asker.user, asker.election),
        ),
    )


def _playbook_context(asker: Asker, form: ComposeForm) -> dict[str, Any]:
    """The compose screen's playbook: templates to start from (for an AC of the desk's area,
    the desk's own by default) and the day's themes for the desk's phases."""
    desk = form.desk
    acs = form.fields["acs"].queryset  # type: ignore[attr-defined]
    return {
        "post_templates": playbook.list_templates(election=asker.election, active_only=True),
        "template_acs": acs,
        "template_ac": acs.first() if desk.kind == Desk.Kind.AC else None,
        "day_themes": playbook.list_themes_of_day(
            election=asker.election,
            on=clock.today_ist(),
            phases=None if desk.kind == Desk.Kind.HQ else playbook.desk_phases(desk),
        ),
    }


@require_POST
def from_template(request: SignedInRequest, slug: str) -> HttpResponse:
    """Start a post from a playbook template: its texts filled for a constituency of the
    desk's area swap into the compose form (htmx, out of band); the other fields stay."""
    asker = asker_for(request, slug)
    desk, _target = asker.desk(_number(request.POST.get("desk")), Action.DRAFT)
    template = playbook.get_template(
        election=asker.election,
        template_id=_number(request.POST.get("start_template")),
        active_only=True,
    )
    form = ComposeForm(desk=desk)
    ac_id = _number(request.POST.get("start_ac"))
    ac = (
        form.fields["acs"].queryset.filter(pk=ac_id).select_related("district").first()  # type: ignore[attr-defined]
        if ac_id
        else None
    )
    if ac_id and ac is None:
        raise Http404
    filled: dict[str, Any] = {}
    problems: list[str] = []
    for language in ("hi", "en"):
        text = getattr(template, f"text_{language}")
        if not text:
            continue
        try:
            filled[f"text_{language}"] = templating.fill(
                text, election=asker.election, ac=ac, language=language
            )
        except InvalidInput as error:
            problems += [p.message for p in error.problems]
    if template.talking_point_id and not problems:
        filled["talking_point"] = template.talking_point_id
    form = ComposeForm(desk=desk, initial=filled)
    return render(
        request,
        "publishing/_from_template.html",
        {
            "form": form,
            "template": template,
            "ac": ac,
            "problems": list(dict.fromkeys(problems)),
            "fields": [] if problems else [form[name] for name in filled],
        },
    )


@require_http_methods(["GET", "POST"])
def compose(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    desks = _drafting_desks(asker)
    if not desks:
        raise Http404
    desk = _chosen_desk(request, desks)
    form = ComposeForm(request.POST or None, desk=desk)
    if request.method == "POST" and form.is_valid():
        untrained: NotTrained | None = None
        try:
            with transaction.atomic():  # a refused submission leaves no stray draft
                post = posts.create_post(
                    desk=desk,
                    author=asker.user,
                    data=form.post_input(),
                    source_address=client_address(request),
                )
                if "submit" in request.POST:
                    try:
                        posts.submit_post(post=post, author=asker.user)
                    except NotTrained as error:  # except this one: the draft waits for them
                        untrained = error
        except InvalidInput as error:
            add_problems(form, error.problems)
        except ItcellError as error:
            form.add_error(None, str(error))
        else:
            if untrained is not None:
                messages.error(request, str(untrained))
                return redirect("publishing:edit", slug, post.pk)
            return redirect("publishing:post", slug, post.pk)
    return _compose_page(request, asker, form)


@require_http_methods(["GET", "POST"])
def edit(request: SignedInRequest, slug: str, post_id: int) -> HttpResponse:
    asker = asker_for(request, slug)
    post = _post(asker, post_id, Action.DRAFT)
    if post.state not in {s for s in PostState if "edit" in allowed_events(s)}:
        messages.error(request, _("This post can no longer be edited."))
        return redirect("publishing:post", slug, post.pk)
    form = ComposeForm(request.POST or None, desk=post.desk, initial=ComposeForm.initial_for(post))
    if request.method == "POST" and form.is_valid():
        try:
            was = post.state
            post = posts.edit_post(
                post=post,
                editor=asker.user,
                data=form.post_input(),
                source_address=client_address(request),
            )
        except InvalidInput as error:
            add_problems(form, error.problems)
        except ItcellError as error:
            form.add_error(None, str(error))
        else:
            if was != post.state or post.state == PostState.IN_REVIEW:
                messages.info(request, _("Edited: the post goes through review again."))
            return redirect("publishing:post", slug, post.pk)
    return _compose_page(request, asker, form, post)


@require_POST
def check_draft(request: SignedInRequest, slug: str) -> HttpResponse:
    """The compose screen's live check: the draft as it would be saved, screened by the
    election's rules, then rolled back (nothing is kept, nothing is audited)."""
    asker = asker_for(request, slug)
    post_id = query_id(request.POST.get("post"))
    existing = _post(asker, post_id, Action.DRAFT) if post_id else None
    if existing is None:
        desks = _drafting_desks(asker)
        if not desks:
            raise Http404
        desk = _chosen_desk(request, desks)
    form = ComposeForm(request.POST, desk=existing.desk if existing else desk)
    found, problem = [], ""
    if form.is_valid():
        try:
            with transaction.atomic():
                if existing is None:
                    post = posts.create_post(desk=desk, author=asker.user, data=form.post_input())
                else:
                    post = posts.edit_post(post=existing, editor=asker.user, data=form.post_input())
                found = screening.findings(post=post, checkpoint=Checkpoint.COMPOSE, at=clock.now())
                transaction.set_rollback(True)
        except InvalidInput as error:
            problem = "; ".join(p.message for p in error.problems)
        except ItcellError as error:
            problem = str(error)
    return render(
        request,
        "publishing/_findings.html",
        {"findings": found, "ready": form.is_valid() and not problem, "problem": problem},
    )


def post_page(request: SignedInRequest, slug: str, post_id: int) -> HttpResponse:
    asker = asker_for(request, slug)
    post = _post(asker, post_id)
    target = selectors.post_target(post)
    reviewers = selectors.Reviewers.load(asker.election.pk)
    progress, eligible = selectors.get_progress(post, reviewers)
    deliveries = list(post.deliveries.select_related("channel").order_by("channel__platform"))
    events = allowed_events(post.state)
    variants = selectors.list_variants(post)
    pauses = selectors.list_active_pauses(election=asker.election)
    return render(
        request,
        "publishing/post.html",
        _context(
            asker,
            post=post,
            variants=variants,
            acs=sorted(post.acs.all(), key=lambda ac: ac.number),
            media=list(post.media.all()),
            claims=list(post.claims.all()),
            steps=selectors.get_steps(post, reviewers),
            progress=progress,
            eligible=eligible,
            deadline=selectors.review_deadline(post) if post.state == PostState.IN_REVIEW else None,
            reviews=list(post.reviews.all()),
            deliveries=[
                (d, delivery.hold_reason(d, pauses) if d.state in (D.PENDING, D.RETRYING) else "")
                for d in deliveries
            ],
            engagement=selectors.list_engagement(post=post),
            findings=(
                screening.findings(post=post, checkpoint=Checkpoint.REVIEW, at=clock.now())
                if post.state in SCREENED
                else []
            ),
            may_override=asker.may(Action.OVERRIDE_FINDING),
            timeline=selectors.list_timeline(post),
            events={str(e) for e in events},
            may_draft=asker.may(Action.DRAFT, target),
            may_approve=asker.may(Action.APPROVE, target) and post.author_id != asker.user.pk,
            may_withdraw=asker.may(Action.APPROVE, target),
            schedule_form=ScheduleForm(initial={"publish_at": post.publish_at}),
            note_form=NoteForm(),
            settle_form=SettleForm(),
            now=clock.now(),
            next_slot=next_slot(channels=[v.channel for v in variants], after=clock.now()),
            shared_by_ac={
                d.pk: selectors.count_shared_by_ac(delivery=d)
                for d in deliveries
                if d.state == D.PUBLISHED and d.remote_id.startswith("tasks-")
            },
        ),
    )


#: verb → (the action it needs, the service call)
VERBS: dict[str, Action] = {
    "submit": Action.DRAFT,
    "approve": Action.APPROVE,
    "request_changes": Action.APPROVE,
    "reject": Action.APPROVE,
    "comment": Action.VIEW,
    "schedule": Action.DRAFT,
    "unschedule": Action.DRAFT,
    "withdraw": Action.APPROVE,
}


@require_POST
def act(request: SignedInRequest, slug: str, post_id: int, verb: str) -> HttpResponse:
    if verb not in VERBS:
        raise Http404
    asker = asker_for(request, slug)
    post = _post(asker, post_id, VERBS[verb])
    user, note = asker.user, request.POST.get("note", "")
    where = client_address(request)
    try:
        if verb == "submit":
            posts.submit_post(post=post, author=user, source_address=where)
        elif verb == "approve":
            review.approve_post(post=post, reviewer=user, note=note, source_address=where)
        elif verb == "request_changes":
            review.request_changes(post=post, reviewer=user, note=note, source_address=where)
        elif verb == "reject":
            review.reject_post(post=post, reviewer=user, reason=note, source_address=where)
        elif verb == "comment":
            review.comment(post=post, author=user, note=note, source_address=where)
        elif verb == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise ItcellError(_("Give the date and time to publish at (IST)."))
            schedule_post(
                post=post, at=form.cleaned_data["publish_at"], actor=user, source_address=where
            )
        elif verb == "unschedule":
            unschedule_post(post=post, actor=user, source_address=where)
        elif verb == "withdraw":
            delivery.withdraw_post(post=post, actor=user, reason=note, source_address=where)
    except InvalidInput as error:
        messages.error(request, " ".join(p.message for p in error.problems))
    except ItcellError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, DONE[verb])
    back = request.POST.get("next", "")
    if back == "review":
        return redirect("publishing:review", slug)
    return redirect("publishing:post", slug, post.pk)


DONE = {
    "submit": _("Sent for review."),
    "approve": _("Approved."),
    "request_changes": _("Sent back to the author for changes."),
    "reject": _("Rejected."),
    "comment": _("Comment added."),
    "schedule": _("Scheduled."),
    "unschedule": _("Taken off the schedule; it stays approved."),
    "withdraw": _("Withdrawn."),
}


def review_queue(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    items = selectors.list_review_queue(user=asker.user, election=asker.election)
    return render(
        request,
        "publishing/review.html",
        _context(asker, items=items, now=clock.now(), mine=sum(1 for i in items if i.mine)),
    )


# The calendar ------------------------------------------------------------------------------------


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return clock.today_ist()


def calendar(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    view = request.GET.get("view", "week")
    view = view if view in ("day", "week", "month") else "week"
    day = _day(request.GET.get("date", ""))
    if view == "day":
        first, days = day, 1
    elif view == "week":
        first, days = day - timedelta(days=day.weekday()), 7
    else:
        first = day.replace(day=1)
        days = month_calendar.monthrange(day.year, day.month)[1]
    start = datetime.combine(first, time(), tzinfo=IST)
    end = start + timedelta(days=days)
    found = selectors.list_calendar(user=asker.user, election=asker.election, start=start, end=end)
    by_day: dict[date, list[Post]] = {first + timedelta(days=n): [] for n in range(days)}
    for post in found:
        assert post.publish_at is not None  # noqa: S101 (the selector filtered on it)
        by_day[post.publish_at.astimezone(IST).date()].append(post)
    step = {"day": timedelta(days=1), "week": timedelta(days=7)}.get(view)
    previous = first - step if step else (first - timedelta(days=1)).replace(day=1)
    following = first + step if step else (first + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "publishing/calendar.html",
        _context(
            asker,
            view=view,
            day=day,
            first=first,
            days=list(by_day.items()),
            previous=previous,
            following=following,
            today=clock.today_ist(),
            leading_blanks=range(first.weekday()) if view == "month" else range(0),
            may_import=bool(_drafting_desks(asker)),
        ),
    )


@require_http_methods(["GET", "POST"])
def import_calendar(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    desks = _drafting_desks(asker)
    if not desks:
        raise Http404
    desk = _chosen_desk(request, desks)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = calendar_import.import_calendar(
                desk=desk,
                author=asker.user,
                csv_text=form.cleaned_data["csv_text"],
                source=form.cleaned_data.get("source", "calendar.csv"),
                submit="submit" in request.POST,
                source_address=client_address(request),
            )
        except InvalidInput as error:
            problems = error.problems
        else:
            n = len(created)
            messages.success(
                request,
                ngettext("%(n)d post imported as a draft.", "%(n)d posts imported as drafts.", n)
                % {"n": n},
            )
            return redirect("publishing:calendar", slug)
    return render(
        request,
        "publishing/import.html",
        _context(asker, form=form, desk=desk, desks=desks, problems=problems),
    )


# Deliveries, pauses, channels ------------------------------------------------------------------


def _reachable(asker: Asker, **lists: list[Delivery]) -> dict[str, list[Delivery]]:
    """The deliveries of the posts the person may see (the board lists every desk's), the
    posts' ACs read in one query for all the lists."""
    prefetch_related_objects([d for found in lists.values() for d in found], "post__acs")
    return {
        name: [d for d in found if asker.may(Action.VIEW, selectors.post_target(d.post))]
        for name, found in lists.items()
    }


def deliveries(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    election = asker.election
    shown = _reachable(
        asker,
        waiting=selectors.list_deliveries(election=election, states=[D.PENDING, D.RETRYING]),
        unconfirmed=selectors.list_deliveries(election=election, states=[D.UNCONFIRMED]),
        failed=selectors.list_deliveries(election=election, states=[D.FAILED], limit=50),
        publishing=selectors.list_deliveries(election=election, states=[D.PUBLISHING]),
        published=selectors.list_recently_published(election=election),
    )
    pause_desks = Desk.objects.filter(election=election, is_active=True)
    pauses = selectors.list_active_pauses(election=election)
    return render(
        request,
        "publishing/deliveries.html",
        _context(
            asker,
            counts=selectors.count_deliveries(election=election),
            unconfirmed=shown["unconfirmed"],
            failed=shown["failed"],
            publishing=shown["publishing"],
            waiting=[(d, delivery.hold_reason(d, pauses)) for d in shown["waiting"]],
            published=shown["published"],
            pauses=pauses,
            pause_form=PauseForm(desks=pause_desks),
            may_pause_all=asker.may(Action.PAUSE_PUBLISHING, org.state_target(election=election)),
            may_settle=asker.may(Action.APPROVE),
            settle_form=SettleForm(),
            now=clock.now(),
        ),
    )


@require_POST
def settle_delivery(request: SignedInRequest, slug: str, delivery_id: int) -> HttpResponse:
    asker = asker_for(request, slug)
    found = (
        Delivery.objects.filter(pk=delivery_id, post__election=asker.election)
        .select_related("post")
        .first()
    )
    if found is None:
        raise Http404
    asker.require(Action.APPROVE, selectors.post_target(found.post))
    form = SettleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the post is on the platform."))
    else:
        try:
            delivery.confirm_delivery(
                delivery=found,
                actor=asker.user,
                published=form.cleaned_data["published"],
                url=form.cleaned_data.get("url", ""),
                source_address=client_address(request),
            )
        except ItcellError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Settled."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("publishing:deliveries", args=[slug])
    return redirect(back)


@require_POST
def pause(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.PAUSE_PUBLISHING)  # somewhere; where is checked below
    election = asker.election
    back = redirect("publishing:deliveries", slug)
    if "resume" in request.POST:
        found = selectors.list_active_pauses(election=election)
        chosen = next((p for p in found if str(p.pk) == request.POST["resume"]), None)
        if chosen is None:
            raise Http404
        target = (
            org.desk_target(chosen.desk) if chosen.desk else org.state_target(election=election)
        )
        asker.require(Action.PAUSE_PUBLISHING, target)
        sent = delivery.resume_publishing(
            pause=chosen, actor=asker.user, source_address=client_address(request)
        )
        messages.success(
            request,
            ngettext(
                "Publishing resumed; %(n)d held delivery goes now.",
                "Publishing resumed; %(n)d held deliveries go now.",
                sent,
            )
            % {"n": sent},
        )
        return back
    form = PauseForm(request.POST, desks=Desk.objects.filter(election=election, is_active=True))
    if not form.is_valid():
        messages.error(request, _("Say why publishing is paused."))
        return back
    desk = form.cleaned_data["desk"]
    target = org.desk_target(desk) if desk else org.state_target(election=election)
    asker.require(Action.PAUSE_PUBLISHING, target)
    try:
        delivery.pause_publishing(
            election=election,
            actor=asker.user,
            reason=form.cleaned_data["reason"],
            desk=desk,
            source_address=client_address(request),
        )
    except ItcellError as error:
        messages.error(request, str(error))
    else:
        messages.warning(request, _("Publishing paused: nothing held will go until resumed."))
    return back


@require_http_methods(["GET", "POST"])
def channels(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    may_manage = asker.may(Action.MANAGE_CHANNELS)
    form = CredentialsForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise Http404
        channel = (
            selectors.list_channels(election=asker.election)
            .filter(pk=_number(request.POST.get("channel")))
            .first()
        )
        if channel is None:
            raise Http404
        where = client_address(request)
        if "status" in request.POST and request.POST["status"] in Channel.Status.values:
            library.set_channel_status(
                channel=channel,
                actor=asker.user,
                status=request.POST["status"],
                source_address=where,
            )
            messages.success(request, _("Channel updated."))
            return redirect("publishing:channels", slug)
        if form.is_valid():
            library.reauthorise_channel(
                channel=channel,
                actor=asker.user,
                credentials=form.cleaned_data["credentials"],
                source_address=where,
            )
            messages.success(request, _("New credentials sealed; the channel is connected."))
            return redirect("publishing:channels", slug)
        messages.error(request, " ".join(str(e) for e in form.errors.get("credentials", [])))
    return render(
        request,
        "publishing/channels.html",
        _context(
            asker,
            channels=selectors.list_channels(election=asker.election),
            health=selectors.count_channel_health(election=asker.election),
            may_manage=may_manage,
            form=CredentialsForm(),
        ),
    )


@require_http_methods(["GET", "POST"])
def media_library(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    desks = _drafting_desks(asker)
    asker.require(Action.VIEW)
    form = MediumForm(
        request.POST or None,
        request.FILES or None,
        desks=Desk.objects.filter(pk__in=[d.pk for d in desks]),
    )
    if request.method == "POST":
        if not desks:
            raise Http404
        if form.is_valid():
            desk = form.cleaned_data["desk"]
            if desk is None:
                asker.require(Action.DRAFT, org.state_target(election=asker.election))
            data = {k: v for k, v in form.cleaned_data.items() if k != "desk"}
            try:
                library.add_medium(
                    election=asker.election,
                    desk=desk,
                    uploaded_by=asker.user,
                    source_address=client_address(request),
                    **data,
                )
            except InvalidInput as error:
                add_problems(form, error.problems)
            else:
                messages.success(request, _("Added to the library."))
                return redirect("publishing:media", slug)
    desk_ids = [d.pk for d in desks]
    media = selectors.list_media(election=asker.election, desk_ids=desk_ids)
    return render(
        request,
        "publishing/media.html",
        _context(asker, form=form, media=media, may_add=bool(desks)),
    )


# Sharing by hand, and the sandbox ---------------------------------------------------------------


def my_tasks(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    return render(
        request,
        "publishing/tasks.html",
        _context(
            asker,
            tasks=selectors.list_my_tasks(user=asker.user, election=asker.election),
            form=ShareForm(),
        ),
    )


@require_POST
def share(request: SignedInRequest, slug: str, task_id: int) -> HttpResponse:
    asker = asker_for(request, slug)
    task = DistributionTask.objects.filter(
        pk=task_id, volunteer=asker.user, desk__election=asker.election
    ).first()
    if task is None:
        raise Http404
    form = ShareForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            delivery.mark_shared(
                task=task,
                volunteer=asker.user,
                link=form.cleaned_data.get("link") or "",
                screenshot=form.cleaned_data.get("screenshot"),
                source_address=client_address(request),
            )
        except ItcellError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you: marked as shared."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("publishing:tasks", slug)


def sandbox_feed(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    feed = selectors.list_sandbox_feed(election=asker.election)
    template = (
        "publishing/_sandbox_items.html"
        if request.htmx and not request.htmx.history_restore_request
        else "publishing/sandbox.html"
    )
    return render(request, template, _context(asker, feed=feed, now=clock.now()))
