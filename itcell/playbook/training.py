"""Training: modules and their checks, the submit gate, workshops, reminders.

Every write here is one transaction, audited, and refuses bad input as a whole with
``InvalidInput`` (each ``Problem`` names its field; nothing is saved). The reads the gate and
the screens need live here too, next to the rules they answer to.

Rules the services keep:

- A module ends with a check: at least one question; each question has at least two answers
  and **exactly one** correct answer (the check is a set of radio groups, one pick per
  question). The pass mark is a percentage from 1 to 100.
- A check is passed when the share of correct answers (rounded to a whole percent) reaches
  the module's pass mark. Every attempt is kept; one passing attempt completes the module.
  Editing a module later does not undo a pass.
- The gate: a member sends posts for review only after passing every active core module of
  the election. An election without active core modules has no gate.
- A workshop ends after it starts, happens somewhere (a place or an online link), and cannot
  be upcoming once its start has passed (nor held before it starts). Attendance is marked for
  invitees only, once the workshop has started.
- Reminders go to members who may draft posts and have not passed the core modules, at most
  once a day each.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.core.errors import InvalidInput, Problem
from itcell.elections.models import Election
from itcell.notifications.models import Kind, Notification
from itcell.notifications.services import notify
from itcell.organisation.models import Desk, Membership
from itcell.organisation.roles import MATRIX, Action
from itcell.playbook.models import Attempt, Attendance, Choice, Module, Question, Workshop

MIN_CHOICES = 2
#: The roles that write posts: the gate and the reminders are about them.
DRAFTING_ROLES = frozenset(role.value for role, can in MATRIX.items() if Action.DRAFT in can)


# --- modules and their checks -------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceInput:
    text_en: str
    text_hi: str = ""
    is_correct: bool = False


@dataclass(frozen=True)
class QuestionInput:
    text_en: str
    text_hi: str = ""
    choices: tuple[ChoiceInput, ...] = ()


@dataclass(frozen=True)
class ModuleInput:
    title_en: str
    title_hi: str = ""
    content_en: str = ""
    content_hi: str = ""
    pass_mark: int = 80
    order: int = 0
    is_active: bool = True
    questions: tuple[QuestionInput, ...] = field(default_factory=tuple)


def question_field(number: int, name: str) -> str:
    """The name of a question's field on the editor (``number`` counts from 1)."""
    return f"question-{number}-{name}"


def check_module(data: ModuleInput) -> None:
    """Raise ``InvalidInput`` with every problem of ``data``; return when it may be saved."""
    problems = []
    if not data.title_en.strip():
        problems.append(Problem(_("Give the module a title in English."), field="title_en"))
    if not 1 <= data.pass_mark <= 100:
        problems.append(
            Problem(_("The pass mark is a percentage from 1 to 100."), field="pass_mark")
        )
    if not data.questions:
        problems.append(
            Problem(
                _("Add at least one question: every module ends with a short check."),
                field=question_field(1, "text_en"),
            )
        )
    for number, question in enumerate(data.questions, start=1):
        prefix = _("Question %(n)d") % {"n": number}
        if not question.text_en.strip():
            problems.append(
                Problem(
                    _("%(question)s: write the question in English.") % {"question": prefix},
                    field=question_field(number, "text_en"),
                )
            )
        if len(question.choices) < MIN_CHOICES:
            problems.append(
                Problem(
                    _("%(question)s: give at least %(n)d answers to choose from.")
                    % {"question": prefix, "n": MIN_CHOICES},
                    field=question_field(number, "choices"),
                )
            )
        for choice in question.choices:
            if not choice.text_en.strip():
                problems.append(
                    Problem(
                        _("%(question)s: write every answer in English.") % {"question": prefix},
                        field=question_field(number, "choices"),
                    )
                )
                break
        correct = sum(1 for c in question.choices if c.is_correct)
        if correct == 0:
            problems.append(
                Problem(
                    _("%(question)s: mark the correct answer.") % {"question": prefix},
                    field=question_field(number, "correct"),
                )
            )
        elif correct > 1:
            problems.append(
                Problem(
                    _("%(question)s: mark only one answer as correct.") % {"question": prefix},
                    field=question_field(number, "correct"),
                )
            )
    if problems:
        raise InvalidInput(problems)


