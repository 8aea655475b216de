"""Public Telegram channels, read through the Bot API as a bot the channel has added.

Docs (https://core.telegram.org/bots/api): #getupdates, #update (``channel_post``,
``edited_channel_post``), #message, #making-requests (``{"ok": false, "error_code": N,
"description": ...}``), #responseparameters (``retry_after``).

A channel's admin adds the cell's bot to the channel (public channels the party runs, or
follows with their permission); Telegram then queues every post as a ``channel_post`` update
for the bot, kept for 24 hours. Each poll is one short ``getUpdates`` from the cursor's
``offset``; calling it with an offset confirms (and drops) every earlier update, so a poll
whose batch is not stored reads the same updates again next time. The same bot can watch
several channels: ``channels`` keeps the ones this source is for. A bot with a webhook cannot
be polled (409), so monitoring wants a bot of its own, not the publishing one.

The bot token sits in every URL (``/bot<token>/getUpdates``): errors are built without the
URL and leave this module without their httpx cause, and the platform's words are searched
for the token before they are kept.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from django.utils.translation import gettext as _

from itcell.core.errors import Problem
from itcell.monitoring.errors import Malformed, Misconfigured, RateLimited, Unreachable
from itcell.monitoring.sources.base import Batch, Cursor, RawItem, SourceBackend
from itcell.monitoring.sources.http import read_body
from itcell.publishing.connectors.http import tls_context

TELEGRAM_URL = "https://api.telegram.org"
DEFAULT_TIMEOUT = 20.0  # seconds, for connecting and between two chunks of the answer
DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # 100 updates of 4096 characters are well under 2 MB
LIMIT = 100  # the Bot API's largest page of updates
UPDATE_KINDS = ("channel_post", "edited_channel_post")
WHERE = "getUpdates"  # names the answer in a Problem; never the URL, which holds the token


def in_order(problems: list[Problem]) -> list[Problem]:
    """The problems of a page of updates in the order of the updates."""
    return sorted(problems, key=lambda problem: problem.row or 0)


def update_named(update_id: int) -> str:
    """One update, named in a Problem."""
    return _("getUpdates, update %(id)s") % {"id": update_id}


class TelegramSource(SourceBackend):
    platform = "telegram"
    # The Bot API's Message has no view count (MTProto has); ``views`` is kept if one is sent.
    supports_engagement = False
    default_interval = timedelta(minutes=2)

    def __init__(
        self,
        *,
        token: str,
        api_url: str = TELEGRAM_URL,
        channels: Sequence[str | int] = (),
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        author_kind: str = "public",
        transport: Any = None,  # tests may pass an httpx transport
    ) -> None:
        if not isinstance(token, str) or ":" not in token:
            raise Misconfigured(
                _(
                    "the token must be a bot token as @BotFather gives it "
                    "(digits, a colon, then letters)"
                )
            )
        if not api_url.startswith(("http://", "https://")):
            raise Misconfigured(_("the api_url must start with http:// or https://"))
        if isinstance(channels, str | int):
            channels = [channels]
        self.token = token
        self.api_url = api_url.rstrip("/")
        self.channels = {_channel_key(c) for c in channels}
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.author_kind = author_kind
        self.transport = transport

    def fetch(self, cursor: Cursor) -> Batch:
        items: list[RawItem] = []
        problems: list[Problem] = []
        updates, next_offset = self._updates(
            cursor, kinds=UPDATE_KINDS, limit=LIMIT, problems=problems
        )
        for position, update_id, update in updates:
            post = update.get("channel_post") or update.get("edited_channel_post")
            if post is None:
                continue  # another kind of update (a message to the bot): not for monitoring
            try:
                item = self._item(post)
            except ValueError as exc:
                problems.append(Problem(str(exc), update_named(update_id), position))
                continue
            if item is not None:
                items.append(item)
        return Batch(items=items, cursor=next_offset, problems=in_order(problems))

    def _updates(
        self, cursor: Cursor, *, kinds: Sequence[str], limit: int, problems: list[Problem]
    ) -> tuple[list[tuple[int, int, dict[str, Any]]], int | None]:
        """The updates after ``cursor`` (a short poll: the scheduler, not the request, waits)
        as (position, update id, update), and the offset to resume from; an update without
        an id is reported in ``problems`` and skipped."""
        params: dict[str, str | int] = {
            "limit": limit,
            "timeout": 0,
            "allowed_updates": json.dumps(list(kinds)),
        }
        if isinstance(cursor, int) and not isinstance(cursor, bool):
            params["offset"] = cursor
        found = []
        next_offset = cursor if isinstance(cursor, int) else None
        for position, update in enumerate(self._get_updates(params), start=1):
            update_id = update.get("update_id") if isinstance(update, dict) else None
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                problems.append(Problem(_("the update has no update_id"), WHERE, position))
                continue
            next_offset = max(next_offset or 0, update_id + 1)
            found.append((position, update_id, update))
        return found, next_offset

    def _get_updates(self, params: dict[str, str | int]) -> list[Any]:
        client = httpx.Client(
            timeout=self.timeout,
            transport=self.transport,
            follow_redirects=False,
            verify=tls_context(),
        )
        try:
            with (
                client,
                client.stream(
                    "GET", f"{self.api_url}/bot{self.token}/getUpdates", params=params
                ) as response,
            ):
                body = self._read(response)
        except httpx.TimeoutException as exc:
            raise Unreachable(
                _("Telegram did not answer within %(seconds)ss (%(error)s)")
                % {"seconds": self.timeout, "error": type(exc).__name__}
            ) from None  # the httpx error holds the request, whose URL holds the token
        except httpx.HTTPError as exc:  # no connection, a dropped one, a broken answer
            raise Unreachable(
                _("Telegram could not be reached (%(error)s)") % {"error": type(exc).__name__}
            ) from None
        try:
            answer = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            answer = None
        if not response.is_success or not isinstance(answer, dict) or answer.get("ok") is not True:
            self._raise_for(response.status_code, answer)
        result = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(result, list):
            raise Malformed(_("Telegram's answer to getUpdates has no list of updates"))
        return result

    def _read(self, response: httpx.Response) -> bytes:
        return read_body(
            response,
            self.max_bytes,
            announced=lambda size: (
                _("Telegram announced %(size)s bytes, limit %(limit)s")
                % {"size": size, "limit": self.max_bytes}
            ),
            overflowed=lambda: (
                _("over %(limit)s bytes read from Telegram") % {"limit": self.max_bytes}
            ),
        )

    def _raise_for(self, status: int, answer: Any) -> None:
        """Raise what a Bot API error answer (or a proxy's page in its place) means."""
        if not isinstance(answer, dict) or answer.get("ok") is not False:
            if status == 429:
                raise RateLimited(f"HTTP {status}")
            if status >= 500:
                raise Unreachable(_("Telegram answered HTTP %(status)s") % {"status": status})
            raise Malformed(
                _("Telegram's answer (HTTP %(status)s) is not Bot API JSON") % {"status": status}
            )
        code = answer.get("error_code", status)
        said = self._hide_token(str(answer.get("description") or f"HTTP {status}"))
        if code == 401:
            raise Misconfigured(
                _(
                    "the bot token was refused (%(said)s): create a new token with @BotFather "
                    "and set it on the source"
                )
                % {"said": said}
            )
        if code == 404:  # a token of the wrong shape makes every method "Not Found"
            raise Misconfigured(
                _("Telegram does not know this bot token (%(said)s): check the token")
                % {"said": said}
            )
        if code == 409:
            raise Misconfigured(
                _(
                    "the bot has a webhook set, so its updates cannot be polled (%(said)s): "
                    "give monitoring a bot of its own, or remove the webhook with deleteWebhook"
                )
                % {"said": said}
            )
        if code == 429:
            parameters = answer.get("parameters")
            seconds = parameters.get("retry_after") if isinstance(parameters, dict) else None
            raise RateLimited(said, float(seconds) if isinstance(seconds, int | float) else None)
        if isinstance(code, int) and code >= 500:
            raise Unreachable(said)
        raise Misconfigured(
            _("Telegram refused the request (%(said)s): check the source's options")
            % {"said": said}
        )

    def _item(self, post: Any) -> RawItem | None:
        """The item for one channel post, None for a channel this source does not keep;
        ValueError (its message for people) for a post that cannot be read."""
        if not isinstance(post, dict):
            raise ValueError(_("the channel post is not an object"))
        chat = post.get("chat")
        message_id = post.get("message_id")
        date = post.get("date")
        if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
            raise ValueError(_("the channel post has no chat id"))
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise ValueError(_("the channel post has no message_id"))
        if not isinstance(date, int) or isinstance(date, bool) or date < 0:
            raise ValueError(_("the channel post has no valid date"))
        username = chat.get("username") if isinstance(chat.get("username"), str) else ""
        if self.channels and not (
            _channel_key(chat["id"]) in self.channels
            or (username and _channel_key(username) in self.channels)
        ):
            return None
        text = post.get("text") or post.get("caption") or ""
        if not isinstance(text, str) or not text.strip():
            # A photo or sticker without a caption says nothing the pipeline can read.
            return None
        views = post.get("views")
        return RawItem(
            external_id=f"{chat['id']}:{message_id}",
            text=text.strip(),
            published_at=datetime.fromtimestamp(date, tz=UTC),
            url=f"https://t.me/{username}/{message_id}" if username else "",
            author=str(chat.get("title") or username or chat["id"]),
            author_kind=self.author_kind,
            views=views if isinstance(views, int) and not isinstance(views, bool) else None,
        )

    def _hide_token(self, text: str) -> str:
        return text.replace(self.token, "<hidden>")[:300]


def _channel_key(channel: str | int) -> str:
    """A channel as ``channels`` names it ("@BiharNews", "BiharNews", -1001234567890) and as
    a chat says it, compared alike: usernames are case-insensitive on Telegram."""
    return str(channel).strip().removeprefix("@").lower()
