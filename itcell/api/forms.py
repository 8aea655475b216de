from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from itcell.accounts.models import User
from itcell.api.scopes import Scope
from itcell.api.tokens import TokenInput
from itcell.elections.models import Election
from itcell.organisation.forms import ISTDateTimeField, PersonField
from itcell.organisation.models import Desk
from itcell.organisation.selectors import list_election_members


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The system that will use it, e.g. “Call centre dashboard”."),
    )
    user = PersonField(
        label=_("Acts for"),
        queryset=User.objects.none(),
        help_text=_("What the token does is this member's on the audit trail, within their roles."),
    )
    desk = forms.ModelChoiceField(
        label=_("Desk scope"),
        queryset=Desk.objects.none(),
        required=False,
        empty_label=_("Wherever the member reaches"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        widget=forms.CheckboxSelectMultiple,
    )
    rate_per_minute = forms.IntegerField(
        label=_("Requests per minute"), initial=600, min_value=1, max_value=10_000
    )
    expires_at = ISTDateTimeField(label=_("Expires (IST)"), required=False)

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = list_election_members(election=election).order_by(  # type: ignore[attr-defined]
            "username"
        )
        self.fields["desk"].queryset = Desk.objects.filter(  # type: ignore[attr-defined]
            election=election, is_active=True
        ).order_by("kind", "name_en")
        # Choices are computed when the form is made, so labels follow the reader's language.
        self.fields["scopes"].choices = [(s.value, f"{s.value} — {s.label}") for s in Scope]  # type: ignore[attr-defined]

    def token_input(self) -> TokenInput:
        data = self.cleaned_data
        return TokenInput(
            name=data["name"],
            user=data["user"],
            scopes=tuple(data["scopes"]),
            desk=data["desk"],
            rate_per_minute=data["rate_per_minute"],
            expires_at=data["expires_at"],
        )
