"""The tipline's Telegram bot: what members send it (a link, a text, a screenshot they saw in a
WhatsApp group), read through the Bot API as the telegram source reads channel posts.

Docs (https://core.telegram.org/bots/api): #getupdates (``offset``, ``allowed_updates``),
#message (``from``, ``chat``, ``text``, ``caption``, ``entities``, ``photo``, ``document``),
#photosize (``file_size``), #getfile and the download address
``<api>/file/bot<token>/<file_path>``, #sendmessage (``reply_parameters``),
#deep-linking (``/start <payload>``: A-Z, a-z, 0-9, _ and -, up to 64 characters).

The backend reads and never decides: it returns every private message as a ``BotMessage``
(its sender's Telegram id, its text, links and photo), because whether the sender is a
member is the database's to say. The tipline's service (``monitoring.tipline``, named by
``stored_by``) keeps the linked members' messages as tips, drops the others unstored, and
answers each sender through ``send_message`` once its batch is stored.

Only private chats are read: in a group the bot was added to, people talk among themselves.
A photo is the largest size Telegram offers, fetched with ``getFile`` and read up to
``max_photo_bytes``; one that is larger, or not an image, is left out of its message (a
``Problem`` on the source, and the sender is told), so one photo cannot stop the tipline.
Without a token the tipline takes tips through the form only and a poll reads nothing.
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

import httpx
from django.utils.translation import gettext as _

from itcell.core.errors import Problem
from itcell.monitoring.errors import Malformed, Misconfigured, TooLarge, Unreachable
from itcell.monitoring.sources.base import Batch, Cursor
from itcell.monitoring.sources.http import read_body
from itcell.monitoring.sources.telegram import (
    DEFAULT_MAX_BYTES,
    TELEGRAM_URL,
    TelegramSource,
    in_order,
    update_named,
)
from itcell.publishing.connectors.http import tls_context

MAX_PHOTO_BYTES = 5 * 1024 * 1024  # as the tip form's screenshots
# Photos are held in memory until the batch is stored: a short page bounds a poll's memory.
LIMIT = 20
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
START = re.compile(r"^/start(?:@\w+)?(?:\s+(\S*))?\s*$")


@dataclass(frozen=True)
class BotMessage:
    """One private message to the bot, as the Bot API said it."""

    update_id: int
    chat_id: int
    message_id: int
    sender_id: int  # the Telegram user, whom ``TelegramLink`` ties to a member
    sent_at: datetime
    text: str = ""  # the text, or the photo's caption
    links: tuple[str, ...] = ()  # the addresses in the text, in order
    photo: bytes | None = None
    photo_refused: str = ""  # why a photo sent was left out, for the sender
    start: str | None = None  # "/start CODE": the code ("" for a bare /start)
    language: str = ""  # the sender's app language ("hi", "en"...), for the answer


@dataclass(frozen=True)
class BotMessages(Batch):
    """A batch of the tipline bot: no items (the service makes them), its messages."""

    messages: Sequence[BotMessage] = field(default=())


class _PhotoRefused(Exception):
    pass


class TiplineSource(TelegramSource):
    platform = "tipline"
    default_interval = timedelta(minutes=1)
    #: The service that stores this backend's batches in place of ``services.ingest``.
    stored_by = "itcell.monitoring.tipline.receive_messages"

    def __init__(
        self,
        *,
        token: str = "",
        username: str = "",
        api_url: str = TELEGRAM_URL,
        timeout: float = 20.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_photo_bytes: int = MAX_PHOTO_BYTES,
        transport: Any = None,  # tests may pass an httpx transport
    ) -> None:
        if username and not USERNAME.fullmatch(username.removeprefix("@")):
            raise Misconfigured(
                _("the username must be the bot's @username as @BotFather shows it")
            )
        #: False: no bot; the tipline takes tips through the form only.
        self.has_bot = bool(token)
        # The telegram source checks the token's shape; a tipline without a bot has none.
        super().__init__(
            token=token or "0:no-bot",
            api_url=api_url,
            timeout=timeout,
            max_bytes=max_bytes,
            transport=transport,
        )
        self.username = username.removeprefix("@")
        self.max_photo_bytes = max_photo_bytes

    def fetch(self, cursor: Cursor) -> BotMessages:
        if not self.has_bot:
            return BotMessages(items=(), cursor=cursor)
        messages: list[BotMessage] = []
        problems: list[Problem] = []
        updates, next_offset = self._updates(
            cursor, kinds=("message",), limit=LIMIT, problems=problems
        )
        for position, update_id, update in updates:
            named = update_named(update_id)
            try:
                message = self._message(update_id, update.get("message"))
            except ValueError as exc:
                problems.append(Problem(str(exc), named, position))
                continue
            if message is not None:
                if message.photo_refused:
                    problems.append(Problem(message.photo_refused, named, position))
                messages.append(message)
        return BotMessages(
            items=(), cursor=next_offset, problems=in_order(problems), messages=messages
        )

    def send_message(self, *, chat_id: int, text: str, reply_to: int | None = None) -> None:
        """Answer a sender (sendMessage); a ``SourceError`` when Telegram refuses."""
        body: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if reply_to is not None:
            body["reply_parameters"] = {
                "message_id": reply_to,
                "allow_sending_without_reply": True,
            }
        self._call("POST", "sendMessage", payload=body)

    # Reading ---------------------------------------------------------------------------

    def _message(self, update_id: int, message: Any) -> BotMessage | None:
        """The private message of one update; None for another kind of update or chat;
        ValueError (its message for people) for a message that cannot be read."""
        if message is None:
            return None
        if not isinstance(message, dict):
            raise ValueError(_("the message is not an object"))
        chat, sender = message.get("chat"), message.get("from")
        if not isinstance(chat, dict) or not _is_int(chat.get("id")):
            raise ValueError(_("the message has no chat id"))
        if chat.get("type") != "private":
            return None  # a group the bot was added to: not a tip
        if not isinstance(sender, dict) or not _is_int(sender.get("id")):
            raise ValueError(_("the message has no sender"))
        message_id, date = message.get("message_id"), message.get("date")
        if not _is_int(message_id):
            raise ValueError(_("the message has no message_id"))
        if not _is_int(date) or date < 0:
            raise ValueError(_("the message has no valid date"))
        text = message.get("text") or message.get("caption") or ""
        if not isinstance(text, str):
            raise ValueError(_("the message's text is not a string"))
        entities = message.get("entities") or message.get("caption_entities") or []
        start = START.match(text.strip())
        photo, refused = None, ""
        file_id = _largest_image(message)
        if file_id:
            try:
                photo = self._download(file_id)
            except _PhotoRefused as exc:
                refused = str(exc)
        language = sender.get("language_code")
        return BotMessage(
            update_id=update_id,
            chat_id=chat["id"],
            message_id=message_id,
            sender_id=sender["id"],
            sent_at=datetime.fromtimestamp(date, tz=UTC),
            text=text.strip(),
            links=_links(text, entities),
            photo=photo,
            photo_refused=refused,
            start=(start.group(1) or "") if start else None,
            language=language if isinstance(language, str) else "",
        )

    def _download(self, file_id: str) -> bytes:
        """The file's bytes (getFile, then the download address); ``_PhotoRefused`` for a
        photo the tipline will not keep, a ``SourceError`` when Telegram cannot be read."""
        too_big = _("the photo is larger than %(limit)s MB and was left out") % {
            "limit": self.max_photo_bytes // (1024 * 1024)
        }
        found = self._call("GET", "getFile", params={"file_id": file_id}, refused_as=too_big)
        if not isinstance(found, dict) or not isinstance(found.get("file_path"), str):
            raise Malformed(_("Telegram's answer to getFile has no file_path"))
        size = found.get("file_size")
        if _is_int(size) and size > self.max_photo_bytes:
            raise _PhotoRefused(too_big)
        address = f"{self.api_url}/file/bot{self.token}/{found['file_path'].lstrip('/')}"
        try:
            with (
                self._client() as client,
                client.stream("GET", address) as response,
            ):
                if not response.is_success:
                    self._raise_for(response.status_code, None)
                body = read_body(
                    response,
                    self.max_photo_bytes,
                    announced=lambda _size: too_big,
                    overflowed=lambda: too_big,
                )
        except TooLarge as exc:
            raise _PhotoRefused(too_big) from exc
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from None  # its request's URL holds the token
        if image_type(body) is None:
            raise _PhotoRefused(
                _("the file sent is not a PNG, JPEG or WebP image and was left out")
            )
        return body

    def _call(
        self,
        verb: str,
        method: str,
        *,
        params: dict[str, Any] | None = None,
        payload: dict[str, Any] | None = None,
        refused_as: str = "",
    ) -> Any:
        """One Bot API method's ``result``; with ``refused_as``, a 400 (Telegram's "file is
        too big") is ``_PhotoRefused(refused_as)`` instead of an error of the source."""
        try:
            with (
                self._client() as client,
                client.stream(
                    verb, f"{self.api_url}/bot{self.token}/{method}", params=params, json=payload
                ) as response,
            ):
                body = self._read(response)
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from None
        try:
            answer = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            answer = None
        if not response.is_success or not isinstance(answer, dict) or answer.get("ok") is not True:
            if refused_as and isinstance(answer, dict) and answer.get("error_code") == 400:
                raise _PhotoRefused(refused_as)
            self._raise_for(response.status_code, answer)
        return answer.get("result") if isinstance(answer, dict) else None

    def _client(self) -> httpx.Client:
        return httpx.Client(
            timeout=self.timeout,
            transport=self.transport,
            follow_redirects=False,
            verify=tls_context(),
        )


