"""Forms of the organisation screens: they parse what a person typed (times in IST) and
hand it to a service, which decides. Problems a service reports go back onto the form with
``add_problems``, next to the field they are about."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itcell.accounts.models import User
from itcell.core.clock import IST
from itcell.core.errors import Problem
from itcell.organisation.models import ShiftTemplate
from itcell.organisation.roles import ROLE_LABELS

#: A shift or a template run is checked by the service; this only bounds what a form accepts.
MAX_TEMPLATE_DAYS = 14
MAX_IMPORT_BYTES = 1_000_000


def add_problems(form: forms.Form, problems: Iterable[Problem]) -> None:
    """Put a service's problems on the form: on their field when the form has it."""
    for problem in problems:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)


class ISTDateTimeField(forms.DateTimeField):
    """A date and time typed in IST (``<input type="datetime-local">``), whatever the server's
    time zone; the value is an aware datetime."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(IST):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(IST)
        return value


def person_label(user: User) -> str:
    return f"{user} ({user.username})" if user.display_name else user.username


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class ShiftForm(forms.Form):
    """One shift. ``people`` is everyone the election knows (so the service, not the form,
    says when someone has no role at this desk); the list offers the desk's own people."""

    user = PersonField(label=_("Person"), queryset=User.objects.none())
    starts_at = ISTDateTimeField(label=_("Starts (IST)"))
    ends_at = ISTDateTimeField(label=_("Ends (IST)"))

    def __init__(
        self, *args: Any, people: QuerySet[User], offered: Iterable[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PersonField, self.fields["user"])
        field.queryset = people
        field.widget.choices = [("", "—"), *((u.pk, person_label(u)) for u in offered)]


class TemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Shift pattern"), queryset=ShiftTemplate.objects.order_by("name"), empty_label="—"
    )
    people = PeopleField(
        label=_("People, in rotation"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=MAX_TEMPLATE_DAYS, initial=7)

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PeopleField, self.fields["people"])
        field.queryset = people


class HandoverForm(forms.Form):
    pending_items = forms.CharField(
        label=_("Pending items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Posts waiting, calls to return, anything half done."),
    )
    open_alerts = forms.CharField(
        label=_("Open alerts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Monitoring alerts not yet dealt with."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ImportForm(forms.Form):
    """A CSV file, or the same text pasted; on refusal the text comes back in the box, so the
    person can correct the rows named and send it again."""

    file = forms.FileField(label=_("CSV file"), required=False)
    csv_text = forms.CharField(
        label=_("Or paste the CSV"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError(_("The file is larger than 1 MB: split it."))
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.")
                ) from error
            data["source"] = upload.name
        else:
            data["source"] = "members.csv"
        if not data.get("csv_text", "").strip():
            raise forms.ValidationError(_("Choose a CSV file or paste its rows."))
        return data


class InvitationForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=list(ROLE_LABELS.items()))


class JoinForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class OnDutyForm(forms.Form):
    ac = forms.IntegerField(label=_("Constituency number"), min_value=1, max_value=999)
