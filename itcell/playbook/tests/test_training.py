"""Training's services: modules with their checks, attempts, the core modules, workshops,
invitations, attendance and reminders. Each refused input names the question or field and
saves nothing; each accepted one leaves an audit event."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from itcell.accounts.models import User
from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.errors import InvalidInput
from itcell.elections.models import Election
from itcell.notifications.models import Kind, Notification
from itcell.organisation import demo as organisation_demo
from itcell.organisation.tests.factories import audited
from itcell.playbook import tasks, training_demo
from itcell.playbook.models import Attempt, Attendance, Choice, Module, Question, Workshop
from itcell.playbook.tests.training_factories import (
    Cell,
    correct_answers,
    module_input,
    pass_module,
    question,
    workshop,
    workshop_input,
)
from itcell.playbook.training import (
    ChoiceInput,
    QuestionInput,
    create_module,
    edit_module,
    edit_workshop,
    invite,
    is_trained,
    mark_attendance,
    missing_core_modules,
    remind_untrained,
    set_core_modules,
    take_check,
)
from itcell.publishing import demo as publishing_demo

pytestmark = pytest.mark.django_db
NOW = datetime(2020, 10, 27, 10, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cell(bihar: Election) -> Cell:
    clock.set_now(NOW)
    return Cell.build(bihar)


def problems(error: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in error.value.problems]


# --- modules ---------------------------------------------------------------------------------


def test_a_module_is_saved_with_its_questions_and_answers(cell: Cell) -> None:
    with audited("training.module_created"):
        module = create_module(
            election=cell.election,
            data=module_input("Misinformation", questions=2),
            actor=cell.trainer,
        )
    assert [q.text_en for q in module.questions.all()] == ["Question 1?", "Question 2?"]
    assert [q.order for q in module.questions.all()] == [1, 2]
    assert Choice.objects.filter(question__module=module).count() == 6
    assert Choice.objects.filter(question__module=module, is_correct=True).count() == 2


def test_a_quiz_without_a_correct_answer_is_refused_and_nothing_is_saved(cell: Cell) -> None:
    no_correct = QuestionInput(
        text_en="What is the silence period?",
        choices=(ChoiceInput("48 hours"), ChoiceInput("24 hours")),
    )
    data = replace(module_input("Rules"), questions=(question(), no_correct))
    modules, questions = Module.objects.count(), Question.objects.count()
    with audited(), pytest.raises(InvalidInput) as error:
        create_module(election=cell.election, data=data, actor=cell.trainer)
    assert problems(error) == [("question-2-correct", "Question 2: mark the correct answer.")]
    assert (Module.objects.count(), Question.objects.count()) == (modules, questions)


def test_every_problem_of_a_module_is_named_by_question_and_field(cell: Cell) -> None:
    data = replace(
        module_input(""),
        pass_mark=0,
        questions=(
            QuestionInput(text_en="", choices=(ChoiceInput("Only one", is_correct=True),)),
            QuestionInput(
                text_en="Two right?",
                choices=(ChoiceInput("a", is_correct=True), ChoiceInput("b", is_correct=True)),
            ),
        ),
    )
    with pytest.raises(InvalidInput) as error:
        create_module(election=cell.election, data=data, actor=cell.trainer)
    assert [field for field, _ in problems(error)] == [
        "title_en",
        "pass_mark",
        "question-1-text_en",
        "question-1-choices",
        "question-2-correct",
    ]


def test_a_module_needs_a_question(cell: Cell) -> None:
    with pytest.raises(InvalidInput) as error:
        create_module(election=cell.election, data=module_input(questions=0), actor=cell.trainer)
    assert problems(error)[0][0] == "question-1-text_en"


def test_editing_a_module_replaces_its_check_and_a_refused_edit_keeps_the_old(cell: Cell) -> None:
    with pytest.raises(InvalidInput):
        edit_module(
            module=cell.rules,
            data=replace(module_input(questions=1), pass_mark=101),
            actor=cell.trainer,
        )
    assert cell.rules.questions.count() == 3
    with audited("training.module_edited"):
        edit_module(
            module=cell.rules, data=module_input("Rules, new", questions=2), actor=cell.trainer
        )
    cell.rules.refresh_from_db()
    assert (cell.rules.title_en, cell.rules.questions.count()) == ("Rules, new", 2)
    assert cell.rules.is_core  # editing keeps the head's choice


# --- checks ----------------------------------------------------------------------------------


def test_a_check_is_scored_and_passes_at_the_pass_mark(cell: Cell) -> None:
    with audited("training.check_taken"):
        failed = take_check(
            module=cell.message, member=cell.writer, answers=correct_answers(cell.message, wrong=2)
        )
    assert (failed.score, failed.passed) == (50, False)
    passed = take_check(
        module=cell.message, member=cell.writer, answers=correct_answers(cell.message, wrong=1)
    )
    assert (passed.score, passed.passed) == (75, True)  # the pass mark is 75%
    assert Attempt.objects.filter(member=cell.writer).count() == 2


def test_a_check_must_answer_every_question_with_its_own_answers(cell: Cell) -> None:
    answers = correct_answers(cell.message)
    first, second = list(answers)[:2]
    partial = {k: v for k, v in answers.items() if k != first}
    with pytest.raises(InvalidInput) as error:
        take_check(module=cell.message, member=cell.writer, answers=partial)
    assert problems(error) == [(f"question_{first}", "Question 1: choose an answer.")]
    crossed = {**answers, first: answers[second]}  # the second question's answer
    with pytest.raises(InvalidInput) as error:
        take_check(module=cell.message, member=cell.writer, answers=crossed)
    assert problems(error)[0][0] == f"question_{first}"
    other = correct_answers(cell.rules)
    with pytest.raises(InvalidInput):
        take_check(module=cell.message, member=cell.writer, answers={**answers, **other})
    assert not Attempt.objects.exists()


# --- the core modules and the gate's query ---------------------------------------------------


def test_missing_core_modules_shrink_as_the_writer_passes_them(cell: Cell) -> None:
    assert missing_core_modules(cell.writer, cell.election) == [cell.message, cell.rules]
    take_check(
        module=cell.message, member=cell.writer, answers=correct_answers(cell.message, wrong=3)
    )
    assert not is_trained(cell.writer, cell.election)
    pass_module(cell.message, cell.writer)
    assert missing_core_modules(cell.writer, cell.election.pk) == [cell.rules]
    pass_module(cell.rules, cell.writer)
    assert is_trained(cell.writer, cell.election)


def test_without_active_core_modules_everyone_is_trained(bihar: Election) -> None:
    cell = Cell.build(bihar, core=False)
    assert is_trained(cell.writer, cell.election)
    set_core_modules(election=cell.election, module_ids=[cell.rules.pk], actor=cell.head)
    assert not is_trained(cell.writer, cell.election)
    edit_module(module=cell.rules, data=module_input(questions=1, is_active=False), actor=cell.head)
    assert is_trained(cell.writer, cell.election)


def test_the_head_sets_exactly_the_core_modules(cell: Cell) -> None:
    with audited("training.core_modules_set"):
        core = set_core_modules(election=cell.election, module_ids=[cell.rules.pk], actor=cell.head)
    assert core == [cell.rules]
    with audited():  # the same choice again changes nothing
        set_core_modules(election=cell.election, module_ids=[cell.rules.pk], actor=cell.head)
    with pytest.raises(InvalidInput):
        set_core_modules(election=cell.election, module_ids=[cell.rules.pk, 10**6], actor=cell.head)
    assert list(Module.objects.filter(is_core=True)) == [cell.rules]


# --- workshops -------------------------------------------------------------------------------


def test_a_workshop_in_the_past_cannot_be_upcoming_and_nothing_is_saved(cell: Cell) -> None:
    with audited(), pytest.raises(InvalidInput) as error:
        workshop(cell, NOW - timedelta(days=1))
    assert problems(error) == [
        (
            "status",
            "A workshop in the past cannot be upcoming: mark it held or cancelled.",
        )
    ]
    assert not Workshop.objects.exists()
    held = workshop(cell, NOW - timedelta(days=1), status=Workshop.Status.HELD)
    assert held.status == "held"


def test_a_workshop_ends_after_it_starts_and_happens_somewhere(cell: Cell) -> None:
    start = NOW + timedelta(days=2)
    with pytest.raises(InvalidInput) as error:
        workshop(cell, start, ends_at=start, place="", online_url="")
    assert [f for f, _ in problems(error)] == ["ends_at", "place"]
    with pytest.raises(InvalidInput) as error:
        workshop(cell, start, status=Workshop.Status.HELD, module_ids=(10**6,))
    assert [f for f, _ in problems(error)] == ["status", "modules"]
    online = workshop(cell, start, place="", online_url="https://meet.example/vip")
    assert online.online_url


def test_editing_a_workshop_is_checked_and_audited(cell: Cell) -> None:
    w = workshop(cell, NOW + timedelta(hours=1), module_ids=(cell.message.pk,))
    clock.set_now(NOW + timedelta(hours=2))
    with pytest.raises(InvalidInput):  # it has started: no longer upcoming
        edit_workshop(
            workshop=w, data=workshop_input(cell.trainer, w.starts_at), actor=cell.trainer
        )
    with audited("training.workshop_edited"):
        edit_workshop(
            workshop=w,
            data=workshop_input(cell.trainer, w.starts_at, status=Workshop.Status.HELD),
            actor=cell.trainer,
        )
    assert Workshop.objects.get().status == "held"


def test_invitations_by_desk_and_by_person_only_for_members(cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    w = workshop(cell, NOW + timedelta(days=1))
    with audited("training.invited"):
        assert invite(workshop=w, actor=cell.trainer, desks=[cell.desk]) == 3
    assert invite(workshop=w, actor=cell.trainer, people=[cell.writer, cell.kasba_writer]) == 1
    stranger = make_user("stranger")
    with pytest.raises(InvalidInput) as error:
        invite(workshop=w, actor=cell.trainer, people=[stranger, cell.head])
    assert problems(error)[0][0] == "people"
    assert Attendance.objects.filter(workshop=w).count() == 4


def test_attendance_only_after_the_start_and_only_for_invitees(cell: Cell) -> None:
    w = workshop(cell, NOW + timedelta(hours=1))
    invite(workshop=w, actor=cell.trainer, people=[cell.writer, cell.lead])
    with pytest.raises(InvalidInput) as error:
        mark_attendance(workshop=w, attended={cell.writer.pk: True}, actor=cell.trainer)
    assert "started" in problems(error)[0][1]
    clock.set_now(NOW + timedelta(hours=1, minutes=5))
    with pytest.raises(InvalidInput):
        mark_attendance(workshop=w, attended={cell.kasba_writer.pk: True}, actor=cell.trainer)
    with audited("training.attendance_marked"):
        changed = mark_attendance(
            workshop=w,
            attended={cell.writer.pk: True, cell.lead.pk: False},
            actor=cell.trainer,
        )
    assert changed == 2
    assert dict(Attendance.objects.values_list("member__username", "attended")) == {
        "writer": True,
        "lead": False,
    }


# --- reminders -------------------------------------------------------------------------------


def reminded() -> set[str]:
    return set(
        Notification.objects.filter(kind=Kind.TRAINING).values_list(
            "recipient__username", flat=True
        )
    )


def test_reminders_go_to_untrained_drafters_once_a_day(cell: Cell) -> None:
    pass_module(cell.message, cell.lead)
    pass_module(cell.rules, cell.lead)
    with audited("notification.created", "training.reminded"):
        told = remind_untrained(election=cell.election, actor=cell.trainer)
    # The analyst and the trainers do not draft; the lead is trained.
    assert reminded() == {"head", "writer", "writer.kasba"}
    assert told == 3
    note = Notification.objects.get(recipient=cell.writer)
    assert "The party's message" in note.body
    assert "Election rules for posts" in note.body
    assert note.url == f"/training/{cell.election.slug}/"
    Notification.objects.update(read_at=NOW)  # read, and still not again today
    assert remind_untrained(election=cell.election, actor=cell.trainer) == 0
    clock.set_now(NOW + timedelta(days=1))
    assert remind_untrained(election=cell.election, actor=None, desks=[cell.desk]) == 1
    assert Notification.objects.filter(recipient=cell.writer).count() == 2


def test_no_reminders_without_core_modules(bihar: Election) -> None:
    Cell.build(bihar, core=False)
    assert remind_untrained(election=bihar, actor=None) == 0
    assert not Notification.objects.exists()


def test_the_daily_job_reminds_in_every_election_under_way(cell: Cell) -> None:
    cell.election.counting_date = NOW.date() + timedelta(days=10)
    cell.election.save(update_fields=["counting_date"])
    tasks.remind_untrained_members.call()
    assert reminded() == {"head", "writer", "writer.kasba", "lead"}


# --- the demo --------------------------------------------------------------------------------


def test_the_demo_trains_everyone_but_the_bahadurganj_writer(bihar: Election) -> None:
    clock.set_now(NOW)
    organisation_demo.build(
        election=bihar, password="x-demo-password-1", first_day=date(2020, 10, 26)
    )
    publishing_demo.build(election=bihar)  # writer.bahadurganj sent posts before the gate
    training_demo.build(election=bihar)
    training_demo.build(election=bihar)  # idempotent
    assert Module.objects.filter(election=bihar).count() == 3
    assert Module.objects.filter(election=bihar, is_core=True).count() == 2
    assert list(Workshop.objects.order_by("starts_at").values_list("status", flat=True)) == [
        "held",
        "upcoming",
    ]
    writer = User.objects.get(username="writer.bahadurganj")
    assert [m.title_en for m in missing_core_modules(writer, bihar)] == [
        "The party's message",
        "Election rules for posts: MCC, silence period, MCMC",
    ]
    for username in ("head", "lead.bahadurganj", "spokesperson", "trainer"):
        assert is_trained(User.objects.get(username=username), bihar)
    assert Attendance.objects.filter(member=writer, workshop__status="held").get().attended is False
    assert Attendance.objects.filter(member=writer, workshop__status="upcoming").exists()