def _module_snapshot(module: Module) -> dict[str, object]:
    return {
        "title_en": module.title_en,
        "title_hi": module.title_hi,
        "pass_mark": module.pass_mark,
        "order": module.order,
        "is_active": module.is_active,
        "is_core": module.is_core,
        "questions": [
            {
                "text_en": q.text_en,
                "choices": [[c.text_en, c.is_correct] for c in q.choices.all()],
            }
            for q in module.questions.all()
        ],
    }


def _write_module(module: Module, data: ModuleInput) -> None:
    for name in ("title_en", "title_hi", "content_en", "content_hi"):
        setattr(module, name, getattr(data, name).strip())
    module.pass_mark, module.order, module.is_active = data.pass_mark, data.order, data.is_active
    module.save()
    # The questions are replaced as a whole: attempts keep their score, not their references.
    module.questions.all().delete()
    for order, question in enumerate(data.questions, start=1):
        saved = Question.objects.create(
            module=module,
            text_en=question.text_en.strip(),
            text_hi=question.text_hi.strip(),
            order=order,
        )
        Choice.objects.bulk_create(
            Choice(
                question=saved,
                text_en=c.text_en.strip(),
                text_hi=c.text_hi.strip(),
                is_correct=c.is_correct,
            )
            for c in question.choices
        )


@transaction.atomic
def create_module(
    *, election: Election, data: ModuleInput, actor: User, source_address: str | None = None
) -> Module:
    check_module(data)
    module = Module(election=election)
    _write_module(module, data)
    record(
        actor=actor,
        action="training.module_created",
        obj=module,
        after=_module_snapshot(module),
        source_address=source_address,
    )
    return module


@transaction.atomic
def edit_module(
    *, module: Module, data: ModuleInput, actor: User, source_address: str | None = None
) -> Module:
    check_module(data)
    module = Module.objects.select_for_update().get(pk=module.pk)
    before = _module_snapshot(module)
    _write_module(module, data)
    record(
        actor=actor,
        action="training.module_edited",
        obj=module,
        before=before,
        after=_module_snapshot(module),
        source_address=source_address,
    )
    return module


@transaction.atomic
def set_core_modules(
    *,
    election: Election,
    module_ids: Collection[int],
    actor: User,
    source_address: str | None = None,
) -> list[Module]:
    """Make exactly ``module_ids`` the election's core modules; returns them."""
    wanted = set(module_ids)
    modules = list(Module.objects.select_for_update().filter(election=election))
    unknown = wanted - {m.pk for m in modules}
    if unknown:
        raise InvalidInput([Problem(_("Choose modules of this election only."), field="modules")])
    before = sorted(m.pk for m in modules if m.is_core)
    Module.objects.filter(election=election, pk__in=wanted).update(is_core=True)
    Module.objects.filter(election=election).exclude(pk__in=wanted).update(is_core=False)
    after = sorted(wanted)
    if before != after:
        record(
            actor=actor,
            action="training.core_modules_set",
            obj=election,
            before={"core": before},
            after={"core": after},
            source_address=source_address,
        )
    return list(Module.objects.filter(election=election, is_core=True))


