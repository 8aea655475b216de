"""Forms of the playbook screens: they parse what a person typed and hand it to a service,
which decides; its problems go back onto the form (``organisation.forms.add_problems``)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from itcell.elections.models import AssemblyConstituency, Election, Phase
from itcell.playbook.models import CalendarDay, Guidance, PostTemplate, TalkingPoint, Theme
from itcell.playbook.services import (
    DayInput,
    Fact,
    GuidanceInput,
    PointInput,
    TemplateInput,
    ThemeInput,
)
from itcell.playbook.templating import VARIABLES

MAX_FACTS = 20
SPARE_FACT_ROWS = 2


class PointForm(forms.Form):
    """A talking point as proposed, with its facts as numbered rows (``fact_en_1``,
    ``fact_hi_1``, ``source_1``, …): the current facts and two empty rows."""

    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    title_hi = forms.CharField(label=_("Title (Hindi)"), max_length=200, required=False)
    summary_en = forms.CharField(
        label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_hi = forms.CharField(
        label=_("Summary (Hindi)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label=_("Why the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For the reviewer: what changed and why."),
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        election: Election,
        facts: list[dict[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(election=election)  # type: ignore[attr-defined]
        posted = 0
        if self.is_bound:
            posted = max(
                (
                    int(key[7:])
                    for key in self.data
                    if key.startswith("source_") and key[7:].isdigit()
                ),
                default=0,
            )
        facts = facts or []
        rows = min(MAX_FACTS, max(posted, len(facts) + SPARE_FACT_ROWS))
        self.fact_rows = []
        for n in range(1, rows + 1):
            known = facts[n - 1] if n <= len(facts) else {}
            names = (f"fact_en_{n}", f"fact_hi_{n}", f"source_{n}")
            self.fields[names[0]] = forms.CharField(
                label=_("Fact %(n)d (English)") % {"n": n},
                required=False,
                max_length=500,
                initial=known.get("fact_en", ""),
            )
            self.fields[names[1]] = forms.CharField(
                label=_("Fact %(n)d (Hindi)") % {"n": n},
                required=False,
                max_length=500,
                initial=known.get("fact_hi", ""),
            )
            self.fields[names[2]] = forms.CharField(
                label=_("Source of fact %(n)d (link)") % {"n": n},
                required=False,
                max_length=500,
                initial=known.get("source", ""),
                widget=forms.URLInput,
            )
            self.fact_rows.append((n, [self[name] for name in names]))

    @staticmethod
    def initial_for(point: TalkingPoint) -> dict[str, Any]:
        return {
            "theme": point.theme_id,
            "title_en": point.title_en,
            "title_hi": point.title_hi,
            "summary_en": point.summary_en,
            "summary_hi": point.summary_hi,
            "based_on": point.version,
        }

    def point_input(self) -> PointInput:
        data = self.cleaned_data
        facts = tuple(
            Fact(
                fact_en=data.get(f"fact_en_{n}", ""),
                fact_hi=data.get(f"fact_hi_{n}", ""),
                source=data.get(f"source_{n}", ""),
            )
            for n, _fields in self.fact_rows
        )
        return PointInput(
            title_en=data["title_en"],
            title_hi=data.get("title_hi", ""),
            summary_en=data.get("summary_en", ""),
            summary_hi=data.get("summary_hi", ""),
            theme_id=data["theme"].pk if data.get("theme") else None,
            facts=facts,
        )


class DecideForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ThemeForm(forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    title_hi = forms.CharField(label=_("Title (Hindi)"), max_length=200, required=False)
    summary_en = forms.CharField(
        label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_hi = forms.CharField(
        label=_("Summary (Hindi)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)

    @staticmethod
    def initial_for(theme: Theme) -> dict[str, Any]:
        return {
            f: getattr(theme, f)
            for f in ("title_en", "title_hi", "summary_en", "summary_hi", "order")
        }

    def theme_input(self) -> ThemeInput:
        return ThemeInput(**self.cleaned_data)


class GuidanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Guidance.Kind.choices)
    text_en = forms.CharField(label=_("Text (English)"), max_length=300, required=False)
    text_hi = forms.CharField(label=_("Text (Hindi)"), max_length=300, required=False)
    reason_en = forms.CharField(label=_("Why (English)"), max_length=300, required=False)
    reason_hi = forms.CharField(label=_("Why (Hindi)"), max_length=300, required=False)
    applies = forms.ChoiceField(
        label=_("Required on"),
        choices=Guidance.Applies.choices,
        initial=Guidance.Applies.ALWAYS,
        help_text=_("For a disclaimer: on every post, or on paid promotion only."),
    )

    @staticmethod
    def initial_for(line: Guidance) -> dict[str, Any]:
        return {
            f: getattr(line, f)
            for f in ("kind", "text_en", "text_hi", "reason_en", "reason_hi", "applies")
        }

    def guidance_input(self) -> GuidanceInput:
        return GuidanceInput(**self.cleaned_data)


def variables_help() -> str:
    return ", ".join(f"{{{name}}}" for name in VARIABLES)


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    talking_point = forms.ModelChoiceField(
        label=_("Talking point"), queryset=TalkingPoint.objects.none(), required=False
    )
    text_hi = forms.CharField(
        label=_("Text in Hindi"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    text_en = forms.CharField(
        label=_("Text in English"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    is_active = forms.BooleanField(label=_("Offered in the composer"), required=False, initial=True)

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["talking_point"].queryset = TalkingPoint.objects.filter(  # type: ignore[attr-defined]
            election=election, is_active=True
        )

    @staticmethod
    def initial_for(template: PostTemplate) -> dict[str, Any]:
        return {
            "name": template.name,
            "talking_point": template.talking_point_id,
            "text_hi": template.text_hi,
            "text_en": template.text_en,
            "is_active": template.is_active,
        }

    def template_input(self) -> TemplateInput:
        data = self.cleaned_data
        return TemplateInput(
            name=data["name"],
            text_hi=data.get("text_hi", ""),
            text_en=data.get("text_en", ""),
            talking_point_id=data["talking_point"].pk if data.get("talking_point") else None,
            is_active=data.get("is_active", False),
        )


class ACChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} {obj.name}"


class PreviewForm(forms.Form):
    """The template form's preview: its texts filled for one constituency."""

    ac = ACChoice(label=_("Preview for"), queryset=AssemblyConstituency.objects.none())
    text_hi = forms.CharField(required=False)
    text_en = forms.CharField(required=False)

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ac"].queryset = AssemblyConstituency.objects.filter(  # type: ignore[attr-defined]
            state_id=election.state_id
        ).select_related("district")


class PhaseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(_("Phase %(n)d") % {"n": obj.number})


class DayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    phase = PhaseChoice(
        label=_("Phase"),
        queryset=Phase.objects.none(),
        required=False,
        empty_label=_("Every phase"),
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none())
    note_en = forms.CharField(label=_("Note (English)"), max_length=300, required=False)
    note_hi = forms.CharField(label=_("Note (Hindi)"), max_length=300, required=False)

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = Phase.objects.filter(election=election)  # type: ignore[attr-defined]
        self.fields["theme"].queryset = Theme.objects.filter(election=election)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(day: CalendarDay) -> dict[str, Any]:
        return {
            "date": day.date,
            "phase": day.phase_id,
            "theme": day.theme_id,
            "note_en": day.note_en,
            "note_hi": day.note_hi,
        }

    def day_input(self) -> DayInput:
        data = self.cleaned_data
        return DayInput(
            date=data["date"],
            theme_id=data["theme"].pk,
            phase_id=data["phase"].pk if data.get("phase") else None,
            note_en=data.get("note_en", ""),
            note_hi=data.get("note_hi", ""),
        )
