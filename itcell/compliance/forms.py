"""Forms of the compliance screens: they parse what a person typed (times in IST) and hand
plain values to ``services``."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from itcell.compliance.models import Application, Spend, Takedown
from itcell.elections.models import Candidacy, Election
from itcell.organisation.forms import ISTDateTimeField
from itcell.publishing.models import Delivery, Post


class SpendForm(forms.ModelForm):
    class Meta:
        model = Spend
        fields = [
            "candidacy", "on", "vendor", "amount_inr", "category", "mode", "post",
            "certificate", "ad_reference", "note",
        ]  # fmt: skip
        widgets = {"on": forms.DateInput(attrs={"type": "date"})}

    def __init__(
        self, *args: Any, election: Election, posts: QuerySet[Post], **kwargs: Any
    ) -> None:
        """``posts``: the election's posts the person may see (their desks' only)."""
        super().__init__(*args, **kwargs)
        self.fields["candidacy"].queryset = Candidacy.objects.filter(  # type: ignore[attr-defined]
            election=election, party=election.own_party_id
        ).select_related("ac")
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]


class ApplicationForm(forms.Form):
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.none())
    applicant = forms.ChoiceField(label=_("Applicant"), choices=Application.Applicant.choices)
    candidacy = forms.ModelChoiceField(
        label=_("Candidate"), queryset=Candidacy.objects.none(), required=False
    )
    intended_release_at = ISTDateTimeField(label=_("First release (IST)"))
    production_cost_inr = forms.IntegerField(label=_("Cost of production (₹)"), min_value=0)
    placement_cost_inr = forms.IntegerField(label=_("Cost of placement (₹)"), min_value=0)
    outlets = forms.CharField(label=_("Outlets"), max_length=300)

    def __init__(
        self, *args: Any, election: Election, posts: QuerySet[Post], **kwargs: Any
    ) -> None:
        """``posts``: the election's posts the person may see (their desks' only)."""
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts.filter(paid_promotion=True)  # type: ignore[attr-defined]
        self.fields["candidacy"].queryset = Candidacy.objects.filter(  # type: ignore[attr-defined]
            election=election, party=election.own_party_id
        ).select_related("ac")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("applicant") == Application.Applicant.CANDIDATE and not data.get("candidacy"):
            self.add_error("candidacy", _("Choose the candidate who applies."))
        return data


class CertificateForm(forms.Form):
    application = forms.ModelChoiceField(
        label=_("Application"), queryset=Application.objects.none()
    )
    number = forms.CharField(label=_("Certificate number"), max_length=100)
    issued_at = ISTDateTimeField(label=_("Issued (IST)"))

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.filter(  # type: ignore[attr-defined]
            election=election, state=Application.State.SUBMITTED
        )


class TakedownForm(forms.Form):
    delivery = forms.ModelChoiceField(label=_("Published post"), queryset=Delivery.objects.none())
    source = forms.ChoiceField(label=_("Notice from"), choices=Takedown.Source.choices)
    reason = forms.CharField(
        label=_("What the notice says"), widget=forms.Textarea(attrs={"rows": 2})
    )
    noticed_at = ISTDateTimeField(label=_("Noticed (IST)"))
    misinformation = forms.BooleanField(label=_("Deepfake or misinformation"), required=False)

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivery"].queryset = Delivery.objects.filter(  # type: ignore[attr-defined]
            post__election=election, state=Delivery.State.PUBLISHED
        ).select_related("post", "channel")
