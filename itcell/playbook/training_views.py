"""The training screens: my training, a module and its check, the trainer's board with
reminders, the module editor, the core modules (the head), workshops with invitees and
attendance.

Everyone with a role in the election takes modules and sees their own training; running
training (``Action.TRAIN``) is a trainer's or the head's, within their desk's area; choosing
the core modules (``Action.SET_CORE_TRAINING``) is the head's. A refusal is a 404.
"""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from itcell.accounts.models import User
from itcell.core import clock
from itcell.core.errors import InvalidInput
from itcell.core.http import client_address, query_id
from itcell.organisation import selectors as org
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.organisation.forms import add_problems
from itcell.organisation.models import Desk
from itcell.organisation.roles import Action
from itcell.playbook import training
from itcell.playbook import training_selectors as selectors
from itcell.playbook.models import Module, Workshop
from itcell.playbook.training_forms import (
    AttendanceForm,
    CheckForm,
    CoreForm,
    InviteForm,
    ModuleForm,
    WorkshopForm,
)


def _context(asker: Asker, **extra: Any) -> dict[str, Any]:
    return {
        "election": asker.election,
        "may_train": asker.may(Action.TRAIN),
        "may_set_core": asker.may(Action.SET_CORE_TRAINING),
        **extra,
    }


def _trainable_desks(asker: Asker) -> list[Desk]:
    """The active desks where the person may run training (their desk's area; all for HQ)."""
    asker.require(Action.TRAIN)
    desks = list(
        Desk.objects.filter(election=asker.election, is_active=True).select_related("district")
    )
    if any(g.reaches_state for g in asker.grants):
        return desks
    targets = org.desk_targets(election=asker.election, desk_ids=[d.pk for d in desks])
    return [d for d in desks if asker.may(Action.TRAIN, targets[d.pk])]


def _module(asker: Asker, module_id: int) -> Module:
    module = selectors.find_module(election=asker.election, module_id=module_id)
    if module is None or not (module.is_active or asker.may(Action.TRAIN)):
        raise Http404
    return module


def _workshop(asker: Asker, workshop_id: int) -> Workshop:
    asker.require(Action.TRAIN)
    workshop = selectors.find_workshop(election=asker.election, workshop_id=workshop_id)
    if workshop is None:
        raise Http404
    return workshop


# --- a member's own training ------------------------------------------------------------------


