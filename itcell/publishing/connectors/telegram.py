"""Telegram connector: posts to a channel through the Bot API, as a bot the channel has made an
administrator.

Docs (https://core.telegram.org/bots/api):
- Requests, answers and errors: #making-requests, #responseparameters
- Sending files (multipart, ``attach://``): #sending-files, #inputmediaphoto, #inputmediavideo
- Posting: #sendmessage, #sendphoto, #sendvideo, #sendanimation, #sendmediagroup
- Removing: #deletemessage, #deletemessages
- Checking: #getme, #getchat, #getchatmember
- Message links: https://core.telegram.org/api/links#message-links

Text goes out with ``sendMessage``; one medium with ``sendPhoto``, ``sendVideo`` or
``sendAnimation`` (a GIF), the text as its caption; 2 to 10 media as one album with
``sendMediaGroup``, the caption on the first. For Telegram the upload *is* the post, so every
one of these calls publishes. The Bot API has no idempotency key and no way to look a message
up, so a timeout on them is an unknown outcome.

Every answer is ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N,
"description": "...", "parameters": {"retry_after": N}}``. The bot token sits in every URL
(``/bot<token>/<method>``), so errors leave this module without their httpx cause; the "httpx"
logger's request lines are masked by ``notifications.channels.HideBotToken``.
"""

import json
from typing import Any

import httpx

from itcell.publishing.connectors.base import Account, Medium, Outgoing, Published
from itcell.publishing.connectors.http import HttpConnector
from itcell.publishing.errors import (
    AuthExpired,
    ConnectorError,
    OutcomeUnknown,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)

TELEGRAM_URL = "https://api.telegram.org"
SINGLE = {"photo": "sendPhoto", "video": "sendVideo", "animation": "sendAnimation"}


def _kind(medium: Medium) -> str:
    if medium.is_video:
        return "video"
    return "animation" if medium.content_type == "image/gif" else "photo"


class TelegramConnector(HttpConnector):
    """``Account.credentials`` holds ``bot_token``; the channel is ``options["chat_id"]`` or
    else ``Account.handle`` ("@name" or a numeric chat id)."""

    platform = "telegram"
    default_api_url = TELEGRAM_URL
    supports_delete = True

    def publish(self, *, account: Account, outgoing: Outgoing) -> Published:
        method, request = _sending(_chat_id(account), outgoing)
        with self.client(account.api_url) as client:
            result = self._bot(client, account, method, publishes=True, **request)
        messages = result if isinstance(result, list) else [result]
        if not messages or not all(isinstance(m, dict) and m.get("message_id") for m in messages):
            raise OutcomeUnknown(Reason.BAD_ANSWER, f"no message id in {result!r}"[:200])
        # An album is one message per medium: the remote id keeps them all, so that removing
        # the post removes every one of them.
        remote_id = ",".join(str(m["message_id"]) for m in messages)
        return Published(remote_id, _link(messages[0]))

    def delete(self, *, account: Account, remote_id: str) -> None:
        chat_id = _chat_id(account)
        try:
            message_ids = [int(part) for part in remote_id.split(",")]
        except ValueError:
            raise Rejected(
                Reason.NOT_FOUND, f"{remote_id!r} is not a Telegram message id"
            ) from None
        with self.client(account.api_url) as client:
            if len(message_ids) == 1:
                self._bot(
                    client,
                    account,
                    "deleteMessage",
                    publishes=False,
                    json={"chat_id": chat_id, "message_id": message_ids[0]},
                )
            else:
                # deleteMessages skips messages already gone, so removing a half-removed album
                # again finishes the job.
                self._bot(
                    client,
                    account,
                    "deleteMessages",
                    publishes=False,
                    json={"chat_id": chat_id, "message_ids": message_ids},
                )

    def verify(self, *, account: Account) -> str:
        chat_id = _chat_id(account)
        with self.client(account.api_url) as client:
            bot = self._bot(client, account, "getMe", publishes=False)
            chat = self._bot(client, account, "getChat", publishes=False, json={"chat_id": chat_id})
            if not isinstance(bot, dict) or not isinstance(chat, dict):
                raise Unavailable(Reason.BAD_ANSWER, "no bot or chat in Telegram's answer")
            title = str(chat.get("title") or chat.get("username") or chat_id)
            if chat.get("type") == "channel":
                member = self._bot(
                    client,
                    account,
                    "getChatMember",
                    publishes=False,
                    json={"chat_id": chat_id, "user_id": bot.get("id")},
                )
                if not _may_post(member):
                    raise AuthExpired(
                        f"the bot @{bot.get('username')} is not an administrator of {title} "
                        "allowed to post messages"
                    )
        return title

    def raise_for(self, response: httpx.Response, body: Any, *, publishes: bool) -> None:
        if not isinstance(body, dict) or body.get("ok") is not False:
            return  # not the Bot API speaking (a proxy's page): the shared mapping applies
        code = body.get("error_code", response.status_code)
        description = str(body.get("description") or f"HTTP {response.status_code}")
        lowered = description.lower()
        if code == 429:
            parameters = body.get("parameters")
            seconds = parameters.get("retry_after") if isinstance(parameters, dict) else None
            raise RateLimited(
                description, float(seconds) if isinstance(seconds, int | float) else None
            )
        if code in (401, 403):
            # 401: the token was revoked; 403: the bot was removed from the channel or kicked.
            # Either way a person has to give the bot its place back.
            raise AuthExpired(description)
        if code == 404:  # a malformed token makes every method "Not Found"
            raise Rejected(Reason.MISCONFIGURED, description)
        if code == 400 and ("rights" in lowered or "admin_required" in lowered):
            # "need administrator rights in the channel chat", "not enough rights to send...",
            # "CHAT_ADMIN_REQUIRED": the bot was demoted, which a person has to undo.
            raise AuthExpired(description)
        if code == 400 and "not found" in lowered:  # "chat not found", "message to delete..."
            raise Rejected(Reason.NOT_FOUND, description)
        if isinstance(code, int) and 400 <= code < 500:
            raise Rejected(Reason.REJECTED, description)
        # 5xx: the shared mapping applies (a 504 on a send may have published).

    def _bot(
        self,
        client: httpx.Client,
        account: Account,
        method: str,
        *,
        publishes: bool,
        **kwargs: Any,
    ) -> Any:
        """Call one Bot API method and return its ``result``."""
        token = account.credentials.get("bot_token", "")
        if not token:
            raise Rejected(Reason.MISCONFIGURED, "the channel has no bot_token")
        try:
            body = self.call(client, "POST", f"/bot{token}/{method}", publishes=publishes, **kwargs)
        except ConnectorError as exc:
            # The httpx error and its frames hold the request, whose URL holds the token.
            exc.__context__ = None
            raise exc.with_traceback(None) from None
        if not isinstance(body, dict) or body.get("ok") is not True or "result" not in body:
            unknown = OutcomeUnknown if publishes else Unavailable
            raise unknown(Reason.BAD_ANSWER, f"{method}: no result in {body!r}"[:200])
        return body["result"]