@transaction.atomic
def take_check(
    *,
    module: Module,
    member: User,
    answers: Mapping[int, int],
    source_address: str | None = None,
) -> Attempt:
    """Score ``answers`` (question id → chosen answer id) against the module's check and keep
    the attempt. Every question must be answered, each with one of its own answers."""
    if not module.is_active:
        raise InvalidInput([Problem(_("This module is no longer in use."), field="module")])
    questions = list(module.questions.prefetch_related("choices"))
    problems = []
    correct = 0
    for number, question in enumerate(questions, start=1):
        chosen = answers.get(question.pk)
        choices = {c.pk: c for c in question.choices.all()}
        if chosen is None:
            problems.append(
                Problem(
                    _("Question %(n)d: choose an answer.") % {"n": number},
                    field=f"question_{question.pk}",
                )
            )
        elif chosen not in choices:
            problems.append(
                Problem(
                    _("Question %(n)d: that answer is not one of this question's.") % {"n": number},
                    field=f"question_{question.pk}",
                )
            )
        elif choices[chosen].is_correct:
            correct += 1
    if set(answers) - {q.pk for q in questions}:
        problems.append(
            Problem(_("The answers are for another check: reload the page."), field="module")
        )
    if not questions:
        problems.append(Problem(_("This module has no check yet."), field="module"))
    if problems:
        raise InvalidInput(problems)
    score = round(100 * correct / len(questions))
    attempt = Attempt.objects.create(
        module=module,
        member=member,
        score=score,
        passed=score >= module.pass_mark,
        answers={str(q): c for q, c in answers.items()},
        taken_at=clock.now(),
    )
    record(
        actor=member,
        action="training.check_taken",
        obj=attempt,
        after={"module": module.pk, "score": score, "passed": attempt.passed},
        source_address=source_address,
    )
    return attempt


# --- the gate -------------------------------------------------------------------------------------


def missing_core_modules(user: User, election: Election | int) -> list[Module]:
    """The election's active core modules ``user`` has not passed yet, in order (one query)."""
    election_id = election if isinstance(election, int) else election.pk
    return list(
        Module.objects.filter(election_id=election_id, is_core=True, is_active=True).exclude(
            pk__in=Attempt.objects.filter(member_id=user.pk, passed=True).values("module_id")
        )
    )


def is_trained(user: User, election: Election | int) -> bool:
    """True when ``user`` has passed every active core module (always, without any)."""
    return not missing_core_modules(user, election)


# --- workshops ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    trainer: User
    place: str = ""
    online_url: str = ""
    module_ids: tuple[int, ...] = ()
    status: str = Workshop.Status.UPCOMING


def election_members(election: Election) -> QuerySet[User]:
    """People with an active role at an active desk of the election."""
    return User.objects.filter(
        memberships__desk__election=election,
        memberships__desk__is_active=True,
        memberships__is_active=True,
    ).distinct()


def check_workshop(*, election: Election, data: WorkshopInput, now: datetime) -> None:
    problems = []
    if not data.title.strip():
        problems.append(Problem(_("Give the workshop a title."), field="title"))
    if data.ends_at <= data.starts_at:
        problems.append(Problem(_("A workshop ends after it starts."), field="ends_at"))
    if not data.place.strip() and not data.online_url.strip():
        problems.append(
            Problem(_("Say where the workshop is: a place, an online link or both."), field="place")
        )
    if data.status not in Workshop.Status.values:
        problems.append(Problem(_("Choose a status from the list."), field="status"))
    elif data.status == Workshop.Status.UPCOMING and data.starts_at < now:
        problems.append(
            Problem(
                _("A workshop in the past cannot be upcoming: mark it held or cancelled."),
                field="status",
            )
        )
    elif data.status == Workshop.Status.HELD and data.starts_at > now:
        problems.append(
            Problem(
                _("A workshop cannot be held before it starts: keep it upcoming."), field="status"
            )
        )
    if not election_members(election).filter(pk=data.trainer.pk).exists():
        problems.append(
            Problem(_("The trainer must be a member of this election's cell."), field="trainer")
        )
    known = set(
        Module.objects.filter(election=election, pk__in=data.module_ids).values_list(
            "pk", flat=True
        )
    )
    if known != set(data.module_ids):
        problems.append(Problem(_("Choose modules of this election only."), field="modules"))
    if problems:
        raise InvalidInput(problems)


