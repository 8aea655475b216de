"""The playbook's screens: the overview (themes and their points, guidance, approved hashtags,
the calendar, templates), a talking point with its versions, proposing a point or a change,
the review queue, and the forms that edit themes, guidance, templates and calendar days.

Everyone who may see the election reads the playbook; writers (``Action.DRAFT``) propose;
the head and the spokesperson (``Action.EDIT_PLAYBOOK``) review and edit. A refusal is a 404.
"""

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from itcell.core import clock
from itcell.core.errors import InvalidInput, ItcellError
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.organisation.forms import add_problems
from itcell.organisation.roles import Action
from itcell.playbook import selectors, services, templating
from itcell.playbook.forms import (
    DayForm,
    DecideForm,
    GuidanceForm,
    PointForm,
    PreviewForm,
    TemplateForm,
    ThemeForm,
    variables_help,
)
from itcell.playbook.models import Guidance, Revision
from itcell.playbook.templating import VARIABLES

CALENDAR_DAYS = 14


def _context(asker: Asker, **extra: Any) -> dict[str, Any]:
    return {
        "election": asker.election,
        "may_edit": asker.may(Action.EDIT_PLAYBOOK),
        "may_propose": asker.may(Action.DRAFT),
        **extra,
    }


def _reader(request: SignedInRequest, slug: str) -> Asker:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    return asker


def _editor(request: SignedInRequest, slug: str) -> Asker:
    asker = asker_for(request, slug)
    asker.require(Action.EDIT_PLAYBOOK)
    return asker