def _sending(chat_id: str, outgoing: Outgoing) -> tuple[str, dict[str, Any]]:
    """The Bot API method that publishes ``outgoing``, and its request."""
    media = outgoing.media
    if not media:
        return "sendMessage", {"json": {"chat_id": chat_id, "text": outgoing.text}}
    if len(media) == 1:
        kind = _kind(media[0])
        return SINGLE[kind], {
            "data": {"chat_id": chat_id, "caption": outgoing.text},
            "files": {kind: _file(media[0])},
        }
    # Albums take photos and videos only; a GIF goes in as a (still) photo.
    album = [
        {"type": "video" if m.is_video else "photo", "media": f"attach://file{i}"}
        for i, m in enumerate(media)
    ]
    album[0]["caption"] = outgoing.text
    return "sendMediaGroup", {
        "data": {"chat_id": chat_id, "media": json.dumps(album)},
        "files": {f"file{i}": _file(m) for i, m in enumerate(media)},
    }


def _chat_id(account: Account) -> str:
    chat_id = account.options.get("chat_id") or account.handle
    if not chat_id:
        raise Rejected(Reason.MISCONFIGURED, "the channel names no Telegram chat")
    return chat_id


def _file(medium: Medium) -> tuple[str, bytes, str]:
    return (medium.path.name, medium.path.read_bytes(), medium.content_type)


def _link(message: dict[str, Any]) -> str:
    """A link a person can open: public channels by username; private ones as t.me/c/...,
    which opens for the channel's members."""
    chat = message.get("chat") or {}
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/{message['message_id']}"
    chat_id = str(chat.get("id", ""))
    if chat_id.startswith("-100"):
        return f"https://t.me/c/{chat_id.removeprefix('-100')}/{message['message_id']}"
    return ""


def _may_post(member: Any) -> bool:
    if not isinstance(member, dict):
        return False
    if member.get("status") == "creator":
        return True
    return member.get("status") == "administrator" and member.get("can_post_messages") is True
