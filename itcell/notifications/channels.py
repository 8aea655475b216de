"""Push channels: how a notification leaves itcell for a member's email or Telegram.

Configured like Django's EMAIL_BACKEND, one entry per channel name (``models.Channel``)::

    ITCELL_NOTIFICATION_CHANNELS = {
        "email": {"BACKEND": "itcell.notifications.channels.EmailChannel"},
        "telegram": {
            "BACKEND": "itcell.notifications.channels.TelegramChannel",
            "OPTIONS": {"timeout": 10},
        },
    }

Without the setting, ``DEFAULT_CHANNELS`` applies. Tests point a name at ``LocmemChannel``,
or at ``TelegramChannel`` with ``base_url`` of a local server that speaks the Bot API.
"""

import json
import logging
import os
import re
import smtplib
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import send_mail

from itcell.core.registry import build_backend
from itcell.notifications.errors import (
    ChannelError,
    ChannelUnavailable,
    Reason,
    RecipientUnreachable,
)

DEFAULT_CHANNELS: dict[str, dict[str, Any]] = {
    "email": {"BACKEND": "itcell.notifications.channels.EmailChannel"},
    "telegram": {"BACKEND": "itcell.notifications.channels.TelegramChannel"},
}


@dataclass(frozen=True)
class Message:
    """A notification as a push carries it, already in the recipient's language."""

    title: str
    text: str  # the body and the link, as plain text


class BaseChannel:
    def send(self, *, message: Message, address: str) -> None:
        """Hand ``message`` to the service for ``address`` (an email address, a chat ID).

        Return once the service has accepted it. Raise ``ChannelUnavailable`` when trying
        again later may work, ``RecipientUnreachable`` when this address cannot be reached,
        ``ChannelError`` when the channel itself is misconfigured or refuses the message.
        """
        raise NotImplementedError


def get_channel(name: str) -> BaseChannel:
    configs = getattr(settings, "ITCELL_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    if name not in configs:
        raise ChannelError(
            Reason.MISCONFIGURED, f"no channel {name!r} in ITCELL_NOTIFICATION_CHANNELS"
        )
    channel = build_backend(configs[name])
    if not isinstance(channel, BaseChannel):
        raise ChannelError(Reason.MISCONFIGURED, f"{configs[name]['BACKEND']} is not a channel")
    return channel


@dataclass(frozen=True)
class Sent:
    channel: str
    address: str
    message: Message


# Everything LocmemChannel was given, oldest first; tests clear it.
outbox: list[Sent] = []


class LocmemChannel(BaseChannel):
    """Keeps messages in ``outbox`` instead of sending them (tests, the demo)."""

    def __init__(self, name: str = "locmem") -> None:
        self.name = name

    def send(self, *, message: Message, address: str) -> None:
        outbox.append(Sent(channel=self.name, address=address, message=message))


class EmailChannel(BaseChannel):
    """Sends with Django's ``send_mail``: through the mailer ``using`` names in MAILERS, or
    the default one; from ``from_email``, or DEFAULT_FROM_EMAIL."""

    def __init__(self, from_email: str | None = None, using: str | None = None) -> None:
        self.from_email = from_email
        self.using = using

    def send(self, *, message: Message, address: str) -> None:
        if not address:
            raise RecipientUnreachable(Reason.NO_EMAIL)
        subject = " ".join(message.title.split())  # a header: a newline would be refused
        try:
            send_mail(subject, message.text, self.from_email, [address], using=self.using)
        except smtplib.SMTPRecipientsRefused as exc:
            raise RecipientUnreachable(Reason.ADDRESS_REFUSED, str(exc.recipients)) from exc
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused) as exc:
            raise ChannelError(Reason.MISCONFIGURED, type(exc).__name__) from exc
        except TimeoutError as exc:
            raise ChannelUnavailable(Reason.TIMEOUT) from exc
        except OSError as exc:  # smtplib.SMTPException included: the server or the network
            raise ChannelUnavailable(Reason.SERVICE_ERROR, type(exc).__name__) from exc


