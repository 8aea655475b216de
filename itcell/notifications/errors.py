"""Errors of the notifications app.

ItcellError
 ├── InvalidInput                    preferences refused: each Problem names the field
 └── NotificationError
      └── ChannelError               a push channel refused us (misconfigured, bad request)
           ├── ChannelUnavailable    down, slow or rate-limiting: try again later (retry_after)
           └── RecipientUnreachable  the channel works, but not for this person (reason)

Every ChannelError carries a ``Reason``: a stable code that is stored on the push and turned
into words in the reader's own language when the inbox shows it, plus ``detail``, the
service's own words (English, for whoever investigates), never shown as the message.
"""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from itcell.core.errors import ItcellError


class Reason(models.TextChoices):
    """Why a push did not go out. Labels complete "Telegram could not reach you: ..."."""

    BLOCKED = "blocked", _("bot was blocked")
    NOT_STARTED = "not_started", _("you have not started a chat with the cell's bot")
    DEACTIVATED = "deactivated", _("the account is deactivated")
    FORBIDDEN = "forbidden", _("the bot may not write to this chat")
    CHAT_NOT_FOUND = "chat_not_found", _("the chat ID was not found")
    NO_CHAT_ID = "no_chat_id", _("no chat ID is set")
    NO_EMAIL = "no_email", _("your account has no email address")
    ADDRESS_REFUSED = "address_refused", _("the mail server refused your address")
    RATE_LIMITED = "rate_limited", _("it asked the cell to send fewer messages for a while")
    TIMEOUT = "timeout", _("it did not answer in time")
    SERVICE_ERROR = "service_error", _("it had an error on its side")
    BAD_ANSWER = "bad_answer", _("it sent an answer itcell could not read")
    REFUSED = "refused", _("it refused the message")
    MISCONFIGURED = "misconfigured", _("the channel is not set up correctly")
    INTERNAL = "internal", _("an error inside itcell")


_TELL_ADMIN = _("Tell an administrator.")
_GAVE_UP = _("It was not tried again; everything is here in your inbox.")

# What the reader can do about each reason.
WHAT_TO_DO: dict[str, Promise] = {
    Reason.BLOCKED: _(
        "Unblock the cell's bot in Telegram, or turn Telegram off in your preferences."
    ),
    Reason.NOT_STARTED: _("Open the cell's bot in Telegram and send it /start."),
    Reason.DEACTIVATED: _("Set a new chat ID in your preferences, or turn Telegram off."),
    Reason.FORBIDDEN: _("Check the chat ID in your preferences."),
    Reason.CHAT_NOT_FOUND: _("Check the chat ID in your preferences."),
    Reason.NO_CHAT_ID: _("Add your chat ID in your preferences."),
    Reason.NO_EMAIL: _("Ask an administrator to add your email address."),
    Reason.ADDRESS_REFUSED: _("Ask an administrator to check your email address."),
    Reason.RATE_LIMITED: _GAVE_UP,
    Reason.TIMEOUT: _GAVE_UP,
    Reason.SERVICE_ERROR: _GAVE_UP,
    Reason.BAD_ANSWER: _GAVE_UP,
    Reason.REFUSED: _TELL_ADMIN,
    Reason.MISCONFIGURED: _TELL_ADMIN,
    Reason.INTERNAL: _TELL_ADMIN,
}


class NotificationError(ItcellError):
    pass


class ChannelError(NotificationError):
    """The channel refused to carry the message, and trying again as it is will not help."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail[:300]
        message = str(reason.label)
        super().__init__(f"{message} ({self.detail})" if self.detail else message)


class ChannelUnavailable(ChannelError):
    """The service is down, slow or rate-limiting; the same message may go through later.
    ``retry_after`` is how many seconds the service asked us to wait, when it said."""

    def __init__(
        self, reason: Reason, detail: str = "", *, retry_after: float | None = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(reason, detail)


class RecipientUnreachable(ChannelError):
    """The service works, but cannot reach this person at this address (blocked the bot,
    wrong chat ID, no email address). Only the person or an administrator can fix it."""
