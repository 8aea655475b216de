from django import forms
from django.utils.translation import gettext_lazy as _

from itcell.audit.selectors import EventFilter

DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    """Parses the viewer's filters (a GET form); the export links carry the same query."""

    actor = forms.CharField(label=_("Actor (username)"), max_length=150, required=False)
    action = forms.CharField(
        label=_("Action"),
        max_length=80,
        required=False,
        help_text=_("The start is enough: post. shows every post event."),
    )
    object_type = forms.CharField(label=_("Object type"), max_length=80, required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    since = forms.DateField(label=_("From (IST)"), required=False, widget=DAY)
    until = forms.DateField(label=_("To (IST)"), required=False, widget=DAY)
    text = forms.CharField(label=_("Object contains"), max_length=200, required=False)

    def where(self) -> EventFilter:
        """The filter the form describes; an invalid field is left out (and shown as an error)."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                name: value
                for name, value in getattr(self, "cleaned_data", {}).items()
                if name not in self.errors
            }
        )
        return EventFilter(
            actor=(data.get("actor") or "").strip(),
            action=(data.get("action") or "").strip(),
            object_type=(data.get("object_type") or "").strip(),
            object_id=(data.get("object_id") or "").strip(),
            since=data.get("since"),
            until=data.get("until"),
            text=(data.get("text") or "").strip(),
        )
