"""Test data for training, built through the services (factories, not fixture files)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from itcell.accounts.models import User
from itcell.elections.models import Election
from itcell.organisation.models import Desk
from itcell.organisation.roles import Role
from itcell.organisation.services import create_desks
from itcell.organisation.tests.factories import desk as desk_at
from itcell.organisation.tests.factories import person
from itcell.playbook.models import Attempt, Module, Workshop
from itcell.playbook.training import (
    ChoiceInput,
    ModuleInput,
    QuestionInput,
    WorkshopInput,
    create_module,
    create_workshop,
    set_core_modules,
    take_check,
)


def question(text: str = "Which is right?", correct: int = 0, answers: int = 3) -> QuestionInput:
    return QuestionInput(
        text_en=text,
        text_hi="कौन सा सही है?",
        choices=tuple(
            ChoiceInput(text_en=f"Answer {n + 1}", is_correct=n == correct) for n in range(answers)
        ),
    )


def module_input(
    title: str = "The party's message", questions: int = 4, **changes: object
) -> ModuleInput:
    data = {
        "title_en": title,
        "title_hi": "पार्टी का संदेश",
        "content_en": "What we say and why.",
        "pass_mark": 75,
        "questions": tuple(question(f"Question {n}?") for n in range(1, questions + 1)),
        **changes,
    }
    return ModuleInput(**data)  # type: ignore[arg-type]


def correct_answers(module: Module, *, wrong: int = 0) -> dict[int, int]:
    """Answers to ``module``'s check: all correct but the first ``wrong`` questions."""
    answers = {}
    for n, q in enumerate(module.questions.prefetch_related("choices")):
        choices = list(q.choices.all())
        pick = next(c for c in choices if c.is_correct == (n >= wrong))
        answers[q.pk] = pick.pk
    return answers


def pass_module(module: Module, member: User) -> Attempt:
    return take_check(module=module, member=member, answers=correct_answers(module))


@dataclass
class Cell:
    """Bihar with its desks: the head and a trainer at HQ; at Bahadurganj (AC 52) a writer
    and a desk lead; at Kasba (AC 58, Purnia) a writer; a trainer at the Kishanganj district
    desk (whose area holds AC 52 but not AC 58); an analyst at AC 52 (who does not draft);
    two modules, both core."""

    election: Election
    hq: Desk
    desk: Desk
    kasba: Desk
    head: User
    trainer: User
    district_trainer: User
    writer: User
    lead: User
    kasba_writer: User
    analyst: User
    message: Module
    rules: Module

    @classmethod
    def build(cls, election: Election, *, core: bool = True) -> "Cell":
        create_desks(election=election)
        hq, desk, kasba = desk_at(election, "hq"), desk_at(election, 52), desk_at(election, 58)
        head = person("head", hq, Role.HEAD)
        message = create_module(election=election, data=module_input(), actor=head)
        rules = create_module(
            election=election,
            data=module_input("Election rules for posts", questions=3, order=1),
            actor=head,
        )
        if core:
            set_core_modules(election=election, module_ids=[message.pk, rules.pk], actor=head)
        return cls(
            election=election,
            hq=hq,
            desk=desk,
            kasba=kasba,
            head=head,
            trainer=person("trainer", hq, Role.TRAINER),
            district_trainer=person(
                "trainer.kishanganj", desk_at(election, "KISHANGANJ"), Role.TRAINER
            ),
            writer=person("writer", desk, Role.WRITER),
            lead=person("lead", desk, Role.DESK_LEAD),
            kasba_writer=person("writer.kasba", kasba, Role.WRITER),
            analyst=person("analyst", desk, Role.ANALYST),
            message=message,
            rules=rules,
        )


def workshop_input(trainer: User, starts_at: datetime, **changes: object) -> WorkshopInput:
    data = {
        "title": "Carrying the message",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "trainer": trainer,
        "place": "Party office, Patna",
        **changes,
    }
    return WorkshopInput(**data)  # type: ignore[arg-type]


def workshop(cell: Cell, starts_at: datetime, **changes: object) -> Workshop:
    return create_workshop(
        election=cell.election,
        data=workshop_input(cell.trainer, starts_at, **changes),
        actor=cell.trainer,
    )
