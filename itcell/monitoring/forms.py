from typing import Any

from django.forms import (
    CharField,
    ChoiceField,
    FileField,
    Form,
    ModelChoiceField,
    Textarea,
    URLField,
    ValidationError,
)
from django.utils.translation import gettext_lazy as _

from itcell.elections.models import Election
from itcell.monitoring.models import Claim
from itcell.monitoring.tipline import MAX_SCREENSHOT_BYTES, screenshot_problem
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


class TipForm(Form):
    """What a member forwards: a link, a text, a screenshot (at least one), and where they
    saw it. The screenshot is checked by its bytes, not its name."""

    url = URLField(label=_("Link"), required=False, max_length=1000, assume_scheme="https")
    text = CharField(
        label=_("Text"),
        required=False,
        max_length=10000,
        widget=Textarea(attrs={"rows": 4}),
        help_text=_("Paste the message as it was written."),
    )
    screenshot = FileField(
        label=_("Screenshot"),
        required=False,
        help_text=_("PNG, JPEG or WebP, up to 5 MB."),
    )
    note = CharField(
        label=_("Where you saw it"),
        required=False,
        max_length=500,
        help_text=_("The WhatsApp group, page or place, and when."),
    )

    def clean_screenshot(self) -> bytes | None:
        upload = self.cleaned_data.get("screenshot")
        if not upload:
            return None
        # Read one byte past the limit: enough to know it is too big, never the whole file.
        data = bytes(upload.read(MAX_SCREENSHOT_BYTES + 1))
        problem = screenshot_problem(data)
        if problem:
            raise ValidationError(problem)
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (
            data.get("url") or data.get("text", "").strip() or data.get("screenshot")
        ):
            self.add_error("text", _("Give a link, a text or a screenshot."))
        return data