def my_training(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    mine = selectors.get_my_training(user=asker.user, election=asker.election, now=clock.now())
    return render(request, "playbook/training.html", _context(asker, mine=mine))


@require_http_methods(["GET", "POST"])
def module_page(request: SignedInRequest, slug: str, module_id: int) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    module = _module(asker, module_id)
    form = CheckForm(request.POST or None, module=module)
    if request.method == "POST" and form.is_valid():
        try:
            attempt = training.take_check(
                module=module,
                member=asker.user,
                answers=form.answers(),
                source_address=client_address(request),
            )
        except InvalidInput as error:
            add_problems(form, error.problems)
        else:
            if attempt.passed:
                messages.success(
                    request,
                    _("Passed with %(score)d%% (the pass mark is %(mark)d%%).")
                    % {"score": attempt.score, "mark": module.pass_mark},
                )
            else:
                messages.error(
                    request,
                    _(
                        "Not passed: %(score)d%%; the pass mark is %(mark)d%%. "
                        "Read the module again and retake the check."
                    )
                    % {"score": attempt.score, "mark": module.pass_mark},
                )
            return redirect("training:module", slug, module.pk)
    attempts = selectors.list_attempts(user=asker.user, module=module)
    return render(
        request,
        "playbook/training_module.html",
        _context(
            asker,
            module=module,
            form=form,
            attempts=attempts,
            passed=any(a.passed for a in attempts),
            questions=[
                (n, q, form[f"question_{q.pk}"])
                for n, q in enumerate(module.questions.all(), start=1)
            ],
        ),
    )


# --- the trainer's board ------------------------------------------------------------------------


def _board_desks(request: SignedInRequest, asker: Asker) -> tuple[list[Desk], dict[str, Any]]:
    """The desks the board shows after its filters; an out-of-scope filter is a 404."""
    desks = _trainable_desks(asker)
    districts = sorted(
        {d.district for d in desks if d.district is not None}, key=lambda d: d.name_en
    )
    district_id = query_id(request.GET.get("district") or request.POST.get("district"))
    desk_id = query_id(request.GET.get("desk") or request.POST.get("desk"))
    shown = desks
    if district_id is not None:
        shown = [d for d in shown if d.district_id == district_id]
        if not shown:
            raise Http404
    if desk_id is not None:
        shown = [d for d in shown if d.pk == desk_id]
        if not shown:
            raise Http404
    filters = {
        "districts": districts,
        "district_id": district_id,
        "desk_id": desk_id,
        "desk_choices": [d for d in desks if district_id is None or d.district_id == district_id],
        "whole_scope": len(shown) == len(desks),
    }
    return shown, filters


def trainer_board(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    shown, filters = _board_desks(request, asker)
    board = selectors.get_training_board(election=asker.election, desks=shown)
    return render(request, "playbook/training_board.html", _context(asker, board=board, **filters))


@require_POST
def remind(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    shown, filters = _board_desks(request, asker)
    state_wide = any(g.reaches_state for g in asker.grants)
    told = training.remind_untrained(
        election=asker.election,
        actor=asker.user,
        desks=None if state_wide and filters["whole_scope"] else shown,
        source_address=client_address(request),
    )
    if told:
        messages.success(
            request,
            ngettext("Reminder sent to %(n)d member.", "Reminders sent to %(n)d members.", told)
            % {"n": told},
        )
    else:
        messages.info(
            request,
            _("Nobody to remind: everyone here is trained or was reminded today."),
        )
    query = urlencode(
        {name: filters[f"{name}_id"] for name in ("district", "desk") if filters[f"{name}_id"]}
    )
    return redirect(reverse("training:board", args=[slug]) + (f"?{query}" if query else ""))


# --- modules: the editor and the core ---------------------------------------------------------


def modules(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.TRAIN)
    found = selectors.list_modules(election=asker.election, active_only=False)
    core_form = CoreForm(
        initial={"modules": [m for m in found if m.is_core]},
        modules=Module.objects.filter(election=asker.election),
    )
    return render(
        request,
        "playbook/training_modules.html",
        _context(asker, modules=found, core_form=core_form),
    )


@require_POST
def set_core(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.SET_CORE_TRAINING)
    form = CoreForm(request.POST, modules=Module.objects.filter(election=asker.election))
    if form.is_valid():
        try:
            core = training.set_core_modules(
                election=asker.election,
                module_ids=[m.pk for m in form.cleaned_data["modules"]],
                actor=asker.user,
                source_address=client_address(request),
            )
        except InvalidInput as error:
            messages.error(request, " ".join(p.message for p in error.problems))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d core module: members pass it before sending posts for review.",
                    "%(n)d core modules: members pass them before sending posts for review.",
                    len(core),
                )
                % {"n": len(core)},
            )
    else:
        messages.error(request, _("Choose modules from the list."))
    return redirect("training:modules", slug)


@require_http_methods(["GET", "POST"])
def edit_module(request: SignedInRequest, slug: str, module_id: int | None = None) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.TRAIN)
    module = None
    initial: dict[str, Any] = {}
    slots = 3
    if module_id is not None:
        module = selectors.find_module(election=asker.election, module_id=module_id)
        if module is None:
            raise Http404
        initial, slots = ModuleForm.initial_for(module)
    form = ModuleForm(request.POST or None, initial=initial, slots=slots)
    if request.method == "POST" and "more" not in request.POST and form.is_valid():
        try:
            if module is None:
                module = training.create_module(
                    election=asker.election,
                    data=form.module_input(),
                    actor=asker.user,
                    source_address=client_address(request),
                )
            else:
                training.edit_module(
                    module=module,
                    data=form.module_input(),
                    actor=asker.user,
                    source_address=client_address(request),
                )
        except InvalidInput as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, _("Module saved."))
            return redirect("training:modules", slug)
    return render(
        request,
        "playbook/training_module_form.html",
        _context(asker, module=module, form=form, slots=form.question_slots()),
    )