def _workshop_snapshot(workshop: Workshop) -> dict[str, object]:
    return {
        "title": workshop.title,
        "starts_at": workshop.starts_at,
        "ends_at": workshop.ends_at,
        "trainer": workshop.trainer_id,
        "place": workshop.place,
        "online_url": workshop.online_url,
        "status": workshop.status,
        "modules": sorted(workshop.modules.values_list("pk", flat=True)),
    }


def _write_workshop(workshop: Workshop, data: WorkshopInput) -> None:
    workshop.title, workshop.place = data.title.strip(), data.place.strip()
    workshop.starts_at, workshop.ends_at = data.starts_at, data.ends_at
    workshop.trainer, workshop.online_url = data.trainer, data.online_url.strip()
    workshop.status = data.status
    workshop.save()
    workshop.modules.set(list(data.module_ids))


@transaction.atomic
def create_workshop(
    *, election: Election, data: WorkshopInput, actor: User, source_address: str | None = None
) -> Workshop:
    check_workshop(election=election, data=data, now=clock.now())
    workshop = Workshop(election=election)
    _write_workshop(workshop, data)
    record(
        actor=actor,
        action="training.workshop_created",
        obj=workshop,
        after=_workshop_snapshot(workshop),
        source_address=source_address,
    )
    return workshop


@transaction.atomic
def edit_workshop(
    *, workshop: Workshop, data: WorkshopInput, actor: User, source_address: str | None = None
) -> Workshop:
    workshop = Workshop.objects.select_for_update().select_related("election").get(pk=workshop.pk)
    check_workshop(election=workshop.election, data=data, now=clock.now())
    before = _workshop_snapshot(workshop)
    _write_workshop(workshop, data)
    record(
        actor=actor,
        action="training.workshop_edited",
        obj=workshop,
        before=before,
        after=_workshop_snapshot(workshop),
        source_address=source_address,
    )
    return workshop