def image_type(data: bytes) -> str | None:
    """The image's MIME type by its first bytes (PNG, JPEG, WebP), None for anything else:
    a file's name and its sender's word for its type prove nothing."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _largest_image(message: dict[str, Any]) -> str:
    """The file id of the message's image: its photo's largest size, or a PNG, JPEG or WebP
    sent as a file (a screenshot sent uncompressed); "" when it has none."""
    sizes = message.get("photo")
    if isinstance(sizes, list):
        usable = [
            s
            for s in sizes
            if isinstance(s, dict) and isinstance(s.get("file_id"), str) and s["file_id"]
        ]
        if usable:
            largest = max(usable, key=lambda s: _area(s))
            return str(largest["file_id"])
    document = message.get("document")
    if (
        isinstance(document, dict)
        and document.get("mime_type") in IMAGE_TYPES
        and isinstance(document.get("file_id"), str)
    ):
        return str(document["file_id"])
    return ""


def _area(size: dict[str, Any]) -> int:
    width, height = size.get("width"), size.get("height")
    return width * height if _is_int(width) and _is_int(height) else 0


def _links(text: str, entities: Any) -> tuple[str, ...]:
    """The addresses a message carries: its ``url`` entities (offsets in UTF-16 code units,
    as the Bot API counts them) and its ``text_link`` entities' hidden addresses."""
    found: list[str] = []
    units = text.encode("utf-16-le")
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict):
            continue
        if entity.get("type") == "text_link" and isinstance(entity.get("url"), str):
            found.append(entity["url"])
        elif entity.get("type") == "url":
            offset, length = entity.get("offset"), entity.get("length")
            if _is_int(offset) and _is_int(length) and offset >= 0 and length > 0:
                piece = units[offset * 2 : (offset + length) * 2].decode("utf-16-le", "replace")
                found.append(piece if "://" in piece else f"https://{piece}")
    return tuple(dict.fromkeys(link for link in found if link.startswith(("http://", "https://"))))


def _unreachable(exc: httpx.HTTPError) -> Unreachable:
    if isinstance(exc, httpx.TimeoutException):
        return Unreachable(
            _("Telegram did not answer in time (%(error)s)") % {"error": type(exc).__name__}
        )
    return Unreachable(
        _("Telegram could not be reached (%(error)s)") % {"error": type(exc).__name__}
    )
