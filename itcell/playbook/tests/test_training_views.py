"""The training screens through Django's test client: who may open what (a refusal is a
404, the same as a missing object), the module editor and the check as forms, the trainer's
board and its reminders, workshops with invitations and attendance."""

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from itcell.accounts.models import User
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.notifications.models import Kind, Notification
from itcell.playbook.models import Attempt, Attendance, Module, Workshop
from itcell.playbook.tests.training_factories import Cell, correct_answers, pass_module, workshop

pytestmark = pytest.mark.django_db
NOW = datetime(2020, 10, 20, 10, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def cell(bihar: Election) -> Cell:
    clock.set_now(NOW)
    return Cell.build(bihar)


def url(cell: Cell, name: str, *args: object) -> str:
    return reverse(f"training:{name}", args=[cell.election.slug, *args])


def as_(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- who may open what ---------------------------------------------------------------------------


def test_every_member_takes_modules_and_sees_their_own_training(cell: Cell, client: Client) -> None:
    as_(client, cell.analyst)
    page = client.get(url(cell, "mine")).content.decode()
    assert "The party&#x27;s message" in page
    assert client.get(url(cell, "module", cell.message.pk)).status_code == 200
    for name in ("board", "modules", "new_module", "workshops", "new_workshop"):
        assert client.get(url(cell, name)).status_code == 404, name
    assert client.post(url(cell, "remind")).status_code == 404
    assert client.post(url(cell, "set_core"), {"modules": []}).status_code == 404
    assert Module.objects.filter(is_core=True).count() == 2


def test_someone_without_a_role_sees_nothing(cell: Cell, client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    as_(client, make_user("stranger"))
    assert client.get(url(cell, "mine")).status_code == 404
    assert client.get(url(cell, "module", cell.message.pk)).status_code == 404


def test_a_trainer_runs_training_but_only_the_head_sets_the_core(
    cell: Cell, client: Client
) -> None:
    as_(client, cell.trainer)
    for name in ("board", "modules", "new_module", "workshops", "new_workshop"):
        assert client.get(url(cell, name)).status_code == 200, name
    assert "Save core modules" not in client.get(url(cell, "modules")).content.decode()
    assert client.post(url(cell, "set_core"), {"modules": []}).status_code == 404
    as_(client, cell.head)
    response = client.post(url(cell, "set_core"), {"modules": [cell.rules.pk]})
    assert response.status_code == 302
    assert list(Module.objects.filter(is_core=True)) == [cell.rules]


def test_a_district_trainer_sees_only_their_districts_desks(cell: Cell, client: Client) -> None:
    as_(client, cell.district_trainer)
    page = client.get(url(cell, "board")).content.decode()
    assert 'data-user="writer"' in page  # Bahadurganj is in Kishanganj district
    assert 'data-user="writer.kasba"' not in page  # Kasba is in Purnia
    purnia = cell.kasba.district_id
    assert client.get(url(cell, "board") + f"?district={purnia}").status_code == 404
    assert client.get(url(cell, "board") + f"?desk={cell.kasba.pk}").status_code == 404
    as_(client, cell.trainer)  # at HQ: the whole state
    page = client.get(url(cell, "board") + f"?district={purnia}").content.decode()
    assert 'data-user="writer.kasba"' in page
    assert 'data-user="writer"' not in page


def test_an_inactive_module_is_hidden_from_members(cell: Cell, client: Client) -> None:
    Module.objects.filter(pk=cell.rules.pk).update(is_active=False)
    assert as_(client, cell.writer).get(url(cell, "module", cell.rules.pk)).status_code == 404
    assert as_(client, cell.trainer).get(url(cell, "module", cell.rules.pk)).status_code == 200


# --- the check ---------------------------------------------------------------------------------


def test_taking_a_check_scores_it_and_shows_the_result(cell: Cell, client: Client) -> None:
    as_(client, cell.writer)
    answers = correct_answers(cell.message, wrong=2)
    data = {f"question_{q}": c for q, c in answers.items()}
    page = client.post(url(cell, "module", cell.message.pk), data, follow=True).content.decode()
    assert "Not passed: 50%; the pass mark is 75%" in page
    answers = correct_answers(cell.message)
    data = {f"question_{q}": c for q, c in answers.items()}
    page = client.post(url(cell, "module", cell.message.pk), data, follow=True).content.decode()
    assert "Passed with 100%" in page
    assert Attempt.objects.filter(member=cell.writer).count() == 2


def test_an_unanswered_question_is_named_and_nothing_is_scored(cell: Cell, client: Client) -> None:
    as_(client, cell.writer)
    answers = correct_answers(cell.message)
    first = next(iter(answers))
    data = {f"question_{q}": c for q, c in answers.items() if q != first}
    page = client.post(url(cell, "module", cell.message.pk), data).content.decode()
    assert "Question 1: choose an answer." in page
    assert not Attempt.objects.exists()


# --- the module editor -------------------------------------------------------------------------


def editor_data(**changes: str) -> dict[str, str]:
    data = {
        "title_en": "Misinformation",
        "title_hi": "ग़लत सूचना",
        "content_en": "Do not repeat a false claim.",
        "content_hi": "",
        "pass_mark": "60",
        "order": "2",
        "is_active": "on",
        "slots": "3",
        "question-1-text_en": "First?",
        "question-1-choice-1-text_en": "Forward it to the tipline",
        "question-1-choice-2-text_en": "Share it",
        "question-1-correct": "1",
        "question-2-text_en": "Second?",
        "question-2-choice-1-text_en": "Rumours",
        "question-2-choice-2-text_en": "Sources",
        "question-2-correct": "2",
    }
    data.update(changes)
    return data


def test_the_module_editor_saves_a_module_with_its_check(cell: Cell, client: Client) -> None:
    as_(client, cell.trainer)
    response = client.post(url(cell, "new_module"), editor_data())
    assert response.status_code == 302
    module = Module.objects.get(title_en="Misinformation")
    assert [[c.is_correct for c in q.choices.all()] for q in module.questions.all()] == [
        [True, False],
        [False, True],
    ]
    page = client.get(url(cell, "edit_module", module.pk)).content.decode()
    assert 'value="Sources"' in page


def test_a_quiz_without_a_correct_answer_is_refused_on_the_editor(
    cell: Cell, client: Client
) -> None:
    as_(client, cell.trainer)
    data = editor_data()
    del data["question-2-correct"]
    page = client.post(url(cell, "new_module"), data).content.decode()
    assert "The module was not saved" in page
    assert "Question 2: mark the correct answer." in page
    assert not Module.objects.filter(title_en="Misinformation").exists()


def test_add_a_question_shows_one_more_slot_without_saving(cell: Cell, client: Client) -> None:
    as_(client, cell.trainer)
    page = client.post(url(cell, "new_module"), {**editor_data(), "more": "1"}).content.decode()
    assert 'name="question-4-text_en"' in page
    assert not Module.objects.filter(title_en="Misinformation").exists()


# --- the board and reminders -------------------------------------------------------------------


def test_the_board_counts_who_is_trained(cell: Cell, client: Client) -> None:
    as_(client, cell.trainer)
    desk = f"?desk={cell.desk.pk}"
    assert "0 of 2 writers trained (0%)" in client.get(url(cell, "board") + desk).content.decode()
    pass_module(cell.message, cell.writer)
    pass_module(cell.rules, cell.writer)
    page = client.get(url(cell, "board") + desk).content.decode()
    assert "1 of 2 writers trained (50%)" in page


def test_reminders_from_the_board_reach_the_untrained_of_the_trainers_area(
    cell: Cell, client: Client
) -> None:
    as_(client, cell.district_trainer)
    response = client.post(url(cell, "remind"), follow=True)
    assert "Reminders sent to 2 members." in response.content.decode()
    assert set(
        Notification.objects.filter(kind=Kind.TRAINING).values_list(
            "recipient__username", flat=True
        )
    ) == {"writer", "lead"}
    page = client.post(url(cell, "remind"), follow=True).content.decode()
    assert "Nobody to remind" in page


# --- workshops ---------------------------------------------------------------------------------


def workshop_data(**changes: str) -> dict[str, str]:
    return {
        "title": "Message workshop",
        "starts_at": "2020-10-22T11:00",
        "ends_at": "2020-10-22T13:00",
        "trainer": "",
        "place": "Party office, Patna",
        "online_url": "",
        "status": "upcoming",
        **changes,
    }


def test_a_workshop_in_the_past_marked_upcoming_is_refused_on_the_form(
    cell: Cell, client: Client
) -> None:
    as_(client, cell.trainer)
    data = workshop_data(
        trainer=str(cell.trainer.pk), starts_at="2020-10-19T11:00", ends_at="2020-10-19T13:00"
    )
    page = client.post(url(cell, "new_workshop"), data).content.decode()
    assert "A workshop in the past cannot be upcoming: mark it held or cancelled." in page
    assert not Workshop.objects.exists()
    response = client.post(url(cell, "new_workshop"), {**data, "status": "held"})
    assert response.status_code == 302


def test_invite_a_desk_then_mark_attendance_after_the_start(cell: Cell, client: Client) -> None:
    w = workshop(cell, NOW + timedelta(hours=1))
    as_(client, cell.trainer)
    page = url(cell, "workshop", w.pk)
    client.post(page, {"invite": "1", "desks": [cell.desk.pk]})
    assert Attendance.objects.filter(workshop=w).count() == 3
    assert "Save attendance" not in client.get(page).content.decode()
    clock.set_now(NOW + timedelta(hours=2))
    data = {"attendance": "1", f"member_{cell.writer.pk}": "yes", f"member_{cell.lead.pk}": "no"}
    client.post(page, data)
    assert Attendance.objects.get(workshop=w, member=cell.writer).attended is True
    assert Attendance.objects.get(workshop=w, member=cell.lead).attended is False
    as_(client, cell.writer)
    assert client.get(page).status_code == 404


def test_my_training_lists_the_workshops_i_am_invited_to(cell: Cell, client: Client) -> None:
    w = workshop(cell, NOW + timedelta(days=1), online_url="https://meet.example/vip")
    Attendance.objects.create(workshop=w, member=cell.writer)
    page = as_(client, cell.writer).get(url(cell, "mine")).content.decode()
    assert "Carrying the message" in page
    assert "https://meet.example/vip" in page