@transaction.atomic
def invite(
    *,
    workshop: Workshop,
    actor: User,
    people: Iterable[User] = (),
    desks: Iterable[Desk] = (),
    source_address: str | None = None,
) -> int:
    """Invite ``people`` and everyone with an active role at ``desks``; returns how many were
    newly invited (those already invited stay as they are)."""
    people, desks = list(people), list(desks)
    problems = []
    if workshop.status == Workshop.Status.CANCELLED:
        problems.append(Problem(_("The workshop is cancelled: nobody can be invited."), field=""))
    if any(d.election_id != workshop.election_id for d in desks):
        problems.append(Problem(_("Choose desks of this election only."), field="desks"))
    members = set(
        election_members(workshop.election)
        .filter(pk__in=[p.pk for p in people])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in members for p in people):
        problems.append(
            Problem(_("Only members of this election's cell can be invited."), field="people")
        )
    if not people and not desks:
        problems.append(Problem(_("Choose a desk or people to invite."), field="people"))
    if problems:
        raise InvalidInput(problems)
    ids = members | set(
        Membership.objects.filter(desk__in=desks, desk__is_active=True, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    already = set(
        Attendance.objects.filter(workshop=workshop, member_id__in=ids).values_list(
            "member_id", flat=True
        )
    )
    new = sorted(ids - already)
    Attendance.objects.bulk_create(Attendance(workshop=workshop, member_id=pk) for pk in new)
    if new:
        record(
            actor=actor,
            action="training.invited",
            obj=workshop,
            after={"members": new, "desks": [d.pk for d in desks]},
            source_address=source_address,
        )
    return len(new)


@transaction.atomic
def mark_attendance(
    *,
    workshop: Workshop,
    attended: Mapping[int, bool | None],
    actor: User,
    source_address: str | None = None,
) -> int:
    """Record who came (member id → True, False or None for not known); returns how many
    changed. Only invitees, and only once the workshop has started."""
    problems = []
    if workshop.starts_at > clock.now():
        problems.append(
            Problem(_("Attendance is marked once the workshop has started."), field="attendance")
        )
    if workshop.status == Workshop.Status.CANCELLED:
        problems.append(
            Problem(_("The workshop is cancelled: there is no attendance."), field="attendance")
        )
    rows = {
        a.member_id: a
        for a in Attendance.objects.select_for_update().filter(
            workshop=workshop, member_id__in=list(attended)
        )
    }
    if set(attended) - set(rows):
        problems.append(Problem(_("Mark attendance for invitees only."), field="attendance"))
    if problems:
        raise InvalidInput(problems)
    changed = {pk: value for pk, value in attended.items() if rows[pk].attended != value}
    for pk, value in changed.items():
        rows[pk].attended = value
    Attendance.objects.bulk_update([rows[pk] for pk in changed], ["attended"])
    if changed:
        record(
            actor=actor,
            action="training.attendance_marked",
            obj=workshop,
            after={"attended": {str(pk): v for pk, v in changed.items()}},
            source_address=source_address,
        )
    return len(changed)


# --- reminders ------------------------------------------------------------------------------------


def list_drafters(*, election: Election, desks: Iterable[Desk] | None = None) -> QuerySet[User]:
    """People who may draft posts at an active desk of the election (of ``desks``, if given)."""
    memberships = Membership.objects.filter(
        desk__election=election,
        desk__is_active=True,
        is_active=True,
        role__in=sorted(DRAFTING_ROLES),
    )
    if desks is not None:
        memberships = memberships.filter(desk__in=list(desks))
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)


def _titles(modules: list[Module]) -> str:
    return ", ".join(m.title for m in modules)  # each in the language active when rendered


@transaction.atomic
def remind_untrained(
    *,
    election: Election,
    actor: User | None,
    desks: Iterable[Desk] | None = None,
    source_address: str | None = None,
) -> int:
    """Tell every member who may draft (at ``desks``, or anywhere in the election) and has not
    passed the core modules what is left; returns how many were told. Nobody hears it more
    than once a day, however often this runs (the key names the day in IST)."""
    desks = None if desks is None else list(desks)
    core = list(Module.objects.filter(election=election, is_core=True, is_active=True))
    if not core:
        return 0
    key = f"training-reminder:{election.pk}:{clock.today_ist().isoformat()}"
    reminded_today = Notification.objects.filter(dedupe_key=key).values("recipient_id")
    people = list(list_drafters(election=election, desks=desks).exclude(pk__in=reminded_today))
    passed: dict[int, set[int]] = {}
    for member_id, module_id in Attempt.objects.filter(
        member__in=people, module__in=core, passed=True
    ).values_list("member_id", "module_id"):
        passed.setdefault(member_id, set()).add(module_id)
    groups: dict[tuple[int, ...], list[User]] = {}
    for person in people:
        missing = tuple(m.pk for m in core if m.pk not in passed.get(person.pk, set()))
        if missing:
            groups.setdefault(missing, []).append(person)
    url = reverse("training:mine", args=[election.slug])
    told = 0
    for missing, recipients in groups.items():
        modules = [m for m in core if m.pk in missing]
        created = notify(
            recipients=recipients,
            kind=Kind.TRAINING,
            title=gettext_lazy("Finish your training to send posts for review"),
            body=format_lazy(
                gettext_lazy("Pass these modules: {modules}. Open Training to take them."),
                modules=lazy(_titles, str)(modules),
            ),
            url=url,
            dedupe_key=key,
        )
        told += len(created)
    if told:
        record(
            actor=actor,
            action="training.reminded",
            obj=election,
            after={"told": told, "desks": None if desks is None else [d.pk for d in desks]},
            source_address=source_address,
        )
    return told