class TelegramChannel(BaseChannel):
    """Sends through the cell's bot with the Bot API's ``sendMessage``.

    The bot token comes from ``ITCELL_TELEGRAM_BOT_TOKEN`` and the API from
    ``ITCELL_TELEGRAM_API_URL`` (a local Bot API server, or a fake in tests) unless the
    options give them.
    """

    max_length = 4096  # characters in one Telegram message

    def __init__(
        self, token: str | None = None, base_url: str | None = None, timeout: float = 10.0
    ) -> None:
        self.token = token if token is not None else os.environ.get("ITCELL_TELEGRAM_BOT_TOKEN", "")
        self.base_url = (
            base_url or os.environ.get("ITCELL_TELEGRAM_API_URL") or "https://api.telegram.org"
        ).rstrip("/")
        self.timeout = timeout

    def send(self, *, message: Message, address: str) -> None:
        if not self.token:
            raise ChannelError(Reason.MISCONFIGURED, "ITCELL_TELEGRAM_BOT_TOKEN is not set")
        if not address:
            raise RecipientUnreachable(Reason.NO_CHAT_ID)
        text = f"{message.title}\n\n{message.text}".strip()
        if len(text) > self.max_length:
            text = text[: self.max_length - 1] + "…"
        # The URL holds the bot token, and httpx errors can carry the request: errors are
        # re-raised without their cause and with the class name only, so the token never
        # reaches a stored detail or a task's traceback.
        try:
            response = httpx.post(
                f"{self.base_url}/bot{self.token}/sendMessage",
                json={"chat_id": address, "text": text},
                timeout=self.timeout,
            )
        except httpx.TimeoutException:
            raise ChannelUnavailable(Reason.TIMEOUT) from None
        except httpx.HTTPError as exc:
            raise ChannelUnavailable(Reason.SERVICE_ERROR, type(exc).__name__) from None
        raise_for_answer(response.status_code, response.content)


class HideBotToken(logging.Filter):
    """httpx logs every request's URL at INFO, and a Bot API URL holds the bot token.
    Installed on the "httpx" logger when the app is ready."""

    bot_path = re.compile(r"/bot[^/\s]+/")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.bot_path.sub("/bot<hidden>/", str(arg)) if "/bot" in str(arg) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str) and "/bot" in record.msg:
            record.msg = self.bot_path.sub("/bot<hidden>/", record.msg)
        return True


def raise_for_answer(status: int, content: bytes) -> None:
    """Read a Bot API answer: ``{"ok": true, "result": ...}`` is success; otherwise raise
    what ``{"ok": false, "error_code": ..., "description": ...}`` means for us."""
    answer = _json_object(content)
    if answer is None or "ok" not in answer:
        if status >= 500:
            raise ChannelUnavailable(Reason.SERVICE_ERROR, f"HTTP {status}")
        raise ChannelUnavailable(Reason.BAD_ANSWER, f"HTTP {status}")
    if answer["ok"] is True:
        return
    code = answer.get("error_code", status)
    description = str(answer.get("description", ""))
    lowered = description.lower()
    if code == 429:
        parameters = answer.get("parameters")
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        raise ChannelUnavailable(
            Reason.RATE_LIMITED,
            description,
            retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
        )
    if not isinstance(code, int) or code >= 500:
        raise ChannelUnavailable(Reason.SERVICE_ERROR, description or f"HTTP {status}")
    if code == 403:
        raise RecipientUnreachable(_forbidden_reason(lowered), description)
    if code == 400 and "chat not found" in lowered:
        raise RecipientUnreachable(Reason.CHAT_NOT_FOUND, description)
    if code in (401, 404):  # a wrong or revoked bot token
        raise ChannelError(Reason.MISCONFIGURED, description)
    raise ChannelError(Reason.REFUSED, description)


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        answer = json.loads(content)
    except ValueError:  # not JSON, or not UTF-8
        return None
    return answer if isinstance(answer, dict) else None


def _forbidden_reason(description: str) -> Reason:
    if "blocked" in description:
        return Reason.BLOCKED
    if "deactivated" in description:
        return Reason.DEACTIVATED
    if "initiate" in description:  # "bot can't initiate conversation with a user"
        return Reason.NOT_STARTED
    return Reason.FORBIDDEN
