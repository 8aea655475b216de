"""Forms of the publishing screens: they parse what a person typed (times in IST) and hand
it to a service, which decides; its problems go back onto the form (``add_problems``)."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from itcell.elections.models import AssemblyConstituency
from itcell.organisation.forms import ISTDateTimeField
from itcell.organisation.models import Desk
from itcell.playbook.models import TalkingPoint
from itcell.playbook.selectors import list_points_by_theme
from itcell.publishing.models import Channel, MediaAsset, Post
from itcell.publishing.services.posts import PostInput


class ChannelChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_platform_display()} · {obj.handle} ({obj.get_language_display()})"


class ACChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} {obj.name}"


class ComposeForm(forms.Form):
    """A post with its per-channel variants (``variant_<channel id>`` fields, one for each
    channel the desk may post to)."""

    title = forms.CharField(label=_("Title (for the cell only)"), max_length=200)
    text_hi = forms.CharField(
        label=_("Text in Hindi"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    text_en = forms.CharField(
        label=_("Text in English"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    channels = ChannelChoice(
        label=_("Channels"), queryset=Channel.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    acs = ACChoice(
        label=_("Constituencies"),
        queryset=AssemblyConstituency.objects.none(),
        required=False,
        help_text=_("Empty: the desk's whole area."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    attachments = forms.ModelMultipleChoiceField(
        label=_("Media"),
        queryset=MediaAsset.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    talking_point = forms.ModelChoiceField(
        label=_("Talking point"), queryset=TalkingPoint.objects.none(), required=False
    )
    claims = forms.CharField(
        label=_("Factual claims and their sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: the claim | the link to its source."),
    )
    paid_promotion = forms.BooleanField(label=_("Paid promotion"), required=False)
    mcmc_certificate = forms.CharField(
        label=_("MCMC pre-certification number"), max_length=100, required=False
    )
    fast_lane = forms.BooleanField(
        label=_("Rapid response (fast lane)"),
        required=False,
        help_text=_("One approval from an approver instead of every step."),
    )
    publish_at = ISTDateTimeField(
        label=_("Publish at (IST)"),
        required=False,
        help_text=_("It is scheduled for this time as soon as it is approved."),
    )

    def __init__(self, *args: Any, desk: Desk, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.desk = desk
        mine = Q(desk=desk) | Q(desk=None)  # the desk's own, and the state's
        channels = Channel.objects.filter(mine, election_id=desk.election_id)
        self.channel_list = list(channels.order_by("platform", "handle"))
        self.fields["channels"].queryset = channels  # type: ignore[attr-defined]
        if desk.kind == Desk.Kind.HQ:
            acs = AssemblyConstituency.objects.filter(district__state__elections=desk.election_id)
        else:
            acs = desk.acs.all()
        self.fields["acs"].queryset = acs.order_by("number")  # type: ignore[attr-defined]
        self.fields["attachments"].queryset = MediaAsset.objects.filter(  # type: ignore[attr-defined]
            mine, election_id=desk.election_id
        )
        self.fields["talking_point"].queryset = TalkingPoint.objects.filter(  # type: ignore[attr-defined]
            election_id=desk.election_id, is_active=True
        )
        # Grouped by theme for the eye; the queryset above still decides what is valid.
        self.fields["talking_point"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *(
                (theme, [(p.pk, p.title) for p in points])
                for theme, points in list_points_by_theme(election_id=desk.election_id)
            ),
        ]
        for channel in self.channel_list:
            self.fields[f"variant_{channel.pk}"] = forms.CharField(
                label=str(channel),
                required=False,
                widget=forms.Textarea(
                    attrs={"rows": 3, "data-platform": channel.platform, "data-channel": channel.pk}
                ),
                help_text=_("Empty: the post's text in %(language)s.")
                % {"language": channel.get_language_display()},
            )

    def variant_fields(self) -> list[tuple[Channel, forms.BoundField]]:
        return [(c, self[f"variant_{c.pk}"]) for c in self.channel_list]

    def clean_claims(self) -> list[tuple[str, str]]:
        claims = []
        for n, line in enumerate(self.cleaned_data["claims"].splitlines(), start=1):
            if not line.strip():
                continue
            claim, _bar, source = line.partition("|")
            if not source.strip():
                raise forms.ValidationError(
                    _("Line %(n)d has no source: write “claim | link”.") % {"n": n}
                )
            claims.append((claim.strip(), source.strip()))
        return claims

    def post_input(self) -> PostInput:
        data = self.cleaned_data
        acs = data.get("acs")
        return PostInput(
            title=data["title"],
            text_hi=data.get("text_hi", ""),
            text_en=data.get("text_en", ""),
            variants={c.pk: data.get(f"variant_{c.pk}", "") for c in data["channels"]},
            ac_numbers=frozenset(ac.number for ac in acs) if acs else None,
            media_ids=tuple(m.pk for m in data.get("attachments") or []),
            talking_point_id=data["talking_point"].pk if data.get("talking_point") else None,
            paid_promotion=data.get("paid_promotion", False),
            mcmc_certificate=data.get("mcmc_certificate", ""),
            fast_lane=data.get("fast_lane", False),
            claims=tuple(data.get("claims") or ()),
            publish_at=data.get("publish_at"),
        )

    @staticmethod
    def initial_for(post: Post) -> dict[str, Any]:
        variants = {f"variant_{v.channel_id}": v.text for v in post.variants.all()}
        return {
            "title": post.title,
            "text_hi": post.text_hi,
            "text_en": post.text_en,
            "channels": [v.channel_id for v in post.variants.all()],
            "acs": list(post.acs.all()),
            "attachments": list(post.media.all()),
            "talking_point": post.talking_point_id,
            "claims": "\n".join(f"{c.text} | {c.source_url}" for c in post.claims.all()),
            "paid_promotion": post.paid_promotion,
            "mcmc_certificate": post.mcmc_certificate,
            "fast_lane": post.fast_lane,
            "publish_at": post.publish_at,
            **variants,
        }


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScheduleForm(forms.Form):
    publish_at = ISTDateTimeField(label=_("Publish at (IST)"))


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)
    desk = forms.ModelChoiceField(
        label=_("Desk"),
        queryset=Desk.objects.none(),
        required=False,
        empty_label=_("Every desk (pause all)"),
    )

    def __init__(self, *args: Any, desks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = desks  # type: ignore[attr-defined]


class SettleForm(forms.Form):
    published = forms.TypedChoiceField(
        label=_("On the platform?"),
        choices=[("yes", _("Yes, it is there")), ("no", _("No: try again now"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    url = forms.URLField(label=_("Link to the post"), required=False, max_length=500)


class MediumForm(forms.Form):
    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(label=_("Kind"), choices=MediaAsset.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    alt_text = forms.CharField(
        label=_("Description for screen readers"), max_length=1000, required=False
    )
    source = forms.CharField(label=_("Source"), max_length=300)
    ai_made = forms.BooleanField(label=_("Made or altered with AI"), required=False)
    ai_label = forms.CharField(label=_("AI label shown with it"), max_length=200, required=False)
    imprint = forms.CharField(
        label=_("Printer and publisher (posters)"), max_length=300, required=False
    )
    desk = forms.ModelChoiceField(
        label=_("Library"),
        queryset=Desk.objects.none(),
        required=False,
        empty_label=_("State library"),
    )

    def __init__(self, *args: Any, desks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = desks  # type: ignore[attr-defined]


class ShareForm(forms.Form):
    link = forms.URLField(label=_("Link to your post"), required=False, max_length=500)
    screenshot = forms.FileField(label=_("Or a screenshot"), required=False)


class CredentialsForm(forms.Form):
    """Credentials as ``name=value`` lines (what each connector needs: its docs say)."""

    credentials = forms.CharField(
        label=_("Credentials"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("One per line, name=value. Sealed at once; never shown again."),
    )

    def clean_credentials(self) -> dict[str, str]:
        pairs = {}
        for line in self.cleaned_data["credentials"].splitlines():
            if not line.strip():
                continue
            name, eq, value = line.partition("=")
            if not eq or not name.strip() or not value.strip():
                raise forms.ValidationError(_("Write each credential as name=value."))
            pairs[name.strip()] = value.strip()
        return pairs