# --- workshops --------------------------------------------------------------------------------


def workshops(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.TRAIN)
    return render(
        request,
        "playbook/training_workshops.html",
        _context(asker, workshops=selectors.list_workshops(election=asker.election)),
    )


def _people(asker: Asker) -> QuerySet[User]:
    return training.election_members(asker.election).order_by("display_name", "username")


@require_http_methods(["GET", "POST"])
def edit_workshop(
    request: SignedInRequest, slug: str, workshop_id: int | None = None
) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.TRAIN)
    workshop = _workshop(asker, workshop_id) if workshop_id is not None else None
    form = WorkshopForm(
        request.POST or None,
        initial=WorkshopForm.initial_for(workshop) if workshop else {"trainer": asker.user.pk},
        people=_people(asker),
        modules=Module.objects.filter(election=asker.election),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if workshop is None:
                workshop = training.create_workshop(
                    election=asker.election,
                    data=form.workshop_input(),
                    actor=asker.user,
                    source_address=client_address(request),
                )
            else:
                training.edit_workshop(
                    workshop=workshop,
                    data=form.workshop_input(),
                    actor=asker.user,
                    source_address=client_address(request),
                )
        except InvalidInput as error:
            add_problems(form, error.problems)
        else:
            messages.success(request, _("Workshop saved."))
            return redirect("training:workshop", slug, workshop.pk)
    return render(
        request,
        "playbook/training_workshop_form.html",
        _context(asker, workshop=workshop, form=form),
    )


def _invite_form(asker: Asker, data: Any = None) -> InviteForm:
    desks = _trainable_desks(asker)
    ids = [d.pk for d in desks]
    return InviteForm(
        data,
        desks=Desk.objects.filter(pk__in=ids).select_related("district"),
        people=User.objects.filter(memberships__desk_id__in=ids, memberships__is_active=True)
        .distinct()
        .order_by("display_name", "username"),
    )


@require_http_methods(["GET", "POST"])
def workshop_page(request: SignedInRequest, slug: str, workshop_id: int) -> HttpResponse:
    asker = asker_for(request, slug)
    workshop = _workshop(asker, workshop_id)
    invitees = selectors.list_invitees(workshop=workshop)
    invite_form = _invite_form(asker, request.POST if "invite" in request.POST else None)
    attendance_form = AttendanceForm(
        request.POST if "attendance" in request.POST else None, invitees=invitees
    )
    where = client_address(request)
    if request.method == "POST":
        try:
            if "invite" in request.POST and invite_form.is_valid():
                n = training.invite(
                    workshop=workshop,
                    actor=asker.user,
                    people=invite_form.cleaned_data["people"],
                    desks=invite_form.cleaned_data["desks"],
                    source_address=where,
                )
                messages.success(
                    request,
                    ngettext("%(n)d person invited.", "%(n)d people invited.", n) % {"n": n},
                )
                return redirect("training:workshop", slug, workshop.pk)
            if "attendance" in request.POST and attendance_form.is_valid():
                training.mark_attendance(
                    workshop=workshop,
                    attended=attendance_form.attended(),
                    actor=asker.user,
                    source_address=where,
                )
                messages.success(request, _("Attendance saved."))
                return redirect("training:workshop", slug, workshop.pk)
        except InvalidInput as error:
            form = invite_form if "invite" in request.POST else attendance_form
            add_problems(form, error.problems)
    return render(
        request,
        "playbook/training_workshop.html",
        _context(
            asker,
            workshop=workshop,
            invitees=invitees,
            came=sum(1 for a in invitees if a.attended),
            invite_form=invite_form,
            attendance_form=attendance_form,
            started=workshop.starts_at <= clock.now(),
        ),
    )
