"""Forms of the training screens. They parse what a person typed and hand it to
``playbook.training``, which decides; its problems come back next to their field.

The module editor works without JavaScript: a module with a number of question slots (the
"Add a question" button posts the form back with one more), each with up to ``CHOICES``
answers and a radio button for the correct one. Trailing empty slots are ignored; any other
slot is question number N, as the service numbers them.
"""

import contextlib
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from itcell.accounts.models import User
from itcell.core.errors import Problem
from itcell.organisation.forms import ISTDateTimeField, PeopleField, PersonField
from itcell.organisation.models import Desk
from itcell.playbook.models import Module, Workshop
from itcell.playbook.training import (
    ChoiceInput,
    ModuleInput,
    QuestionInput,
    WorkshopInput,
    question_field,
)

CHOICES = 4  # answers offered per question on the editor
MIN_SLOTS, MAX_SLOTS = 3, 30


def _text(label: Any, *, rows: int = 0, required: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=required, widget=widget, strip=True)


def choice_field(number: int, choice: int, language: str) -> str:
    return f"question-{number}-choice-{choice}-text_{language}"


class ModuleForm(forms.Form):
    title_en = _text(_("Title (English)"))
    title_hi = _text(_("Title (Hindi)"))
    content_en = _text(_("Content (English)"), rows=8)
    content_hi = _text(_("Content (Hindi)"), rows=8)
    pass_mark = forms.IntegerField(
        label=_("Pass mark (%)"), initial=80, help_text=_("From 1 to 100.")
    )
    order = forms.IntegerField(label=_("Order"), initial=0, min_value=0, max_value=32000)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    slots = forms.IntegerField(widget=forms.HiddenInput, min_value=MIN_SLOTS, max_value=MAX_SLOTS)

    def __init__(self, *args: Any, slots: int = MIN_SLOTS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            with contextlib.suppress(TypeError, ValueError):
                slots = int(self.data.get("slots", slots))
            if "more" in self.data:
                slots += 1
        self.slot_count = min(max(slots, MIN_SLOTS), MAX_SLOTS)
        self.initial["slots"] = self.slot_count
        if self.is_bound:
            data = cast(QueryDict, self.data).copy()
            data["slots"] = str(self.slot_count)
            self.data = data
        for n in range(1, self.slot_count + 1):
            self.fields[question_field(n, "text_en")] = _text(
                _("Question %(n)d (English)") % {"n": n}
            )
            self.fields[question_field(n, "text_hi")] = _text(
                _("Question %(n)d (Hindi)") % {"n": n}
            )
            for c in range(1, CHOICES + 1):
                self.fields[choice_field(n, c, "en")] = _text(
                    _("Answer %(c)d (English)") % {"c": c}
                )
                self.fields[choice_field(n, c, "hi")] = _text(_("Answer %(c)d (Hindi)") % {"c": c})
            self.fields[question_field(n, "correct")] = forms.ChoiceField(
                label=_("Correct answer of question %(n)d") % {"n": n},
                choices=[(str(c), _("Answer %(c)d") % {"c": c}) for c in range(1, CHOICES + 1)],
                widget=forms.RadioSelect,
                required=False,
            )

    @classmethod
    def initial_for(cls, module: Module) -> tuple[dict[str, Any], int]:
        """The editor's initial values for ``module``, and its number of slots."""
        initial: dict[str, Any] = {
            name: getattr(module, name)
            for name in (
                "title_en",
                "title_hi",
                "content_en",
                "content_hi",
                "pass_mark",
                "order",
                "is_active",
            )
        }
        questions = list(module.questions.all())
        for n, question in enumerate(questions, start=1):
            initial[question_field(n, "text_en")] = question.text_en
            initial[question_field(n, "text_hi")] = question.text_hi
            for c, choice in enumerate(question.choices.all()[:CHOICES], start=1):
                initial[choice_field(n, c, "en")] = choice.text_en
                initial[choice_field(n, c, "hi")] = choice.text_hi
                if choice.is_correct:
                    initial[question_field(n, "correct")] = str(c)
        return initial, max(MIN_SLOTS, len(questions) + 1)

    def question_slots(self) -> list[dict[str, Any]]:
        """Each slot's bound fields, for the template (one fieldset per question)."""
        return [
            {
                "number": n,
                "text_en": self[question_field(n, "text_en")],
                "text_hi": self[question_field(n, "text_hi")],
                "choices": [
                    (self[choice_field(n, c, "en")], self[choice_field(n, c, "hi")])
                    for c in range(1, CHOICES + 1)
                ],
                "correct": self[question_field(n, "correct")],
            }
            for n in range(1, self.slot_count + 1)
        ]

    def module_input(self) -> ModuleInput:
        data = self.cleaned_data
        questions = []
        for n in range(1, self.slot_count + 1):
            correct = data.get(question_field(n, "correct")) or ""
            choices = tuple(
                ChoiceInput(
                    text_en=data.get(choice_field(n, c, "en"), ""),
                    text_hi=data.get(choice_field(n, c, "hi"), ""),
                    is_correct=correct == str(c),
                )
                for c in range(1, CHOICES + 1)
                if data.get(choice_field(n, c, "en")) or data.get(choice_field(n, c, "hi"))
            )
            questions.append(
                QuestionInput(
                    text_en=data.get(question_field(n, "text_en"), ""),
                    text_hi=data.get(question_field(n, "text_hi"), ""),
                    choices=choices,
                )
            )
        while questions and not (
            questions[-1].text_en or questions[-1].text_hi or questions[-1].choices
        ):
            questions.pop()
        return ModuleInput(
            title_en=data["title_en"],
            title_hi=data["title_hi"],
            content_en=data["content_en"],
            content_hi=data["content_hi"],
            pass_mark=data["pass_mark"],
            order=data["order"],
            is_active=data["is_active"],
            questions=tuple(questions),
        )

    def add_problems(self, problems: Iterable[Problem]) -> None:
        """A question's problem about its answers goes next to its first answer."""
        for problem in problems:
            name = problem.field
            if name.endswith("-choices"):
                name = choice_field(int(name.split("-")[1]), 1, "en")
            self.add_error(name if name in self.fields else None, problem.message)


class CoreForm(forms.Form):
    modules = forms.ModelMultipleChoiceField(
        label=_("Core modules"),
        queryset=Module.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A member sends posts for review only after passing every core module."),
    )

    def __init__(self, *args: Any, modules: QuerySet[Module], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["modules"]).queryset = modules


class CheckForm(forms.Form):
    """A module's check: one radio group per question, named by the question's id."""

    def __init__(self, *args: Any, module: Module, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, question in enumerate(module.questions.all(), start=1):
            self.fields[f"question_{question.pk}"] = forms.TypedChoiceField(
                label=_("Question %(n)d: %(text)s") % {"n": n, "text": question.text},
                choices=[(c.pk, c.text) for c in question.choices.all()],
                coerce=int,
                widget=forms.RadioSelect,
                required=False,  # the service names every unanswered question
            )

    def answers(self) -> dict[int, int]:
        return {
            int(name.removeprefix("question_")): value
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = ISTDateTimeField(label=_("Starts (IST)"))
    ends_at = ISTDateTimeField(label=_("Ends (IST)"))
    trainer = PersonField(label=_("Trainer"), queryset=User.objects.none())
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("For example: Party office, Patna."),
    )
    online_url = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https", max_length=200
    )
    modules = forms.ModelMultipleChoiceField(
        label=_("Modules covered"),
        queryset=Module.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), choices=Workshop.Status.choices)

    def __init__(
        self, *args: Any, people: QuerySet[User], modules: QuerySet[Module], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(PersonField, self.fields["trainer"]).queryset = people
        cast(forms.ModelMultipleChoiceField, self.fields["modules"]).queryset = modules

    @classmethod
    def initial_for(cls, workshop: Workshop) -> dict[str, Any]:
        return {
            "title": workshop.title,
            "starts_at": workshop.starts_at,
            "ends_at": workshop.ends_at,
            "trainer": workshop.trainer_id,
            "place": workshop.place,
            "online_url": workshop.online_url,
            "modules": list(workshop.modules.all()),
            "status": workshop.status,
        }

    def workshop_input(self) -> WorkshopInput:
        data = self.cleaned_data
        return WorkshopInput(
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            trainer=data["trainer"],
            place=data["place"],
            online_url=data["online_url"],
            module_ids=tuple(m.pk for m in data["modules"]),
            status=data["status"],
        )


class DeskChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class InviteForm(forms.Form):
    desks = DeskChoiceField(
        label=_("Everyone at these desks"),
        queryset=Desk.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    people = PeopleField(
        label=_("These people"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(
        self, *args: Any, desks: QuerySet[Desk], people: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(DeskChoiceField, self.fields["desks"]).queryset = desks
        cast(PeopleField, self.fields["people"]).queryset = people


ATTENDED = {"": None, "yes": True, "no": False}


class AttendanceForm(forms.Form):
    """One select per invitee: not marked yet, came, did not come."""

    def __init__(self, *args: Any, invitees: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitees = list(invitees)  # Attendance rows
        for row in self.invitees:
            self.fields[f"member_{row.member_id}"] = forms.ChoiceField(
                label=str(row.member),
                choices=[("", _("Not marked")), ("yes", _("Came")), ("no", _("Did not come"))],
                required=False,
                initial={None: "", True: "yes", False: "no"}[row.attended],
            )

    def attended(self) -> dict[int, bool | None]:
        return {
            int(name.removeprefix("member_")): ATTENDED[value]
            for name, value in self.cleaned_data.items()
        }
