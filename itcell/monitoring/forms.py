from typing import Any

from django.forms import CharField, ChoiceField, Form, ModelChoiceField, Textarea
from django.utils.translation import gettext_lazy as _

from itcell.elections.models import Election
from itcell.monitoring.models import Claim
from itcell.playbook.models import TalkingPoint


class ClaimForm(Form):
    kind = ChoiceField(label=_("Kind"), choices=Claim.Kind.choices)
    summary = CharField(label=_("Summary (for the cell)"), max_length=200)
    forms = CharField(
        label=_("How people write it"),
        widget=Textarea(attrs={"rows": 4}),
        help_text=_(
            "One form per line: in Hindi, in Hindi typed in Latin letters, in English. New "
            "items are matched against each line."
        ),
    )
    answer_hi = CharField(
        label=_("Our answer (Hindi)"), required=False, widget=Textarea(attrs={"rows": 3})
    )
    answer_en = CharField(
        label=_("Our answer (English)"), required=False, widget=Textarea(attrs={"rows": 3})
    )
    talking_point = ModelChoiceField(
        label=_("Talking point"), queryset=TalkingPoint.objects.none(), required=False
    )

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["talking_point"].queryset = TalkingPoint.objects.filter(  # type: ignore[attr-defined]
            election=election, is_active=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Claim.Kind.MISINFORMATION and not (
            data.get("answer_hi", "").strip() or data.get("answer_en", "").strip()
        ):
            self.add_error(
                "answer_hi",
                _("Misinformation needs our answer, in Hindi or English: responses start from it."),
            )
        return data