def overview(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _reader(request, slug)
    election = asker.election
    today = clock.today_ist()
    guidance = selectors.list_guidance(election=election)
    return render(
        request,
        "playbook/overview.html",
        _context(
            asker,
            themes=selectors.list_themes(election=election),
            unthemed=selectors.list_points_without_theme(election=election),
            guidance=[
                (kind, label, guidance[kind])
                for kind, label in Guidance.Kind.choices
                if kind != Guidance.Kind.HASHTAG
            ],
            hashtags=guidance[Guidance.Kind.HASHTAG],
            days=selectors.list_days(
                election=election, start=today, days=CALENDAR_DAYS, today=today
            ),
            templates=selectors.list_templates(election=election),
            waiting=selectors.count_waiting(election=election)
            if asker.may(Action.EDIT_PLAYBOOK)
            else 0,
        ),
    )


# Talking points -------------------------------------------------------------------------------


def point_page(request: SignedInRequest, slug: str, point_id: int) -> HttpResponse:
    asker = _reader(request, slug)
    point = selectors.get_point(election=asker.election, point_id=point_id)
    return render(
        request,
        "playbook/point.html",
        _context(
            asker,
            point=point,
            versions=selectors.list_versions(point=point),
            waiting=selectors.list_revisions_of(point=point, states=[Revision.State.PROPOSED]),
            templates=point.templates.filter(is_active=True),
        ),
    )


def version_page(request: SignedInRequest, slug: str, point_id: int, version: int) -> HttpResponse:
    asker = _reader(request, slug)
    point = selectors.get_point(election=asker.election, point_id=point_id)
    revision = selectors.get_version(point=point, version=version)
    return render(
        request,
        "playbook/version.html",
        _context(asker, point=point, revision=revision, is_current=version == point.version),
    )


@require_http_methods(["GET", "POST"])
def propose(request: SignedInRequest, slug: str, point_id: int | None = None) -> HttpResponse:
    """Propose a new talking point, or a change to one (written against its current version)."""
    asker = asker_for(request, slug)
    asker.require(Action.DRAFT)
    point = (
        selectors.get_point(election=asker.election, point_id=point_id)
        if point_id is not None
        else None
    )
    form = PointForm(
        request.POST or None,
        election=asker.election,
        facts=point.facts if point else None,
        initial=PointForm.initial_for(point) if point else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.propose_revision(
                election=asker.election,
                author=asker.user,
                data=form.point_input(),
                point=point,
                based_on=form.cleaned_data.get("based_on") if point else None,
                note=form.cleaned_data.get("note", ""),
            )
        except InvalidInput as error:
            add_problems(form, error.problems)
        except ItcellError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Proposed: it waits for the playbook's review."))
            if revision.talking_point_id:
                return redirect("playbook:point", slug, revision.talking_point_id)
            return redirect("playbook:overview", slug)
    return render(request, "playbook/propose.html", _context(asker, point=point, form=form))


def review_queue(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _editor(request, slug)
    return render(
        request,
        "playbook/review.html",
        _context(
            asker,
            proposals=selectors.list_waiting(election=asker.election),
            decide_form=DecideForm(),
            me=asker.user.pk,
        ),
    )


@require_POST
def decide(request: SignedInRequest, slug: str, revision_id: int, verb: str) -> HttpResponse:
    asker = asker_for(request, slug)
    if verb not in ("approve", "reject", "withdraw"):
        raise Http404
    asker.require(Action.DRAFT if verb == "withdraw" else Action.EDIT_PLAYBOOK)
    revision = selectors.get_revision(election=asker.election, revision_id=revision_id)
    comment = request.POST.get("comment", "")
    try:
        if verb == "approve":
            point = services.approve_revision(
                revision=revision, reviewer=asker.user, comment=comment
            )
            messages.success(
                request,
                _("Approved: “%(title)s” is at version %(version)d.")
                % {"title": point.title, "version": point.version},
            )
        elif verb == "reject":
            services.reject_revision(revision=revision, reviewer=asker.user, comment=comment)
            messages.success(request, _("Sent back to its author."))
        else:
            services.withdraw_revision(revision=revision, author=asker.user)
            messages.success(request, _("Withdrawn."))
    except InvalidInput as error:
        messages.error(request, "; ".join(p.message for p in error.problems))
    except ItcellError as error:
        messages.error(request, str(error))
    if verb == "withdraw" and revision.talking_point_id:
        return redirect("playbook:point", slug, revision.talking_point_id)
    return redirect("playbook:review" if verb != "withdraw" else "playbook:overview", slug)


# Edited directly by the head and the spokesperson ---------------------------------------------


def _edit_screen(
    request: SignedInRequest,
    asker: Asker,
    form: Form,
    save: Any,
    *,
    title: str,
    template: str = "playbook/edit.html",
    thing: Any = None,
    delete_kind: str = "",
    **extra: Any,
) -> HttpResponse:
    """A form whose valid input goes to ``save()``; back to the overview when it is saved."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except InvalidInput as error:
            add_problems(form, error.problems)
        except ItcellError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("playbook:overview", asker.election.slug)
    return render(
        request,
        template,
        _context(asker, form=form, title=title, thing=thing, delete_kind=delete_kind, **extra),
    )


@require_http_methods(["GET", "POST"])
def theme_form(request: SignedInRequest, slug: str, theme_id: int | None = None) -> HttpResponse:
    asker = _editor(request, slug)
    theme = selectors.get_theme(election=asker.election, theme_id=theme_id) if theme_id else None
    form = ThemeForm(request.POST or None, initial=ThemeForm.initial_for(theme) if theme else None)
    return _edit_screen(
        request,
        asker,
        form,
        lambda: services.save_theme(
            election=asker.election, data=form.theme_input(), actor=asker.user, theme=theme
        ),
        title=_("Change the theme") if theme else _("Add a theme"),
        thing=theme,
        delete_kind="theme" if theme else "",
    )


@require_http_methods(["GET", "POST"])
def guidance_form(
    request: SignedInRequest, slug: str, guidance_id: int | None = None
) -> HttpResponse:
    asker = _editor(request, slug)
    line = (
        selectors.get_guidance(election=asker.election, guidance_id=guidance_id)
        if guidance_id
        else None
    )
    initial = GuidanceForm.initial_for(line) if line else {"kind": request.GET.get("kind", "")}
    form = GuidanceForm(request.POST or None, initial=initial)
    return _edit_screen(
        request,
        asker,
        form,
        lambda: services.save_guidance(
            election=asker.election, data=form.guidance_input(), actor=asker.user, guidance=line
        ),
        title=_("Change the guidance") if line else _("Add guidance"),
        thing=line,
        delete_kind="guidance" if line else "",
    )


@require_http_methods(["GET", "POST"])
def template_form(
    request: SignedInRequest, slug: str, template_id: int | None = None
) -> HttpResponse:
    asker = _editor(request, slug)
    template = (
        selectors.get_template(election=asker.election, template_id=template_id)
        if template_id
        else None
    )
    form = TemplateForm(
        request.POST or None,
        election=asker.election,
        initial=TemplateForm.initial_for(template) if template else None,
    )
    return _edit_screen(
        request,
        asker,
        form,
        lambda: services.save_template(
            election=asker.election, data=form.template_input(), actor=asker.user, template=template
        ),
        title=_("Change the template") if template else _("Add a post template"),
        template="playbook/template_form.html",
        thing=template,
        delete_kind="template" if template else "",
        preview_form=PreviewForm(election=asker.election),
        variables=list(VARIABLES.values()),
        variables_help=variables_help(),
    )


@require_POST
def template_preview(request: SignedInRequest, slug: str) -> HttpResponse:
    """The template form's live preview: both texts filled for the chosen constituency."""
    asker = _editor(request, slug)
    form = PreviewForm(request.POST, election=asker.election)
    filled: list[tuple[str, str, str]] = []  # (language, label, text)
    problems: list[str] = []
    if not form.is_valid():
        problems.append(_("Choose a constituency to preview the template for."))
    else:
        ac = form.cleaned_data["ac"]
        for language, label in (("hi", _("Hindi")), ("en", _("English"))):
            text = form.cleaned_data[f"text_{language}"]
            if not text.strip():
                continue
            try:
                filled.append(
                    (
                        language,
                        label,
                        templating.fill(text, election=asker.election, ac=ac, language=language),
                    )
                )
            except InvalidInput as error:
                problems += [f"{label}: {p.message}" for p in error.problems]
    return render(request, "playbook/_preview.html", {"filled": filled, "problems": problems})


@require_http_methods(["GET", "POST"])
def day_form(request: SignedInRequest, slug: str, day_id: int | None = None) -> HttpResponse:
    asker = _editor(request, slug)
    day = selectors.get_day(election=asker.election, day_id=day_id) if day_id else None
    initial = DayForm.initial_for(day) if day else {"date": request.GET.get("date", "")}
    form = DayForm(request.POST or None, election=asker.election, initial=initial)
    return _edit_screen(
        request,
        asker,
        form,
        lambda: services.save_calendar_day(
            election=asker.election, data=form.day_input(), actor=asker.user, day=day
        ),
        title=_("Change the day's theme") if day else _("Set a day's theme"),
        thing=day,
        delete_kind="day" if day else "",
    )


@require_POST
def delete(request: SignedInRequest, slug: str, kind: str, thing_id: int) -> HttpResponse:
    asker = _editor(request, slug)
    election, actor = asker.election, asker.user
    try:
        if kind == "theme":
            services.delete_theme(
                theme=selectors.get_theme(election=election, theme_id=thing_id), actor=actor
            )
        elif kind == "guidance":
            services.delete_guidance(
                guidance=selectors.get_guidance(election=election, guidance_id=thing_id),
                actor=actor,
            )
        elif kind == "template":
            services.delete_template(
                template=selectors.get_template(election=election, template_id=thing_id),
                actor=actor,
            )
        elif kind == "day":
            services.delete_calendar_day(
                day=selectors.get_day(election=election, day_id=thing_id), actor=actor
            )
        else:
            raise Http404
    except InvalidInput as error:
        messages.error(request, "; ".join(p.message for p in error.problems))
    else:
        messages.success(request, _("Deleted."))
    return redirect("playbook:overview", slug)
