from django import forms
from django.utils.translation import gettext_lazy as _

from itcell.notifications.models import Kind


class PreferencesForm(forms.Form):
    """Parses the preferences screen; the rules live in ``services.set_preferences``."""

    email_enabled = forms.BooleanField(label=_("Send me notifications by email"), required=False)
    email_kinds = forms.MultipleChoiceField(
        label=_("By email"),
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    telegram_enabled = forms.BooleanField(
        label=_("Send me notifications by Telegram"), required=False
    )
    telegram_chat_id = forms.CharField(
        label=_("Telegram chat ID"),
        max_length=32,
        required=False,
        help_text=_(
            "The number of your chat with the cell's bot. Send /start to the bot first, "
            "or it may not write to you."
        ),
    )
    telegram_kinds = forms.MultipleChoiceField(
        label=_("By Telegram"),
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
